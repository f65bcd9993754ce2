/** The client shared by the pages: configuration, identity, the API and the live connection. */
export { createCounterApi, INCREMENT_BACKOFF, type CounterApi, type CounterApiOptions } from './api';
export { backoffDelay, RECONNECT_BACKOFF, type BackoffSchedule } from './backoff';
export { CONFIG_FILE_NAME, DEFAULT_API_BASE, loadConfig, resolveApiBase, type ClientConfig } from './config';
export { browserNetworkStatus, CONNECTION_STATES, type ConnectionState, type NetworkStatus } from './connectionState';
export {
  counterNameFromSearch,
  DEFAULT_COUNTER_NAME,
  MAX_COUNTER_NAME_LENGTH,
  parseCounterName,
  type CounterNameResult,
} from './counterName';
export { createHubConnection, type HubLike } from './hub';
export { LiveCounter, type LiveCounterOptions } from './liveCounter';
export type { CounterSnapshot, IncrementApplied, IncrementResult } from './messages';
export { ApiError } from './problem';
export { siteRootUrl } from './siteRoot';
export { VersionGuard, type Versioned } from './versionGuard';
export { isVisitorId, loadVisitorId, VISITOR_ID_STORAGE_KEY } from './visitorId';
export { newUuid } from './uuid';
