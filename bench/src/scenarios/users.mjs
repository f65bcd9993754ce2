// users: V visitors with two connections each (in different processes when there are several, like two browser
// tabs) send increments one after another with their visitor id and a fresh key each (retried until 200), then
// replay their last key. With conflation a visitor gets at most one incrementApplied per commit, carrying its last
// version in the commit, the sum of its by and its total: every increment of a visitor must be covered on each of
// its connections by an incrementApplied of a version ≥ its own, and nothing may reach anyone else.
import { randomUUID } from 'node:crypto';
import { Op, readCounter } from '../driver/http.mjs';
import { analyse as analyseIncrements, checkCounter } from '../increments.mjs';
import { storageOf } from '../storage.mjs';
import { DRAIN_TIMEOUT_MS, cpuCell, progress } from '../bench.mjs';
import { int, ms, sleep, summarize, table } from '../stats.mjs';
import { keyOf } from '../workers.mjs';

/** After draining, how long to wait for a message that should not come (a replay that wrongly broadcast). */
const LATE_MESSAGE_WAIT_MS = 300;

export async function run(bench) {
  const { visitors: visitorCount, visitorIncrements } = bench.options;
  const name = `${bench.run}-users`;
  const visitorIds = Array.from({ length: visitorCount }, () => randomUUID());
  // A visitor's two connections are in connections worker (visitor mod workers) and the next one (the same with one worker).
  const plan = bench.subs.map(() => []);
  for (let visitor = 0; visitor < visitorCount; visitor++) for (const w of [visitor, visitor + 1]) plan[w % bench.subs.length].push(visitor);
  progress.set('users: connect');
  const firstIndex = await bench.eachSub('open', (w) => ({ base: bench.base, count: plan[w].length, visitorIds: plan[w].map((visitor) => visitorIds[visitor]) }));
  const visitorOf = new Map(); // connection key -> visitor
  plan.forEach((list, w) => list.forEach((visitor, slot) => visitorOf.set(keyOf(w, firstIndex[w] + slot), visitor)));
  await bench.collectAll();
  progress.set('users');
  const { value: answers, cpu, store } = await bench.measure(() => bench.load[0].call('visitors', { base: bench.base, name, visitorIds, perVisitor: visitorIncrements }));
  const increments = analyseIncrements([answers]);
  const byVisitor = answersByVisitor(answers, visitorCount, visitorIncrements);
  const final = await readCounter(bench.base, name);
  const storage = await storageOf(bench, name, [answers], { writers: visitorIds.map((visitorId) => ({ visitorId, instance: 0 })) });
  progress.set('users: drain');
  const targets = Object.fromEntries(visitorIds.map((id, visitor) => [id, byVisitor.lastVersion[visitor]]));
  const behind = await bench.eachSub('drainApplied', { name, targets, timeoutMs: DRAIN_TIMEOUT_MS });
  await sleep(LATE_MESSAGE_WAIT_MS);
  const judged = judgeMessages(name, visitorOf, byVisitor, await bench.collectAll());
  const m = { ...judged, stillBehindAfterDrain: behind.reduce((sum, drained) => sum + drained.behind, 0) };
  checkCounter(bench, 'users', increments, [final], storage);
  bench.check('users', 'nothing misdelivered', m.misdelivered === 0 && m.counterUpdatedWithoutSubscription === 0, `${m.misdelivered} incrementApplied reached another visitor or counter, ${m.counterUpdatedWithoutSubscription} counterUpdated without a subscription`);
  bench.check('users', 'every increment covered on its visitor\'s connections', m.missing === 0, `${m.missing} (connection, increment) pairs never covered by an incrementApplied of a version ≥ its own`);
  bench.check('users', 'at most one incrementApplied per visitor and commit', m.duplicates === 0 && m.wrongBy === 0, `${m.duplicates} versions delivered twice to one connection, ${m.wrongBy} with a by that is not 1`);
  bench.check('users', 'replays answer the first result and send nothing', byVisitor.badReplays === 0, `${byVisitor.badReplays} bad replays of the last key`);
  bench.check('users', 'yourTotal', m.wrongYourTotal === 0 && byVisitor.wrongAnsweredTotals === 0, `${m.wrongYourTotal} messages and ${byVisitor.wrongAnsweredTotals} answers with a wrong yourTotal`);
  const { latencies, ...messages } = m;
  return {
    visitors: visitorCount, connections: 2 * visitorCount, incrementsPerVisitor: visitorIncrements,
    increments: { ...increments, replaysOfLastKey: visitorCount, badReplays: byVisitor.badReplays, wrongAnsweredTotals: byVisitor.wrongAnsweredTotals },
    httpLatencyMs: increments.latencyMs, deliveryLatencyMs: summarize(latencies), messages, final, storage, store, cpu,
  };
}

