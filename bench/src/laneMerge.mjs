// What a subscriber shows: a grow-only counter of lanes merged from every payload it received, as the page does
// (web/src/client/laneMerge.ts; design: README "Realtime"). A payload counts its own lane exactly and the other
// lanes as its process last read them, so no one payload need be the truth; per lane the entry with the highest
// version is, once each lane's last commit has been heard of. The bench keeps its own small copy of the rule so
// that it judges subscribers by the rule, not by the page's code.
//
// Invariants: per lane the highest version wins, a tie going to the higher value (so the merge ignores order); a
// payload without `lanes` (a server from before lanes on the wire) is one pseudo-lane of its own, never added to
// the lanes, and shown when its version is above the lanes' sum; the shown value and version are the sums.

/** A view that has seen nothing. */
export function emptyView() {
  return { lanes: new Map(), unlaned: null, value: 0, version: 0 };
}

const higher = (mine, theirs) => {
  if (!mine) return theirs;
  if (theirs.version !== mine.version) return theirs.version > mine.version ? theirs : mine;
  return theirs.value > mine.value ? theirs : mine;
};

/**
 * Whether a payload's lanes add up to its top-level sums (null without lanes: nothing to check). A payload that
 * does not is a wrong message; it is merged all the same, so that what it does to the view shows.
 */
export function lanesAddUp(payload) {
  if (payload.lanes == null) return null;
  let value = 0;
  let version = 0;
  for (const lane of Object.values(payload.lanes)) {
    value += lane.value;
    version += lane.version;
  }
  return value === payload.value && version === payload.version;
}

/** Merges one payload (`counterUpdated`, a read, an increment answer) into the view; whether the shown sums changed. */
export function merge(view, payload) {
  if (payload.lanes == null) {
    view.unlaned = higher(view.unlaned, { value: payload.value, version: payload.version });
  } else {
    for (const [id, lane] of Object.entries(payload.lanes)) {
      view.lanes.set(id, higher(view.lanes.get(id), { value: lane.value, version: lane.version }));
    }
  }
  let value = 0;
  let version = 0;
  for (const lane of view.lanes.values()) {
    value += lane.value;
    version += lane.version;
  }
  if (view.unlaned && view.unlaned.version > version) ({ value, version } = view.unlaned);
  const changed = value !== view.value || version !== view.version;
  view.value = value;
  view.version = version;
  return changed;
}

/** The view's lanes as a plain object, for the results. */
export const lanesOf = (view) => Object.fromEntries([...view.lanes].sort(([a], [b]) => (a < b ? -1 : 1)));

/** A payload's identity: two messages with the same lanes are the same commit's (each commit raises its own lane). */
export function payloadKey(payload) {
  if (payload.lanes == null) return `v${payload.version}`;
  return Object.entries(payload.lanes)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, lane]) => `${id}:${lane.version}:${lane.value}`)
    .join(',');
}
