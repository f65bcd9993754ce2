import type { ShownCounter } from '../client';
import { clockTime } from './counterView';
import { byRole, byTestId } from './elements';

/**
 * The counter page's picture of recent activity: the last few updates as a list, and how much the
 * counter rose in each of the last 60 seconds as a sparkline.
 */
export interface ActivityFeedElements {
  readonly list: HTMLOListElement;
  readonly sparkline: SVGSVGElement;
  readonly rate: HTMLElement;
  readonly emptyNote: HTMLElement;
}

const LIST_LENGTH = 8;
const WINDOW_SECONDS = 60;
const SVG_NS = 'http://www.w3.org/2000/svg';

export class ActivityFeed {
  readonly #elements: ActivityFeedElements;
  readonly #now: () => number;
  #previous: ShownCounter | undefined;
  // Rise per whole second (epoch seconds → amount), trimmed to the window.
  readonly #perSecond = new Map<number, number>();

  constructor(elements: ActivityFeedElements, now: () => number = Date.now) {
    this.#elements = elements;
    this.#now = now;
    this.#drawSparkline();
  }

  /** The feed on the counter page's own elements (counter/index.html). */
  static onPage(root: ParentNode = document): ActivityFeed {
    return new ActivityFeed({
      list: byTestId<HTMLOListElement>('recent-activity', root),
      sparkline: byTestId('activity-sparkline', root) as unknown as SVGSVGElement,
      rate: byRole('rate', root),
      emptyNote: byRole('no-activity', root),
    });
  }

  /** Called with every change of what the page shows: the merged counter (laneMerge.ts). */
  record(counter: ShownCounter): void {
    const previous = this.#previous;
    this.#previous = counter;
    // The first value is where the page starts, not activity.
    if (previous === undefined) return;

    const rise = counter.value - previous.value;
    // One update may hold several increments (broadcasts are conflated per commit, and one message
    // may bring news of several lanes), each its own version. Going back in either only happens
    // when an in-memory server restarted and lost its counters: a reset, not activity.
    const increments = counter.version - previous.version;
    // Only the time moved: a later time for lanes already counted is no activity.
    if (rise === 0 && increments === 0) return;
    const isReset = rise <= 0 || increments <= 0;
    if (!isReset) {
      const second = Math.floor(this.#now() / 1000);
      this.#perSecond.set(second, (this.#perSecond.get(second) ?? 0) + rise);
    }
    this.#prepend(counter, isReset ? undefined : { rise, increments });
    this.#drawSparkline();
  }

  /** Redraws the sparkline so it scrolls even while nothing happens; call once a second. */
  tick(): void {
    this.#drawSparkline();
  }

  /** `change` undefined is a reset. */
  #prepend(counter: ShownCounter, change: { rise: number; increments: number } | undefined): void {
    const { list, emptyNote } = this.#elements;
    const item = document.createElement('li');
    const when = document.createElement('time');
    const at = counter.updatedAt === null ? new Date(this.#now()) : new Date(counter.updatedAt);
    when.dateTime = at.toISOString();
    when.textContent = clockTime(at);
    const amount = document.createElement('span');
    amount.className = change === undefined ? 'reset' : 'rise';
    amount.textContent = change === undefined ? 'reset' : `+${change.rise}`;
    const value = document.createElement('span');
    value.className = 'to';
    value.textContent = `→ ${counter.value}`;
    // The spaces keep the parts separate words for screen readers; grid layout ignores them.
    item.append(when, ' ', amount, ' ');
    if (change !== undefined && change.increments > 1) {
      const note = document.createElement('small');
      note.className = 'increments';
      note.textContent = `${change.increments} increments`;
      item.append(note, ' ');
    }
    item.append(value);
    list.prepend(item);
    while (list.children.length > LIST_LENGTH) list.lastElementChild?.remove();
    emptyNote.hidden = true;
  }

  #drawSparkline(): void {
    const { sparkline, rate } = this.#elements;
    const nowSecond = Math.floor(this.#now() / 1000);
    const oldest = nowSecond - WINDOW_SECONDS + 1;
    for (const second of this.#perSecond.keys()) if (second < oldest) this.#perSecond.delete(second);

    const rises = Array.from({ length: WINDOW_SECONDS }, (_, i) => this.#perSecond.get(oldest + i) ?? 0);
    const peak = Math.max(1, ...rises);
    const bars = rises.map((amount, i) => {
      const bar = document.createElementNS(SVG_NS, 'rect');
      const height = amount === 0 ? 0.4 : Math.max(1.5, (amount / peak) * 20);
      bar.setAttribute('x', String(i + 0.1));
      bar.setAttribute('y', String(20 - height));
      bar.setAttribute('width', '0.8');
      bar.setAttribute('height', String(height));
      if (amount === 0) bar.setAttribute('class', 'idle');
      return bar;
    });
    sparkline.replaceChildren(...bars);

    const lastMinute = rises.reduce((sum, amount) => sum + amount, 0);
    rate.textContent = lastMinute === 0 ? 'now' : `now · +${lastMinute} in the last minute`;
  }
}
