/** The one retry loop of the page client: connection starts, subscriptions, catch-up reads, increments. */

export interface RetryRules {
  /**
   * The wait before retry number `retry` (0 = the first) after `error`; undefined gives up on it.
   * Each caller's rules decide which failures are worth another try and how far apart.
   */
  readonly delayBeforeRetry: (retry: number, error: unknown) => number | undefined;
  readonly sleep: (ms: number) => Promise<void>;
  /** Asked after every wait: false gives up, because whoever wanted the result has moved on. */
  readonly stillWanted?: () => boolean;
}

/** Resolves with the first success; giving up rejects with the last failure, so callers can show it. */
export async function retry<T>(once: () => Promise<T>, rules: RetryRules): Promise<T> {
  for (let retryNumber = 0; ; retryNumber++) {
    try {
      return await once();
    } catch (error) {
      const delay = rules.delayBeforeRetry(retryNumber, error);
      if (delay === undefined) throw error;
      await rules.sleep(delay);
      if (rules.stillWanted?.() === false) throw error;
    }
  }
}
