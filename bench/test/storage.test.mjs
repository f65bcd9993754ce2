// The checks of what the Table store holds (src/storage.mjs), on rows of a counter from before lanes (one `state` row) and of the
// shape with lanes, against answers as the driver records them. Run with `node --test bench/test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Op, benchKey } from '../src/driver/http.mjs';
import { checkStorage, judgeStorage, storageExact, visitorHash } from '../src/storage.mjs';

const TAG = 'abcd0123';
const visitors = ['3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a', '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f'];
const writers = visitors.map((visitorId, who) => ({ visitorId, instance: who }));

/** Driver records: one per answer [who, seq, version, replayed]; values equal versions (every increment is by 1). */
function run(answers, { op = Op.increment } = {}) {
  const column = (f) => answers.map(f);
  return {
    keyTag: TAG,
    keyed: true,
    status: column(() => 200),
    op: column((a) => a.op ?? op),
    who: column((a) => a.who),
    seq: column((a) => a.seq),
    version: column((a) => a.version),
    value: column((a) => a.version),
    yourTotal: column((a) => a.seq),
    replayed: column((a) => (a.replayed ? 1 : 0)),
    instance: column((a) => a.who),
    counter: column(() => 0),
  };
}

const keyRow = ({ who, seq, version, commit, lane = undefined, laneVersion = undefined }) => ({
  rowKey: `key:${visitorHash(visitors[who])}:${benchKey(TAG, who, seq)}`,
  Value: BigInt(version),
  Version: BigInt(version),
  By: 1,
  VisitorTotal: BigInt(seq),
  CommitId: commit,
  ...(lane ? { Lane: lane, LaneVersion: BigInt(laneVersion), ExpiresAt: new Date() } : {}),
});

const visitorRows = (totals) => totals.map((total, who) => ({ rowKey: `visitor:${visitorHash(visitors[who])}`, Total: BigInt(total) }));

function collect(judged) {
  const failures = [];
  checkStorage({ check: (scenario, name, ok, detail) => ok || failures.push(`${name}: ${detail}`) }, 'hot', judged);
  return failures;
}

// Before lanes: two writers on two instances, one state row, globally consecutive versions 1..6.
const todayAnswers = [
  { who: 0, seq: 1, version: 1 },
  { who: 1, seq: 1, version: 2 },
  { who: 0, seq: 2, version: 3 },
  { who: 1, seq: 2, version: 4 },
  { who: 0, seq: 3, version: 5 },
  { who: 1, seq: 3, version: 6 },
];
const todayRows = () => [
  { rowKey: 'state', Value: 6n, Version: 6n, Commits: '…' },
  ...todayAnswers.map((a) => keyRow({ ...a, commit: `c${Math.ceil(a.version / 2)}-${a.who}` })),
  ...visitorRows([3, 3]),
];

test("a counter from before lanes (one state row, no Lane on key rows): storage exact, the state row's versions consecutive", () => {
  const judged = judgeStorage({ rows: todayRows(), runs: [run(todayAnswers)], writers, instances: 2 });
  assert.equal(storageExact(judged), true);
  assert.equal(judged.laneSequences.checked, true);
  assert.match(judged.laneSequences.shape, /^state/);
  assert.deepEqual(collect(judged), []);
  assert.deepEqual(judged.lanesPerInstance, [['state'], ['state']]);
  assert.equal(judged.commits.count, 6);
});

// Lanes: each instance its own lane, answers count the other lane as last read, so two answers carry version 4.
const laneAnswers = [
  { who: 0, seq: 1, version: 1 },
  { who: 1, seq: 1, version: 1 },
  { who: 0, seq: 2, version: 3 },
  { who: 1, seq: 2, version: 4 },
  { who: 0, seq: 3, version: 4 },
  { who: 1, seq: 3, version: 6 },
];
const laneRows = ({ skip = null } = {}) => [
  { rowKey: 'lane-00', Value: 3n, Version: 3n },
  { rowKey: 'lane-01', Value: 3n, Version: 3n },
  ...laneAnswers.map((a) =>
    keyRow({ ...a, commit: `c-${a.who}-${a.seq}`, lane: `lane-0${a.who}`, laneVersion: skip && skip.who === a.who && a.seq === 3 ? 4 : a.seq }),
  ),
  ...visitorRows([3, 3]),
];

test('lanes: the same version answered twice across instances is fine; storage exact and each lane 1..Version', () => {
  const judged = judgeStorage({ rows: laneRows(), runs: [run(laneAnswers)], writers, instances: 2 });
  assert.equal(storageExact(judged), true);
  assert.equal(judged.laneSequences.shape, 'lanes');
  assert.deepEqual(collect(judged), []);
  assert.deepEqual(judged.lanesPerInstance, [['lane-00'], ['lane-01']]);
});

test('a lane whose key rows skip a lane version fails the lane check', () => {
  const judged = judgeStorage({ rows: laneRows({ skip: { who: 1 } }), runs: [run(laneAnswers)], writers, instances: 2 });
  const failures = collect(judged);
  assert.equal(failures.length, 1);
  assert.match(failures[0], /^each lane consecutive.*lane-01: version 3, 3 key rows 1\.\.4/);
});

test('an increment counted twice (Σ Value above the key rows), an answer that differs from its row, a wrong visitor total', () => {
  const rows = todayRows();
  rows[0].Value = 7n;
  rows.find((r) => r.rowKey.endsWith(benchKey(TAG, 1, 2))).Version = 5n;
  rows.find((r) => r.rowKey.startsWith('visitor:') && r.rowKey.endsWith(visitorHash(visitors[0]))).Total = 2n;
  const judged = judgeStorage({ rows, runs: [run(todayAnswers)], writers, instances: 2 });
  const failures = collect(judged);
  assert.equal(storageExact(judged), false);
  assert.deepEqual(failures.map((f) => f.split(' (')[0].split(':')[0]), ['storage exact', 'each answer equals its key row', 'each lane consecutive', 'visitor totals']);
});

test('a replay answered differently from the key row fails; an acknowledged key without a row is not exact', () => {
  const answers = [...todayAnswers, { who: 1, seq: 3, version: 5, op: Op.replay }];
  const rows = todayRows().filter((r) => !r.rowKey.endsWith(benchKey(TAG, 0, 1)));
  const judged = judgeStorage({ rows, runs: [run(answers)], writers, instances: 2 });
  assert.equal(judged.missingKeyRows, 1);
  assert.equal(judged.replaysMismatched, 1);
  const names = collect(judged).map((f) => f.split(' (')[0].split(':')[0]);
  assert.ok(names.includes('storage exact') && names.includes('replays identical to the first answer'), names.join(', '));
});

test('a commit holding key rows of writers on two instances is reported', () => {
  const rows = todayRows().map((r) => (r.CommitId ? { ...r, CommitId: 'one' } : r));
  const judged = judgeStorage({ rows, runs: [run(todayAnswers)], writers, instances: 2 });
  assert.equal(judged.commits.spanningInstances, 1);
  assert.ok(collect(judged).some((f) => f.startsWith('each commit from one instance')));
});

test('a key row in a lane without a row (or without Lane beside lane rows) fails the lane check', () => {
  const rows = laneRows().map((r) => (r.Lane === 'lane-01' && r.LaneVersion === 3n ? { ...r, Lane: undefined, LaneVersion: undefined } : r));
  const failures = collect(judgeStorage({ rows, runs: [run(laneAnswers)], writers, instances: 2 }));
  assert.equal(failures.length, 1);
  assert.match(failures[0], /^each lane consecutive.*, 1 key rows in a lane without a row/);
});
