import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../src/client/connectionState';
import { LiveCounter } from '../src/client/liveCounter';
import type { ShownCounter } from '../src/client/laneMerge';
import type { CounterSnapshot } from '../src/client/messages';
import { ApiError } from '../src/client/problem';
import { fakeApi, FakeHub, FakeNetwork, lanePayload, shown, snapshot, timeOf } from './fakes';

function setup() {
  const hub = new FakeHub();
  const api = fakeApi();
  const network = new FakeNetwork();
  const states: ConnectionState[] = [];
  const displayed: ShownCounter[] = [];
  const totals: Array<number | undefined> = [];
  const live = new LiveCounter({
    name: 'votes',
    api,
    hub,
    network,
    random: () => 0, // shortest backoff: 500 ms, 1 s, 2 s, …
    onState: (state) => states.push(state),
    onCounter: (counter) => displayed.push(counter),
    onYourTotal: (total) => totals.push(total),
  });
  return { hub, api, network, live, states, displayed, totals };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

/** The connection is lost, and the page's restart one backoff step later (500 ms) gets `connectionId`. */
async function loseAndReconnect(hub: FakeHub, connectionId: string): Promise<void> {
  hub.startOutcomes.push(connectionId);
  hub.close();
  await vi.advanceTimersByTimeAsync(500);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveCounter connecting', () => {
  it('subscribes the connection, then catches up, then is live', async () => {
    const { hub, api, live, states, displayed } = setup();
    hub.startOutcomes.push('conn-1');
    api.getCounter.mockResolvedValue(snapshot(4, 40));
    live.start();
    await settle();

    expect(api.subscribe).toHaveBeenCalledWith('votes', 'conn-1');
    expect(api.subscribe.mock.invocationCallOrder[0]).toBeLessThan(api.getCounter.mock.invocationCallOrder[0]!);
    expect(displayed).toEqual([shown(4, 40)]);
    expect(states).toEqual(['connecting', 'live']);
    expect(live.state).toBe('live');
  });

  it('keeps trying when the server is down at load time, with growing delays', async () => {
    const { hub, live, states } = setup();
    hub.startOutcomes.push(new Error('down'), new Error('down'), new Error('down'), 'conn-1');
    live.start();
    await settle();
    expect(hub.start).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(499);
    expect(hub.start).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // 500 ms
    expect(hub.start).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000); // then 1 s
    expect(hub.start).toHaveBeenCalledTimes(3);
    expect(live.state).toBe('connecting');
    await vi.advanceTimersByTimeAsync(2000); // then 2 s
    expect(hub.start).toHaveBeenCalledTimes(4);
    expect(states).toEqual(['connecting', 'live']);
  });

  it('never gives up starting', async () => {
    const { hub, live } = setup();
    live.start();
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000); // an hour of a dead server
    const tries = hub.start.mock.calls.length;
    expect(tries).toBeGreaterThan(100);
    hub.startOutcomes.push('conn-1');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(live.state).toBe('live');
  });

  it('retries the subscription (404 after a restart) before going live', async () => {
    const { hub, api, live } = setup();
    hub.startOutcomes.push('conn-1');
    api.subscribe
      .mockRejectedValueOnce(new ApiError(404, 'Unknown connection.'))
      .mockRejectedValueOnce(new ApiError(0, 'network'))
      .mockResolvedValue(undefined);
    live.start();
    await settle();
    expect(live.state).toBe('connecting');
    expect(api.getCounter).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(api.subscribe).toHaveBeenCalledTimes(3);
    expect(api.subscribe.mock.calls.every(([, id]) => id === 'conn-1')).toBe(true);
    expect(api.getCounter).toHaveBeenCalledOnce();
    expect(live.state).toBe('live');
  });

  it('retries the catch-up read before going live', async () => {
    const { hub, api, live, displayed } = setup();
    hub.startOutcomes.push('conn-1');
    api.getCounter.mockRejectedValueOnce(new ApiError(503, 'busy')).mockResolvedValue(snapshot(2));
    live.start();
    await settle();
    expect(live.state).toBe('connecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(displayed).toEqual([shown(2)]);
    expect(live.state).toBe('live');
  });
});

