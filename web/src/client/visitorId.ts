import { newUuid } from './uuid';

/** The anonymous visitor: a random UUID this browser keeps, used to route personal messages. */

export const VISITOR_ID_STORAGE_KEY = 'livecounter.visitorId';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

// The server's rule: canonical lower-case 8-4-4-4-12 hex, nil and max UUIDs rejected.
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

export function isVisitorId(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL_UUID.test(value) && value !== NIL_UUID && value !== MAX_UUID;
}

// Without storage (disabled, private mode) the id lives as long as the module: one page view.
let fallbackId: string | undefined;

/**
 * The stored visitor id, or a new one stored for next time. A stored value the server would
 * reject is replaced, otherwise every increment from this browser would fail with 400.
 */
export function loadVisitorId(storage: KeyValueStore | null = browserStorage(), makeId: () => string = newUuid): string {
  const stored = read(storage);
  if (isVisitorId(stored)) return stored;

  const id = fallbackId ?? makeId();
  if (!write(storage, id)) fallbackId = id;
  return id;
}

function browserStorage(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // merely touching localStorage throws when the browser blocks site data
  }
}

function read(storage: KeyValueStore | null): string | null {
  try {
    return storage?.getItem(VISITOR_ID_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function write(storage: KeyValueStore | null, id: string): boolean {
  if (storage === null) return false;
  try {
    storage.setItem(VISITOR_ID_STORAGE_KEY, id);
    return true;
  } catch {
    return false; // quota exceeded or storage blocked
  }
}
