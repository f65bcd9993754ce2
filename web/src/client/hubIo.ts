import { AbortError, HttpClient, HttpError, HttpResponse, TimeoutError, type HttpRequest } from '@microsoft/signalr';
import { withinDeadline } from './deadline';

/**
 * The signal of the hub start now pending, if any: aborted when that start is stopped. Only what a
 * start opens is cut; a connection that is up has SignalR's own stop, which closes it gracefully.
 */
export type PendingStartSignal = () => AbortSignal | undefined;

// What HttpConnection gives a request that names no timeout of its own.
const SIGNALR_TIMEOUT_MS = 100_000;

/**
 * @microsoft/signalr's HTTP (the negotiate; long polling's polls and sends) with what its fetch client
 * lacks: the request's timeout covers the body (FetchHttpClient clears it once the headers are in,
 * so a body that stalls is waited for for ever), and stopping a pending start cuts its requests
 * (HttpConnection.stop waits for the start, and gives the negotiate no abort signal of its own).
 * Otherwise as FetchHttpClient: the same request headers, so CORS needs nothing new.
 */
export class BoundedHttpClient extends HttpClient {
  readonly #fetch: typeof fetch;
  readonly #pendingStart: PendingStartSignal;

  constructor(fetchFn: typeof fetch, pendingStart: PendingStartSignal) {
    super();
    this.#fetch = fetchFn;
    this.#pendingStart = pendingStart;
  }

  override async send(request: HttpRequest): Promise<HttpResponse> {
    const cut = this.#pendingStart();
    if (cut?.aborted || request.abortSignal?.aborted) throw new AbortError();
    if (!request.url) throw new Error('No url defined.');
    const url = request.url;
    const abort = new AbortController();
    const cutOff = () => abort.abort();
    cut?.addEventListener('abort', cutOff, { once: true });
    if (request.abortSignal) request.abortSignal.onabort = cutOff;
    try {
      return await withinDeadline(
        request.timeout || SIGNALR_TIMEOUT_MS,
        async (deadline) => {
          deadline.addEventListener('abort', cutOff, { once: true });
          const response = await this.#fetch(url, requestInit(request, abort.signal));
          const content = request.responseType === 'arraybuffer' ? await response.arrayBuffer() : await response.text();
          if (!response.ok) throw new HttpError(typeof content === 'string' && content !== '' ? content : response.statusText, response.status);
          return new HttpResponse(response.status, response.statusText, content);
        },
        () => new TimeoutError(),
      );
    } catch (error) {
      // Long polling tells its own aborts and timeouts apart by these types: it re-polls after a timeout.
      if (abort.signal.aborted && !(error instanceof TimeoutError)) throw new AbortError();
      throw error;
    } finally {
      cut?.removeEventListener('abort', cutOff);
      if (request.abortSignal) request.abortSignal.onabort = null;
    }
  }
}

function requestInit(request: HttpRequest, signal: AbortSignal): RequestInit {
  const headers: Record<string, string> = { 'X-Requested-With': 'XMLHttpRequest', ...request.headers };
  const content = request.content === '' ? undefined : request.content;
  if (content !== undefined) headers['Content-Type'] = typeof content === 'string' ? 'text/plain;charset=UTF-8' : 'application/octet-stream';
  return {
    method: request.method ?? 'GET',
    headers,
    ...(content === undefined ? {} : { body: content }),
    cache: 'no-cache',
    credentials: request.withCredentials === true ? 'include' : 'same-origin',
    mode: 'cors',
    redirect: 'follow',
    signal,
  };
}

/**
 * WebSockets that a stopped start closes while they are still opening: SignalR's stop waits for the
 * start, the start for the socket to open, and nothing bounds that; and RFC 6455 has a browser open
 * one WebSocket to a host at a time, so a socket left opening may hold up the retry's as well.
 * Closing one that is opening fails it, which fails the start.
 */
export function cuttableWebSocket(Base: typeof WebSocket, pendingStart: PendingStartSignal): typeof WebSocket {
  return class CuttableWebSocket extends Base {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      // As given: some browsers refuse an explicit undefined for protocols.
      super(...args);
      whenCut(pendingStart(), () => {
        if (this.readyState === Base.CONNECTING) this.close();
      });
    }
  };
}

/**
 * EventSources (the Server-Sent Events fallback) that a stopped start closes while they are still
 * opening, as cuttableWebSocket. close() fires no event, and SignalR's connect waits for open or
 * error, so the error is raised here.
 */
export function cuttableEventSource(Base: typeof EventSource, pendingStart: PendingStartSignal): typeof EventSource {
  return class CuttableEventSource extends Base {
    constructor(...args: ConstructorParameters<typeof EventSource>) {
      super(...args);
      whenCut(pendingStart(), () => {
        if (this.readyState !== Base.CONNECTING) return;
        this.close();
        this.dispatchEvent(new Event('error'));
      });
    }
  };
}

function whenCut(signal: AbortSignal | undefined, cut: () => void): void {
  if (signal === undefined) return;
  // Not from within the constructor: the handlers SignalR sets right after it would miss the event.
  if (signal.aborted) queueMicrotask(cut);
  else signal.addEventListener('abort', cut, { once: true });
}
