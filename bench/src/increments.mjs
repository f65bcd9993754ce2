// What the answers to a run's increments say, and the exactness checks every scenario applies to them.
import { Op } from './driver/http.mjs';
import { summarize } from './stats.mjs';
import { checkReadsWithinStorage, checkStorage, storageExact } from './storage.mjs';

/** The server answers every request within this long (LiveCounter:AnswerDeadline, 10 s by default). */
export const ANSWER_DEADLINE_MS = 10_000;

/**
 * Sums up the increments of driver runs (of one counter, or of those sent to one instance): how many acknowledged
 * (final 200), the tries and 5xx it took, replays, and whether each version was handed out once.
 */
export function analyse(runs, { counter = null, instance = null } = {}) {
  const sum = { increments: 0, acknowledged: 0, unacknowledged: 0, attempts: 0, retried: 0, s503: 0, s5xx: 0, networkErrors: 0, unreadable2xx: 0 };
  // other: final answers neither 200 nor retryable (4xx); unexplainedReplays: replayed though no earlier try can have been applied
  const a = { ...sum, other: 0, replays: 0, replaysAfterLostAnswer: 0, unexplainedReplays: 0, longestTryMs: 0, triesPastDeadline: 0, maxVersion: 0, distinctVersions: 0, duplicateVersions: 0 };
  const versions = new Set();
  const latency = [];
  for (const run of runs) {
    for (let i = 0; i < run.status.length; i++) {
      if (run.op[i] !== Op.increment || (counter != null && run.counter[i] !== counter) || (instance != null && run.instance[i] !== instance)) continue;
      const ok = run.status[i] === 200;
      const row = { increments: 1, acknowledged: ok, unacknowledged: !ok, attempts: run.attempts[i], retried: run.attempts[i] > 1, s503: run.s503[i], s5xx: run.s5xx[i], networkErrors: run.errors[i], unreadable2xx: run.unreadable?.[i] ?? 0 };
      for (const k in sum) a[k] += Number(row[k]);
      const longest = run.longestTry?.[i] ?? run.latency[i];
      a.longestTryMs = Math.max(a.longestTryMs, longest);
      if (longest > ANSWER_DEADLINE_MS) a.triesPastDeadline++;
      if (!ok) {
        if (run.status[i] < 500 && run.status[i] !== 0) a.other++;
        continue;
      }
      latency.push(run.latency[i]);
      if (run.replayed[i]) {
        a.replays++;
        a[run.uncertain[i] ? 'replaysAfterLostAnswer' : 'unexplainedReplays']++;
      }
      if (versions.has(run.version[i])) a.duplicateVersions++;
      versions.add(run.version[i]);
      a.maxVersion = Math.max(a.maxVersion, run.version[i]);
    }
  }
  return { ...a, distinctVersions: versions.size, latencyMs: summarize(latency), failures: runs.flatMap((run) => run.failures ?? []).slice(0, 5) };
}

/** The read after the run matches the answers: final value = final version = acknowledged, each version 1..N once. */
export const isExact = (a, final) => [final.value, final.version, a.distinctVersions, a.maxVersion].every((n) => n === a.acknowledged);

/** Every increment acknowledged, replays only after a lost answer, no 5xx but 503 (a 503 is retried and reported, never a success). */
export function checkAnswers(bench, scenario, a) {
  bench.check(scenario, 'every increment acknowledged', a.unacknowledged === 0, `${a.unacknowledged} never answered 200 (${a.other} answered 4xx): ${a.failures.join(' | ')}`);
  bench.check(scenario, 'replays only after a lost answer', a.unexplainedReplays === 0, `${a.unexplainedReplays} answers were replays although every earlier try was refused with "nothing was written"`);
  bench.check(scenario, 'no 5xx other than 503', a.s5xx === 0, `${a.s5xx} answers were 5xx other than 503: ${a.failures.join(' | ')}`);
}

/**
 * One counter's exactness: on the Table store the answers', the partition's (storage.mjs) and the `reads` within
 * what is stored; elsewhere the answers against the read (versions 1..N once each: one process, one lane).
 */
export function checkCounter(bench, scenario, a, reads, storage) {
  if (storage) {
    checkAnswers(bench, scenario, a);
    checkStorage(bench, scenario, storage);
    checkReadsWithinStorage(bench, scenario, reads, storage);
    return storageExact(storage);
  }
  const [final, exact] = [reads[0], isExact(a, reads[0])];
  bench.check(scenario, 'exact', exact, `final value ${final.value}, version ${final.version}; ${a.acknowledged} increments acknowledged with ${a.distinctVersions} distinct versions up to ${a.maxVersion}`);
  checkAnswers(bench, scenario, a);
  return exact;
}