describe('LiveCounter reconnecting', () => {
  it('re-subscribes with the new connection id and catches up after the connection is restored', async () => {
    const { hub, api, live, states, displayed } = setup();
    hub.startOutcomes.push('conn-1');
    api.getCounter.mockResolvedValueOnce(snapshot(5)).mockResolvedValueOnce(snapshot(9));
    live.start();
    await settle();

    hub.startOutcomes.push('conn-2');
    hub.close();
    expect(live.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500);

    expect(api.subscribe).toHaveBeenLastCalledWith('votes', 'conn-2');
    expect(displayed.at(-1)).toEqual(shown(9)); // the missed updates, caught up
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'live']);
  });

  it('shows the lower value of a restarted in-memory server and forgets the stale total', async () => {
    const { hub, api, live, displayed, totals } = setup();
    hub.startOutcomes.push('conn-1');
    api.getCounter.mockResolvedValueOnce(snapshot(40)).mockResolvedValueOnce(snapshot(0));
    live.start();
    await settle();
    hub.send('incrementApplied', { ...snapshot(41), by: 1, yourTotal: 3 });
    expect(live.yourTotal).toBe(3);

    await loseAndReconnect(hub, 'conn-2');

    expect(live.counter).toEqual(shown(0));
    expect(displayed.at(-1)).toEqual(shown(0));
    expect(live.yourTotal).toBeUndefined();
    expect(totals).toEqual([3, undefined]);
  });

  // The restart cases below: an in-memory server lost the visitor totals, and a GET carries none.
  const appliedTotal = (version: number, yourTotal: number) => ({ ...snapshot(version), by: 1, yourTotal });

  it('forgets the total when a restarted server is already past the old version at catch-up', async () => {
    const { hub, api, live, totals } = setup();
    hub.startOutcomes.push('conn-1');
    api.getCounter.mockResolvedValueOnce(snapshot(6)).mockResolvedValueOnce(snapshot(8));
    live.start();
    await settle();
    hub.send('incrementApplied', appliedTotal(6, 3));
    expect(live.yourTotal).toBe(3);

    await loseAndReconnect(hub, 'conn-2'); // the new server is at version 8 by now
    expect(live.counter).toEqual(shown(8));
    expect(live.yourTotal).toBeUndefined();

    live.acceptIncrement({ ...snapshot(9), by: 1, yourTotal: 1 }); // the next click
    expect(live.yourTotal).toBe(1);
    expect(totals).toEqual([3, undefined, 1]);
  });

  it("shows the restarted server's total for an increment answered during catch-up", async () => {
    const { hub, api, live, totals } = setup();
    hub.startOutcomes.push('conn-1');
    let answer: (s: CounterSnapshot) => void = () => {};
    api.getCounter.mockResolvedValueOnce(snapshot(6)).mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    live.start();
    await settle();
    hub.send('incrementApplied', appliedTotal(6, 3));

    await loseAndReconnect(hub, 'conn-2'); // subscribed; the catch-up read is still out
    live.acceptIncrement({ ...snapshot(1), by: 1, yourTotal: 1 }); // lower than 6, yet newer
    answer(snapshot(0)); // the read was served before that increment
    await settle();

    expect(live.counter).toEqual(shown(1));
    expect(live.yourTotal).toBe(1);
    expect(totals.at(-1)).toBe(1);
  });

  it('forgets the total when a restarted server reached the same version on another lane', async () => {
    const { hub, api, live } = setup();
    hub.startOutcomes.push('conn-1');
    api.getCounter
      .mockResolvedValueOnce(lanePayload({ 'lane-07': [6, 6] }, timeOf(6)))
      .mockResolvedValueOnce(lanePayload({ 'lane-19': [6, 6] }, timeOf(6)));
    live.start();
    await settle();
    hub.send('incrementApplied', { ...lanePayload({ 'lane-07': [6, 6] }), by: 1, yourTotal: 3 });

    await loseAndReconnect(hub, 'conn-2');
    expect(live.counter).toMatchObject({ value: 6, version: 6 });
    expect(live.yourTotal).toBeUndefined();
  });

  it('forgets the total when a restarted server reached the same lanes at another time', async () => {
    const { hub, api, live } = setup();
    hub.startOutcomes.push('conn-1');
    api.getCounter.mockResolvedValueOnce(snapshot(6)).mockResolvedValueOnce({ ...snapshot(6), updatedAt: timeOf(60) });
    live.start();
    await settle();
    hub.send('incrementApplied', appliedTotal(6, 3));

    await loseAndReconnect(hub, 'conn-2');
    expect(live.yourTotal).toBeUndefined();
  });

  it('keeps the total across a reconnect that missed nothing', async () => {
    const { hub, api, live, totals } = setup();
    hub.startOutcomes.push('conn-1');
    api.getCounter.mockResolvedValueOnce(snapshot(5)).mockResolvedValueOnce(snapshot(6));
    live.start();
    await settle();
    live.acceptIncrement({ ...snapshot(6), by: 1, yourTotal: 3 });

    await loseAndReconnect(hub, 'conn-2');
    expect(live.yourTotal).toBe(3);
    expect(totals).toEqual([3]);
  });

  it('keeps restarting a lost connection, with growing delays', async () => {
    const { hub, api, live, states } = setup();
    hub.startOutcomes.push('conn-1');
    live.start();
    await settle();

    hub.startOutcomes.push(new Error('still down'), 'conn-2');
    hub.close();
    expect(live.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500); // first restart attempt fails
    expect(hub.start).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(hub.start).toHaveBeenCalledTimes(3);
    expect(api.subscribe).toHaveBeenLastCalledWith('votes', 'conn-2');
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'live']);
  });

  it('costs a server that closes every connection at once one connection per 15 s, not one per 0.5 s', async () => {
    const { hub, api, live } = setup();
    hub.closesEveryConnection = true;
    live.start();
    await vi.advanceTimersByTimeAsync(5 * 60_000);

    // With the shortest jitter: starts at 0, 0.5, 1.5, 3.5, 7.5 and 15.5 s, then every 15 s.
    const atMost = 6 + (5 * 60) / 15;
    expect(hub.start.mock.calls.length).toBeLessThanOrEqual(atMost);
    expect(api.subscribe.mock.calls.length).toBeLessThanOrEqual(atMost);
    expect(api.getCounter.mock.calls.length).toBeLessThanOrEqual(atMost);

    hub.closesEveryConnection = false; // the server is fixed
    hub.startOutcomes.push('conn-stable');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(live.state).toBe('live');
  });

  /** Two connections lost as soon as they opened (restarted after 0.5 s, then 1 s), then one that stays up `upMs`. */
  async function flapTwiceThenHold(upMs: number) {
    const context = setup();
    const { hub, live } = context;
    hub.startOutcomes.push('conn-1', 'conn-2', 'conn-3');
    live.start();
    await settle();
    hub.close();
    await vi.advanceTimersByTimeAsync(500);
    hub.close();
    await vi.advanceTimersByTimeAsync(1000);
    expect(hub.start).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(upMs);
    hub.startOutcomes.push('conn-4');
    hub.close();
    return context;
  }

  it('starts the backoff over once a connection stayed up 30 s', async () => {
    const { hub, live } = await flapTwiceThenHold(30_000);
    await vi.advanceTimersByTimeAsync(500); // the first step again
    expect(hub.start).toHaveBeenCalledTimes(4);
    expect(live.state).toBe('live');
  });

  it('keeps the backoff growing after a connection that lasted less than 30 s', async () => {
    const { hub, live } = await flapTwiceThenHold(29_999);
    await vi.advanceTimersByTimeAsync(1999);
    expect(hub.start).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1); // the next step, 2 s
    expect(hub.start).toHaveBeenCalledTimes(4);
    expect(live.state).toBe('live');
  });

  it('abandons the subscription retries of a connection id that is gone', async () => {
    const { hub, api, live } = setup();
    hub.startOutcomes.push('conn-1');
    api.subscribe.mockImplementation(async (_name, id) => {
      if (id === 'conn-1') throw new ApiError(404, 'Unknown connection.');
    });
    live.start();
    await settle();
    await loseAndReconnect(hub, 'conn-2');
    await vi.advanceTimersByTimeAsync(60_000);

    const conn1Tries = api.subscribe.mock.calls.filter(([, id]) => id === 'conn-1').length;
    expect(conn1Tries).toBe(1);
    expect(live.state).toBe('live');
  });
});

