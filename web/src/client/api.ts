import { backoffDelay, type BackoffSchedule } from './backoff';
import { withinDeadline } from './deadline';
import { readCounterSnapshot, readIncrementResult, type CounterSnapshot, type IncrementResult } from './messages';
import { ApiError, networkFailure, readProblem, statusProblem } from './problem';
import { retry } from './retry';
import { sleep as realSleep } from './sleep';
import { newUuid } from './uuid';

/** The counter HTTP API (README.md, "API"; docs/openapi.json), for one visitor. */
export interface CounterApi {
  /** GET /counters/{name}. */
  getCounter(name: string): Promise<CounterSnapshot>;
  /** POST /counters/{name}/subscriptions: `connectionId` starts receiving counterUpdated. */
  subscribe(name: string, connectionId: string): Promise<void>;
  /**
   * POST /counters/{name}/increment, retried with the same Idempotency-Key while the outcome is
   * unknown (no response, any 5xx, a 2xx whose body cannot be read whole), so a retry never counts
   * twice.
   */
  increment(name: string, by: number, idempotencyKey?: string): Promise<IncrementResult>;
}

export interface CounterApiOptions {
  /** Absolute API prefix without a trailing slash (see loadConfig). */
  readonly apiBase: string;
  readonly visitorId: string;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly newKey?: () => string;
  /** Tries per increment, the first included. */
  readonly incrementAttempts?: number;
  /**
   * A request whose answer, body included, is not in after this long counts as a network failure;
   * a non-2xx whose problem body is late keeps its status.
   */
  readonly timeoutMs?: number;
}

/** Increments are interactive: retry quickly and give up within seconds, not minutes. */
const INCREMENT_BACKOFF: BackoffSchedule = { baseMs: 500, capMs: 8_000 };
const DEFAULT_INCREMENT_ATTEMPTS = 5;
const DEFAULT_TIMEOUT_MS = 15_000;
// A Retry-After beyond this is not worth keeping a click pending for.
const MAX_RETRY_AFTER_MS = 30_000;
// Without a whole response (none, one past the timeout, or a 2xx whose body breaks off or stalls),
// or after any 5xx, the increment may or may not have been applied: 502/504 come from gateways in
// front of the app, and when the SignalR send fails after the commit the Functions host has already
// sent 200 and cuts the JSON body off (docs/functions-local.md, "What only the host answers"). The
// idempotency key makes the retry safe: it gets the stored result.
const isOutcomeUnknown = (error: unknown): error is ApiError =>
  error instanceof ApiError && (error.status === 0 || (error.status >= 500 && error.status <= 599));

export function createCounterApi(options: CounterApiOptions): CounterApi {
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const newKey = options.newKey ?? newUuid;
  const attempts = Math.max(1, options.incrementAttempts ?? DEFAULT_INCREMENT_ATTEMPTS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const counterUrl = (name: string) => `${options.apiBase}/counters/${encodeURIComponent(name)}`;

  /**
   * One request and the reading of its answer, within timeoutMs together: a body that stalls after
   * the headers would otherwise leave an increment pending forever. No response, a timeout and a
   * 2xx body that cannot be read whole all become an ApiError with status 0; any other status
   * becomes its problem, or its status alone when the problem body does not arrive in time.
   */
  async function exchange<T>(url: string, init: RequestInit, read: (response: Response) => Promise<T>): Promise<T> {
    let refused: Response | undefined;
    return withinDeadline(
      timeoutMs,
      async (signal) => {
        let response: Response;
        try {
          response = await fetchFn(url, { ...init, signal });
        } catch {
          throw networkFailure();
        }
        if (!response.ok) {
          refused = response;
          throw await readProblem(response);
        }
        return read(response);
      },
      // A status already in is an answer: a 4xx must not become a retried "no response".
      () => (refused === undefined ? networkFailure() : statusProblem(refused)),
    );
  }

  /**
   * A 2xx body that cannot be read whole (the stream breaks, the JSON ends early) counts as no
   * response: the Functions host sends 200 and its headers, then cuts the body off when the SignalR
   * output fails after the function returned, so the increment was applied although nothing says so.
   */
  async function json(response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw networkFailure();
    }
  }

  function incrementOnce(url: string, init: RequestInit): Promise<IncrementResult> {
    return exchange(url, init, async (response) => {
      const result = readIncrementResult(await json(response));
      if (result === null) throw new ApiError(response.status, 'The server sent a result this page cannot read.');
      return result;
    });
  }

  return {
    getCounter(name) {
      return exchange(counterUrl(name), { headers: { Accept: 'application/json' }, cache: 'no-store' }, async (response) => {
        const snapshot = readCounterSnapshot(await json(response));
        if (snapshot === null) throw new ApiError(response.status, 'The server sent a counter this page cannot read.');
        return snapshot;
      });
    },

    async subscribe(name, connectionId) {
      // Its 2xx body says nothing the page needs, so it is not read.
      await exchange(
        `${counterUrl(name)}/subscriptions`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ connectionId }) },
        async () => {},
      );
    },

    async increment(name, by, idempotencyKey = newKey()) {
      const init: RequestInit = {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Idempotency-Key': idempotencyKey,
          'X-Visitor-Id': options.visitorId,
        },
        body: JSON.stringify({ by }),
      };
      return retry(() => incrementOnce(`${counterUrl(name)}/increment`, init), {
        delayBeforeRetry: (retryNumber, error) =>
          retryNumber + 1 < attempts && isOutcomeUnknown(error) ? retryDelay(error, retryNumber, random) : undefined,
        sleep,
      });
    },
  };
}

/** Retry-After when given (plus a little jitter so clients told "1" do not return in lockstep). */
function retryDelay(problem: ApiError, attempt: number, random: () => number): number {
  if (problem.retryAfterMs === undefined) return backoffDelay(attempt, random, INCREMENT_BACKOFF);
  return Math.min(problem.retryAfterMs, MAX_RETRY_AFTER_MS) + Math.round(random() * 250);
}
