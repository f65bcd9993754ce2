import type { CounterSnapshot, Lane } from './messages';
import type { Semilattice } from './replica';

/**
 * A counter as the page knows it: a grow-only counter of lanes (README, "Realtime"). Every
 * payload counts its own lane exactly and the other lanes as its process last read them, so no
 * single payload need be the whole truth; joining them lane by lane is, once each lane's last
 * commit has been heard of.
 *
 * Invariants (the join is a semilattice join, so Replica's hold):
 * - Per lane the entry with the highest version wins; a tie of versions with different values
 *   (only a restarted server, before its epoch settles, or a broken one) goes to the higher value,
 *   so that the join stays commutative.
 * - `unlaned` is a server from before lanes on the wire, whose payload is the counter as a whole:
 *   one pseudo-lane of its own, kept by the same rule. It is never added to the lanes (it already
 *   counts all of them); the page shows whichever of the two has the higher version, lanes on a tie.
 *   With only such a server, that is exactly the old rule: the newest version wins.
 * - `updatedAt` is the latest time any observation carried.
 * - `value` and `version` are what the page shows, derived from the above.
 */
export interface CounterState extends ShownCounter {
  readonly lanes: ReadonlyMap<string, Lane>;
  readonly unlaned: Lane | undefined;
}

/** What the page shows beside the name. */
export interface ShownCounter {
  readonly value: number;
  readonly version: number;
  /** ISO-8601; null while nothing says the counter was ever incremented. */
  readonly updatedAt: string | null;
}

export function counterState(snapshot: Pick<CounterSnapshot, 'value' | 'version' | 'updatedAt' | 'lanes'>): CounterState {
  const { value, version, updatedAt, lanes } = snapshot;
  if (lanes === null) return withSums(new Map(), { value, version }, updatedAt);
  return withSums(new Map(Object.entries(lanes)), undefined, updatedAt);
}

export const counterLattice: Semilattice<CounterState> = {
  join(a, b) {
    const lanes = new Map(a.lanes);
    for (const [id, lane] of b.lanes) lanes.set(id, higherLane(lanes.get(id), lane));
    const unlaned = b.unlaned === undefined ? a.unlaned : higherLane(a.unlaned, b.unlaned);
    return withSums(lanes, unlaned, laterTime(a.updatedAt, b.updatedAt));
  },

  equals(a, b) {
    if (a.updatedAt !== b.updatedAt || !sameLane(a.unlaned, b.unlaned) || a.lanes.size !== b.lanes.size) return false;
    for (const [id, lane] of a.lanes) if (!sameLane(lane, b.lanes.get(id))) return false;
    return true;
  },
};

export function shownCounter(state: CounterState): ShownCounter {
  return { value: state.value, version: state.version, updatedAt: state.updatedAt };
}

function withSums(lanes: ReadonlyMap<string, Lane>, unlaned: Lane | undefined, updatedAt: string | null): CounterState {
  let value = 0;
  let version = 0;
  for (const lane of lanes.values()) {
    value += lane.value;
    version += lane.version;
  }
  if (unlaned !== undefined && unlaned.version > version) ({ value, version } = unlaned);
  return { lanes, unlaned, updatedAt, value, version };
}

function higherLane(mine: Lane | undefined, theirs: Lane): Lane {
  if (mine === undefined) return theirs;
  if (theirs.version !== mine.version) return theirs.version > mine.version ? theirs : mine;
  return theirs.value > mine.value ? theirs : mine;
}

function sameLane(a: Lane | undefined, b: Lane | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.value === b.value && a.version === b.version);
}

/**
 * The later of two ISO-8601 times. Unreadable times count as earliest, and equal instants written
 * differently go to the greater string: any total order will do, as long as the join is commutative.
 */
function laterTime(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  const at = instant(a);
  const bt = instant(b);
  if (at !== bt) return at > bt ? a : b;
  return a >= b ? a : b;
}

function instant(time: string): number {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? -Infinity : ms;
}