describe('LiveCounter and a start that does not complete', () => {
  // A negotiate whose body stalls, or a WebSocket that never completes the SignalR handshake.

  it('gives up on a start after 15 s and tries again one backoff step later', async () => {
    const { hub, live, states } = setup();
    hub.stallStart();
    hub.startOutcomes.push('conn-2');
    live.start();

    await vi.advanceTimersByTimeAsync(15_000 + 499);
    expect(hub.start).toHaveBeenCalledTimes(1);
    expect(live.state).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1); // the first backoff step, 500 ms
    expect(hub.start).toHaveBeenCalledTimes(2);
    expect(live.state).toBe('live');
    expect(states).toEqual(['connecting', 'live']);
  });

  it('stops the start it gave up on, so that it does not connect beside the retry when it completes late', async () => {
    const { hub, api, live, states } = setup();
    const stalled = hub.stallStart();
    hub.startOutcomes.push('conn-2');
    live.start();
    await vi.advanceTimersByTimeAsync(15_000 + 500);
    expect(hub.openConnections).toEqual(['conn-2']);

    stalled.connect('conn-1'); // the stalled negotiate's body does come, after all
    await vi.advanceTimersByTimeAsync(60_000);

    expect(hub.openConnections).toEqual(['conn-2']);
    expect(api.subscribe.mock.calls).toEqual([['votes', 'conn-2']]);
    expect(hub.start).toHaveBeenCalledTimes(2);
    expect(states).toEqual(['connecting', 'live']);
  });

  it('takes no notice of a start it gave up on failing late', async () => {
    const { hub, live, states } = setup();
    const stalled = hub.stallStart();
    hub.startOutcomes.push('conn-2');
    live.start();
    await vi.advanceTimersByTimeAsync(15_000 + 500);

    stalled.fail();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(hub.start).toHaveBeenCalledTimes(2);
    expect(hub.openConnections).toEqual(['conn-2']);
    expect(states).toEqual(['connecting', 'live']);
  });

  it('counts a start that did not complete as a failed one: the next wait is longer', async () => {
    const { hub, live } = setup();
    hub.stallStart();
    hub.stallStart();
    hub.startOutcomes.push('conn-3');
    live.start();
    await vi.advanceTimersByTimeAsync(15_000 + 500 + 15_000); // two stalled starts, 500 ms apart
    expect(hub.start).toHaveBeenCalledTimes(2);

    await vi.advanceTimersByTimeAsync(999);
    expect(hub.start).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1); // the second backoff step, 1 s
    expect(hub.start).toHaveBeenCalledTimes(3);
    expect(live.state).toBe('live');
  });

  it('shows reconnecting while a restart after a loss does not complete, then live', async () => {
    const { hub, api, live, states } = setup();
    hub.startOutcomes.push('conn-1');
    live.start();
    await settle();
    hub.stallStart();
    hub.startOutcomes.push('conn-3');

    hub.close();
    await vi.advanceTimersByTimeAsync(500 + 15_000); // the restart, stalled until given up on
    expect(hub.start).toHaveBeenCalledTimes(2);
    expect(live.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000); // the next backoff step

    expect(hub.start).toHaveBeenCalledTimes(3);
    expect(api.subscribe).toHaveBeenLastCalledWith('votes', 'conn-3');
    expect(hub.openConnections).toEqual(['conn-3']);
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'live']);
  });

  it('tries no more once stopped while a start is stalled', async () => {
    const { hub, live } = setup();
    hub.stallStart();
    live.start();
    await settle();
    await live.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);

    expect(hub.start).toHaveBeenCalledOnce();
    expect(hub.openConnections).toEqual([]);
  });
});

