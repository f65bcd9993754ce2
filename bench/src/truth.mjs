// Subscribers judged by what a person would see: each merged view (laneMerge.mjs) against the table's truth after
// the run, and how long after the last increment answer the view first showed it.
import { summarize } from './stats.mjs';

/** When the shown sums first equalled the truth; `history` is flat [at, value, version, …] in receipt order. null: never. */
export function reachedTruthAt(history, truth) {
  for (let i = 0; i + 2 < history.length; i += 3) if (history[i + 1] === truth.value && history[i + 2] === truth.version) return history[i];
  return null;
}

/** One subscriber's view as it ended. Time to truth is 0 when a message beat the last answer (a commit's message can beat its answer). */
export function judgeSubscriber({ view, truth, lastAnswerAt }) {
  const at = reachedTruthAt(view.history, truth);
  const relative = at === null ? null : at - lastAnswerAt;
  return {
    onTruth: view.value === truth.value && view.version === truth.version,
    value: view.value,
    version: view.version,
    behind: { value: truth.value - view.value, version: truth.version - view.version },
    reachedTruth: at !== null,
    timeToTruthMs: relative === null ? null : Math.max(0, relative),
    reachedTruthRelativeMs: relative,
  };
}

export function summarizeTruth(judged) {
  const count = (f) => judged.filter(f).length;
  const times = judged.filter((j) => j.timeToTruthMs !== null).map((j) => j.timeToTruthMs);
  return { subscribers: judged.length, onTruth: count((j) => j.onTruth), neverReached: count((j) => !j.reachedTruth), timeToTruthMs: summarize(times) };
}

/** When the last 200 arrived: the latest send + latency over the driver's records. */
export function lastAnswerAt(runs) {
  let last = null;
  for (const r of runs) for (let i = 0; i < r.status.length; i++) if (r.status[i] === 200) last = Math.max(last ?? -Infinity, r.send[i] + r.latency[i]);
  return last;
}
