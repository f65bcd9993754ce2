/**
 * The payloads the server sends, by HTTP or SignalR, checked at the boundary: anything malformed
 * is dropped rather than shown as NaN.
 */

export interface CounterSnapshot {
  readonly name: string;
  readonly value: number;
  readonly version: number;
  /** ISO-8601; null for a counter never incremented. */
  readonly updatedAt: string | null;
}

/** SignalR `incrementApplied`, sent to the incrementing visitor only. */
export interface IncrementApplied {
  readonly name: string;
  readonly value: number;
  readonly version: number;
  readonly by: number;
  readonly yourTotal: number;
}

/** The 200 body of POST /counters/{name}/increment. */
export interface IncrementResult extends CounterSnapshot {
  readonly by: number;
  /** Present when the request carried a visitor id. */
  readonly yourTotal?: number;
}

/** One visitor's contribution to a counter, as of a counter version. */
export interface VisitorTotal {
  readonly version: number;
  readonly yourTotal: number;
}

type Fields = Record<string, unknown>;

const isFields = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInteger = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isCount = (x: unknown): x is number => isInteger(x) && x >= 0;

export function readCounterSnapshot(x: unknown): CounterSnapshot | null {
  if (!isFields(x)) return null;
  const { name, value, version, updatedAt } = x;
  if (typeof name !== 'string' || !isInteger(value) || !isCount(version)) return null;
  if (updatedAt !== null && updatedAt !== undefined && typeof updatedAt !== 'string') return null;
  return { name, value, version, updatedAt: updatedAt ?? null };
}

export function readIncrementApplied(x: unknown): IncrementApplied | null {
  if (!isFields(x)) return null;
  const { name, value, version, by, yourTotal } = x;
  if (typeof name !== 'string' || !isInteger(value) || !isCount(version) || !isCount(by) || !isInteger(yourTotal)) {
    return null;
  }
  return { name, value, version, by, yourTotal };
}

export function readIncrementResult(x: unknown): IncrementResult | null {
  const snapshot = readCounterSnapshot(x);
  if (snapshot === null || !isFields(x) || !isCount(x.by)) return null;
  const { yourTotal } = x;
  if (yourTotal !== undefined && yourTotal !== null && !isInteger(yourTotal)) return null;
  return isInteger(yourTotal) ? { ...snapshot, by: x.by, yourTotal } : { ...snapshot, by: x.by };
}

/** Names come back lower-case; compare case-insensitively anyway, names are ASCII. */
export function isSameCounter(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