describe('LiveCounter messages', () => {
  async function liveAt(version: number) {
    const context = setup();
    context.hub.startOutcomes.push('conn-1');
    context.api.getCounter.mockResolvedValue(snapshot(version));
    context.live.start();
    await settle();
    return context;
  }

  it('shows newer counterUpdated messages and ignores older, equal and foreign ones', async () => {
    const { hub, displayed } = await liveAt(5);
    hub.send('counterUpdated', snapshot(6));
    hub.send('counterUpdated', snapshot(6));
    hub.send('counterUpdated', snapshot(4));
    hub.send('counterUpdated', snapshot(99, 99, 'other'));
    hub.send('counterUpdated', { name: 'votes', value: 'NaN' });
    expect(displayed).toEqual([shown(5), shown(6)]);
  });

  it('does not let a late catch-up read undo a newer message', async () => {
    const { hub, api, live, displayed } = setup();
    hub.startOutcomes.push('conn-1');
    let answer: (s: CounterSnapshot) => void = () => {};
    api.getCounter.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    live.start();
    await settle();
    hub.send('counterUpdated', snapshot(8));
    answer(snapshot(7));
    await settle();
    expect(live.counter).toEqual(shown(8));
    expect(displayed).toEqual([shown(8)]);
  });

  it('reports the visitor total from incrementApplied, the highest total wins', async () => {
    const { hub, live, totals } = await liveAt(5);
    expect(live.yourTotal).toBeUndefined();
    hub.send('incrementApplied', { ...snapshot(7), by: 1, yourTotal: 2 });
    hub.send('incrementApplied', { ...snapshot(6), by: 1, yourTotal: 1 });
    hub.send('incrementApplied', { ...snapshot(60, 60, 'other'), by: 10, yourTotal: 50 });
    expect(totals).toEqual([2]);
  });

  it('feeds increment responses to the same replicas', async () => {
    const { hub, live, displayed, totals } = await liveAt(5);
    live.acceptIncrement({ ...snapshot(7), by: 2, yourTotal: 4 });
    hub.send('counterUpdated', snapshot(6)); // the broadcast of an earlier increment, late
    live.acceptIncrement({ ...snapshot(99, 99, 'other'), by: 1, yourTotal: 1 });
    expect(displayed).toEqual([shown(5), shown(7)]);
    expect(totals).toEqual([4]);
  });
});

