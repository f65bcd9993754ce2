/** Retry delays: exponential, capped, jittered. Shared by reconnects, subscriptions and increments. */

export interface BackoffSchedule {
  /** The ceiling of the first delay; each attempt doubles it. */
  readonly baseMs: number;
  /** No delay is ever longer than this. */
  readonly capMs: number;
}

/** For the realtime connection: 0.5–1 s first, then doubling up to 15–30 s. */
export const RECONNECT_BACKOFF: BackoffSchedule = { baseMs: 1_000, capMs: 30_000 };

/**
 * The delay before retry number `attempt` (0 = the first retry): a random point in the upper half
 * of min(cap, base·2^attempt) ("equal jitter"). The lower half is cut off so retries never hammer
 * the server back-to-back; the randomness spreads out the clients that all lost the same server.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  schedule: BackoffSchedule = RECONNECT_BACKOFF,
): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  // 2 ** n is Infinity for huge n, and Math.min turns that back into the cap.
  const ceiling = Math.min(schedule.capMs, schedule.baseMs * 2 ** n);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
