// fanout: S subscribers on one counter while increments (each with its own key, retried until 200) arrive at R
// per second. With conflation a subscriber may see fewer versions than there were increments: every increment is
// still covered, the delivery latency of an increment for a subscriber being the time from its first POST to the
// first message at that subscriber of a version ≥ its own. Measured for every increment and every subscriber.
import { readCounter } from '../driver/http.mjs';
import { answersByVersion, checkDeliveries, conflatedDeliveries, deliveryReport, fillAnswers, finalStates } from '../delivery.mjs';
import { analyse, checkCounter } from '../increments.mjs';
import { storageOf } from '../storage.mjs';
import { progress } from '../progress.mjs';
import { int, ms, summarize, table } from '../stats.mjs';
import { cpuCell, verdict } from '../format.mjs';

export async function run(bench) {
  const results = [];
  for (const { subscribers, rate } of bench.options.fanoutList) {
    const label = `${subscribers}@${rate}`;
    const name = `${bench.run}-fan-${subscribers}-${String(rate).replace('.', '_')}`;
    progress.set(`fanout ${label}: subscribe`);
    const subscribed = await bench.subscribeGeneral(subscribers, () => name);
    await bench.collectAll();
    progress.set(`fanout ${label}`);
    const { value: runResult, cpu, store } = await bench.measure(() =>
      bench.load[0].call('paced', { base: bench.base, name, rate, durationMs: bench.options.fanoutSeconds * 1000, plain: bench.options.plainWriters }),
    );
    const a = analyse([runResult]);
    const final = await readCounter(bench.base, name);
    const storage = await storageOf(bench, name, [runResult], { writers: [{ visitorId: null, instance: 0 }] });
    progress.set(`fanout ${label}: drain`);
    const stillBehind = await bench.drainAll({ [name]: final.version });
    const collected = await bench.collectAll();
    const catchUps = await bench.catchUpAll();
    const finals = new Map([[name, final]]);
    const answers = answersByVersion([[name, Math.max(final.version, a.maxVersion)]]);
    fillAnswers(answers, name, [runResult]);
    const d = conflatedDeliveries(collected, subscribed, answers, finals);
    const f = finalStates(catchUps, subscribed, finals);
    const target = bench.targets.fanout[label] ?? null;
    const result = {
      subscribers,
      rate,
      seconds: bench.options.fanoutSeconds,
      increments: { ...a, skippedAtInFlightCap: runResult.skipped },
      httpLatencyMs: a.latencyMs,
      generatorLagMs: summarize(runResult.lag),
      deliveryLatencyMs: d.latency,
      ...deliveryReport(d, f, stillBehind, a.acknowledged, subscribers),
      final,
      storage,
      store,
      target: target == null ? null : { p99Ms: target },
      meetsTarget: target == null ? null : d.latency.p99 != null && d.latency.p99 <= target,
      cpu,
    };
    const scenario = `fanout ${label}`;
    checkCounter(bench, scenario, a, final, storage);
    checkDeliveries(bench, scenario, d, f);
    results.push(result);
    await bench.unsubscribeAll();
  }
  return results;
}

export function render(list) {
  const rows = [['fan-out', 'delivery p50', 'p95', 'p99', 'max', 'msgs/incr/sub', 'out of order', 'missing (live / after catch-up)', 'POST p99', '503s', 'target p99', 'cpu (cores)']];
  for (const f of list) {
    rows.push([
      `${int(f.subscribers)} subs @ ${f.rate}/s`,
      ms(f.deliveryLatencyMs.p50),
      ms(f.deliveryLatencyMs.p95),
      ms(f.deliveryLatencyMs.p99),
      ms(f.deliveryLatencyMs.max),
      f.messages.perIncrementPerSubscriber == null ? 'n/a' : f.messages.perIncrementPerSubscriber.toFixed(3),
      int(f.messages.outOfOrder),
      `${f.coverage.missingOnLiveConnections} / ${f.coverage.afterCatchUp}`,
      ms(f.httpLatencyMs.p99),
      f.increments.s503,
      f.target ? `<= ${f.target.p99Ms} ms ${verdict(f.meetsTarget)}` : '',
      cpuCell(f.cpu),
    ]);
  }
  const notes = list.map(
    (f) =>
      `  ${f.subscribers}@${f.rate}: ${int(f.increments.acknowledged)} increments, latency over ${int(f.deliveryLatencyMs.count)} (subscriber, increment) pairs; ` +
      `${int(f.messages.deliveries)} messages from ${int(f.messages.commitsSeen)} commits seen (${f.messages.perIncrement?.toFixed(1) ?? 'n/a'} sent per increment); ` +
      `final ${int(f.final.version)}` +
      (f.coverage.missingAfterLostAnswer ? `; ${int(f.coverage.missingAfterLostAnswer)} pairs uncovered only for versions acknowledged by replays (their commits sent nothing)` : '') +
      (f.coverage.reconnects ? `; ${f.coverage.reconnects} reconnects (${int(f.coverage.missingOnReconnectedConnections)} pairs missed on them)` : ''),
  );
  return [table(rows), ...notes].join('\n');
}
