// What the Table store holds for one counter after a run, read straight from Azurite (not through the store proxy),
// and the checks of it against the answers the bench received. Written against the store with lanes and working
// on today's shape:
//
//   PartitionKey = the counter's name.
//   lane rows  `lane-00` … `lane-31` and the legacy `state` (today the only one): Int64 Value, Int64 Version (the
//              lane's own count of increments), UpdatedAt, Commits. The counter = Σ Value, its version = Σ Version.
//   visitor rows `visitor:{sha256 hex of the visitor id}`: Int64 Total.
//   key rows   `key:{sha256 hex of the visitor id, or anonymous}:{Idempotency-Key}`: Value, Version (what the
//              increment's answer said), UpdatedAt, By, VisitorTotal, CommitId, CreatedAt; with lanes also
//              ExpiresAt, Lane ("lane-07") and LaneVersion (the lane's version after that increment).
//
// What is guaranteed with lanes, and so checked: storage exact (Σ Value = Σ By of the key rows = what the
// acknowledged increments added; Σ Version = key rows = acknowledged keyed increments; each of them has its row);
// each answer equals its key row (Value, Version, VisitorTotal), replays included; per lane, the LaneVersions of its
// key rows are exactly 1..Version of the lane when every increment was keyed; each visitor's Total is its count.
// Not guaranteed across processes, so only reported: that the answers' versions are 1..N once each.
import { createHash } from 'node:crypto';
import { Op, parseBenchKey } from './driver/http.mjs';
import { summarize } from './stats.mjs';

export const LEGACY_LANE = 'state';
const LANE_ROW = /^lane-\d{2}$/;
const VISITOR_PREFIX = 'visitor:';
const KEY_PREFIX = 'key:';
const ANONYMOUS = 'anonymous';
/** Failures named in a check's message. */
const EXAMPLES = 3;

export const visitorHash = (visitorId) => createHash('sha256').update(visitorId, 'utf8').digest('hex');

/** An Int64 read by @azure/data-tables (a BigInt), an Int32 (a number), or absent (null). */
const int = (value) => (value === undefined || value === null ? null : Number(typeof value === 'object' && 'value' in value ? value.value : value));