/**
 * What each visitor was answered: per version its owner, yourTotal and first send; per visitor its versions and
 * the last of them; answers whose yourTotal is not the visitor's count; replays that did not answer the first result.
 */
function answersByVisitor(answers, visitorCount, visitorIncrements) {
  const v = { owner: new Map(), totals: new Map(), sendOf: new Map(), replayedAfterLoss: new Set(), versionsOf: Array.from({ length: visitorCount }, () => []), lastVersion: new Array(visitorCount).fill(0), wrongAnsweredTotals: 0, badReplays: 0 };
  for (let row = 0; row < answers.status.length; row++) {
    if (answers.op[row] !== Op.increment || answers.status[row] !== 200) continue;
    const [visitor, version] = [answers.who[row], answers.version[row]];
    v.owner.set(version, visitor);
    v.totals.set(version, answers.yourTotal[row]);
    v.sendOf.set(version, answers.send[row]);
    if (answers.replayed[row]) v.replayedAfterLoss.add(version);
    v.versionsOf[visitor].push(version);
    v.lastVersion[visitor] = Math.max(v.lastVersion[visitor], version);
    if (answers.yourTotal[row] !== answers.seq[row]) v.wrongAnsweredTotals++; // a visitor's n-th increment on a fresh counter leaves its total at n
  }
  for (let row = 0; row < answers.status.length; row++) {
    const visitor = answers.who[row];
    if (answers.op[row] === Op.replay && !(answers.status[row] === 200 && answers.replayed[row] === 1 && answers.version[row] === v.lastVersion[visitor] && answers.yourTotal[row] === visitorIncrements)) v.badReplays++;
  }
  return v;
}

/**
 * The incrementApplied messages: misdelivered, wrong yourTotal or by, duplicates; then coverage: per connection and
 * per increment of its visitor, the first message of a version ≥ the increment's (its delivery latency), or missing.
 */
function judgeMessages(name, visitorOf, byVisitor, messages) {
  const m = { received: 0, coverage: 0, missing: 0, missingAfterLostAnswer: 0, misdelivered: 0, duplicates: 0, wrongYourTotal: 0, wrongBy: 0, counterUpdatedWithoutSubscription: 0, latencies: [] };
  const perKey = new Map();
  messages.forEach((fromWorker, worker) => {
    m.counterUpdatedWithoutSubscription += fromWorker.updated.conn.length;
    const applied = fromWorker.applied;
    for (let index = 0; index < applied.conn.length; index++) {
      m.received++;
      const key = keyOf(worker, applied.conn[index]);
      const version = applied.version[index];
      if (fromWorker.names[applied.name[index]] !== name || byVisitor.owner.get(version) !== visitorOf.get(key)) {
        m.misdelivered++;
        continue;
      }
      if (byVisitor.totals.get(version) !== applied.yourTotal[index]) m.wrongYourTotal++;
      if (applied.by[index] !== 1) m.wrongBy++; // one increment in flight per visitor: each commit holds at most one of its increments
      if (!perKey.has(key)) perKey.set(key, []);
      if (perKey.get(key).some(([, seen]) => seen === version)) m.duplicates++;
      perKey.get(key).push([applied.receivedAt[index], version]);
    }
  });
  for (const [key, visitor] of visitorOf) {
    const versions = byVisitor.versionsOf[visitor];
    for (const version of versions) {
      m.coverage++;
      const first = (perKey.get(key) ?? []).find(([, seen]) => seen >= version);
      if (first) m.latencies.push(first[0] - byVisitor.sendOf.get(version));
      else if (versions.filter((later) => later >= version).every((later) => byVisitor.replayedAfterLoss.has(later))) m.missingAfterLostAnswer++;
      else m.missing++;
    }
  }
  return m;
}

export function render(u) {
  const [m, a] = [u.messages, u.increments];
  return table([
    ['user targeting', 'incrementApplied received', 'covered / increments x conns', 'misdelivered', 'duplicates', 'wrong yourTotal', 'replays ok', '503s', 'delivery p50', 'p99', 'cpu (cores)'],
    [`${u.visitors} visitors x 2 conns`, int(m.received), `${int(m.coverage - m.missing - m.missingAfterLostAnswer)} / ${int(m.coverage)}${m.missingAfterLostAnswer ? ` (${m.missingAfterLostAnswer} after a lost answer)` : ''}`, m.misdelivered + m.counterUpdatedWithoutSubscription, m.duplicates, m.wrongYourTotal + a.wrongAnsweredTotals, `${a.replaysOfLastKey - a.badReplays}/${a.replaysOfLastKey}`, a.s503, ms(u.deliveryLatencyMs.p50), ms(u.deliveryLatencyMs.p99), cpuCell(u.cpu)],
  ]);
}
