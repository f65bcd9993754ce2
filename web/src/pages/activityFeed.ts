import type { CounterSnapshot } from '../client';
import { clockTime } from './counterView';

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
  #previous: CounterSnapshot | undefined;
  // Rise per whole second (epoch seconds → amount), trimmed to the window.
  readonly #perSecond = new Map<number, number>();

  constructor(elements: ActivityFeedElements, now: () => number = Date.now) {
    this.#elements = elements;
    this.#now = now;
    this.#drawSparkline();
  }

  /** Called with every snapshot the page shows (already newest-first by version). */
  record(snapshot: CounterSnapshot): void {
    const previous = this.#previous;
    this.#previous = snapshot;
    // The first value is where the page starts, not activity.
    if (previous === undefined) return;

    const rise = snapshot.value - previous.value;
    if (rise > 0) {
      const second = Math.floor(this.#now() / 1000);
      this.#perSecond.set(second, (this.#perSecond.get(second) ?? 0) + rise);
    }
    this.#prepend(snapshot, rise);
    this.#drawSparkline();
  }

  /** Redraws the sparkline so it scrolls even while nothing happens; call once a second. */
  tick(): void {
    this.#drawSparkline();
  }

  #prepend(snapshot: CounterSnapshot, rise: number): void {
    const { list, emptyNote } = this.#elements;
    const item = document.createElement('li');
    const when = document.createElement('time');
    const at = snapshot.updatedAt === null ? new Date(this.#now()) : new Date(snapshot.updatedAt);
    when.dateTime = at.toISOString();
    when.textContent = clockTime(at);
    const change = document.createElement('span');
    change.className = rise > 0 ? 'rise' : 'reset';
    // A drop only happens when an in-memory server restarted and lost its counters.
    change.textContent = rise > 0 ? `+${rise}` : 'reset';
    const value = document.createElement('span');
    value.className = 'to';
    value.textContent = `→ ${snapshot.value}`;
    item.append(when, change, value);
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
