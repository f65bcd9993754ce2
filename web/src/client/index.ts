/** The client shared by the pages: configuration, identity, the API and the live connection. */
export { createCounterApi, type CounterApi } from './api';
export { loadConfig } from './config';
export type { ConnectionState } from './connectionState';
export { counterNameFromSearch } from './counterName';
export { createHubConnection } from './hub';
export { LiveCounter, type LiveCounterOptions } from './liveCounter';
export type { ShownCounter } from './laneMerge';
export { ApiError } from './problem';
export { siteRootUrl } from './siteRoot';
export { loadVisitorId } from './visitorId';
