import { describe, expect, it, vi } from 'vitest';
import { retry, type RetryRules } from '../src/client/retry';

/** Fails with each of `errors` in turn, then resolves 'done'. */
function failing(...errors: Error[]) {
  return vi.fn(async () => {
    const error = errors.shift();
    if (error !== undefined) throw error;
    return 'done';
  });
}

const waits = () => vi.fn<RetryRules['sleep']>(async () => {});

describe('retry', () => {
  it('waits the given delay before each retry and resolves with the first success', async () => {
    const once = failing(new Error('a'), new Error('b'));
    const sleep = waits();
    await expect(retry(once, { delayBeforeRetry: (n) => 100 * (n + 1), sleep })).resolves.toBe('done');
    expect(once).toHaveBeenCalledTimes(3);
    expect(sleep.mock.calls).toEqual([[100], [200]]);
  });

  it('tells the rules which retry comes next and after what failure', async () => {
    const first = new Error('first');
    const second = new Error('second');
    const delayBeforeRetry = vi.fn<RetryRules['delayBeforeRetry']>(() => 0);
    await retry(failing(first, second), { delayBeforeRetry, sleep: waits() });
    expect(delayBeforeRetry.mock.calls).toEqual([
      [0, first],
      [1, second],
    ]);
  });

  it('gives up with the failure its rules refuse to retry, without waiting', async () => {
    const fatal = new Error('fatal');
    const once = failing(new Error('transient'), fatal);
    const sleep = waits();
    const rules: RetryRules = { delayBeforeRetry: (_n, error) => (error === fatal ? undefined : 10), sleep };
    await expect(retry(once, rules)).rejects.toBe(fatal);
    expect(once).toHaveBeenCalledTimes(2);
    expect(sleep).toHaveBeenCalledOnce();
  });

  it('gives up with the last failure when, after a wait, the result is no longer wanted', async () => {
    const last = new Error('last');
    let wanted = true;
    const once = failing(new Error('a'), last, new Error('never tried'));
    const sleep = vi.fn(async () => {
      if (once.mock.calls.length === 2) wanted = false;
    });
    await expect(retry(once, { delayBeforeRetry: () => 10, sleep, stillWanted: () => wanted })).rejects.toBe(last);
    expect(once).toHaveBeenCalledTimes(2);
  });
});
