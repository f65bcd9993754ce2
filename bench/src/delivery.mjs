// counterUpdated under conflation: each commit of a counter sends one message, the counter after the commit, so a
// subscriber sees some versions and not others, possibly out of order (clients keep the highest version). What
// must hold is that every increment is covered: each subscriber receives, for every version v, some message with a
// version ≥ v, and its highest version is the counter's final one.
import { keyOf, workerOf, connOf } from './workers.mjs';
import { summarize } from './stats.mjs';
import { Op } from './driver/http.mjs';

/** Per counter, from the 200 answers: the first send time and the value of the increment answered with each version. */
export function answersByVersion(names) {
  return new Map(
    names.map(([name, maxVersion]) => [
      name,
      { send: new Float64Array(maxVersion + 1).fill(NaN), value: new Float64Array(maxVersion + 1).fill(NaN), replayed: new Uint8Array(maxVersion + 1) },
    ]),
  );
}

/** Version -> first send and value of the increment answered with it, from runs of one counter. */
export function fillAnswers(answers, name, runs, counterIndex = null) {
  const entry = answers.get(name);
  for (const run of runs) {
    for (let i = 0; i < run.status.length; i++) {
      if (run.op[i] !== Op.increment || run.status[i] !== 200 || (counterIndex != null && run.counter[i] !== counterIndex)) continue;
      const v = run.version[i];
      if (v < entry.send.length) {
        entry.send[v] = run.send[i];
        entry.value[v] = run.value[i];
        entry.replayed[v] = run.replayed[i];
      }
    }
  }
}

/** Every subscriber's counterUpdated messages, as (index, worker) pairs in receipt order; those to non-subscribers counted. */
function messagesPerSubscriber(collected, subscribed) {
  const perKey = new Map();
  let misrouted = 0;
  let deliveries = 0;
  collected.forEach((c, w) => {
    const r = c.updated;
    for (let j = 0; j < r.conn.length; j++) {
      const key = keyOf(w, r.conn[j]);
      const name = c.names[r.name[j]];
      if (subscribed.get(key) !== name) {
        misrouted++;
        continue;
      }
      deliveries++;
      let list = perKey.get(key);
      if (!list) perKey.set(key, (list = []));
      list.push(j, w); // receipt order within a process is the order of arrival
    }
  });
  return { perKey, misrouted, deliveries };
}

/**
 * Per counter, how many versions up to the final one no answer carried, and the highest version whose increment
 * was answered by its own commit (not only by a replay): a commit whose every answer was lost sent no message, and
 * its replays send none, so only a later commit covers it.
 */
function answeredVersions(answers, finals) {
  const unmatched = new Map();
  const lastAnswered = new Map();
  for (const [name, answer] of answers) {
    let n = 0;
    let last = 0;
    for (let v = 1; v <= finals.get(name).version; v++) {
      if (Number.isNaN(answer.send[v] ?? NaN)) n++;
      if (!answer.replayed[v]) last = v;
    }
    unmatched.set(name, n);
    lastAnswered.set(name, last);
  }
  return { unmatched, lastAnswered };
}

/**
 * One subscriber's messages against its counter's answers: the time each version 1..final was first covered (a
 * message of that version or higher), and what was wrong (unknown versions, values other than answered, versions
 * twice, out of order). `seen` collects the versions anyone received.
 */
function judgeSubscriber(collected, list, final, answer, seen) {
  const judged = { reach: new Float64Array(final + 1).fill(NaN), max: 0, unknownVersions: 0, wrongValues: 0, duplicates: 0, outOfOrder: 0 };
  const versions = new Set();
  for (let i = 0; i < list.length; i += 2) {
    const r = collected[list[i + 1]].updated;
    const j = list[i];
    const version = r.version[j];
    const value = r.value[j];
    if (!(version >= 1 && version <= final)) {
      judged.unknownVersions++;
      continue;
    }
    const answered = answer.value[version];
    if (!Number.isNaN(answered ?? NaN) && answered !== value) judged.wrongValues++;
    if (versions.has(version)) judged.duplicates++;
    versions.add(version);
    seen.add(version);
    if (version < judged.max) judged.outOfOrder++;
    else if (version > judged.max) {
      for (let v = judged.max + 1; v <= version; v++) judged.reach[v] = r.receivedAt[j];
      judged.max = version;
    }
  }
  return judged;
}

