// Subscribers judged by what a person would see: each one's merged view (laneMerge.mjs) against the table's truth
// after the run (Σ over the lane rows, value and version), and how long after the last increment answer its view
// first showed that truth.
import { summarize } from './stats.mjs';

/**
 * When the shown sums first equalled the truth. `history` is flat: [at, value, version, …], one triple per change
 * of the shown sums, in the order of receipt. null: never.
 */
export function reachedTruthAt(history, truth) {
  for (let i = 0; i + 2 < history.length; i += 3) {
    if (history[i + 1] === truth.value && history[i + 2] === truth.version) return history[i];
  }
  return null;
}

/**
 * One subscriber: `view` { value, version, history } as it ended, `truth` { value, version }, `lastAnswerAt` when
 * the last increment answer arrived (the bench's clock). Time to truth is 0 when the view already showed the truth
 * when the last answer arrived (a message can beat the answer of its own commit).
 */
export function judgeSubscriber({ view, truth, lastAnswerAt }) {
  const reachedAt = reachedTruthAt(view.history, truth);
  return {
    onTruth: view.value === truth.value && view.version === truth.version,
    value: view.value,
    version: view.version,
    behind: { value: truth.value - view.value, version: truth.version - view.version },
    reachedTruth: reachedAt !== null,
    timeToTruthMs: reachedAt === null ? null : Math.max(0, reachedAt - lastAnswerAt),
    // signed: below 0 when a message beat the last answer
    reachedTruthRelativeMs: reachedAt === null ? null : reachedAt - lastAnswerAt,
  };
}

/** Over the subscribers: how many end on the truth, how many never showed it, and the time to truth of the others. */
export function summarizeTruth(judged) {
  const times = judged.filter((j) => j.timeToTruthMs !== null).map((j) => j.timeToTruthMs);
  return {
    subscribers: judged.length,
    onTruth: judged.filter((j) => j.onTruth).length,
    neverReached: judged.filter((j) => !j.reachedTruth).length,
    timeToTruthMs: summarize(times),
  };
}

/** When the last increment answer arrived: the latest first send + latency of a 200 over the driver's records. */
export function lastAnswerAt(runs) {
  let last = -Infinity;
  for (const r of runs) for (let i = 0; i < r.status.length; i++) if (r.status[i] === 200) last = Math.max(last, r.send[i] + r.latency[i]);
  return last === -Infinity ? null : last;
}
