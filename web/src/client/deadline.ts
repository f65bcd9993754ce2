/**
 * Runs `work` with a signal that aborts after `ms`, and rejects with `timedOut()` then whether or
 * not `work` heeds the signal: the abort reaches a body being read only where the fetch honours it
 * after the headers, which the standard's does and a fetch passed in need not.
 */
export async function withinDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  timedOut: () => unknown,
): Promise<T> {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(timedOut());
    }, ms);
  });
  try {
    return await Promise.race([work(abort.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