describe('LiveCounter and several instances (lanes)', () => {
  async function liveOn(read: CounterSnapshot) {
    const context = setup();
    context.hub.startOutcomes.push('conn-1');
    context.api.getCounter.mockResolvedValue(read);
    context.live.start();
    await settle();
    return context;
  }

  it('shows the merge of the lanes, not the last message: the version and value it shows are the sums', async () => {
    const { hub, displayed } = await liveOn(lanePayload({}));
    hub.send('counterUpdated', lanePayload({ a: [5, 3] }, timeOf(3)));
    // Instance b last read lane a before its third commit: its message is stale there.
    hub.send('counterUpdated', lanePayload({ a: [2, 2], b: [4, 1] }, timeOf(4)));
    expect(displayed.at(-1)).toEqual({ value: 9, version: 4, updatedAt: timeOf(4) });
  });

  it('ends on the exact total when two instances commit three increments each at the same instant', async () => {
    const { hub, live, displayed } = await liveOn(lanePayload({}));
    // Each message counts its own lane exactly and the other lane as last read, before the other's commits landed.
    const delivered = [
      lanePayload({ a: [1, 1] }, timeOf(1)),
      lanePayload({ b: [1, 1] }, timeOf(1)),
      lanePayload({ a: [2, 2] }, timeOf(2)),
      lanePayload({ a: [1, 1], b: [2, 2] }, timeOf(2)),
      lanePayload({ a: [3, 3], b: [1, 1] }, timeOf(3)),
      lanePayload({ a: [2, 2], b: [3, 3] }, timeOf(3)),
    ];
    for (const message of delivered) hub.send('counterUpdated', message);

    expect(live.counter).toMatchObject({ value: 6, version: 6 });
    expect(delivered.at(-1)!.value).toBe(5); // what showing the last message would have left on the page
    const versions = displayed.map((c) => c.version);
    expect(versions).toEqual([...versions].sort((x, y) => x - y)); // never back
  });

  it('keeps the highest visitor total although a later increment through another instance carries a lower version', async () => {
    const { hub, live, totals } = await liveOn(lanePayload({ a: [8, 8] }));
    // Through instance a: its lane is at 10, lane b as last read.
    live.acceptIncrement({ ...lanePayload({ a: [10, 10] }), by: 1, yourTotal: 3 });
    // The next click, through instance b, which had not read lane a's last commits: version 8 < 10.
    hub.send('incrementApplied', { ...lanePayload({ a: [7, 7], b: [1, 1] }), by: 1, yourTotal: 4 });
    // A late replay of the first answer (idempotency key retried): the total it carries is older.
    live.acceptIncrement({ ...lanePayload({ a: [10, 10] }), by: 1, yourTotal: 3 });
    expect(live.yourTotal).toBe(4);
    expect(totals).toEqual([3, 4]);
  });

  it('shows a restarted server settled by the catch-up read, though it now writes to another lane', async () => {
    const { hub, api, live, displayed } = await liveOn(lanePayload({ 'lane-07': [40, 40] }, timeOf(40)));
    api.getCounter.mockResolvedValue(lanePayload({ 'lane-19': [2, 2] }, timeOf(2)));
    await loseAndReconnect(hub, 'conn-2');
    expect(live.counter).toEqual({ value: 2, version: 2, updatedAt: timeOf(2) });
    expect(displayed.at(-1)).toEqual(live.counter);
  });

  it('works with a server from before lanes on the wire: newest version wins', async () => {
    const { hub, displayed } = await liveOn({ ...snapshot(5), lanes: null });
    const { lanes: _, ...older } = snapshot(7);
    hub.send('counterUpdated', older);
    hub.send('counterUpdated', { ...older, version: 6, value: 6 });
    expect(displayed).toEqual([shown(5), shown(7)]);
  });

  it('says nothing while a newer server\'s lanes stay behind an older server\'s whole count (a rolling upgrade)', async () => {
    const { hub, displayed } = await liveOn({ ...snapshot(5), lanes: null });
    hub.send('counterUpdated', lanePayload({ 'lane-03': [3, 3] }, timeOf(5)));
    expect(displayed).toEqual([shown(5)]);
    hub.send('counterUpdated', lanePayload({ 'lane-03': [3, 3], 'lane-04': [3, 3] }, timeOf(6)));
    expect(displayed).toEqual([shown(5), shown(6)]);
  });

  it('drops a message whose top-level sums contradict its lanes', async () => {
    const { hub, displayed } = await liveOn(snapshot(5));
    hub.send('counterUpdated', { ...snapshot(9), lanes: { 'lane-00': { value: 8, version: 8 } } });
    hub.send('counterUpdated', { ...snapshot(9), lanes: [{ value: 9, version: 9 }] });
    expect(displayed).toEqual([shown(5)]);
  });
});

