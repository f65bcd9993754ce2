// What the answers to a run's increments say, and the exactness checks every scenario applies to them.
import { Op } from './driver/http.mjs';
import { summarize } from './stats.mjs';

/** The server answers every request within this long (LiveCounter:AnswerDeadline, 10 s by default). */
export const ANSWER_DEADLINE_MS = 10_000;
import { checkReadsWithinStorage, checkStorage, storageExact } from './storage.mjs';

/**
 * Sums up the increments (Op.increment) of one or more driver runs, optionally of one counter or of the ones sent
 * to one instance (--instances): how many were
 * acknowledged (final 200), the tries and 5xx it took, replays, and whether each version was handed out once.
 */
export function analyse(runs, { counter = null, instance = null } = {}) {
  const a = {
    increments: 0,
    acknowledged: 0,
    unacknowledged: 0,
    attempts: 0,
    retried: 0, // increments that needed more than one try
    s503: 0,
    s5xx: 0, // other than 503
    networkErrors: 0, // tries without an answer
    unreadable2xx: 0, // of those, 2xx whose body could not be read whole (retried like a network error)
    other: 0, // final answers that were neither 200 nor retryable (4xx)
    replays: 0, // final 200 with Idempotent-Replayed: true
    replaysAfterLostAnswer: 0,
    unexplainedReplays: 0, // replayed although no earlier try can have been applied
    longestTryMs: 0, // the longest single request (one try) of any increment, answered or not
    triesPastDeadline: 0, // increments one of whose tries took longer than the server's answer deadline
    maxVersion: 0,
    distinctVersions: 0,
    duplicateVersions: 0,
    failures: [],
  };
  const versions = new Set();
  const latency = [];
  for (const run of runs) {
    a.failures.push(...(run.failures ?? []));
    for (let i = 0; i < run.status.length; i++) {
      if (run.op[i] !== Op.increment || (counter != null && run.counter[i] !== counter) || (instance != null && run.instance[i] !== instance)) continue;
      a.increments++;
      a.attempts += run.attempts[i];
      if (run.attempts[i] > 1) a.retried++;
      a.s503 += run.s503[i];
      a.s5xx += run.s5xx[i];
      a.networkErrors += run.errors[i];
      a.unreadable2xx += run.unreadable?.[i] ?? 0;
      const longest = run.longestTry?.[i] ?? run.latency[i];
      a.longestTryMs = Math.max(a.longestTryMs, longest);
      if (longest > ANSWER_DEADLINE_MS) a.triesPastDeadline++;
      if (run.status[i] !== 200) {
        a.unacknowledged++;
        if (run.status[i] < 500 && run.status[i] !== 0) a.other++;
        continue;
      }
      a.acknowledged++;
      latency.push(run.latency[i]);
      if (run.replayed[i]) {
        a.replays++;
        if (run.uncertain[i]) a.replaysAfterLostAnswer++;
        else a.unexplainedReplays++;
      }
      const v = run.version[i];
      if (versions.has(v)) a.duplicateVersions++;
      versions.add(v);
      if (v > a.maxVersion) a.maxVersion = v;
    }
  }
  a.distinctVersions = versions.size;
  a.latencyMs = summarize(latency);
  a.failures = a.failures.slice(0, 5);
  return a;
}

/** Whether the counter read afterwards matches the answers: final value = final version = acknowledged, each version 1..N once. */
export const isExact = (a, final) =>
  final.value === a.acknowledged && final.version === a.acknowledged && a.distinctVersions === a.acknowledged && a.maxVersion === a.acknowledged;

/**
 * The checks of the answers: every increment acknowledged, replays only after a lost answer, no 5xx other than
 * 503 (a 503 is retried and reported, never counted as a success).
 */
export function checkAnswers(bench, scenario, a) {
  bench.check(scenario, 'every increment acknowledged', a.unacknowledged === 0, `${a.unacknowledged} never answered 200 (${a.other} answered 4xx): ${a.failures.join(' | ')}`);
  bench.check(scenario, 'replays only after a lost answer', a.unexplainedReplays === 0, `${a.unexplainedReplays} answers were replays although every earlier try was refused with "nothing was written"`);
  bench.check(scenario, 'no 5xx other than 503', a.s5xx === 0, `${a.s5xx} answers were 5xx other than 503: ${a.failures.join(' | ')}`);
}

/**
 * The exactness checks of one counter: on the Table store (storage judged, see storage.mjs) the answers' checks,
 * the partition's and the read after the run within what is stored; elsewhere the answers against the read
 * (versions 1..N once each, which holds for one process with one lane). Returns whether it was exact.
 */
export function checkCounter(bench, scenario, a, final, storage) {
  if (!storage) return checkIncrements(bench, scenario, a, final);
  checkAnswers(bench, scenario, a);
  checkStorage(bench, scenario, storage);
  checkReadsWithinStorage(bench, scenario, [final], storage);
  return storageExact(storage);
}

/** The checks of a keyed run of one counter against the counter read afterwards. */
export function checkIncrements(bench, scenario, a, final) {
  const exact = isExact(a, final);
  bench.check(scenario, 'exact', exact, `final value ${final.value}, version ${final.version}; ${a.acknowledged} increments acknowledged with ${a.distinctVersions} distinct versions up to ${a.maxVersion}`);
  checkAnswers(bench, scenario, a);
  return exact;
}

