// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { includePartials } from '../partials/include';
import { ActivityFeed } from '../src/pages/activityFeed';
import { bootCounterPage } from '../src/pages/boot';
import { counterView } from '../src/pages/counterView';
import { byRole, byTestId } from '../src/pages/elements';
import { pageUrl, pointPageLinks } from '../src/pages/pageLinks';
import { LiveCounter } from '../src/client/liveCounter';
import { fakeApi, FakeHub, FakeNetwork, lanePayload, shown, snapshot, timeOf } from './fakes';

// Not new URL(…, import.meta.url): under happy-dom, URL is the DOM's and file: paths come out wrong.
const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Loads one of the real page files, with its partials as Vite puts them in, into the test document, as if served at `url`. */
function openPage(file: string, url: string): void {
  const html = includePartials(readFileSync(resolve(webRoot, file), 'utf8'), webRoot);
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
  // Only the metadata and the body: happy-dom would try to fetch scripts and stylesheets.
  document.head.innerHTML = (html.match(/<meta [^>]*>/g) ?? []).join('');
  document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)![1]!;
}

afterEach(() => {
  document.head.innerHTML = '';
  document.body.innerHTML = '';
});

describe('counter page view', () => {
  it('shows nothing (not 0) as your total until this visitor increments', () => {
    openPage('counter/index.html', 'https://example.test/counter/');
    const view = counterView();
    expect(byTestId('your-total').textContent).toBe('');
    view.showYourTotal(3);
    expect(byTestId('your-total').textContent).toBe('3');
    expect(byRole('your-total-row').hidden).toBe(false);
    view.showYourTotal(undefined);
    expect(byTestId('your-total').textContent).toBe('');
  });

  it('shows the connection state as exactly one word, and marks the dot with it', () => {
    openPage('counter/index.html', 'https://example.test/counter/');
    const view = counterView();
    for (const state of ['connecting', 'live', 'reconnecting', 'offline'] as const) {
      view.showState(state);
      expect(byTestId('connection-status').textContent).toBe(state);
      expect(byRole('status').dataset.state).toBe(state);
    }
  });

  it('shows the value as plain digits in a polite live region, with version and time', () => {
    openPage('counter/index.html', 'https://example.test/counter/');
    const view = counterView();
    const value = byTestId('counter-value');
    expect(value.textContent).toBe('');
    view.showCounter({ value: 12345, version: 77, updatedAt: '2026-01-01T12:00:00Z' });
    expect(value.textContent).toBe('12345');
    expect(value.closest('[aria-live]')?.getAttribute('aria-live')).toBe('polite');
    expect(byTestId('counter-version').textContent).toBe('77');
    expect(byTestId('counter-updated-at').getAttribute('datetime')).toBe('2026-01-01T12:00:00Z');
    view.showCounter({ value: 0, version: 0, updatedAt: null });
    expect(byTestId('counter-updated-at').textContent).toBe('never');
  });

  it('lists the last eight updates, newest first', () => {
    openPage('counter/index.html', 'https://example.test/counter/');
    const feed = ActivityFeed.onPage();
    for (let version = 0; version <= 12; version++) feed.record(snapshot(version, version * 2));
    const items = Array.from(byTestId('recent-activity').children, (li) => li.textContent);
    expect(items).toHaveLength(8);
    expect(items[0]).toContain('+2');
    expect(items[0]).toContain('→ 24');
    expect(byTestId('activity-sparkline').children).toHaveLength(60);
  });

  it('shows a conflated update as one entry that says how many increments it held', () => {
    openPage('counter/index.html', 'https://example.test/counter/');
    const feed = ActivityFeed.onPage();
    feed.record(snapshot(10, 10));
    feed.record(snapshot(15, 27)); // one commit of 5 increments
    feed.record(snapshot(16, 28));
    feed.record(snapshot(2, 30)); // a restarted server: the version went back, the value did not

    const items = Array.from(byTestId('recent-activity').children);
    const note = (li: Element) => li.querySelector('.increments')?.textContent;
    expect(items).toHaveLength(3);
    expect(items[2]!.querySelector('.rise')?.textContent).toBe('+17');
    expect(note(items[2]!)).toBe('5 increments');
    expect(items[2]!.textContent).toMatch(/\+17\s+5 increments\s+→ 27/);
    expect(items[1]!.querySelector('.rise')?.textContent).toBe('+1');
    expect(note(items[1]!)).toBeUndefined();
    expect(items[0]!.querySelector('.reset')?.textContent).toBe('reset');
    expect(note(items[0]!)).toBeUndefined();
    expect(byRole('rate').textContent).toBe('now · +18 in the last minute');
  });
});

