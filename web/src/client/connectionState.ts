/**
 * What the page tells the visitor about its realtime link:
 * - connecting:   before the first time the page went live (first connect, its retries included);
 * - live:         connected, subscribed to the counter and caught up: updates arrive as they happen;
 * - reconnecting: was live, lost the link, and is getting it back (this client's restart loop),
 *                 until live again;
 * - offline:      the browser reports no network (navigator.onLine false). It outranks the others:
 *                 retries continue underneath and resume at once when the network returns.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** The browser's own view of the network. */
export interface NetworkStatus {
  isOnline(): boolean;
  /** Calls `listener` whenever the browser goes on- or offline; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export function browserNetworkStatus(): NetworkStatus {
  return {
    // navigator.onLine false is reliable ("certainly offline"); true only means "maybe online".
    isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    onChange(listener) {
      if (typeof window === 'undefined') return () => {};
      window.addEventListener('online', listener);
      window.addEventListener('offline', listener);
      return () => {
        window.removeEventListener('online', listener);
        window.removeEventListener('offline', listener);
      };
    },
  };
}
