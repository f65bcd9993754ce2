// counterUpdated under conflation: each commit sends one message, the counter after it, so a subscriber sees some
// versions and not others, possibly out of order (clients keep the highest). What must hold is that every increment
// is covered: each subscriber receives, for every version v, a message of a version ≥ v, and ends at the final one.
import { keyOf, workerOf, connOf } from './workers.mjs';
import { summarize } from './stats.mjs';
import { Op } from './driver/http.mjs';

const nans = (n) => new Float64Array(n).fill(NaN);
const pick = (o, keys) => Object.fromEntries(keys.split(' ').map((k) => [k, o[k]]));

/** Per counter ([name, max version]), by version: the first send and value of the increment answered with it, and whether by a replay. */
export const answersByVersion = (names) => new Map(names.map(([name, max]) => [name, { send: nans(max + 1), value: nans(max + 1), replayed: new Uint8Array(max + 1) }]));

export function fillAnswers(answers, name, runs, counterIndex = null) {
  const entry = answers.get(name);
  for (const run of runs) {
    for (let i = 0; i < run.status.length; i++) {
      const v = run.version[i];
      if (run.op[i] !== Op.increment || run.status[i] !== 200 || (counterIndex != null && run.counter[i] !== counterIndex) || v >= entry.send.length) continue;
      [entry.send[v], entry.value[v], entry.replayed[v]] = [run.send[i], run.value[i], run.replayed[i]];
    }
  }
}

/**
 * One subscriber's messages (`list`: [index, worker, …] in receipt order) against its counter's answers: when
 * each version 1..final was first covered, and what was wrong. `seen` collects the versions anyone received.
 */
function judge(collected, list, final, answer, seen) {
  const judged = { reach: nans(final + 1), max: 0, unknownVersions: 0, wrongValues: 0, duplicates: 0, outOfOrder: 0 };
  const versions = new Set();
  for (let i = 0; i < list.length; i += 2) {
    const { version, value, receivedAt } = collected[list[i + 1]].updated;
    const j = list[i];
    const v = version[j];
    if (!(v >= 1 && v <= final)) {
      judged.unknownVersions++;
      continue;
    }
    if (!Number.isNaN(answer.value[v] ?? NaN) && answer.value[v] !== value[j]) judged.wrongValues++;
    if (versions.has(v)) judged.duplicates++;
    versions.add(v);
    seen.add(v);
    if (v < judged.max) judged.outOfOrder++;
    for (; judged.max < v; judged.max++) judged.reach[judged.max + 1] = receivedAt[j];
  }
  return judged;
}

/** `collected`: per connections worker, what collect() returned; `subscribed`: connection key -> its counter; `answers`:
 *  answersByVersion, filled; `finals`: name -> { value, version } read after the run. */
