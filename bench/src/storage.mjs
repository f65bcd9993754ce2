// What the Table store holds for one counter after a run, read straight from Azurite (not through the store proxy),
// judged against the answers the bench received. The rows are Tables/' (RowKeys.cs, *Entity.cs), read by their own
// column names. What is checked, and why that is what lanes guarantee: bench/README.md, "What is checked".
import { createHash } from 'node:crypto';
import { Op, parseBenchKey } from './driver/http.mjs';
import { summarize } from './stats.mjs';

const LEGACY_LANE = 'state'; // a counter's row from before lanes: read as one more lane, holding key rows without Lane
export const EXAMPLES = 3; // failures named in a check's message

export const visitorHash = (visitorId) => createHash('sha256').update(visitorId, 'utf8').digest('hex');

/** An Int64 comes back as a BigInt or an { value } object, an Int32 as a number: all as numbers, anything else as is. */
const plain = (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v?.type === 'Int64' ? Number(v.value) : v]));

export async function readPartition(tableClient, partitionKey) {
  const rows = [];
  for await (const row of tableClient.listEntities({ queryOptions: { filter: `PartitionKey eq '${partitionKey.replace(/'/g, "''")}'` } })) rows.push(row);
  return rows;
}

/** A partition's rows as lanes ({ lane, value, version }), visitors (hash -> Total), key rows (with `visitor` and `key` from the row key) and others. */
function classify(rows) {
  const sorted = { lanes: [], visitors: new Map(), keys: [], other: [] };
  for (const row of rows.map(plain)) {
    const [prefix, visitor, ...key] = row.rowKey.split(':');
    if (row.rowKey === LEGACY_LANE || /^lane-\d+$/.test(row.rowKey)) sorted.lanes.push({ lane: row.rowKey, value: row.Value ?? 0, version: row.Version ?? 0 });
    else if (prefix === 'visitor') sorted.visitors.set(visitor, row.Total);
    else if (prefix === 'key') sorted.keys.push({ ...row, visitor, key: key.join(':'), lane: row.Lane ?? LEGACY_LANE, laneVersion: row.LaneVersion ?? row.Version });
    else sorted.other.push(row.rowKey);
  }
  sorted.lanes.sort((a, b) => (a.lane < b.lane ? -1 : 1));
  return sorted;
}

/** Per lane, whether the LaneVersions of its key rows are exactly 1..Version; key rows in a lane without a row are orphans. */
function laneSequences(lanes, keys) {
  const byLane = new Map(lanes.map((l) => [l.lane, []]));
  const orphans = keys.filter((k) => !byLane.get(k.lane)?.push(k.laneVersion)).length;
  const result = lanes.map(({ lane, version }) => {
    const versions = byLane.get(lane).sort((a, b) => a - b);
    return { lane, version, keyRows: versions.length, consecutive: versions.length === version && versions.every((v, i) => v === i + 1), first: versions[0] ?? null, last: versions.at(-1) ?? null };
  });
  const shape = keys.every((k) => k.Lane != null) ? 'lanes' : 'state (no Lane on key rows: the Version is the lane version)';
  return { checked: true, reason: null, shape, lanes: result, broken: result.filter((l) => !l.consecutive).length, orphans };
}

/** Commit sizes from the key rows' CommitId, in all and per instance, and the commits holding writers of two instances. */
function commitSizes(keys, instanceOf, instances) {
  const commits = new Map(); // id -> { size, instances }
  for (const k of keys) {
    if (!commits.has(k.CommitId)) commits.set(k.CommitId, { size: 0, instances: new Set() });
    const commit = commits.get(k.CommitId);
    commit.size++;
    if (instanceOf(k) != null) commit.instances.add(instanceOf(k));
  }
  const list = [...commits.values()];
  const perInstance = Array.from({ length: instances }, (_, i) => list.filter((c) => c.instances.has(i)).map((c) => c.size));
  return { count: list.length, sizes: summarize(list.map((c) => c.size)), perInstance: perInstance.map((sizes) => ({ commits: sizes.length, sizes: summarize(sizes) })), spanningInstances: list.filter((c) => c.instances.size > 1).length };
}

const sameAs = (answer, row) => answer.status === 200 && answer.version === row.Version && answer.value === row.Value && (row.VisitorTotal == null || answer.yourTotal === row.VisitorTotal);

