import { HubConnectionBuilder, LogLevel, type IHttpConnectionOptions } from '@microsoft/signalr';
import { BoundedHttpClient, cuttableEventSource, cuttableWebSocket } from './hubIo';

/** The part of @microsoft/signalr's HubConnection that LiveCounter uses (and tests fake). */
export interface HubLike {
  readonly connectionId: string | null;
  /** Connects; rejects when the connection cannot be made, or when stop() is called meanwhile. */
  start(): Promise<void>;
  /** Closes the connection. A start still pending fails instead, whatever comes for it later. */
  stop(): Promise<void>;
  on(methodName: string, handler: (...args: unknown[]) => void): void;
  onclose(callback: (error?: Error) => void): void;
}

export interface HubConnectionOptions {
  readonly fetch?: typeof fetch;
}

/**
 * The hub connection for one visitor. The client POSTs `${apiBase}/negotiate?visitorId=…`;
 * the standalone host answers that itself, Azure Functions returns the Azure SignalR Service URL
 * and token, which the client follows. Either way the visitor id becomes the SignalR user id.
 *
 * No automatic reconnect: SignalR's would count its retries afresh after every lost connection,
 * never knowing how long that one had stayed up. Every loss goes to onclose instead, where
 * LiveCounter restarts the connection with a backoff that does know (reconnectBackoff.ts).
 *
 * Stopping a pending start cuts what it waits on (its requests, a WebSocket or EventSource still
 * opening, see hubIo.ts). SignalR's stop alone would wait for the start to settle, and until then
 * the connection refuses every new start, so one negotiate whose body stalls would keep the page
 * from ever connecting again, however often LiveCounter gives up on the start and retries.
 */
export function createHubConnection(apiBase: string, visitorId: string, options: HubConnectionOptions = {}): HubLike {
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let pendingStart: AbortController | undefined;
  const pendingSignal = () => pendingStart?.signal;

  const connectionOptions: IHttpConnectionOptions = {
    // No cookies are involved; without credentials a cross-origin API needs no
    // Access-Control-Allow-Credentials for negotiate.
    withCredentials: false,
    httpClient: new BoundedHttpClient(fetchFn, pendingSignal),
    // Where the environment has none (Node), SignalR's own choice stands.
    ...(typeof WebSocket === 'undefined' ? {} : { WebSocket: cuttableWebSocket(WebSocket, pendingSignal) }),
    ...(typeof EventSource === 'undefined' ? {} : { EventSource: cuttableEventSource(EventSource, pendingSignal) }),
  };
  const connection = new HubConnectionBuilder()
    .withUrl(`${apiBase}?visitorId=${encodeURIComponent(visitorId)}`, connectionOptions)
    .configureLogging(LogLevel.Warning)
    .build();

  return {
    get connectionId() {
      return connection.connectionId;
    },
    async start() {
      const start = new AbortController();
      pendingStart = start;
      try {
        await connection.start();
      } finally {
        if (pendingStart === start) pendingStart = undefined;
      }
    },
    stop() {
      // SignalR's stop first, so that it takes the failures the cut causes for the end of this
      // start, not for a transport to fall back from.
      const stopped = connection.stop();
      pendingStart?.abort();
      return stopped;
    },
    on: (methodName, handler) => connection.on(methodName, handler),
    onclose: (callback) => connection.onclose(callback),
  };
}