export function conflatedDeliveries(collected, subscribed, answers, finals) {
  const perKey = new Map();
  const totals = { deliveries: 0, misrouted: 0, unknownVersions: 0, wrongValues: 0, duplicates: 0, outOfOrder: 0, expected: 0, missingLive: 0, behindLive: 0, missingReconnected: 0, missingAfterLostAnswer: 0, reconnects: 0 };
  collected.forEach(({ updated, names }, w) => {
    for (let j = 0; j < updated.conn.length; j++) {
      const key = keyOf(w, updated.conn[j]);
      if (subscribed.get(key) !== names[updated.name[j]]) {
        totals.misrouted++;
        continue;
      }
      totals.deliveries++;
      (perKey.get(key) ?? perKey.set(key, []).get(key)).push(j, w); // receipt order within a process is the order of arrival
    }
  });
  // A commit whose answers were all lost sent no message and its replays send none: versions after the last one
  // answered by its own commit may be covered by nothing.
  const lastAnswered = new Map([...answers].map(([name, a]) => [name, a.replayed.findLastIndex((r, v) => v <= finals.get(name).version && v > 0 && !r)]));
  const latencies = [];
  const broadcast = new Map(); // name -> versions anyone received
  for (const [key, name] of subscribed) {
    const final = finals.get(name).version;
    const answer = answers.get(name);
    const reconnected = collected[workerOf(key)].connections[connOf(key)]?.reconnects ?? 0;
    if (!broadcast.has(name)) broadcast.set(name, new Set());
    const judged = judge(collected, perKey.get(key) ?? [], final, answer, broadcast.get(name));
    for (const k of ['unknownVersions', 'wrongValues', 'duplicates', 'outOfOrder']) totals[k] += judged[k];
    totals.reconnects += reconnected;
    totals.expected += final;
    let missing = 0;
    for (let v = 1; v <= final; v++) {
      if (Number.isNaN(judged.reach[v])) missing++;
      else if (!Number.isNaN(answer.send[v] ?? NaN)) latencies.push(judged.reach[v] - answer.send[v]);
    }
    if (reconnected > 0) totals.missingReconnected += missing;
    else if (missing > 0 && judged.max >= Math.max(0, lastAnswered.get(name))) totals.missingAfterLostAnswer += missing;
    else {
      totals.missingLive += missing;
      if (judged.max < final) totals.behindLive++;
    }
  }
  let unmatchedVersions = 0; // versions up to the final one no answer carried
  for (const [name, a] of answers) for (let v = 1; v <= finals.get(name).version; v++) if (Number.isNaN(a.send[v] ?? NaN)) unmatchedVersions++;
  return { latency: summarize(latencies), ...totals, broadcasts: [...broadcast.values()].reduce((s, set) => s + set.size, 0), unmatchedVersions };
}

/** After catch-up each subscriber must show the counter's final value and version. */
export function finalStates(catchUps, subscribed, finals) {
  const ours = catchUps.filter((entry) => subscribed.get(entry.key) === entry.name);
  const final = (entry) => finals.get(entry.name);
  return { mismatches: ours.filter((e) => e.version !== final(e).version || e.value !== final(e).value).length, neededCatchUp: ours.filter((e) => e.versionBefore < final(e).version).length };
}

/** The messages and coverage parts of a scenario's result; `acknowledged`: increments answered 200. */
export function deliveryReport(d, f, stillBehind, acknowledged, subscribersPerCounter) {
  const per = (n) => (acknowledged ? d.deliveries / n : null);
  const perSubscriber = per(acknowledged * subscribersPerCounter);
  return {
    messages: {
      commitsSeen: d.broadcasts, perIncrement: per(acknowledged), perIncrementPerSubscriber: perSubscriber,
      ...pick(d, 'deliveries outOfOrder duplicates misrouted unknownVersions wrongValues'),
    },
    coverage: {
      ...pick(d, 'expected missingLive behindLive missingReconnected missingAfterLostAnswer reconnects'),
      afterCatchUp: f.mismatches, neededCatchUp: f.neededCatchUp, stillBehindAfterDrain: stillBehind,
    },
  };
}

/** What every scenario with subscribers requires of its counterUpdated deliveries. */
export function checkDeliveries(bench, scenario, d, f) {
  bench.check(scenario, 'every subscriber ends at the final version', d.behindLive === 0 && f.mismatches === 0, `${d.behindLive} live subscribers never received their counter's final version, ${f.mismatches} differ after catch-up`);
  bench.check(scenario, 'every increment covered on live connections', d.missingLive === 0, `${d.missingLive} (subscriber, increment) pairs never covered by a version ≥ their own`);
  bench.check(scenario, 'nothing misdelivered', d.misrouted === 0 && d.unknownVersions === 0 && d.wrongValues === 0, `${d.misrouted} to non-subscribers, ${d.unknownVersions} unknown versions, ${d.wrongValues} with a value that is not the one answered for that version`);
  bench.check(scenario, 'at most one counterUpdated per commit', d.duplicates === 0, `${d.duplicates} versions delivered twice to the same subscriber`);
}