/**
 * @param collected  per connections worker, what collect() returned
 * @param subscribed Map connection key -> counter name it is subscribed to
 * @param answers    Map name -> { send, value } indexed by version (answersByVersion)
 * @param finals     Map name -> { value, version } read after the run
 */
export function conflatedDeliveries(collected, subscribed, answers, finals) {
  const { perKey, misrouted, deliveries } = messagesPerSubscriber(collected, subscribed);
  const { unmatched, lastAnswered } = answeredVersions(answers, finals);
  const latencies = [];
  const broadcast = new Map(); // name -> Set of versions anyone received
  const totals = { unknownVersions: 0, wrongValues: 0, duplicates: 0, outOfOrder: 0 };
  let missingLive = 0;
  let missingReconnected = 0;
  let behindLive = 0;
  let reconnects = 0;
  let expected = 0;
  let missingAfterLostAnswer = 0;

  for (const [key, name] of subscribed) {
    const final = finals.get(name).version;
    const answer = answers.get(name);
    const reconnected = collected[workerOf(key)].connections[connOf(key)]?.reconnects ?? 0;
    reconnects += reconnected;
    let seen = broadcast.get(name);
    if (!seen) broadcast.set(name, (seen = new Set()));
    const judged = judgeSubscriber(collected, perKey.get(key) ?? [], final, answer, seen);
    for (const k of Object.keys(totals)) totals[k] += judged[k];
    expected += final;
    let missing = 0;
    for (let v = 1; v <= final; v++) {
      if (Number.isNaN(judged.reach[v])) missing++;
      else if (!Number.isNaN(answer.send[v] ?? NaN)) latencies.push(judged.reach[v] - answer.send[v]);
    }
    if (reconnected === 0 && missing > 0 && judged.max >= lastAnswered.get(name)) {
      missingAfterLostAnswer += missing;
    } else if (reconnected === 0) {
      missingLive += missing;
      if (judged.max < final) behindLive++;
    } else {
      missingReconnected += missing;
    }
  }
  const broadcasts = [...broadcast.values()].reduce((s, set) => s + set.size, 0);
  return {
    latency: summarize(latencies),
    expected, // (subscriber, increment) pairs to cover
    deliveries,
    broadcasts, // distinct versions anyone received: the commits seen
    misrouted,
    ...totals,
    missingLive,
    behindLive,
    missingReconnected,
    missingAfterLostAnswer, // only versions whose commits' answers were all lost (so no message was sent) are missing
    reconnects,
    unmatchedVersions: [...unmatched.values()].reduce((a, b) => a + b, 0),
  };
}

/** After catch-up each subscriber must show the counter's final value and version. */
export function finalStates(catchUps, subscribed, finals) {
  let mismatches = 0;
  let caughtUp = 0;
  for (const entry of catchUps) {
    if (subscribed.get(entry.key) !== entry.name) continue;
    const final = finals.get(entry.name);
    if (entry.versionBefore < final.version) caughtUp++;
    if (entry.version !== final.version || entry.value !== final.value) mismatches++;
  }
  return { mismatches, neededCatchUp: caughtUp };
}

/**
 * The messages and coverage parts of a scenario's result, from conflatedDeliveries (d) and finalStates (f).
 * @param acknowledged increments answered 200
 * @param subscribersPerCounter subscribers each increment's counter has
 */
export function deliveryReport(d, f, stillBehind, acknowledged, subscribersPerCounter) {
  return {
    messages: {
      deliveries: d.deliveries,
      commitsSeen: d.broadcasts,
      perIncrement: acknowledged ? d.deliveries / acknowledged : null,
      perIncrementPerSubscriber: acknowledged ? d.deliveries / (acknowledged * subscribersPerCounter) : null,
      outOfOrder: d.outOfOrder,
      duplicates: d.duplicates,
      misrouted: d.misrouted,
      unknownVersions: d.unknownVersions,
      wrongValues: d.wrongValues,
    },
    coverage: {
      pairs: d.expected,
      missingOnLiveConnections: d.missingLive,
      subscribersBehindOnLiveConnections: d.behindLive,
      missingOnReconnectedConnections: d.missingReconnected,
      missingAfterLostAnswer: d.missingAfterLostAnswer,
      reconnects: d.reconnects,
      afterCatchUp: f.mismatches,
      neededCatchUp: f.neededCatchUp,
      stillBehindAfterDrain: stillBehind,
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
