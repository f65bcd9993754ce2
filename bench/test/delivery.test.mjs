// counterUpdated under conflation (src/delivery.mjs): every increment covered by a version at or above it, the final
// version reached, nothing misrouted, twice or wrong, and a gap explained only by a reconnect or a commit whose
// answers were all lost. Run with `node --test bench/test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Op } from '../src/driver/http.mjs';
import { answersByVersion, checkDeliveries, conflatedDeliveries, fillAnswers, finalStates } from '../src/delivery.mjs';
import { keyOf } from '../src/workers.mjs';

const NAME = 'hits';

/** Increment answers of versions 1..n, sent at 10 × version ms, value = version; `replayed`: versions answered only by a replay. */
function answersUpTo(n, { replayed = [] } = {}) {
  const versions = Array.from({ length: n }, (_, i) => i + 1);
  const run = {
    op: versions.map(() => Op.increment), status: versions.map(() => 200), version: versions, value: versions,
    send: versions.map((v) => 10 * v), replayed: versions.map((v) => (replayed.includes(v) ? 1 : 0)),
  };
  const answers = answersByVersion([[NAME, n]]);
  fillAnswers(answers, NAME, [run]);
  return answers;
}

/** One connections worker whose connection `conn` received `messages` ([version, value?, name?, conn?]) in this order, 1 ms apart, 100 ms after the first send. */
function worker(messages, { reconnects = 0, conn = 0 } = {}) {
  const names = [NAME, 'other'];
  return {
    names,
    connections: { [conn]: { reconnects } },
    updated: {
      conn: messages.map((m) => m[3] ?? conn),
      name: messages.map((m) => names.indexOf(m[2] ?? NAME)),
      version: messages.map((m) => m[0]),
      value: messages.map((m) => m[1] ?? m[0]),
      receivedAt: messages.map((_, i) => 100 + i),
    },
  };
}

const subscribed = new Map([[keyOf(0, 0), NAME]]);
const finals = (version) => new Map([[NAME, { value: version, version }]]);

/** The failed checks' names. */
function failures(d, f = { mismatches: 0, neededCatchUp: 0 }) {
  const failed = [];
  checkDeliveries({ check: (_, name, ok) => ok || failed.push(name) }, 'test', d, f);
  return failed;
}

test('a subscriber that received some versions, the last one final, has every increment covered: conflation loses nothing', () => {
  const d = conflatedDeliveries([worker([[1], [3], [5]])], subscribed, answersUpTo(5), finals(5));

  assert.deepEqual([d.deliveries, d.expected, d.missingLive, d.behindLive, d.broadcasts], [3, 5, 0, 0, 3]);
  assert.equal(d.latency.count, 5);
  assert.deepEqual(failures(d), []);
});

test('versions received out of order still cover every increment; the order is counted, not failed', () => {
  const d = conflatedDeliveries([worker([[2], [1], [3]])], subscribed, answersUpTo(3), finals(3));

  assert.deepEqual([d.outOfOrder, d.missingLive], [1, 0]);
  assert.deepEqual(failures(d), []);
});

test('a live subscriber that never received the final version is behind, and its increments above are missing', () => {
  const d = conflatedDeliveries([worker([[1], [2]])], subscribed, answersUpTo(4), finals(4));

  assert.deepEqual([d.behindLive, d.missingLive], [1, 2]);
  assert.deepEqual(failures(d), ['every subscriber ends at the final version', 'every increment covered on live connections']);
});

test('a gap after a reconnect is counted apart and fails nothing: the catch-up read covers it', () => {
  const d = conflatedDeliveries([worker([[1]], { reconnects: 1 })], subscribed, answersUpTo(3), finals(3));

  assert.deepEqual([d.missingReconnected, d.missingLive, d.reconnects], [2, 0, 1]);
});

test('versions after the last one answered by its own commit may be covered by nothing: their commit sent no message', () => {
  const d = conflatedDeliveries([worker([[1], [2]])], subscribed, answersUpTo(4, { replayed: [3, 4] }), finals(4));

  assert.deepEqual([d.missingAfterLostAnswer, d.missingLive, d.behindLive], [2, 0, 0]);
  assert.deepEqual(failures(d), []);
});

test('a message to a connection not subscribed to that counter is misrouted', () => {
  const d = conflatedDeliveries([worker([[1], [2, 2, 'other'], [2, 2, NAME, 7]])], subscribed, answersUpTo(2), finals(2));

  assert.equal(d.misrouted, 2);
  assert.ok(failures(d).includes('nothing misdelivered'));
});

test('a version received twice by one subscriber fails "at most one counterUpdated per commit"', () => {
  const d = conflatedDeliveries([worker([[1], [2], [2]])], subscribed, answersUpTo(2), finals(2));

  assert.equal(d.duplicates, 1);
  assert.deepEqual(failures(d), ['at most one counterUpdated per commit']);
});

test('a version carrying a value other than the one answered for it, or a version nobody was answered, is misdelivered', () => {
  const d = conflatedDeliveries([worker([[1, 5], [2], [9]])], subscribed, answersUpTo(2), finals(2));

  assert.deepEqual([d.wrongValues, d.unknownVersions], [1, 1]);
  assert.deepEqual(failures(d), ['nothing misdelivered']);
});

test('after the catch-up read every subscriber must show the final value and version', () => {
  const catchUps = [
    { key: keyOf(0, 0), name: NAME, value: 3, version: 3, versionBefore: 2 },
    { key: keyOf(0, 1), name: NAME, value: 2, version: 2, versionBefore: 2 },
    { key: keyOf(0, 2), name: 'other', value: 0, version: 0, versionBefore: 0 },
  ];
  const f = finalStates(catchUps, new Map([[keyOf(0, 0), NAME], [keyOf(0, 1), NAME]]), finals(3));

  assert.deepEqual(f, { mismatches: 1, neededCatchUp: 2 });
  const d = conflatedDeliveries([worker([[1], [2], [3]])], subscribed, answersUpTo(3), finals(3));
  assert.deepEqual(failures(d, f), ['every subscriber ends at the final version']);
});
