// What a subscriber shows, by the page's rule (web/src/client/laneMerge.ts; README "Realtime"), kept here so that
// subscribers are judged by the rule, not by the page's code: per lane the highest version wins (a tie to the higher
// value, so order does not matter); a payload without `lanes` (a server from before lanes) is a pseudo-lane of its
// own, shown when its version is above the lanes' sum; what is shown is the sums.

const higher = (mine, theirs) => (!mine || theirs.version > mine.version || (theirs.version === mine.version && theirs.value > mine.value) ? theirs : mine);
const sums = (lanes) => lanes.reduce((s, l) => ({ value: s.value + l.value, version: s.version + l.version }), { value: 0, version: 0 });
const sorted = (lanes) => Object.entries(lanes).sort(([a], [b]) => (a < b ? -1 : 1));

export const emptyView = () => ({ lanes: new Map(), unlaned: null, value: 0, version: 0 });

/** Whether a payload's lanes add up to its sums (null without lanes); a payload that does not is merged all the same. */
export function lanesAddUp(payload) {
  if (payload.lanes == null) return null;
  const s = sums(Object.values(payload.lanes));
  return s.value === payload.value && s.version === payload.version;
}

/** Merges one payload (`counterUpdated`, a read, an increment answer) into the view; whether the shown sums changed. */
export function merge(view, payload) {
  if (payload.lanes == null) view.unlaned = higher(view.unlaned, { value: payload.value, version: payload.version });
  else for (const [id, { value, version }] of Object.entries(payload.lanes)) view.lanes.set(id, higher(view.lanes.get(id), { value, version }));
  let shown = sums([...view.lanes.values()]);
  if (view.unlaned && view.unlaned.version > shown.version) shown = view.unlaned;
  const changed = shown.value !== view.value || shown.version !== view.version;
  Object.assign(view, { value: shown.value, version: shown.version });
  return changed;
}

export const lanesOf = (view) => Object.fromEntries(sorted(Object.fromEntries(view.lanes)));

/** A payload's identity: each commit raises its own lane, so two payloads with the same lanes are one commit's. */
export const payloadKey = (p) => (p.lanes == null ? `v${p.version}` : sorted(p.lanes).map(([id, l]) => `${id}:${l.version}:${l.value}`).join(','));
