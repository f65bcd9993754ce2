// many: C counters with S subscribers each, under a closed loop of increments (each with its own key, retried until
// 200) and reads of random counters. Deliveries are judged as in fanout: every increment covered, per subscriber.
import { Op, readCounter } from '../driver/http.mjs';
import { answersByVersion, checkDeliveries, conflatedDeliveries, deliveryReport, fillAnswers, finalStates } from '../delivery.mjs';
import { analyse, checkAnswers, isExact } from '../increments.mjs';
import { checkReadsWithinStorage, checkStorageOfCounters, storageExact, storageOf } from '../storage.mjs';
import { progress } from '../progress.mjs';
import { eachLimited, int, ms, round, summarize, table } from '../stats.mjs';

/** Partitions read from Azurite at once after the run. */
const PARALLEL_READS = 8;
import { cpuCell } from '../format.mjs';

export async function run(bench) {
  const { counters, subsPerCounter, mixedWriters, mixedSeconds, readShare } = bench.options;
  const names = Array.from({ length: counters }, (_, i) => `${bench.run}-many-${i}`);
  progress.set('many: subscribe');
  const subscribed = await bench.subscribeGeneral(counters * subsPerCounter, (j) => names[j % counters]);
  await bench.collectAll();
  progress.set('many counters');
  const { value: runResult, cpu, store } = await bench.measure(() =>
    bench.load[0].call('mixed', { base: bench.base, namesList: names, writers: mixedWriters, durationMs: mixedSeconds * 1000, readShare, plain: bench.options.plainWriters }),
  );
  const all = analyse([runResult]);
  const perCounter = names.map((_, c) => analyse([runResult], { counter: c }));
  const readLatency = [];
  let reads = 0;
  let readFailures = 0;
  for (let i = 0; i < runResult.status.length; i++) {
    if (runResult.op[i] !== Op.read) continue;
    reads++;
    readLatency.push(runResult.latency[i]);
    if (runResult.status[i] !== 200) readFailures++;
  }
  const finals = new Map();
  for (const name of names) finals.set(name, await readCounter(bench.base, name));
  const writers = Array.from({ length: mixedWriters }, () => ({ visitorId: null, instance: 0 }));
  const storages = new Array(counters).fill(null);
  await eachLimited(names, PARALLEL_READS, async (name, c) => (storages[c] = await storageOf(bench, name, [runResult], { counter: c, writers })));
  const judged = storages[0] ? names.map((name, c) => ({ name, storage: storages[c] })) : null;
  progress.set('many: drain');
  const stillBehind = await bench.drainAll(Object.fromEntries(names.map((n) => [n, finals.get(n).version])));
  const collected = await bench.collectAll();
  const catchUps = await bench.catchUpAll();
  const answers = answersByVersion(names.map((n, c) => [n, Math.max(finals.get(n).version, perCounter[c].maxVersion)]));
  names.forEach((n, c) => fillAnswers(answers, n, [runResult], c));
  const d = conflatedDeliveries(collected, subscribed, answers, finals);
  const f = finalStates(catchUps, subscribed, finals);
  // Exactness per counter (the failure names the first counters that fail).
  const inexact = [];
  names.forEach((n, c) => {
    const a = perCounter[c];
    const final = finals.get(n);
    const exact = judged ? storageExact(storages[c]) : isExact(a, final);
    if (!exact) inexact.push(`${n}: final ${final.value}/${final.version}, acknowledged ${a.acknowledged}${judged ? `, stored ${storages[c].sumValue}/${storages[c].sumVersion} in ${storages[c].keyRows} key rows` : ''}`);
  });
  const seconds = (runResult.finished - runResult.started) / 1000;
  const result = {
    counters,
    subscribersPerCounter: subsPerCounter,
    writers: mixedWriters,
    seconds: round(seconds, 2),
    readShare,
    operations: all.increments + reads,
    operationsPerSecond: Math.round((all.acknowledged + reads) / seconds),
    incrementsPerSecond: Math.round(all.acknowledged / seconds),
    readsPerSecond: Math.round(reads / seconds),
    increments: all,
    readFailures,
    incrementLatencyMs: all.latencyMs,
    readLatencyMs: summarize(readLatency),
    deliveryLatencyMs: d.latency,
    ...deliveryReport(d, f, stillBehind, all.acknowledged, subsPerCounter),
    inexactCounters: inexact.length,
    exactness: judged ? 'storage' : 'answers',
    store,
    cpu,
  };
  bench.check('many', 'exact on every counter', inexact.length === 0, `${inexact.length} counters differ from their acknowledged increments: ${inexact.slice(0, 3).join('; ')}`);
  checkAnswers(bench, 'many', all);
  if (judged) {
    checkStorageOfCounters(bench, 'many', judged);
    const reads = { check: (scenario, check, ok, detail) => ok || bench.check(scenario, check, ok, detail) };
    names.forEach((n, c) => checkReadsWithinStorage(reads, 'many', [finals.get(n)], storages[c]));
  }
  bench.check('many', 'reads answered', readFailures === 0, `${readFailures} reads were not 200`);
  checkDeliveries(bench, 'many', d, f);
  await bench.unsubscribeAll();
  return result;
}

export function render(m) {
  return table([
    ['many counters', 'ops/s (incr + read)', 'incr p99', 'read p99', 'delivery p50', 'p99', 'msgs/incr/sub', 'missing (live / after)', 'misdelivered', '503s', 'exact', 'cpu (cores)'],
    [
      `${m.counters} x ${m.subscribersPerCounter} subs, ${m.writers} writers`,
      `${int(m.operationsPerSecond)} (${int(m.incrementsPerSecond)} + ${int(m.readsPerSecond)})`,
      ms(m.incrementLatencyMs.p99),
      ms(m.readLatencyMs.p99),
      ms(m.deliveryLatencyMs.p50),
      ms(m.deliveryLatencyMs.p99),
      m.messages.perIncrementPerSubscriber == null ? 'n/a' : m.messages.perIncrementPerSubscriber.toFixed(3),
      `${m.coverage.missingOnLiveConnections} / ${m.coverage.afterCatchUp}`,
      m.messages.misrouted + m.messages.unknownVersions + m.messages.wrongValues,
      m.increments.s503,
      m.inexactCounters === 0 ? 'yes' : `NO (${m.inexactCounters})`,
      cpuCell(m.cpu),
    ],
  ]);
}
