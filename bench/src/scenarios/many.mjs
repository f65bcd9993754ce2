// many: C counters with S subscribers each, under a closed loop of increments (each with its own key, retried until
// 200) and reads of random counters. Deliveries are judged as in fanout: every increment covered, per subscriber.
import { Op, readCounter } from '../driver/http.mjs';
import { answersByVersion, checkDeliveries, conflatedDeliveries, deliveryReport, fillAnswers, finalStates } from '../delivery.mjs';
import { analyse as analyseIncrements, checkAnswers, isExact } from '../increments.mjs';
import { checkStorageOfCounters, storageExact, storageOf } from '../storage.mjs';
import { progress } from '../progress.mjs';
import { eachLimited, int, ms, round, summarize, table } from '../stats.mjs';
import { cpuCell } from '../format.mjs';

/** Partitions read from Azurite at once after the run. */
const PARALLEL_READS = 8;
/** Counters named in a failed check. */
const EXAMPLES = 3;

export async function run(bench) {
  const collected = await collect(bench);
  const result = analyse(bench, collected);
  check(bench, result, collected);
  await bench.unsubscribeAll();
  return result;
}

/** Subscribes, runs the mixed load, reads every counter (and its partition on the Table store), drains and catches up. */
async function collect(bench) {
  const { counters, subsPerCounter, mixedWriters, mixedSeconds, readShare } = bench.options;
  const names = Array.from({ length: counters }, (_, i) => `${bench.run}-many-${i}`);
  progress.set('many: subscribe');
  const subscribed = await bench.subscribeGeneral(counters * subsPerCounter, (j) => names[j % counters]);
  await bench.collectAll();
  progress.set('many counters');
  const { value: runResult, cpu, store } = await bench.measure(() =>
    bench.load[0].call('mixed', { base: bench.base, namesList: names, writers: mixedWriters, durationMs: mixedSeconds * 1000, readShare, plain: bench.options.plainWriters }),
  );
  const finals = new Map();
  for (const name of names) finals.set(name, await readCounter(bench.base, name));
  const writers = Array.from({ length: mixedWriters }, () => ({ visitorId: null, instance: 0 }));
  const storages = new Array(counters).fill(null);
  await eachLimited(names, PARALLEL_READS, async (name, c) => (storages[c] = await storageOf(bench, name, [runResult], { counter: c, writers })));
  progress.set('many: drain');
  const stillBehind = await bench.drainAll(Object.fromEntries(names.map((n) => [n, finals.get(n).version])));
  const messages = await bench.collectAll();
  const catchUps = await bench.catchUpAll();
  return { names, subscribed, runResult, cpu, store, finals, storages: storages[0] ? storages : null, stillBehind, messages, catchUps };
}

/** Reads among the operations: how many, their latency, and how many were not 200. */
function readsOf(runResult) {
  const latency = [];
  let failures = 0;
  for (let i = 0; i < runResult.status.length; i++) {
    if (runResult.op[i] !== Op.read) continue;
    latency.push(runResult.latency[i]);
    if (runResult.status[i] !== 200) failures++;
  }
  return { count: latency.length, latency: summarize(latency), failures };
}

function analyse(bench, collected) {
  const { counters, subsPerCounter, mixedWriters, readShare } = bench.options;
  const { names, runResult, finals, storages } = collected;
  const all = analyseIncrements([runResult]);
  const perCounter = names.map((_, c) => analyseIncrements([runResult], { counter: c }));
  const reads = readsOf(runResult);
  const answers = answersByVersion(names.map((n, c) => [n, Math.max(finals.get(n).version, perCounter[c].maxVersion)]));
  names.forEach((n, c) => fillAnswers(answers, n, [runResult], c));
  const d = conflatedDeliveries(collected.messages, collected.subscribed, answers, finals);
  const f = finalStates(collected.catchUps, collected.subscribed, finals);
  // Exactness per counter (the failure names the first counters that fail).
  const inexact = [];
  const readsAboveStorage = [];
  names.forEach((n, c) => {
    const a = perCounter[c];
    const final = finals.get(n);
    const stored = storages?.[c];
    if (!(stored ? storageExact(stored) : isExact(a, final))) {
      inexact.push(`${n}: final ${final.value}/${final.version}, acknowledged ${a.acknowledged}${stored ? `, stored ${stored.sumValue}/${stored.sumVersion} in ${stored.keyRows} key rows` : ''}`);
    }
    if (stored && (final.value > stored.sumValue || final.version > stored.sumVersion)) readsAboveStorage.push(`${n}: read ${final.value}/${final.version}, stored ${stored.sumValue}/${stored.sumVersion}`);
  });
  const seconds = (runResult.finished - runResult.started) / 1000;
  return {
    counters,
    subscribersPerCounter: subsPerCounter,
    writers: mixedWriters,
    seconds: round(seconds, 2),
    readShare,
    operations: all.increments + reads.count,
    operationsPerSecond: Math.round((all.acknowledged + reads.count) / seconds),
    incrementsPerSecond: Math.round(all.acknowledged / seconds),
    readsPerSecond: Math.round(reads.count / seconds),
    increments: all,
    readFailures: reads.failures,
    incrementLatencyMs: all.latencyMs,
    readLatencyMs: reads.latency,
    deliveryLatencyMs: d.latency,
    ...deliveryReport(d, f, collected.stillBehind, all.acknowledged, subsPerCounter),
    inexactCounters: inexact.length,
    inexactExamples: inexact.slice(0, EXAMPLES),
    readsAboveStorage,
    exactness: storages ? 'storage' : 'answers',
    deliveries: d,
    finalStates: f,
    store: collected.store,
    cpu: collected.cpu,
  };
}

function check(bench, m, collected) {
  bench.check('many', 'exact on every counter', m.inexactCounters === 0, `${m.inexactCounters} counters differ from their acknowledged increments: ${m.inexactExamples.join('; ')}`);
  checkAnswers(bench, 'many', m.increments);
  if (collected.storages) {
    checkStorageOfCounters(bench, 'many', collected.names.map((name, c) => ({ name, storage: collected.storages[c] })));
    bench.check('many', 'reads after the run show no more than storage, on every counter', m.readsAboveStorage.length === 0, `${m.readsAboveStorage.length} counters: ${m.readsAboveStorage.slice(0, EXAMPLES).join('; ')}`);
  }
  bench.check('many', 'reads answered', m.readFailures === 0, `${m.readFailures} reads were not 200`);
  checkDeliveries(bench, 'many', m.deliveries, m.finalStates);
  delete m.deliveries;
  delete m.finalStates;
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
