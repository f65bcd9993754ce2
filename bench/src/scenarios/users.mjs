// users: V visitors with two connections each (in different processes when there are several, like two browser
// tabs) send increments one after another with their visitor id and a fresh key each (retried until 200), then
// replay their last key. With conflation a visitor gets at most one incrementApplied per commit, carrying its last
// version in the commit, the sum of its by and its total: every increment of a visitor must be covered on each of
// its connections by an incrementApplied of a version ≥ its own, and nothing may reach anyone else.
import { randomUUID } from 'node:crypto';
import { Op, readCounter } from '../driver/http.mjs';
import { analyse as analyseIncrements, checkCounter } from '../increments.mjs';
import { storageOf } from '../storage.mjs';
import { progress } from '../progress.mjs';
import { int, ms, sleep, summarize, table } from '../stats.mjs';
import { cpuCell } from '../format.mjs';
import { keyOf } from '../workers.mjs';

/** How long the connections get to receive every visitor's last incrementApplied. */
const DRAIN_TIMEOUT_MS = 10_000;
/** After draining, how long to wait for a message that should not come (a replay that wrongly broadcast). */
const LATE_MESSAGE_WAIT_MS = 300;

export async function run(bench) {
  const collected = await collect(bench);
  const result = analyse(collected);
  check(bench, result, collected.increments);
  return result;
}

/** Connects two connections per visitor, runs the visitors' increments and replays, and gathers every answer and message. */
async function collect(bench) {
  const { visitors: visitorCount, visitorIncrements } = bench.options;
  const name = `${bench.run}-users`;
  const visitorIds = Array.from({ length: visitorCount }, () => randomUUID());
  const workers = bench.subs.length;
  // A visitor's two connections are in connections worker (visitor mod workers) and the next one (the same one when
  // there is one worker).
  const plan = bench.subs.map(() => []);
  for (let visitor = 0; visitor < visitorCount; visitor++) {
    plan[visitor % workers].push(visitor);
    plan[(visitor + 1) % workers].push(visitor);
  }
  progress.set('users: connect');
  const firstIndex = await Promise.all(
    bench.subs.map((connections, worker) => connections.call('open', { base: bench.base, count: plan[worker].length, visitorIds: plan[worker].map((visitor) => visitorIds[visitor]) })),
  );
  const visitorOf = new Map(); // connection key -> visitor
  plan.forEach((list, worker) => list.forEach((visitor, slot) => visitorOf.set(keyOf(worker, firstIndex[worker] + slot), visitor)));
  await bench.collectAll();
  progress.set('users');
  const { value: answers, cpu, store } = await bench.measure(() =>
    bench.load[0].call('visitors', { base: bench.base, name, visitorIds, perVisitor: visitorIncrements }),
  );
  const increments = analyseIncrements([answers]);
  const byVisitor = answersByVisitor(answers, visitorCount, visitorIncrements);
  const final = await readCounter(bench.base, name);
  const storage = await storageOf(bench, name, [answers], { writers: visitorIds.map((visitorId) => ({ visitorId, instance: 0 })) });
  progress.set('users: drain');
  const targets = Object.fromEntries(visitorIds.map((id, visitor) => [id, byVisitor.lastVersion[visitor]]));
  const behind = await Promise.all(bench.subs.map((connections) => connections.call('drainApplied', { name, targets, timeoutMs: DRAIN_TIMEOUT_MS })));
  await sleep(LATE_MESSAGE_WAIT_MS);
  const messages = await bench.collectAll();
  return {
    name,
    visitorCount,
    visitorIncrements,
    visitorOf,
    increments,
    byVisitor,
    final,
    storage,
    messages,
    stillBehindAfterDrain: behind.reduce((sum, drained) => sum + drained.behind, 0),
    cpu,
    store,
  };
}

/**
 * What each visitor was answered: per version its owner, yourTotal and first send; per visitor its versions and
 * the last of them; answers whose yourTotal is not the visitor's count; replays that did not answer the first result.
 */
function answersByVisitor(answers, visitorCount, visitorIncrements) {
  const owner = new Map();
  const totals = new Map();
  const sendOf = new Map();
  const replayedAfterLoss = new Set();
  const versionsOf = Array.from({ length: visitorCount }, () => []);
  const lastVersion = new Array(visitorCount).fill(0);
  let wrongAnsweredTotals = 0;
  let badReplays = 0;
  for (let row = 0; row < answers.status.length; row++) {
    if (answers.op[row] !== Op.increment || answers.status[row] !== 200) continue;
    const visitor = answers.who[row];
    const version = answers.version[row];
    owner.set(version, visitor);
    totals.set(version, answers.yourTotal[row]);
    sendOf.set(version, answers.send[row]);
    if (answers.replayed[row]) replayedAfterLoss.add(version);
    versionsOf[visitor].push(version);
    lastVersion[visitor] = Math.max(lastVersion[visitor], version);
    // A visitor's n-th increment on a fresh counter leaves its total at n.
    if (answers.yourTotal[row] !== answers.seq[row]) wrongAnsweredTotals++;
  }
  for (let row = 0; row < answers.status.length; row++) {
    if (answers.op[row] !== Op.replay) continue;
    const visitor = answers.who[row];
    const answeredFirstResult = answers.status[row] === 200 && answers.replayed[row] === 1 && answers.version[row] === lastVersion[visitor] && answers.yourTotal[row] === visitorIncrements;
    if (!answeredFirstResult) badReplays++;
  }
  return { owner, totals, sendOf, replayedAfterLoss, versionsOf, lastVersion, wrongAnsweredTotals, badReplays };
}

