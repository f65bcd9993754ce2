/**
 * Runtime configuration, read from config.json at the site root so that a deployment can point
 * the pages at another API (a Function App on its own host) by overwriting one file, no rebuild.
 */

import { withinDeadline } from './deadline';

const DEFAULT_API_BASE = '/api';
const CONFIG_FILE_NAME = 'config.json';
// As long as the API's own requests get: the page waits for this file before it connects at all.
const CONFIG_TIMEOUT_MS = 15_000;

export interface ClientConfig {
  /** Absolute URL of the API prefix, without a trailing slash, e.g. https://host/api. */
  readonly apiBase: string;
}

type Fetch = typeof fetch;

/**
 * Never fails: a missing, unreadable, invalid or late config.json (body included, see
 * CONFIG_TIMEOUT_MS) means the same-origin `/api`, which is what the standalone host serves. A
 * relative apiBase is resolved against config.json's own URL, as any relative link in a document is.
 */
export async function loadConfig(siteRoot: URL, fetchFn: Fetch = globalThis.fetch.bind(globalThis)): Promise<ClientConfig> {
  const configUrl = new URL(CONFIG_FILE_NAME, siteRoot);
  const fallback = { apiBase: resolveApiBase(DEFAULT_API_BASE, configUrl)! };
  try {
    return await withinDeadline(
      CONFIG_TIMEOUT_MS,
      async (signal) => {
        // no-cache: revalidate, so an overwritten config.json takes effect on the next load.
        const response = await fetchFn(configUrl, { cache: 'no-cache', headers: { Accept: 'application/json' }, signal });
        if (!response.ok) return fallback;
        const body: unknown = await response.json();
        const apiBase = typeof body === 'object' && body !== null ? (body as { apiBase?: unknown }).apiBase : undefined;
        const resolved = typeof apiBase === 'string' ? resolveApiBase(apiBase, configUrl) : undefined;
        return resolved === undefined ? fallback : { apiBase: resolved };
      },
      () => new Error(`${CONFIG_FILE_NAME} did not arrive in time`),
    );
  } catch {
    return fallback;
  }
}

/** The absolute API prefix, or undefined when the value cannot serve as one. */
export function resolveApiBase(value: string, relativeTo: URL): string | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed, relativeTo);
  } catch {
    return undefined;
  }
  // Paths get appended to it, so a query or fragment would end up in the wrong place.
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') return undefined;
  return url.href.replace(/\/+$/, '');
}
