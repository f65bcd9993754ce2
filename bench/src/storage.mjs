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
  const tags = runs.map((run) => run.keyTag).filter(Boolean);
  const parseKey = (key) => {
    for (const tag of tags) {
      const parsed = parseBenchKey(tag, key);
      if (parsed) return parsed;
    }
    return null;
  };
  const mine = (run, i) => counter == null || run.counter[i] === counter;
  const sumValue = lanes.reduce((s, l) => s + l.value, 0);
  const sumVersion = lanes.reduce((s, l) => s + l.version, 0);

  // The answers by (writer, seq): the final 200 of each keyed increment.
  const answers = new Map();
  let acknowledged = 0;
  let acknowledgedBy = 0;
  const countOf = new Map(); // writer -> acknowledged increments
  const replayRecords = []; // Op.replay: the same key sent again once its increment was acknowledged
  for (const run of runs) {
    for (let i = 0; i < run.status.length; i++) {
      if (!mine(run, i)) continue;
      if (run.op[i] === Op.replay) replayRecords.push({ id: `${run.who[i]}:${run.seq[i]}`, status: run.status[i], version: run.version[i], value: run.value[i], yourTotal: run.yourTotal[i] });
      if (run.op[i] !== Op.increment || run.status[i] !== 200) continue;
      acknowledged++;
      acknowledgedBy += 1; // the bench's increments are all by 1
      answers.set(`${run.who[i]}:${run.seq[i]}`, { version: run.version[i], value: run.value[i], yourTotal: run.yourTotal[i], replayed: run.replayed[i] === 1 });
      countOf.set(run.who[i], (countOf.get(run.who[i]) ?? 0) + 1);
    }
  }

  const mismatches = [];
  let keyRowsSumBy = 0;
  let unknownKeys = 0;
  let unacknowledgedKeys = 0;
  let replays = 0;
  let replaysMismatched = 0;
  let answersMatched = 0;
  const matchedAnswers = new Set();
  const instanceOfRow = (k) => {
    const parsed = parseKey(k.key);
    return parsed ? writers[parsed.who]?.instance ?? null : null;
  };
  for (const k of keys) {
    keyRowsSumBy += k.by ?? 0;
    const parsed = parseKey(k.key);
    const writer = parsed ? writers[parsed.who] : null;
    const expectedVisitor = writer ? (writer.visitorId ? visitorHash(writer.visitorId) : ANONYMOUS) : null;
    if (!parsed || !writer || k.visitor !== expectedVisitor) {
      unknownKeys++;
      continue;
    }
    const id = `${parsed.who}:${parsed.seq}`;
    const answer = answers.get(id);
    if (!answer) {
      unacknowledgedKeys++;
      continue;
    }
    matchedAnswers.add(id);
    const expectedTotal = writer.visitorId ? k.visitorTotal : null;
    const same = answer.version === k.version && answer.value === k.value && (expectedTotal == null || answer.yourTotal === expectedTotal);
    if (same) answersMatched++;
    else if (mismatches.length < EXAMPLES) mismatches.push(`${id}: answered ${answer.value}/${answer.version} total ${answer.yourTotal}, row ${k.value}/${k.version} total ${k.visitorTotal}`);
    if (answer.replayed) {
      replays++;
      if (!same) replaysMismatched++;
    }
  }
  const missingKeyRows = acknowledged - matchedAnswers.size;
  const rowOf = new Map();
  for (const k of keys) {
    const parsed = parseKey(k.key);
    if (parsed) rowOf.set(`${parsed.who}:${parsed.seq}`, k);
  }
  for (const replay of replayRecords) {
    const k = rowOf.get(replay.id);
    replays++;
    const same = replay.status === 200 && k && replay.version === k.version && replay.value === k.value && (k.visitorTotal == null || replay.yourTotal === k.visitorTotal);
    if (!same) replaysMismatched++;
  }

  let visitorTotalsWrong = 0;
  const visitorExamples = [];
  const ourVisitors = new Set();
  writers.forEach((writer, who) => {
    if (!writer?.visitorId) return;
    const hash = visitorHash(writer.visitorId);
    ourVisitors.add(hash);
    const expected = countOf.get(who) ?? 0;
    const total = visitors.get(hash) ?? 0;
    if (total !== expected) {
      visitorTotalsWrong++;
      if (visitorExamples.length < EXAMPLES) visitorExamples.push(`writer ${who}: Total ${total}, acknowledged ${expected}`);
    }
  });
  const unknownVisitors = [...visitors.keys()].filter((hash) => !ourVisitors.has(hash)).length;

  const keyed = keys.length > 0 || runs.some((run) => run.keyed);
  const lanesJudged = keyed ? laneSequences(lanes, keys) : { checked: false, reason: 'the increments had no keys (--plain-writers)', lanes: [], broken: 0 };
  const commits = commitsOf(keys, instanceOfRow, instances);
  const lanesPerInstance = Array.from({ length: instances }, () => new Set());
  for (const k of keys) {
    const instance = instanceOfRow(k);
    if (instance != null) lanesPerInstance[instance]?.add(k.lane ?? LEGACY_LANE);
  }

  return {
    rows: rows.length,
    lanes,
    sumValue,
    sumVersion,
    keyRows: keys.length,
    keyRowsSumBy,
    keyRowsWithLane: keys.filter((k) => k.lane != null).length,
    keyRowsWithExpiresAt: keys.filter((k) => k.hasExpiresAt).length,
    acknowledged,
    acknowledgedBy,
    missingKeyRows,
    unknownKeys,
    unacknowledgedKeys,
    answersMatched,
    answersMismatched: matchedAnswers.size - answersMatched,
    mismatchExamples: mismatches,
    replays,
    replaysMismatched,
    visitorRows: visitors.size,
    visitorTotalsWrong,
    visitorExamples,
    unknownVisitors,
    otherRows: other.length,
    laneSequences: lanesJudged,
    lanesPerInstance: lanesPerInstance.map((set) => [...set].sort()),
    commits,
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
