/**
 * How the page keeps what it has heard of a state that only grows (a counter's lanes, a visitor's
 * total): it joins every observation into what it has, so duplicated, reordered or late messages
 * and responses never move the display back, and their order does not matter.
 */
export interface Semilattice<S> {
  /** Commutative, associative and idempotent: what a and b say together. */
  join(a: S, b: S): S;
  equals(a: S, b: S): boolean;
}

/**
 * A replica of a grow-only state, fed by observations (messages, increment answers, catch-up reads).
 *
 * Invariants:
 * - Within an epoch, `current` is the join of everything offered since the epoch was settled, and
 *   of its catch-up read: it never moves back, and any order of the same observations, duplicates
 *   included, gives the same `current`.
 * - Epochs handle the one time going back is right: the standalone server keeps counters in
 *   memory, so after it restarts its lanes and totals start again from 0. Each (re)connection
 *   begins an epoch, and that connection's catch-up read settles it: `current` becomes the join of
 *   the read and of everything offered during the epoch, and what earlier epochs saw is dropped.
 *   So the read wins even when it is lower than what the previous epoch saw, but not over what
 *   this epoch offered: a message that overtook the read's response is newer than the read.
 * - Until the read settles it, an epoch keeps joining into what earlier epochs saw: the display
 *   moves only forwards, even when it will turn out after the read that the server restarted.
 */
export class Replica<S> {
  readonly #lattice: Semilattice<S>;
  #current: S | undefined;
  #epoch = 0;
  #settled = true;
  // Everything offered since the epoch began, shown or not: after a restart the first messages of
  // the new server are lower than the old display, yet newer than the read.
  #offeredThisEpoch: S | undefined;

  constructor(lattice: Semilattice<S>) {
    this.#lattice = lattice;
  }

  /** What to show, or undefined before anything arrived. */
  get current(): S | undefined {
    return this.#current;
  }

  /** Starts a new epoch and returns its number, to hand to settle() with its catch-up read. */
  beginEpoch(): number {
    this.#epoch += 1;
    this.#settled = false;
    this.#offeredThisEpoch = undefined;
    return this.#epoch;
  }

  /** An ordinary observation (message, increment answer). True when `current` changed. */
  offer(observed: S): boolean {
    if (!this.#settled) this.#offeredThisEpoch = this.#join(this.#offeredThisEpoch, observed);
    return this.#become(this.#join(this.#current, observed));
  }

  /**
   * The catch-up read of `epoch`. A read from an epoch already settled or superseded is just an
   * ordinary offer. Without a read (a state no request returns, such as a visitor's total) only
   * what this epoch offered remains: nothing vouches for older epochs any more. True when `current`
   * changed.
   */
  settle(epoch: number, read?: S): boolean {
    if (epoch !== this.#epoch || this.#settled) return read !== undefined && this.offer(read);
    const settled = this.#join(read, this.#offeredThisEpoch);
    this.#settled = true;
    this.#offeredThisEpoch = undefined;
    return this.#become(settled);
  }

  #join(a: S | undefined, b: S | undefined): S | undefined {
    if (a === undefined) return b;
    if (b === undefined) return a;
    return this.#lattice.join(a, b);
  }

  #become(next: S | undefined): boolean {
    const current = this.#current;
    if (next === undefined ? current === undefined : current !== undefined && this.#lattice.equals(current, next)) {
      return false;
    }
    this.#current = next;
    return true;
  }
}