/** One counter's partition (readPartition) against the driver's `runs` (of counter index `counter` among many); `writers`:
 *  per writer (who) { visitorId or null, instance }, over `instances` server processes. */
export function judgeStorage({ rows, runs, counter = null, writers, instances = 1 }) {
  const { lanes, visitors, keys } = classify(rows);
  const tags = runs.map((run) => run.keyTag).filter(Boolean);
  for (const k of keys) k.whose = tags.map((tag) => parseBenchKey(tag, k.key)).find(Boolean) ?? null;
  const instanceOf = (k) => (k.whose ? writers[k.whose.who]?.instance ?? null : null);
  // What the bench was answered: per `who:seq` the final 200 of each increment, per writer how many, and the replays sent after a 200.
  const answers = new Map();
  const countOf = new Map();
  const replays = [];
  for (const run of runs) {
    for (let i = 0; i < run.status.length; i++) {
      if (counter != null && run.counter[i] !== counter) continue;
      const answer = { id: `${run.who[i]}:${run.seq[i]}`, status: run.status[i], version: run.version[i], value: run.value[i], yourTotal: run.yourTotal[i], replayed: run.replayed[i] === 1 };
      if (run.op[i] === Op.replay) replays.push(answer);
      if (run.op[i] !== Op.increment || answer.status !== 200) continue;
      answers.set(answer.id, answer);
      countOf.set(run.who[i], (countOf.get(run.who[i]) ?? 0) + 1);
    }
  }
  const sum = (list, f) => list.reduce((total, x) => total + (f(x) ?? 0), 0);
  const s = { rows: rows.length, lanes, sumValue: sum(lanes, (l) => l.value), sumVersion: sum(lanes, (l) => l.version), keyRows: keys.length, keyRowsSumBy: sum(keys, (k) => k.By) };
  // Every increment of the bench is by 1.
  Object.assign(s, { acknowledged: answers.size, unknownKeys: 0, unacknowledgedKeys: 0, answersMatched: 0, answersMismatched: 0, mismatchExamples: [] });
  const rowOf = new Map();
  for (const k of keys) {
    const writer = k.whose && writers[k.whose.who];
    if (!writer || k.visitor !== (writer.visitorId ? visitorHash(writer.visitorId) : 'anonymous')) {
      s.unknownKeys++;
      continue;
    }
    const id = `${k.whose.who}:${k.whose.seq}`;
    rowOf.set(id, k);
    const answer = answers.get(id);
    if (!answer) {
      s.unacknowledgedKeys++;
      continue;
    }
    const same = sameAs(answer, k);
    s[same ? 'answersMatched' : 'answersMismatched']++;
    if (!same && s.mismatchExamples.length < EXAMPLES) s.mismatchExamples.push(`${id}: answered ${answer.value}/${answer.version} total ${answer.yourTotal}, row ${k.Value}/${k.Version} total ${k.VisitorTotal}`);
    if (answer.replayed) replays.push({ ...answer, replayed: false }); // judged with the replays of a last key, below
  }
  s.replays = replays.length;
  s.replaysMismatched = replays.filter((replay) => !rowOf.has(replay.id) || !sameAs(replay, rowOf.get(replay.id))).length;
  s.missingKeyRows = answers.size - s.answersMatched - s.answersMismatched;
  // Each writer's visitor row against its acknowledged increments; visitor rows of nobody in the run.
  const ours = new Set();
  const wrong = [];
  writers.forEach((writer, who) => {
    if (!writer?.visitorId) return;
    const hash = visitorHash(writer.visitorId);
    ours.add(hash);
    if ((visitors.get(hash) ?? 0) !== (countOf.get(who) ?? 0)) wrong.push(`writer ${who}: Total ${visitors.get(hash) ?? 0}, acknowledged ${countOf.get(who) ?? 0}`);
  });
  Object.assign(s, { visitorRows: visitors.size, visitorTotalsWrong: wrong.length, visitorExamples: wrong.slice(0, EXAMPLES), unknownVisitors: [...visitors.keys()].filter((hash) => !ours.has(hash)).length });
  s.keyed = keys.length > 0 || runs.some((run) => run.keyed);
  s.laneSequences = s.keyed ? laneSequences(lanes, keys) : { checked: false, reason: 'the increments had no keys (--plain-writers)', lanes: [], broken: 0 };
  s.lanesPerInstance = Array.from({ length: instances }, (_, i) => [...new Set(keys.filter((k) => instanceOf(k) === i).map((k) => k.lane))].sort());
  s.commits = commitSizes(keys, instanceOf, instances);
  return s;
}

