import type { CounterApi } from './api';
import { backoffDelay } from './backoff';
import { browserNetworkStatus, type ConnectionState, type NetworkStatus } from './connectionState';
import { withinDeadline } from './deadline';
import type { HubLike } from './hub';
import { counterLattice, counterState, shownCounter, type CounterState, type ShownCounter } from './laneMerge';
import { isSameCounter, readCounterSnapshot, readIncrementApplied, type CounterSnapshot, type IncrementResult } from './messages';
import { ReconnectBackoff } from './reconnectBackoff';
import { Replica, type Semilattice } from './replica';
import { retry, type RetryRules } from './retry';
import { sleep } from './sleep';

export interface LiveCounterOptions {
  /** A valid, lower-case counter name. */
  readonly name: string;
  readonly api: Pick<CounterApi, 'getCounter' | 'subscribe'>;
  /** A built, not yet started connection; LiveCounter owns it from now on. */
  readonly hub: HubLike;
  readonly network?: NetworkStatus;
  readonly random?: () => number;
  /**
   * The counter to show changed: the merge of every lane heard of (laneMerge.ts). It goes back only
   * when a reconnect's catch-up read finds a restarted in-memory server.
   */
  readonly onCounter?: (counter: ShownCounter) => void;
  /**
   * This visitor's own total for the counter; undefined until they increment it, and again after a
   * reconnect that cannot vouch for the total shown (see #caughtUp).
   */
  readonly onYourTotal?: (total: number | undefined) => void;
  readonly onState?: (state: ConnectionState) => void;
}

type LinkState = Exclude<ConnectionState, 'offline'>;

/**
 * A start not complete by then counts as failed. @microsoft/signalr bounds a negotiate only until
 * its headers (100 s) and a WebSocket's opening not at all, so without this a stalled negotiate
 * body or upgrade would leave the page connecting for ever. 15 s, as every request of the page gets
 * (api.ts, config.ts): the visitor watches "connecting" all along, and a start is a few round
 * trips (a second negotiate with Azure SignalR Service, the upgrade, the handshake) that a
 * reachable server answers in far less; a start given up on costs this plus one backoff step.
 */
const START_TIMEOUT_MS = 15_000;

/** One (re)connection's catch-up: what the page knew before it, and the epochs it settles. */
interface CatchUp {
  readonly known: CounterState | undefined;
  readonly counterEpoch: number;
  readonly totalsEpoch: number;
}

/**
 * A visitor's total only grows (their row is updated on condition of its ETag, by at least 1 per
 * increment), so the highest one heard of is the latest, whichever instance answered. Not the one
 * with the highest counter version: answers from two instances count each other's lanes as last
 * read, so a later increment can come with a lower version.
 */
const highestTotal: Semilattice<number> = { join: Math.max, equals: (a, b) => a === b };

/**
 * Keeps one counter live over SignalR, indefinitely: a server down at load time, a dropped
 * connection and a restarted server all end with the page live and correct again. On every
 * (re)connection it subscribes the new connection id to the counter and re-reads the counter, as
 * delivery is at most once and anything may have been missed meanwhile.
 */
export class LiveCounter {
  readonly #options: LiveCounterOptions;
  readonly #hub: HubLike;
  readonly #network: NetworkStatus;
  readonly #random: () => number;
  readonly #backoff: ReconnectBackoff;
  readonly #counter = new Replica(counterLattice);
  readonly #totals = new Replica(highestTotal);
  // What onCounter last said: the state can grow without the display changing (a lane learnt
  // while an older server's whole count is still ahead).
  #shown: ShownCounter | undefined;
  #link: LinkState = 'connecting';
  #wasLive = false;
  #reported: ConnectionState | undefined;
  // Bumped whenever the connection id becomes stale; pending joins of older sessions give up.
  #session = 0;
  #started = false;
  #stopped = false;
  // Aborting it cuts every pending wait short: the network came back, or stop() was called.
  #wake = new AbortController();
  #unwatchNetwork: () => void = () => {};

