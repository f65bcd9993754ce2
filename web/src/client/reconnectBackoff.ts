import { backoffDelay } from './backoff';

/**
 * How long a connection must have stayed up for its loss to start the delays over. A connection
 * lost sooner is the same outage going on (a server that accepts each connection and then drops
 * it), so the delays keep growing across it. 30 s, as long as the longest delay: a page never
 * restarts on the first step more often than once per 30 s.
 */
const STABLE_CONNECTION_MS = 30_000;

/**
 * The waits between a page's connection starts. Each start costs the server a negotiate, a
 * connection, a subscription and a read, so every start that failed or whose connection did not
 * last makes the next wait longer, up to RECONNECT_BACKOFF's cap (15–30 s): a server that closes
 * every connection at once gets one start per 15–30 s from a page, not one per 0.5–1 s.
 */
export class ReconnectBackoff {
  readonly #random: () => number;
  readonly #now: () => number;
  #retries = 0;
  #upSince: number | undefined;

  constructor(random: () => number = Math.random, now: () => number = Date.now) {
    this.#random = random;
    this.#now = now;
  }

  /** A start succeeded. */
  connected(): void {
    this.#upSince = this.#now();
  }

  /** The wait before the next start, asked when a start failed or the connection was lost. */
  nextDelay(): number {
    if (this.#upSince !== undefined && this.#now() - this.#upSince >= STABLE_CONNECTION_MS) this.#retries = 0;
    this.#upSince = undefined;
    return backoffDelay(this.#retries++, this.#random);
  }
}
