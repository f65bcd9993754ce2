// many: C counters with S subscribers each, under a closed loop of increments (each with its own key, retried until
// 200) and reads of random counters. Deliveries are judged as in fanout: every increment covered, per subscriber.
import { Op, readCounter } from '../driver/http.mjs';
import { checkDeliveries, deliveryReport } from '../delivery.mjs';
import { analyse as analyseIncrements, checkAnswers, isExact } from '../increments.mjs';
import { EXAMPLES, checkStorageOfCounters, storageExact, storageOf } from '../storage.mjs';
import { cpuCell, progress } from '../bench.mjs';
import { eachLimited, fixed, int, ms, round, summarize, table } from '../stats.mjs';
import { judgeDeliveries } from './fanout.mjs';

/** Partitions read from Azurite at once after the run. */
const PARALLEL_READS = 8;

export async function run(bench) {
  const { counters, subsPerCounter, mixedWriters, mixedSeconds, readShare, plainWriters: plain } = bench.options;
  const names = Array.from({ length: counters }, (_, i) => `${bench.run}-many-${i}`);
  progress.set('many: subscribe');
  const subscribed = await bench.subscribeGeneral(counters * subsPerCounter, (j) => names[j % counters]);
  await bench.collectAll();
  progress.set('many counters');
  const { value: runResult, cpu, store } = await bench.measure(() => bench.load[0].call('mixed', { base: bench.base, namesList: names, writers: mixedWriters, durationMs: mixedSeconds * 1000, readShare, plain }));
  const finals = new Map();
  for (const name of names) finals.set(name, await readCounter(bench.base, name));
  const writers = Array.from({ length: mixedWriters }, () => ({ visitorId: null, instance: 0 }));
  const storages = new Array(counters).fill(null);
  await eachLimited(names, PARALLEL_READS, async (name, c) => (storages[c] = await storageOf(bench, name, [runResult], { counter: c, writers })));
  const all = analyseIncrements([runResult]);
  const perCounter = names.map((_, c) => analyseIncrements([runResult], { counter: c }));
  progress.set('many: drain');
  const { d, f, stillBehind } = await judgeDeliveries(bench, { names, finals, perCounter, runResult, subscribed, byCounter: true });
  // Reads among the operations: how many, their latency, how many were not 200.
  const readLatency = [];
  let readFailures = 0;
  for (let i = 0; i < runResult.status.length; i++) {
    if (runResult.op[i] !== Op.read) continue;
    readLatency.push(runResult.latency[i]);
    if (runResult.status[i] !== 200) readFailures++;
  }
  // Exactness per counter (the failure names the first counters that fail).
  const inexact = [];
  const readsAboveStorage = [];
  names.forEach((n, c) => {
    const [a, final, stored] = [perCounter[c], finals.get(n), storages[c]];
    if (!(stored ? storageExact(stored) : isExact(a, final))) inexact.push(`${n}: final ${final.value}/${final.version}, acknowledged ${a.acknowledged}${stored ? `, stored ${stored.sumValue}/${stored.sumVersion} in ${stored.keyRows} key rows` : ''}`);
    if (stored && (final.value > stored.sumValue || final.version > stored.sumVersion)) readsAboveStorage.push(`${n}: read ${final.value}/${final.version}, stored ${stored.sumValue}/${stored.sumVersion}`);
  });
  bench.check('many', 'exact on every counter', inexact.length === 0, `${inexact.length} counters differ from their acknowledged increments: ${inexact.slice(0, EXAMPLES).join('; ')}`);
  checkAnswers(bench, 'many', all);
  if (storages[0]) {
    checkStorageOfCounters(bench, 'many', names.map((name, c) => ({ name, storage: storages[c] })));
    bench.check('many', 'reads after the run show no more than storage, on every counter', readsAboveStorage.length === 0, `${readsAboveStorage.length} counters: ${readsAboveStorage.slice(0, EXAMPLES).join('; ')}`);
  }
  bench.check('many', 'reads answered', readFailures === 0, `${readFailures} reads were not 200`);
  checkDeliveries(bench, 'many', d, f);
  await bench.unsubscribeAll();
  const seconds = (runResult.finished - runResult.started) / 1000;
  const perSecond = (n) => Math.round(n / seconds);
  return {
    counters, subscribersPerCounter: subsPerCounter, writers: mixedWriters, seconds: round(seconds, 2), readShare, operations: all.increments + readLatency.length,
    operationsPerSecond: perSecond(all.acknowledged + readLatency.length), incrementsPerSecond: perSecond(all.acknowledged), readsPerSecond: perSecond(readLatency.length),
    increments: all, readFailures, incrementLatencyMs: all.latencyMs, readLatencyMs: summarize(readLatency), deliveryLatencyMs: d.latency,
    ...deliveryReport(d, f, stillBehind, all.acknowledged, subsPerCounter),
    inexactCounters: inexact.length, inexactExamples: inexact.slice(0, EXAMPLES), readsAboveStorage, exactness: storages[0] ? 'storage' : 'answers', store, cpu,
  };
}

export function render(m) {
  return table([
    ['many counters', 'ops/s (incr + read)', 'incr p99', 'read p99', 'delivery p50', 'p99', 'msgs/incr/sub', 'missing (live / after)', 'misdelivered', '503s', 'exact', 'cpu (cores)'],
    [`${m.counters} x ${m.subscribersPerCounter} subs, ${m.writers} writers`, `${int(m.operationsPerSecond)} (${int(m.incrementsPerSecond)} + ${int(m.readsPerSecond)})`, ms(m.incrementLatencyMs.p99), ms(m.readLatencyMs.p99), ms(m.deliveryLatencyMs.p50), ms(m.deliveryLatencyMs.p99),
      fixed(m.messages.perIncrementPerSubscriber, 3), `${m.coverage.missingLive} / ${m.coverage.afterCatchUp}`, m.messages.misrouted + m.messages.unknownVersions + m.messages.wrongValues, m.increments.s503, m.inexactCounters === 0 ? 'yes' : `NO (${m.inexactCounters})`, cpuCell(m.cpu)],
  ]);
}
