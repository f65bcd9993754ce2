/**
 * Keeps the newest counter state and ignores anything older, so duplicated, reordered or late
 * messages and responses never move the display backwards.
 *
 * Epochs handle the one time going backwards is right: the standalone server keeps counters in
 * memory, so after it restarts versions start again from 0. Each (re)connection begins an epoch,
 * and that connection's catch-up read settles it: the read wins even when it is lower than what the
 * previous epoch saw. Within an epoch nothing lower than already seen wins, not even the catch-up
 * read: a counterUpdated that overtook the read's response is newer than the read.
 */

export interface Versioned {
  readonly version: number;
}

export class VersionGuard<T extends Versioned> {
  #current: T | undefined;
  #epoch = 0;
  #settled = true;
  // The newest value offered since the epoch began, shown or not: after a restart the first
  // counterUpdated of the new server is lower than the old display, yet newer than the read.
  #newestThisEpoch: T | undefined;

  /** The value to show, or undefined before anything arrived. */
  get current(): T | undefined {
    return this.#current;
  }

  /** Starts a new epoch and returns its number, to hand to settle() with its catch-up read. */
  beginEpoch(): number {
    this.#epoch += 1;
    this.#settled = false;
    this.#newestThisEpoch = undefined;
    return this.#epoch;
  }

  /** An ordinary observation (message, increment response). True when it became current. */
  offer(value: T): boolean {
    if (!this.#settled && (this.#newestThisEpoch === undefined || value.version > this.#newestThisEpoch.version)) {
      this.#newestThisEpoch = value;
    }
    if (this.#current !== undefined && value.version <= this.#current.version) return false;
    this.#current = value;
    return true;
  }

  /**
   * The catch-up read of `epoch`. It becomes current unless something newer arrived during the
   * same epoch. A read from an epoch already settled or superseded is just an ordinary offer.
   * Without a read (a value no request returns, such as a visitor's total) only what this epoch
   * offered remains: nothing vouches for older epochs any more. True when the current value changed.
   */
  settle(epoch: number, read?: T): boolean {
    if (epoch !== this.#epoch || this.#settled) return read !== undefined && this.offer(read);

    const newest = this.#newestThisEpoch;
    const winner = newest !== undefined && (read === undefined || newest.version >= read.version) ? newest : read;
    this.#settled = true;
    this.#newestThisEpoch = undefined;
    if (winner === this.#current) return false;
    this.#current = winner;
    return true;
  }
}