describe('the activity feed follows the merged counter', () => {
  const feedOnPage = () => {
    openPage('counter/index.html', 'https://example.test/counter/');
    return ActivityFeed.onPage();
  };
  // Each entry without its clock time: what changed, how many increments when more than one, the value.
  const entries = () =>
    Array.from(byTestId('recent-activity').children, (li) =>
      ['.rise, .reset', '.increments', '.to'].flatMap((part) => li.querySelector(part)?.textContent ?? []).join(' '),
    );

  it('adds no entry for an update that only moves the time', () => {
    const feed = feedOnPage();
    feed.record(shown(3));
    feed.record(shown(4));
    feed.record({ ...shown(4), updatedAt: '2026-01-01T00:01:00.000Z' });
    expect(entries()).toEqual(['+1 → 4']);
  });

  it('lists, on a page fed by two instances at once, only rises, adding up to the exact total', async () => {
    vi.useFakeTimers();
    try {
      const feed = feedOnPage();
      const hub = new FakeHub();
      hub.startOutcomes.push('conn-1');
      const api = fakeApi();
      api.getCounter.mockResolvedValue(lanePayload({}));
      const live = new LiveCounter({ name: 'votes', api, hub, network: new FakeNetwork(), onCounter: (c) => feed.record(c) });
      live.start();
      await vi.advanceTimersByTimeAsync(0);

      // Three increments through each instance at the same instant; each message counts the other lane as last read.
      for (const message of [
        lanePayload({ a: [1, 1] }, timeOf(1)),
        lanePayload({ a: [2, 2] }, timeOf(2)),
        lanePayload({ a: [3, 3], b: [1, 1] }, timeOf(3)),
        lanePayload({ b: [1, 1] }, timeOf(1)),
        lanePayload({ a: [1, 1], b: [2, 2] }, timeOf(2)),
        lanePayload({ a: [2, 2], b: [3, 3] }, timeOf(3)),
      ]) {
        hub.send('counterUpdated', message);
      }

      expect(entries()).toEqual(['+1 → 6', '+1 → 5', '+2 2 increments → 4', '+1 → 2', '+1 → 1']);
      expect(byRole('rate').textContent).toBe('now · +6 in the last minute');
      await live.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('links between pages', () => {
  it('keep the counter name and work under a sub-path', () => {
    const root = new URL('https://example.test/apps/lc/');
    expect(pageUrl(root, 'increment/', 'votes')).toBe('https://example.test/apps/lc/increment/?name=votes');
    expect(pageUrl(root, '', 'votes')).toBe('https://example.test/apps/lc/?name=votes');
  });

  it('are rewritten on the page for its counter', () => {
    openPage('counter/index.html', 'https://example.test/apps/lc/counter/?name=votes');
    pointPageLinks(new URL('https://example.test/apps/lc/'), 'votes');
    expect(byTestId<HTMLAnchorElement>('increment-link').href).toBe('https://example.test/apps/lc/increment/?name=votes');
  });
});

describe('bootCounterPage', () => {
  it.each([
    ['counter/index.html', 'https://example.test/counter/?name=a_b'],
    ['increment/index.html', 'https://example.test/increment/?name=%D0%B0'],
  ])('%s with an invalid name explains it and connects nothing', async (file, url) => {
    openPage(file, url);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const page = await bootCounterPage({});
    expect(page).toBeNull();
    const error = byTestId('name-error');
    expect(error.hidden).toBe(false);
    expect(error.textContent).toMatch(/not a valid counter name/);
    expect(fetchSpy).not.toHaveBeenCalled();
    for (const section of document.querySelectorAll<HTMLElement>('[data-role="needs-name"]')) {
      expect(section.hidden).toBe(true);
    }
  });
});
