// users: V visitors with two connections each (in different processes when there are several, like two browser
// tabs) send increments one after another with their visitor id and a fresh key each (retried until 200), then
// replay their last key. With conflation a visitor gets at most one incrementApplied per commit, carrying its last
// version in the commit, the sum of its by and its total: every increment of a visitor must be covered on each of
// its connections by an incrementApplied of a version ≥ its own, and nothing may reach anyone else.
import { randomUUID } from 'node:crypto';
import { readCounter } from '../driver/http.mjs';
import { analyse, checkIncrements } from '../increments.mjs';
import { progress } from '../progress.mjs';
import { int, ms, sleep, summarize, table } from '../stats.mjs';
import { cpuCell } from '../format.mjs';
import { keyOf } from '../workers.mjs';

export async function run(bench) {
  const { visitors: v, visitorIncrements } = bench.o;
  const name = `${bench.run}-users`;
  const visitorIds = Array.from({ length: v }, () => randomUUID());
  const k = bench.subs.length;
  const plan = bench.subs.map(() => []);
  visitorIds.forEach((_, i) => {
    plan[i % k].push(i);
    plan[(i + 1) % k].push(i);
  });
  progress.set('users: connect');
  const firstIndex = await Promise.all(bench.subs.map((worker, w) => worker.call('open', { base: bench.base, count: plan[w].length, visitorIds: plan[w].map((i) => visitorIds[i]) })));
  const visitorOf = new Map();
  plan.forEach((list, w) => list.forEach((visitor, i) => visitorOf.set(keyOf(w, firstIndex[w] + i), visitor)));
  await bench.collectAll();
  progress.set('users');
  const { value: runResult, cpu, store } = await bench.measure(() =>
    bench.load[0].call('visitors', { base: bench.base, name, visitorIds, perVisitor: visitorIncrements }),
  );
  const a = analyse([runResult]);

  // What each visitor was answered: per version its owner, yourTotal and first send; per visitor its versions.
  const owner = new Map();
  const totals = new Map();
  const sendOf = new Map();
  const replayedAfterLoss = new Set();
  const versionsOf = Array.from({ length: v }, () => []);
  const lastVersion = new Array(v).fill(0);
  let wrongAnsweredTotals = 0;
  let badReplays = 0;
  for (let i = 0; i < runResult.status.length; i++) {
    if (runResult.op[i] !== 0 || runResult.status[i] !== 200) continue;
    const who = runResult.who[i];
    const version = runResult.version[i];
    owner.set(version, who);
    totals.set(version, runResult.yourTotal[i]);
    sendOf.set(version, runResult.send[i]);
    if (runResult.replayed[i]) replayedAfterLoss.add(version);
    versionsOf[who].push(version);
    lastVersion[who] = Math.max(lastVersion[who], version);
    // A visitor's n-th increment on a fresh counter leaves its total at n.
    if (runResult.yourTotal[i] !== runResult.seq[i]) wrongAnsweredTotals++;
  }
  for (let i = 0; i < runResult.status.length; i++) {
    if (runResult.op[i] !== 2) continue;
    const who = runResult.who[i];
    if (!(runResult.status[i] === 200 && runResult.replayed[i] === 1 && runResult.version[i] === lastVersion[who] && runResult.yourTotal[i] === visitorIncrements)) badReplays++;
  }
  const final = await readCounter(bench.base, name);
  progress.set('users: drain');
  const targets = Object.fromEntries(visitorIds.map((id, i) => [id, lastVersion[i]]));
  const behind = await Promise.all(bench.subs.map((w) => w.call('drainApplied', { name, targets, timeoutMs: 10_000 })));
  await sleep(300); // a replay that wrongly broadcast would arrive now
  const collected = await bench.collectAll();

  let misdelivered = 0;
  let wrongTotals = 0;
  let wrongBy = 0;
  let duplicates = 0;
  let counterUpdates = 0;
  let received = 0;
  const perKey = new Map(); // key -> [[t, version]] in receipt order
  collected.forEach((c, w) => {
    counterUpdates += c.updated.conn.length;
    const r = c.applied;
    for (let j = 0; j < r.conn.length; j++) {
      received++;
      const key = keyOf(w, r.conn[j]);
      const version = r.version[j];
      if (c.names[r.name[j]] !== name || owner.get(version) !== visitorOf.get(key)) {
        misdelivered++;
        continue;
      }
      if (totals.get(version) !== r.yourTotal[j]) wrongTotals++;
      // A visitor here has one increment in flight at a time, so each commit holds at most one of its increments.
      if (r.by[j] !== 1) wrongBy++;
      let list = perKey.get(key);
      if (!list) perKey.set(key, (list = []));
      if (list.some(([, seen]) => seen === version)) duplicates++;
      list.push([r.t[j], version]);
    }
  });
  // Coverage: per connection and per increment of its visitor, the first message of a version ≥ the increment's.
  const latencies = [];
  let missing = 0;
  let missingAfterLostAnswer = 0;
  let expected = 0;
  for (const [key, visitor] of visitorOf) {
    const list = perKey.get(key) ?? [];
    for (const version of versionsOf[visitor]) {
      expected++;
      const first = list.find(([, seen]) => seen >= version);
      if (first) latencies.push(first[0] - sendOf.get(version));
      else if (versionsOf[visitor].filter((x) => x >= version).every((x) => replayedAfterLoss.has(x))) missingAfterLostAnswer++;
      else missing++;
    }
  }
  const result = {
    visitors: v,
    connections: 2 * v,
    incrementsPerVisitor: visitorIncrements,
    increments: { ...a, replaysOfLastKey: v, badReplays, wrongAnsweredTotals },
    httpLatencyMs: a.latencyMs,
    deliveryLatencyMs: summarize(latencies),
    messages: {
      received,
      coverage: expected,
      missing,
      missingAfterLostAnswer,
      misdelivered,
      duplicates,
      wrongYourTotal: wrongTotals,
      wrongBy,
      counterUpdatedWithoutSubscription: counterUpdates,
      stillBehindAfterDrain: behind.reduce((s, x) => s + x.behind, 0),
    },
    final,
    store,
    cpu,
  };
  checkIncrements(bench, 'users', a, final);
  bench.check('users', 'nothing misdelivered', misdelivered === 0 && counterUpdates === 0, `${misdelivered} incrementApplied reached another visitor or counter, ${counterUpdates} counterUpdated without a subscription`);
  bench.check('users', 'every increment covered on its visitor\'s connections', missing === 0, `${missing} (connection, increment) pairs never covered by an incrementApplied of a version ≥ its own`);
  bench.check('users', 'at most one incrementApplied per visitor and commit', duplicates === 0 && wrongBy === 0, `${duplicates} versions delivered twice to one connection, ${wrongBy} with a by that is not 1`);
  bench.check('users', 'replays answer the first result and send nothing', badReplays === 0, `${badReplays} bad replays of the last key`);
  bench.check('users', 'yourTotal', wrongTotals === 0 && wrongAnsweredTotals === 0, `${wrongTotals} messages and ${wrongAnsweredTotals} answers with a wrong yourTotal`);
  return result;
}

export function render(u) {
  const m = u.messages;
  return table([
    ['user targeting', 'incrementApplied received', 'covered / increments x conns', 'misdelivered', 'duplicates', 'wrong yourTotal', 'replays ok', '503s', 'delivery p50', 'p99', 'cpu (cores)'],
    [
      `${u.visitors} visitors x 2 conns`,
      int(m.received),
      `${int(m.coverage - m.missing - m.missingAfterLostAnswer)} / ${int(m.coverage)}${m.missingAfterLostAnswer ? ` (${m.missingAfterLostAnswer} after a lost answer)` : ''}`,
      m.misdelivered + m.counterUpdatedWithoutSubscription,
      m.duplicates,
      m.wrongYourTotal + u.increments.wrongAnsweredTotals,
      `${u.increments.replaysOfLastKey - u.increments.badReplays}/${u.increments.replaysOfLastKey}`,
      u.increments.s503,
      ms(u.deliveryLatencyMs.p50),
      ms(u.deliveryLatencyMs.p99),
      cpuCell(u.cpu),
    ],
  ]);
}
