import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';

/** The part of @microsoft/signalr's HubConnection that LiveCounter uses (and tests fake). */
export interface HubLike {
  readonly connectionId: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  on(methodName: string, handler: (...args: unknown[]) => void): void;
  onclose(callback: (error?: Error) => void): void;
}

/**
 * The hub connection for one visitor. The client POSTs `${apiBase}/negotiate?visitorId=…`;
 * the standalone host answers that itself, Azure Functions returns the Azure SignalR Service URL
 * and token, which the client follows. Either way the visitor id becomes the SignalR user id.
 *
 * No automatic reconnect: SignalR's would count its retries afresh after every lost connection,
 * never knowing how long that one had stayed up. Every loss goes to onclose instead, where
 * LiveCounter restarts the connection with a backoff that does know (reconnectBackoff.ts).
 */
export function createHubConnection(apiBase: string, visitorId: string): HubLike {
  return (
    new HubConnectionBuilder()
      // No cookies are involved; without credentials a cross-origin API needs no
      // Access-Control-Allow-Credentials for negotiate.
      .withUrl(`${apiBase}?visitorId=${encodeURIComponent(visitorId)}`, { withCredentials: false })
      .configureLogging(LogLevel.Warning)
      .build()
  );
}