/** The incrementApplied messages: misdelivered, wrong yourTotal or by, duplicates; per connection its messages in receipt order. */
function judgeMessages(collected) {
  const { name, visitorOf, byVisitor, messages } = collected;
  const judged = { received: 0, misdelivered: 0, wrongTotals: 0, wrongBy: 0, duplicates: 0, counterUpdates: 0, perKey: new Map() };
  messages.forEach((fromWorker, worker) => {
    judged.counterUpdates += fromWorker.updated.conn.length;
    const applied = fromWorker.applied;
    for (let index = 0; index < applied.conn.length; index++) {
      judged.received++;
      const key = keyOf(worker, applied.conn[index]);
      const version = applied.version[index];
      if (fromWorker.names[applied.name[index]] !== name || byVisitor.owner.get(version) !== visitorOf.get(key)) {
        judged.misdelivered++;
        continue;
      }
      if (byVisitor.totals.get(version) !== applied.yourTotal[index]) judged.wrongTotals++;
      // A visitor here has one increment in flight at a time, so each commit holds at most one of its increments.
      if (applied.by[index] !== 1) judged.wrongBy++;
      let list = judged.perKey.get(key);
      if (!list) judged.perKey.set(key, (list = []));
      if (list.some(([, seen]) => seen === version)) judged.duplicates++;
      list.push([applied.receivedAt[index], version]);
    }
  });
  return judged;
}

/** Coverage: per connection and per increment of its visitor, the first message of a version ≥ the increment's. */
function coverage(collected, perKey) {
  const { visitorOf, byVisitor } = collected;
  const covered = { latencies: [], missing: 0, missingAfterLostAnswer: 0, expected: 0 };
  for (const [key, visitor] of visitorOf) {
    const list = perKey.get(key) ?? [];
    const versions = byVisitor.versionsOf[visitor];
    for (const version of versions) {
      covered.expected++;
      const first = list.find(([, seen]) => seen >= version);
      if (first) covered.latencies.push(first[0] - byVisitor.sendOf.get(version));
      else if (versions.filter((later) => later >= version).every((later) => byVisitor.replayedAfterLoss.has(later))) covered.missingAfterLostAnswer++;
      else covered.missing++;
    }
  }
  return covered;
}

function analyse(collected) {
  const { visitorCount, visitorIncrements, increments, byVisitor } = collected;
  const judged = judgeMessages(collected);
  const covered = coverage(collected, judged.perKey);
  return {
    visitors: visitorCount,
    connections: 2 * visitorCount,
    incrementsPerVisitor: visitorIncrements,
    increments: { ...increments, replaysOfLastKey: visitorCount, badReplays: byVisitor.badReplays, wrongAnsweredTotals: byVisitor.wrongAnsweredTotals },
    httpLatencyMs: increments.latencyMs,
    deliveryLatencyMs: summarize(covered.latencies),
    messages: {
      received: judged.received,
      coverage: covered.expected,
      missing: covered.missing,
      missingAfterLostAnswer: covered.missingAfterLostAnswer,
      misdelivered: judged.misdelivered,
      duplicates: judged.duplicates,
      wrongYourTotal: judged.wrongTotals,
      wrongBy: judged.wrongBy,
      counterUpdatedWithoutSubscription: judged.counterUpdates,
      stillBehindAfterDrain: collected.stillBehindAfterDrain,
    },
    final: collected.final,
    storage: collected.storage,
    store: collected.store,
    cpu: collected.cpu,
  };
}

function check(bench, result, increments) {
  const { messages, increments: answered } = result;
  checkCounter(bench, 'users', increments, result.final, result.storage);
  bench.check('users', 'nothing misdelivered', messages.misdelivered === 0 && messages.counterUpdatedWithoutSubscription === 0, `${messages.misdelivered} incrementApplied reached another visitor or counter, ${messages.counterUpdatedWithoutSubscription} counterUpdated without a subscription`);
  bench.check('users', 'every increment covered on its visitor\'s connections', messages.missing === 0, `${messages.missing} (connection, increment) pairs never covered by an incrementApplied of a version ≥ its own`);
  bench.check('users', 'at most one incrementApplied per visitor and commit', messages.duplicates === 0 && messages.wrongBy === 0, `${messages.duplicates} versions delivered twice to one connection, ${messages.wrongBy} with a by that is not 1`);
  bench.check('users', 'replays answer the first result and send nothing', answered.badReplays === 0, `${answered.badReplays} bad replays of the last key`);
  bench.check('users', 'yourTotal', messages.wrongYourTotal === 0 && answered.wrongAnsweredTotals === 0, `${messages.wrongYourTotal} messages and ${answered.wrongAnsweredTotals} answers with a wrong yourTotal`);
}

export function render(users) {
  const messages = users.messages;
  return table([
    ['user targeting', 'incrementApplied received', 'covered / increments x conns', 'misdelivered', 'duplicates', 'wrong yourTotal', 'replays ok', '503s', 'delivery p50', 'p99', 'cpu (cores)'],
    [
      `${users.visitors} visitors x 2 conns`,
      int(messages.received),
      `${int(messages.coverage - messages.missing - messages.missingAfterLostAnswer)} / ${int(messages.coverage)}${messages.missingAfterLostAnswer ? ` (${messages.missingAfterLostAnswer} after a lost answer)` : ''}`,
      messages.misdelivered + messages.counterUpdatedWithoutSubscription,
      messages.duplicates,
      messages.wrongYourTotal + users.increments.wrongAnsweredTotals,
      `${users.increments.replaysOfLastKey - users.increments.badReplays}/${users.increments.replaysOfLastKey}`,
      users.increments.s503,
      ms(users.deliveryLatencyMs.p50),
      ms(users.deliveryLatencyMs.p99),
      cpuCell(users.cpu),
    ],
  ]);
}
