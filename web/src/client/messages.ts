/**
 * The payloads the server sends, by HTTP or SignalR, checked at the boundary: anything malformed
 * is dropped rather than shown as NaN.
 */

/** One lane of a counter as a commit or read saw it; both only grow. */
export interface Lane {
  readonly value: number;
  readonly version: number;
}

/** Lane id (opaque: `lane-07`, `state`, …) → that lane. At most MAX_LANES entries. */
export type Lanes = Readonly<Record<string, Lane>>;

export interface CounterSnapshot {
  readonly name: string;
  /** The sum over `lanes` (checked), or the counter's whole value from a server without lanes. */
  readonly value: number;
  readonly version: number;
  /** ISO-8601; null for a counter never incremented. */
  readonly updatedAt: string | null;
  /** null: sent by a server from before lanes were on the wire (see laneMerge.ts). */
  readonly lanes: Lanes | null;
}

/** SignalR `incrementApplied`, sent to the incrementing visitor only. */
export interface IncrementApplied {
  readonly name: string;
  readonly value: number;
  readonly version: number;
  readonly lanes: Lanes | null;
  readonly by: number;
  readonly yourTotal: number;
}

/** The 200 body of POST /counters/{name}/increment. */
export interface IncrementResult extends CounterSnapshot {
  readonly by: number;
  /** Present when the request carried a visitor id. */
  readonly yourTotal?: number;
}

/** 32 lane rows and the row from before lanes (README, "Lanes"). */
export const MAX_LANES = 33;

type Fields = Record<string, unknown>;

const isFields = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInteger = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isCount = (x: unknown): x is number => isInteger(x) && x >= 0;

/**
 * `lanes` absent (or null) is a server from before lanes on the wire: null. Otherwise every lane
 * must be well-formed and the top-level value and version must be their sums, as the contract says
 * they are; a payload that contradicts itself is dropped like any other malformed one, since
 * nothing says which half is wrong: showing its lanes would poison the merge, showing its sums
 * would contradict the lanes. Delivery is at most once anyway, and the next message or the
 * catch-up read carries the same lanes again. undefined: malformed.
 */
function readLanes(lanes: unknown, value: number, version: number): Lanes | null | undefined {
  if (lanes === undefined || lanes === null) return null;
  if (!isFields(lanes)) return undefined;
  // Own enumerable entries only, and Object.fromEntries defines them as own data properties, so an
  // id such as `__proto__` or `constructor` stays a plain id.
  const entries = Object.entries(lanes);
  if (entries.length > MAX_LANES) return undefined;
  let valueSum = 0;
  let versionSum = 0;
  const read: Array<[string, Lane]> = [];
  for (const [id, lane] of entries) {
    if (!isFields(lane) || !isCount(lane.value) || !isCount(lane.version)) return undefined;
    valueSum += lane.value;
    versionSum += lane.version;
    read.push([id, { value: lane.value, version: lane.version }]);
  }
  // Sums of non-negative lanes that leave the safe integers never come back, so they cannot equal
  // the top level, which is safe.
  if (valueSum !== value || versionSum !== version) return undefined;
  return Object.fromEntries(read);
}

export function readCounterSnapshot(x: unknown): CounterSnapshot | null {
  if (!isFields(x)) return null;
  const { name, value, version, updatedAt } = x;
  if (typeof name !== 'string' || !isInteger(value) || !isCount(version)) return null;
  if (updatedAt !== null && updatedAt !== undefined && typeof updatedAt !== 'string') return null;
  const lanes = readLanes(x.lanes, value, version);
  if (lanes === undefined) return null;
  return { name, value, version, updatedAt: updatedAt ?? null, lanes };
}

export function readIncrementApplied(x: unknown): IncrementApplied | null {
  if (!isFields(x)) return null;
  const { name, value, version, by, yourTotal } = x;
  if (typeof name !== 'string' || !isInteger(value) || !isCount(version) || !isCount(by) || !isInteger(yourTotal)) {
    return null;
  }
  const lanes = readLanes(x.lanes, value, version);
  if (lanes === undefined) return null;
  return { name, value, version, lanes, by, yourTotal };
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