/** Every row of one partition, as plain objects with numbers. */
export async function readPartition(tableClient, partitionKey) {
  const rows = [];
  const escaped = partitionKey.replace(/'/g, "''");
  for await (const entity of tableClient.listEntities({ queryOptions: { filter: `PartitionKey eq '${escaped}'` } })) {
    rows.push(entity);
  }
  return rows;
}

/** The rows of a counter's partition, sorted into lanes, visitors, keys and anything else. */
export function classify(rows) {
  const lanes = [];
  const visitors = new Map(); // hash -> Total
  const keys = [];
  const other = [];
  for (const row of rows) {
    const rowKey = row.rowKey;
    if (rowKey === LEGACY_LANE || LANE_ROW.test(rowKey)) {
      lanes.push({ lane: rowKey, value: int(row.Value) ?? 0, version: int(row.Version) ?? 0 });
    } else if (rowKey.startsWith(VISITOR_PREFIX)) {
      visitors.set(rowKey.slice(VISITOR_PREFIX.length), int(row.Total));
    } else if (rowKey.startsWith(KEY_PREFIX)) {
      const rest = rowKey.slice(KEY_PREFIX.length);
      const colon = rest.indexOf(':');
      keys.push({
        rowKey,
        visitor: rest.slice(0, colon),
        key: rest.slice(colon + 1),
        value: int(row.Value),
        version: int(row.Version),
        by: int(row.By),
        visitorTotal: int(row.VisitorTotal),
        commitId: row.CommitId ?? null,
        lane: row.Lane ?? null,
        laneVersion: int(row.LaneVersion),
        hasExpiresAt: row.ExpiresAt != null,
      });
    } else {
      other.push(rowKey);
    }
  }
  lanes.sort((a, b) => (a.lane < b.lane ? -1 : 1));
  return { lanes, visitors, keys, other };
}

/**
 * Per lane, whether its key rows' LaneVersions are exactly 1..Version. Today's rows have no Lane: when the
 * partition's only lane row is `state`, every key row is in it and its Version is its LaneVersion (the one lane's
 * version is the counter's); key rows without Lane beside lane-* rows cannot be placed, and the check is skipped.
 */
function laneSequences(lanes, keys) {
  const withoutLane = keys.filter((k) => k.lane == null);
  const legacyOnly = lanes.length === 1 && lanes[0].lane === LEGACY_LANE;
  if (withoutLane.length > 0 && !legacyOnly && withoutLane.length !== keys.length) {
    return { checked: false, reason: `${withoutLane.length} of ${keys.length} key rows have no Lane beside lane rows`, shape: 'mixed', lanes: [], broken: 0 };
  }
  if (withoutLane.length > 0 && !legacyOnly) {
    return { checked: false, reason: 'key rows have no Lane and the partition has lane rows other than state', shape: 'unknown', lanes: [], broken: 0 };
  }
  const shape = withoutLane.length > 0 ? 'state (today: no Lane on key rows, the Version is the lane version)' : 'lanes';
  const laneOf = (k) => (k.lane == null ? LEGACY_LANE : k.lane);
  const laneVersionOf = (k) => (k.lane == null ? k.version : k.laneVersion);
  const byLane = new Map(lanes.map((l) => [l.lane, []]));
  let orphans = 0; // key rows naming a lane that has no row
  for (const k of keys) {
    const list = byLane.get(laneOf(k));
    if (list) list.push(laneVersionOf(k));
    else orphans++;
  }
  const result = [];
  let broken = 0;
  for (const lane of lanes) {
    const versions = byLane.get(lane.lane).sort((a, b) => a - b);
    const consecutive = versions.length === lane.version && versions.every((v, i) => v === i + 1);
    if (!consecutive) broken++;
    result.push({ lane: lane.lane, version: lane.version, keyRows: versions.length, consecutive, first: versions[0] ?? null, last: versions.at(-1) ?? null });
  }
  return { checked: true, reason: null, shape, lanes: result, broken, orphans };
}

/** Commit sizes of the keyed increments from their rows' CommitId, in all and per instance; commits from two instances. */
function commitsOf(keys, instanceOfRow, instances) {
  const commits = new Map(); // id -> { size, instances: Set, lanes: Set }
  for (const k of keys) {
    let commit = commits.get(k.commitId);
    if (!commit) commits.set(k.commitId, (commit = { size: 0, instances: new Set(), lanes: new Set() }));
    commit.size++;
    const instance = instanceOfRow(k);
    if (instance != null) commit.instances.add(instance);
    commit.lanes.add(k.lane ?? LEGACY_LANE);
  }
  const perInstance = Array.from({ length: instances }, () => []);
  let spanningInstances = 0;
  let spanningLanes = 0;
  for (const commit of commits.values()) {
    if (commit.instances.size > 1) spanningInstances++;
    if (commit.lanes.size > 1) spanningLanes++;
    for (const instance of commit.instances) perInstance[instance]?.push(commit.size);
  }
  const sizes = [...commits.values()].map((c) => c.size);
  return {
    count: commits.size,
    sizes: summarize(sizes),
    perInstance: perInstance.map((list) => ({ commits: list.length, sizes: summarize(list) })),
    spanningInstances,
    spanningLanes,
  };
}

/** A parser of the run's keys: (Idempotency-Key) => { who, seq } for a key made by benchKey with one of the runs' tags, else null. */
function keyParser(runs) {
  const tags = runs.map((run) => run.keyTag).filter(Boolean);
  return (key) => {
    for (const tag of tags) {
      const parsed = parseBenchKey(tag, key);
      if (parsed) return parsed;
    }
    return null;
  };
}

/**
 * What the bench was answered for this counter: per (writer, seq) the final 200 of each increment, how many and
 * how much they added, per writer how many, and the replays of a last key (Op.replay) sent after its 200.
 */
function answersOf(runs, counter) {
  const answers = new Map();
  const countOf = new Map(); // writer -> acknowledged increments
  const replayRecords = [];
  let acknowledged = 0;
  for (const run of runs) {
    for (let row = 0; row < run.status.length; row++) {
      if (counter != null && run.counter[row] !== counter) continue;
      const id = `${run.who[row]}:${run.seq[row]}`;
      const answer = { status: run.status[row], version: run.version[row], value: run.value[row], yourTotal: run.yourTotal[row], replayed: run.replayed[row] === 1 };
      if (run.op[row] === Op.replay) replayRecords.push({ id, ...answer });
      if (run.op[row] !== Op.increment || answer.status !== 200) continue;
      acknowledged++;
      answers.set(id, answer);
      countOf.set(run.who[row], (countOf.get(run.who[row]) ?? 0) + 1);
    }
  }
  // The bench's increments are all by 1.
  return { answers, countOf, replayRecords, acknowledged, acknowledgedBy: acknowledged };
}

const sameAs = (answer, keyRow) =>
  answer.status === 200 && answer.version === keyRow.version && answer.value === keyRow.value && (keyRow.visitorTotal == null || answer.yourTotal === keyRow.visitorTotal);

/**
 * The key rows against the answers: rows of keys the run never sent (or under another visitor), rows of
 * increments never acknowledged, acknowledged increments without a row, answers (and replays) that differ from
 * their row. Returns the counts and the row of each (writer, seq).
 */
function keyRowsAgainstAnswers(keys, { answers, replayRecords }, parseKey, writers) {
  const judged = { keyRowsSumBy: 0, unknownKeys: 0, unacknowledgedKeys: 0, answersMatched: 0, answersMismatched: 0, replays: 0, replaysMismatched: 0, mismatchExamples: [] };
  const rowOf = new Map();
  for (const keyRow of keys) {
    judged.keyRowsSumBy += keyRow.by ?? 0;
    const parsed = parseKey(keyRow.key);
    const writer = parsed ? writers[parsed.who] : null;
    const expectedVisitor = writer ? (writer.visitorId ? visitorHash(writer.visitorId) : ANONYMOUS) : null;
    if (!writer || keyRow.visitor !== expectedVisitor) {
      judged.unknownKeys++;
      continue;
    }
    const id = `${parsed.who}:${parsed.seq}`;
    rowOf.set(id, keyRow);
    const answer = answers.get(id);
    if (!answer) {
      judged.unacknowledgedKeys++;
      continue;
    }
    const same = sameAs(answer, keyRow);
    if (same) judged.answersMatched++;
    else {
      judged.answersMismatched++;
      if (judged.mismatchExamples.length < EXAMPLES) judged.mismatchExamples.push(`${id}: answered ${answer.value}/${answer.version} total ${answer.yourTotal}, row ${keyRow.value}/${keyRow.version} total ${keyRow.visitorTotal}`);
    }
    if (answer.replayed) {
      judged.replays++;
      if (!same) judged.replaysMismatched++;
    }
  }
  for (const replay of replayRecords) {
    judged.replays++;
    const keyRow = rowOf.get(replay.id);
    if (!keyRow || !sameAs(replay, keyRow)) judged.replaysMismatched++;
  }
  judged.missingKeyRows = answers.size - (judged.answersMatched + judged.answersMismatched);
  return judged;
}

/** Each writer's visitor row against its acknowledged increments; visitor rows of nobody in the run. */
function visitorTotals(visitors, writers, countOf) {
  const judged = { visitorTotalsWrong: 0, visitorExamples: [], unknownVisitors: 0 };
  const ours = new Set();
  writers.forEach((writer, who) => {
    if (!writer?.visitorId) return;
    const hash = visitorHash(writer.visitorId);
    ours.add(hash);
    const expected = countOf.get(who) ?? 0;
    const total = visitors.get(hash) ?? 0;
    if (total !== expected) {
      judged.visitorTotalsWrong++;
      if (judged.visitorExamples.length < EXAMPLES) judged.visitorExamples.push(`writer ${who}: Total ${total}, acknowledged ${expected}`);
    }
  });
  judged.unknownVisitors = [...visitors.keys()].filter((hash) => !ours.has(hash)).length;
  return judged;
}

/**
 * Judges the partition of one counter against the answers the bench received for it.
 * @param rows      what readPartition returned
 * @param runs      the driver's records (keys made by benchKey with the run's keyTag)
 * @param counter   with runs over many counters (many): the index of this one
 * @param writers   per writer (who): { visitorId (or null), instance }
 * @param instances how many server processes the writers were spread over
 */
export function judgeStorage({ rows, runs, counter = null, writers, instances = 1 }) {
  const { lanes, visitors, keys, other } = classify(rows);
  const parseKey = keyParser(runs);
  const answered = answersOf(runs, counter);
  const instanceOfRow = (keyRow) => {
    const parsed = parseKey(keyRow.key);
    return parsed ? writers[parsed.who]?.instance ?? null : null;
  };
  const keyed = keys.length > 0 || runs.some((run) => run.keyed);
  const lanesPerInstance = Array.from({ length: instances }, () => new Set());
  for (const keyRow of keys) lanesPerInstance[instanceOfRow(keyRow)]?.add(keyRow.lane ?? LEGACY_LANE);
  return {
    rows: rows.length,
    lanes,
    sumValue: lanes.reduce((sum, lane) => sum + lane.value, 0),
    sumVersion: lanes.reduce((sum, lane) => sum + lane.version, 0),
    keyRows: keys.length,
    keyRowsWithLane: keys.filter((keyRow) => keyRow.lane != null).length,
    keyRowsWithExpiresAt: keys.filter((keyRow) => keyRow.hasExpiresAt).length,
    acknowledged: answered.acknowledged,
    acknowledgedBy: answered.acknowledgedBy,
    ...keyRowsAgainstAnswers(keys, answered, parseKey, writers),
    visitorRows: visitors.size,
    ...visitorTotals(visitors, writers, answered.countOf),
    otherRows: other.length,
    laneSequences: keyed ? laneSequences(lanes, keys) : { checked: false, reason: 'the increments had no keys (--plain-writers)', lanes: [], broken: 0 },
    lanesPerInstance: lanesPerInstance.map((set) => [...set].sort()),
    commits: commitsOf(keys, instanceOfRow, instances),
    keyed,
  };
}

/** Storage exact: what the acknowledged increments added is what the lanes hold, each increment once. */
export function storageExact(s) {
  if (!s.keyed) return s.sumValue === s.acknowledgedBy;
  return (
    s.sumValue === s.keyRowsSumBy &&
    s.sumValue === s.acknowledgedBy &&
    s.sumVersion === s.keyRows &&
    s.keyRows === s.acknowledged &&
    s.missingKeyRows === 0 &&
    s.unknownKeys === 0 &&
    s.unacknowledgedKeys === 0
  );
}

/** The checks of a counter's partition (see the top of this file). */
export function checkStorage(bench, scenario, s) {
  bench.check(
    scenario,
    'storage exact (Σ lanes = acknowledged keys and their by, each key row once)',
    storageExact(s),
    `Σ Value ${s.sumValue}, Σ Version ${s.sumVersion} over ${s.lanes.length} lane rows; ${s.keyRows} key rows (Σ By ${s.keyRowsSumBy}); ${s.acknowledged} acknowledged; ` +
      `${s.missingKeyRows} acknowledged without a row, ${s.unknownKeys} rows not of this run, ${s.unacknowledgedKeys} rows of increments never acknowledged`,
  );
  if (!s.keyed) return;
  bench.check(scenario, 'each answer equals its key row', s.answersMismatched === 0, `${s.answersMismatched} answers differ from their key row: ${s.mismatchExamples.join('; ')}`);
  bench.check(scenario, 'replays identical to the first answer', s.replaysMismatched === 0, `${s.replaysMismatched} of ${s.replays} replayed answers differ from the key row`);
  if (s.laneSequences.checked) {
    const bad = s.laneSequences.lanes.filter((l) => !l.consecutive).slice(0, EXAMPLES);
    bench.check(
      scenario,
      'each lane consecutive (its key rows carry lane versions 1..Version once each)',
      s.laneSequences.broken === 0 && s.laneSequences.orphans === 0,
      `${s.laneSequences.broken} lanes broken (${bad.map((l) => `${l.lane}: version ${l.version}, ${l.keyRows} key rows ${l.first}..${l.last}`).join('; ')}), ${s.laneSequences.orphans} key rows in a lane without a row`,
    );
  }
  bench.check(scenario, 'visitor totals', s.visitorTotalsWrong === 0 && s.unknownVisitors === 0, `${s.visitorTotalsWrong} visitor rows differ from their writer's count (${s.visitorExamples.join('; ')}), ${s.unknownVisitors} visitor rows of nobody in this run`);
  bench.check(scenario, 'each commit from one instance', s.commits.spanningInstances === 0, `${s.commits.spanningInstances} commits hold key rows of writers on different instances`);
}

/**
 * The partition of counter `name` judged against `runs` on the Table store (the bench started Azurite and has its
 * key), or null elsewhere: then exactness is judged from the answers (versions 1..N once each).
 */
export async function storageOf(bench, name, runs, { counter = null, writers }) {
  const tableClient = bench.tableClient();
  if (!tableClient) return null;
  return judgeStorage({ rows: await readPartition(tableClient, name), runs, counter, writers });
}

/** checkStorage over many counters: one check per kind, failing with the number of counters and the first few. */
export function checkStorageOfCounters(bench, scenario, judged) {
  const kinds = new Map(); // check -> details of the counters that failed it
  for (const { name, storage } of judged) {
    const collect = { check: (_, check, ok, detail) => (kinds.has(check) || kinds.set(check, []), ok || kinds.get(check).push(`${name}: ${detail}`)) };
    checkStorage(collect, scenario, storage);
  }
  for (const [check, failed] of kinds) bench.check(scenario, `${check}, on every counter`, failed.length === 0, `${failed.length} counters: ${failed.slice(0, EXAMPLES).join(' | ')}`);
}

/** A read after the run may lag what is stored (with lanes a process counts other lanes as it last read them), never exceed it. */
export function checkReadsWithinStorage(bench, scenario, reads, storage) {
  const above = reads.filter((r) => r.value > storage.sumValue || r.version > storage.sumVersion);
  bench.check(scenario, 'reads after the run show no more than storage', above.length === 0, `${above.length} reads above Σ Value ${storage.sumValue} / Σ Version ${storage.sumVersion}: ${above.map((r) => `${r.value}/${r.version}`).join(', ')}`);
}
