/** Failed API calls, carrying the human text of the server's RFC 9457 problem details. */

/** `status` 0 means no HTTP response at all (network down, CORS, timeout). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    /** Text fit to show to the visitor: the problem's `detail`, else its `title`. */
    readonly detail: string,
    /** From Retry-After, when the server sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(detail);
  }
}

export const NETWORK_FAILURE_DETAIL = 'Could not reach the server. Check your connection and try again.';

export function networkFailure(): ApiError {
  return new ApiError(0, NETWORK_FAILURE_DETAIL);
}

/** Turns a non-2xx response into an ApiError; never throws, whatever the body is. */
export async function readProblem(response: Response, now: () => number = Date.now): Promise<ApiError> {
  return problemOf(response, await problemText(response), now());
}

/** The ApiError a non-2xx's status line and headers make, for when its body cannot be waited for. */
export function statusProblem(response: Response, now: () => number = Date.now): ApiError {
  return problemOf(response, undefined, now());
}

function problemOf(response: Response, text: string | undefined, nowMs: number): ApiError {
  const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), nowMs);
  const detail = text ?? `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
  return retryAfterMs === undefined ? new ApiError(response.status, detail) : new ApiError(response.status, detail, retryAfterMs);
}

async function problemText(response: Response): Promise<string | undefined> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!/json/i.test(type)) return undefined;
  try {
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null) return undefined;
    const { detail, title } = body as { detail?: unknown; title?: unknown };
    if (typeof detail === 'string' && detail.trim() !== '') return detail;
    if (typeof title === 'string' && title.trim() !== '') return title;
  } catch {
    // an unparsable body: fall back to the status line
  }
  return undefined;
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