/** Storage exact: what the acknowledged increments added is what the lanes hold, each increment once. */
export function storageExact(s) {
  if (!s.keyed) return s.sumValue === s.acknowledged;
  return s.sumValue === s.keyRowsSumBy && s.sumValue === s.acknowledged && s.sumVersion === s.keyRows && s.keyRows === s.acknowledged && s.missingKeyRows === 0 && s.unknownKeys === 0 && s.unacknowledgedKeys === 0;
}

/** The checks of a counter's partition (see the top of this file). */
export function checkStorage(bench, scenario, s) {
  const detail = `Σ Value ${s.sumValue}, Σ Version ${s.sumVersion} over ${s.lanes.length} lane rows; ${s.keyRows} key rows (Σ By ${s.keyRowsSumBy}); ${s.acknowledged} acknowledged; ${s.missingKeyRows} acknowledged without a row, ${s.unknownKeys} rows not of this run, ${s.unacknowledgedKeys} rows of increments never acknowledged`;
  bench.check(scenario, 'storage exact (Σ lanes = acknowledged keys and their by, each key row once)', storageExact(s), detail);
  if (!s.keyed) return;
  bench.check(scenario, 'each answer equals its key row', s.answersMismatched === 0, `${s.answersMismatched} answers differ from their key row: ${s.mismatchExamples.join('; ')}`);
  bench.check(scenario, 'replays identical to the first answer', s.replaysMismatched === 0, `${s.replaysMismatched} of ${s.replays} replayed answers differ from the key row`);
  const { broken, orphans, lanes } = s.laneSequences;
  const bad = lanes.filter((l) => !l.consecutive).slice(0, EXAMPLES).map((l) => `${l.lane}: version ${l.version}, ${l.keyRows} key rows ${l.first}..${l.last}`);
  bench.check(scenario, 'each lane consecutive (its key rows carry lane versions 1..Version once each)', broken === 0 && orphans === 0, `${broken} lanes broken (${bad.join('; ')}), ${orphans} key rows in a lane without a row`);
  bench.check(scenario, 'visitor totals', s.visitorTotalsWrong === 0 && s.unknownVisitors === 0, `${s.visitorTotalsWrong} visitor rows differ from their writer's count (${s.visitorExamples.join('; ')}), ${s.unknownVisitors} visitor rows of nobody in this run`);
  bench.check(scenario, 'each commit from one instance', s.commits.spanningInstances === 0, `${s.commits.spanningInstances} commits hold key rows of writers on different instances`);
}

/** The partition of counter `name` judged against `runs` on the Table store, or null elsewhere (then the answers are judged). */
export async function storageOf(bench, name, runs, { counter = null, writers }) {
  const tableClient = bench.tableClient();
  return tableClient ? judgeStorage({ rows: await readPartition(tableClient, name), runs, counter, writers }) : null;
}

/** checkStorage over many counters: one check per kind, failing with the number of counters and the first few. */
export function checkStorageOfCounters(bench, scenario, judged) {
  const failed = new Map(); // check -> the counters that failed it
  for (const { name, storage } of judged) {
    checkStorage({ check: (_, check, ok, detail) => failed.set(check, [...(failed.get(check) ?? []), ...(ok ? [] : [`${name}: ${detail}`])]) }, scenario, storage);
  }
  for (const [check, list] of failed) bench.check(scenario, `${check}, on every counter`, list.length === 0, `${list.length} counters: ${list.slice(0, EXAMPLES).join(' | ')}`);
}

/** A read after the run may lag what is stored (a process counts other lanes as it last read them), never exceed it. */
export function checkReadsWithinStorage(bench, scenario, reads, storage) {
  const above = reads.filter((r) => r.value > storage.sumValue || r.version > storage.sumVersion);
  bench.check(scenario, 'reads after the run show no more than storage', above.length === 0, `${above.length} reads above Σ Value ${storage.sumValue} / Σ Version ${storage.sumVersion}: ${above.map((r) => `${r.value}/${r.version}`).join(', ')}`);
}