  constructor(options: LiveCounterOptions) {
    this.#options = options;
    this.#hub = options.hub;
    this.#network = options.network ?? browserNetworkStatus();
    this.#random = options.random ?? Math.random;
    this.#backoff = new ReconnectBackoff(this.#random);

    this.#hub.on('counterUpdated', (payload) => this.#onCounterUpdated(payload));
    this.#hub.on('incrementApplied', (payload) => this.#onIncrementApplied(payload));
    // Every loss ends here (the hub has no automatic reconnect of its own, see hub.ts).
    this.#hub.onclose(() => {
      if (this.#stopped) return;
      this.#lost();
      void this.#pause(this.#backoff.nextDelay()).then(() => this.#connect());
    });
  }

  get state(): ConnectionState {
    return this.#network.isOnline() ? this.#link : 'offline';
  }

  get counter(): ShownCounter | undefined {
    const current = this.#counter.current;
    return current === undefined ? undefined : shownCounter(current);
  }

  get yourTotal(): number | undefined {
    return this.#totals.current;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#unwatchNetwork = this.#network.onChange(() => {
      if (this.#network.isOnline()) this.#wakeUp();
      this.#report();
    });
    this.#report();
    void this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#session += 1;
    this.#wake.abort();
    this.#unwatchNetwork();
    await this.#hub.stop();
  }

  /** An increment's HTTP response: as news of the counter as good as any message. */
  acceptIncrement(result: IncrementResult): void {
    if (!isSameCounter(result.name, this.#options.name)) return;
    this.#offerCounter(result);
    if (result.yourTotal !== undefined) this.#offerTotal(result.yourTotal);
  }

  /** Starts the connection, retrying with backoff for as long as it takes. */
  async #connect(): Promise<void> {
    if (this.#stopped) return;
    try {
      await retry(() => this.#startWithin(), {
        delayBeforeRetry: () => this.#backoff.nextDelay(),
        sleep: (ms) => this.#pause(ms),
        stillWanted: () => !this.#stopped,
      });
    } catch {
      return; // stopped meanwhile: retry gives up only then
    }
    if (this.#stopped) {
      await this.#hub.stop();
      return;
    }
    this.#backoff.connected();
    void this.#join();
  }

  /**
   * One start, failed once START_TIMEOUT_MS have passed. The start given up on is stopped, which
   * makes it fail whenever it does settle (hub.ts also cuts what it is waiting for), so it never
   * connects next to the retry's connection. The stop is not awaited: a stop that waits on the
   * stuck start must not hold up the retry.
   */
  #startWithin(): Promise<void> {
    return withinDeadline(
      START_TIMEOUT_MS,
      (timedOut) => {
        timedOut.addEventListener('abort', () => void this.#hub.stop().catch(() => {}), { once: true });
        return this.#hub.start();
      },
      () => new Error(`The connection did not start within ${START_TIMEOUT_MS / 1000} s.`),
    );
  }

  /** A (new) connection id is up: subscribe it, then catch up. Retries until done or superseded. */
  async #join(): Promise<void> {
    const session = ++this.#session;
    const isCurrent = () => session === this.#session && !this.#stopped;
    const connectionId = this.#hub.connectionId;
    if (connectionId === null) return;
    const catchUp: CatchUp = {
      known: this.#counter.current,
      counterEpoch: this.#counter.beginEpoch(),
      totalsEpoch: this.#totals.beginEpoch(),
    };
    const whileCurrent: RetryRules = {
      delayBeforeRetry: (retryNumber) => backoffDelay(retryNumber, this.#random),
      sleep: (ms) => this.#pause(ms),
      stillWanted: isCurrent,
    };
    const { api, name } = this.#options;

    let read: CounterSnapshot;
    try {
      // 404 here usually means the server restarted and does not know this id (yet): retry, and
      // if the id really is gone, the connection's own close supersedes this session.
      await retry(() => api.subscribe(name, connectionId), whileCurrent);
      if (!isCurrent()) return;
      read = await retry(() => api.getCounter(name), whileCurrent);
    } catch {
      return; // superseded: retry gives up only then, and the newer session joins on its own
    }
    this.#caughtUp(catchUp, read);

    if (!isCurrent()) return;
    this.#wasLive = true;
    this.#setLink('live');
  }

  #caughtUp(catchUp: CatchUp, read: CounterSnapshot): void {
    const readState = counterState(read);
    if (this.#counter.settle(catchUp.counterEpoch, readState)) this.#showCounter();

    // A restarted in-memory server has lost every visitor total, and it may already be past the
    // version the page knew, so a counter going back is no test; a GET carries no total to compare.
    // What is provable: a read identical to what the page knew (every lane and the time; a new
    // server's commits all carry later times) means the same server and no increment while the link
    // was down, so the total still holds. Otherwise only totals answered since this connection came
    // up are known to be current; the others go, and the page shows none until the visitor's next
    // increment: a blank is honest, an old total may be wrong either way (a restart, or clicks in
    // another tab whose incrementApplied this page missed).
    const missedNothing = catchUp.known !== undefined && counterLattice.equals(catchUp.known, readState);
    if (this.#totals.settle(catchUp.totalsEpoch, missedNothing ? this.#totals.current : undefined)) {
      this.#options.onYourTotal?.(this.#totals.current);
    }
  }

  #lost(): void {
    this.#session += 1;
    this.#setLink(this.#wasLive ? 'reconnecting' : 'connecting');
  }

  #onCounterUpdated(payload: unknown): void {
    const snapshot = readCounterSnapshot(payload);
    if (snapshot === null || !isSameCounter(snapshot.name, this.#options.name)) return;
    this.#offerCounter(snapshot);
  }

  #onIncrementApplied(payload: unknown): void {
    const applied = readIncrementApplied(payload);
    if (applied === null || !isSameCounter(applied.name, this.#options.name)) return;
    // Only the total: the same commit's counterUpdated reaches this page too (it is subscribed) with
    // the same lanes and the time of the update, which incrementApplied lacks.
    this.#offerTotal(applied.yourTotal);
  }

  #offerCounter(snapshot: CounterSnapshot): void {
    if (this.#counter.offer(counterState(snapshot))) this.#showCounter();
  }

  #showCounter(): void {
    const counter = this.counter;
    if (counter === undefined || (this.#shown !== undefined && isSameShown(this.#shown, counter))) return;
    this.#shown = counter;
    this.#options.onCounter?.(counter);
  }

  #offerTotal(total: number): void {
    if (this.#totals.offer(total)) this.#options.onYourTotal?.(total);
  }

  #setLink(link: LinkState): void {
    this.#link = link;
    this.#report();
  }

  #report(): void {
    const state = this.state;
    if (state === this.#reported) return;
    this.#reported = state;
    this.#options.onState?.(state);
  }

  #pause(ms: number): Promise<void> {
    return sleep(ms, this.#wake.signal);
  }

  #wakeUp(): void {
    this.#wake.abort();
    this.#wake = new AbortController();
  }
}

function isSameShown(a: ShownCounter, b: ShownCounter): boolean {
  return a.value === b.value && a.version === b.version && a.updatedAt === b.updatedAt;
}