describe('LiveCounter network and lifetime', () => {
  it('is offline while the browser says so, and retries at once when it is back', async () => {
    const { hub, network, live, states } = setup();
    live.start();
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000); // well into the backoff
    const triesBefore = hub.start.mock.calls.length;

    network.set(false);
    expect(live.state).toBe('offline');
    hub.startOutcomes.push('conn-1');
    network.set(true);
    await settle();

    expect(hub.start.mock.calls.length).toBe(triesBefore + 1);
    expect(live.state).toBe('live');
    expect(states).toEqual(['connecting', 'offline', 'connecting', 'live']);
  });

  it('also restores a lost connection at once when the network is back', async () => {
    const { hub, network, live } = setup();
    hub.startOutcomes.push('conn-1');
    live.start();
    await settle();
    hub.close();
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000); // the restarts fail meanwhile
    const triesBefore = hub.start.mock.calls.length;

    network.set(false);
    hub.startOutcomes.push('conn-2');
    network.set(true);
    await settle();

    expect(hub.start.mock.calls.length).toBe(triesBefore + 1);
    expect(live.state).toBe('live');
  });

  it('stops retrying once stopped', async () => {
    const { hub, live } = setup();
    live.start();
    await settle();
    await live.stop();
    const tries = hub.start.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(hub.start.mock.calls.length).toBe(tries);
    expect(hub.stop).toHaveBeenCalled();
  });
});
