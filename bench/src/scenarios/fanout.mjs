// fanout: S subscribers on one counter while increments (each with its own key, retried until 200) arrive at R
// per second. With conflation a subscriber may see fewer versions than there were increments: every increment is
// still covered, the delivery latency of an increment for a subscriber being the time from its first POST to the
// first message at that subscriber of a version ≥ its own. Measured for every increment and every subscriber.
import { readCounter } from '../driver/http.mjs';
import { answersByVersion, checkDeliveries, conflatedDeliveries, deliveryReport, fillAnswers, finalStates } from '../delivery.mjs';
import { analyse, checkCounter } from '../increments.mjs';
import { storageOf } from '../storage.mjs';
import { cpuCell, progress } from '../bench.mjs';
import { fixed, int, ms, summarize, table, verdict } from '../stats.mjs';

/** After the load (fanout and many): drains to the final versions, then judges every (subscriber, increment) pair and each subscriber's final state after catch-up. */
export async function judgeDeliveries(bench, { names, finals, perCounter, runResult, subscribed, byCounter = false }) {
  const stillBehind = await bench.drainAll(Object.fromEntries(names.map((n) => [n, finals.get(n).version])));
  const [messages, catchUps] = [await bench.collectAll(), await bench.catchUpAll()];
  const answers = answersByVersion(names.map((n, c) => [n, Math.max(finals.get(n).version, perCounter[c].maxVersion)]));
  names.forEach((n, c) => fillAnswers(answers, n, [runResult], byCounter ? c : null));
  return { stillBehind, d: conflatedDeliveries(messages, subscribed, answers, finals), f: finalStates(catchUps, subscribed, finals) };
}

export async function run(bench) {
  const results = [];
  for (const { subscribers, rate } of bench.options.fanoutList) {
    const label = `${subscribers}@${rate}`;
    const name = `${bench.run}-fan-${subscribers}-${String(rate).replace('.', '_')}`;
    progress.set(`fanout ${label}: subscribe`);
    const subscribed = await bench.subscribeGeneral(subscribers, () => name);
    await bench.collectAll();
    progress.set(`fanout ${label}`);
    const { value: runResult, cpu, store } = await bench.measure(() => bench.load[0].call('paced', { base: bench.base, name, rate, durationMs: bench.options.fanoutSeconds * 1000, plain: bench.options.plainWriters }));
    const a = analyse([runResult]);
    const final = await readCounter(bench.base, name);
    const storage = await storageOf(bench, name, [runResult], { writers: [{ visitorId: null, instance: 0 }] });
    progress.set(`fanout ${label}: drain`);
    const { d, f, stillBehind } = await judgeDeliveries(bench, { names: [name], finals: new Map([[name, final]]), perCounter: [a], runResult, subscribed });
    const target = bench.targets.fanout[label] ?? null;
    checkCounter(bench, `fanout ${label}`, a, [final], storage);
    checkDeliveries(bench, `fanout ${label}`, d, f);
    results.push({
      subscribers, rate, seconds: bench.options.fanoutSeconds, increments: { ...a, skippedAtInFlightCap: runResult.skipped }, httpLatencyMs: a.latencyMs, generatorLagMs: summarize(runResult.lag), deliveryLatencyMs: d.latency,
      ...deliveryReport(d, f, stillBehind, a.acknowledged, subscribers), final, storage, store,
      target: target == null ? null : { p99Ms: target }, meetsTarget: target == null ? null : d.latency.p99 != null && d.latency.p99 <= target, cpu,
    });
    await bench.unsubscribeAll();
  }
  return results;
}

export function render(list) {
  const rows = list.map((f) => {
    const [latency, m, c] = [f.deliveryLatencyMs, f.messages, f.coverage];
    return [`${int(f.subscribers)} subs @ ${f.rate}/s`, ms(latency.p50), ms(latency.p95), ms(latency.p99), ms(latency.max), fixed(m.perIncrementPerSubscriber, 3), int(m.outOfOrder), `${c.missingLive} / ${c.afterCatchUp}`, ms(f.httpLatencyMs.p99), f.increments.s503, f.target ? `<= ${f.target.p99Ms} ms ${verdict(f.meetsTarget)}` : '', cpuCell(f.cpu)];
  });
  const notes = list.map(({ messages: m, coverage: c, ...f }) =>
    `  ${f.subscribers}@${f.rate}: ${int(f.increments.acknowledged)} increments, latency over ${int(f.deliveryLatencyMs.count)} (subscriber, increment) pairs; ${int(m.deliveries)} messages from ${int(m.commitsSeen)} commits seen (${fixed(m.perIncrement, 1)} sent per increment); final ${int(f.final.version)}` +
    (c.missingAfterLostAnswer ? `; ${int(c.missingAfterLostAnswer)} pairs uncovered only for versions acknowledged by replays (their commits sent nothing)` : '') +
    (c.reconnects ? `; ${c.reconnects} reconnects (${int(c.missingReconnected)} pairs missed on them)` : ''));
  return [table([['fan-out', 'delivery p50', 'p95', 'p99', 'max', 'msgs/incr/sub', 'out of order', 'missing (live / after catch-up)', 'POST p99', '503s', 'target p99', 'cpu (cores)'], ...rows]), ...notes].join('\n');
}
