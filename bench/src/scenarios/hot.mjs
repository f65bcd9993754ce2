// hot: W writers on one counter, closed loop, each on its own keep-alive connection and with its own visitor id.
// Each increment carries its own Idempotency-Key and is retried with the same key and body after a 5xx or a network
// error until it answers 200, as the pages do. One SignalR subscriber per server watches the counter: each commit
// sends exactly one counterUpdated, the state after it, so with one server the jumps between the versions it
// receives are the sizes of the commits (a lost message would merge two commits into one, larger, jump).
// Each subscriber merges what it receives lane by lane, as a page does (laneMerge.mjs), and is judged by what it
// would show: after the drain its merged value and version must equal the truth (the table: Σ over the lane rows;
// without a table, the server's read), and the time from the last increment answer until it first showed the
// truth is reported (truth.mjs). The size of each counterUpdated is measured as received (driver/sizes.mjs).
//
// Variants (main.mjs runs one per --instances value and --stuck-subscriber value, printed side by side):
// - instances: N Standalone processes on one Azurite table and one Redis backplane (fresh ones per variant); writer
//   i writes to instance i mod N and subscriber i is connected to instance i, and, through the backplane, receives
//   every instance's messages. The table is read afterwards (storage.mjs): exactness is checked
//   there, the commit sizes of the keyed increments come from their rows' CommitId, and each process's LiveCounter
//   meter (conflicts, retries, 503s by reason, batch sizes) from its log (launch/metrics.mjs).
// - stuck: one more subscriber on the counter that never reads its socket (driver/stuck.mjs), filled until the
//   server's socket to it is full before the writers start.
import { readCounter } from '../driver/http.mjs';
import { connectStuck, fillUntilStalled } from '../driver/stuck.mjs';
import { ANSWER_DEADLINE_MS, analyse as analyseIncrements, checkAnswers, checkIncrements } from '../increments.mjs';
import { between, snapshotAfter, summarizeMeter } from '../launch/metrics.mjs';
import { progress } from '../progress.mjs';
import { int, ms, now, round, sleep, summarize, table } from '../stats.mjs';
import { checkReadsWithinStorage, checkStorage, classify, judgeStorage, readPartition, storageExact } from '../storage.mjs';
import { judgeSubscriber, lastAnswerAt, summarizeTruth } from '../truth.mjs';
import { cpuCell, verdict, yesNo } from '../format.mjs';
import { shares } from '../workers.mjs';
import { phaseSeries, startSampler } from '../coldstart.mjs';

/** The first commit sizes kept in order in the results (the sequence shows what the distribution hides). */
const COMMIT_SEQUENCE_KEPT = 60;
/** How long the subscribers get to show the truth after the last answer. */
const DRAIN_TIMEOUT_MS = 10_000;
/** How often the stuck subscriber is asked after (a subscription answers 204 while it is connected, 404 after). */
const STUCK_POLL_MS = 500;
/** The fill counter's name is as long as names get, so that each message to the stuck subscriber is as large as they get. */
const MAX_NAME_LENGTH = 63;

const BUCKETS = [
  [1, 1],
  [2, 3],
  [4, 7],
  [8, 15],
  [16, 31],
  [32, 63],
  [64, Infinity],
];

function histogramOf(sizes) {
  return BUCKETS.map(([lo, hi]) => ({ from: lo, to: hi === Infinity ? null : hi, commits: sizes.filter((s) => s >= lo && s <= hi).length }));
}

/** Commit sizes from the versions one subscriber received: sorted, distinct, each jump from the one before (from 0). */
export function commitSizes(versions) {
  const distinct = [...new Set(versions)].sort((a, b) => a - b);
  const sizes = distinct.map((v, i) => v - (i === 0 ? 0 : distinct[i - 1]));
  // The sequence shows patterns the distribution hides (closed-loop writers answered together come back together).
  return { commits: sizes.length, sizes: summarize(sizes), histogram: histogramOf(sizes), first: sizes.slice(0, COMMIT_SEQUENCE_KEPT) };
}

/**
 * The hot counter's partition under --partition-limit, from what the store proxy counted in the phase: the entities it
 * let through (in transactions, in reads; a read costs 1), per acknowledged increment, their share of the budget
 * (limit × (seconds + 1): the counter is new, so its bucket starts the phase full, one second's worth), and the
 * requests it answered 503 ServerBusy. Null without a limit.
 */
export function partitionBudget(store, name, acknowledged, seconds) {
  if (!(store?.partitionLimit > 0)) return null;
  const p = store.partitions?.[name] ?? store.partitions?.[name.toLowerCase()] ?? { entities: 0, transactionEntities: 0, readEntities: 0, requests: 0, limited: 0, limitedEntities: 0 };
  const budget = store.partitionLimit * (seconds + 1);
  return {
    partition: name,
    limitPerSecond: store.partitionLimit,
    seconds: round(seconds, 2),
    ...p,
    entitiesPerSecond: seconds > 0 ? Math.round(p.entities / seconds) : null,
    entitiesPerIncrement: acknowledged ? round(p.entities / acknowledged, 3) : null,
    budgetUsed: budget > 0 ? round(p.entities / budget, 3) : null,
  };
}

/** A variant's label in the table: "N=4", "stuck subscriber", "N=1, stuck subscriber", or "" for the plain run. */
export function variantLabel(variant) {
  const parts = [];
  if (variant.instances != null) parts.push(`N=${variant.instances}`);
  if (variant.stuck) parts.push('stuck subscriber');
  if (variant.phase) parts.push(variant.phase === 'cold' ? 'cold (fresh processes)' : 'warm (the same processes after)');
  return parts.join(', ');
}

export async function run(bench, variant = {}) {
  const collected = await collect(bench, variant);
  const result = analyse(bench, collected);
  check(bench, result);
  return result;
}

/** One subscriber per instance on the counter, keeping a merged view; each in the connections worker i mod workers. */
async function openWatchers(bench, name) {
  const watchers = [];
  for (let instance = 0; instance < bench.bases.length; instance++) {
    const worker = instance % bench.subs.length;
    const base = bench.bases[instance];
    const index = await bench.subs[worker].call('open', { base, count: 1, merge: true });
    await bench.subs[worker].call('subscribe', { base, from: index, assign: [name] });
    watchers.push({ instance, worker, index });
  }
  await bench.collectAll();
  return watchers;
}

/** The stuck subscriber on instance 0: connected, subscribed to the counter and to a fill counter, and filled until stalled. */
async function stuckSubscriber(bench, name) {
  progress.set('hot: stuck subscriber');
  const base = bench.bases[0];
  const stuck = await connectStuck(base, name);
  const fillName = `${name}-fill-`.padEnd(MAX_NAME_LENGTH, 'x');
  await stuck.subscribeTo(fillName);
  progress.set('hot: filling the stuck one');
  const fill = await fillUntilStalled({ base, stuck, fillName });
  return { stuck, fill };
}

/** While fn runs, asks every STUCK_POLL_MS whether the stuck subscriber is still connected; when it was dropped, after how long. */
async function watchStuck(stuck, fn) {
  const started = now();
  let droppedAfterMs = null;
  let done = false;
  const poll = (async () => {
    while (!done && droppedAfterMs === null) {
      await sleep(STUCK_POLL_MS);
      if (done) break; // after the phase the check at the end tells
      const connected = await stuck.isConnected().catch(() => true);
      if (!connected && !done) droppedAfterMs = now() - started;
    }
  })();
  const value = await fn();
  done = true;
  await poll;
  return { value, droppedAfterMs };
}

/** The LiveCounter meter of every instance, as of an export after now (null when the stack does not export it). */
async function meters(bench) {
  if (!bench.server.metrics) return null;
  const at = Date.now();
  return Promise.all(bench.server.servers.map((server) => snapshotAfter(server.logFile, at)));
}

/** Runs the writers (and whatever the variant adds) and gathers the answers, the messages, the reads, the rows and the meters. */
async function collect(bench, variant) {
  const { hotSeconds, plainWriters } = bench.options;
  const writers = variant.writers ?? bench.options.writers;
  const increments = variant.increments ?? bench.options.increments;
  const instances = bench.bases.length;
  const label = variantLabel(variant);
  const name = `${bench.run}-hot${variant.instances != null ? `-n${instances}` : ''}${variant.stuck ? '-stuck' : ''}${variant.phase ? `-${variant.phase}` : ''}`;
  progress.set(`hot${label ? ` ${label}` : ''}: subscribers`);
  const watchers = await openWatchers(bench, name);
  const stuck = variant.stuck ? await stuckSubscriber(bench, name) : null;
  // A fresh process has counted nothing yet: waiting for its first export would only delay its first increment.
  const metersBefore = variant.phase === 'cold' && bench.server.metrics ? bench.server.servers.map(() => new Map()) : await meters(bench);
  // --cold-start: the servers' CPU every second while the load runs, for the per-second figures.
  const sampler = variant.phase ? startSampler(() => bench.serverPids()) : null;

  progress.set(`hot${label ? ` ${label}` : ''} ${writers}x${increments}`);
  const split = shares(writers, bench.load.length);
  const offsets = split.map((_, i) => split.slice(0, i).reduce((a, b) => a + b, 0));
  const writeAll = () =>
    Promise.all(
      bench.load.map((worker, i) =>
        split[i] > 0
          ? worker.call('hot', { base: bench.base, bases: bench.bases, name, writers: split[i], perWriter: increments, maxMs: hotSeconds * 1000, writerOffset: offsets[i], plain: plainWriters })
          : null,
      ),
    );
  const measured = await bench.measure(() => (stuck ? watchStuck(stuck.stuck, writeAll) : writeAll().then((value) => ({ value, droppedAfterMs: null }))));
  const runs = measured.value.value.filter(Boolean);
  const samples = sampler?.stop();
  const metersAfter = await meters(bench);
  const series = sampler ? phaseSeries({ servers: bench.server.servers, samples, runs, wallMinusMonotonic: Date.now() - now(), seconds: hotSeconds }) : null;
  const stuckAfter = stuck ? { connected: await stuck.stuck.isConnected().catch(() => null), ...stuck.stuck.state() } : null;

  const reads = await Promise.all(bench.bases.map((base) => readCounter(base, name)));
  const tableClient = bench.tableClient();
  const rows = tableClient ? await readPartition(tableClient, name) : null;
  const truth = truthOf(rows, reads[0]);

  progress.set('hot: drain');
  const answered = answeredPerInstance(runs, instances);
  const byWorker = new Map();
  for (const w of watchers) byWorker.set(w.worker, [...(byWorker.get(w.worker) ?? []), w]);
  await Promise.all([...byWorker].map(([worker, list]) => bench.subs[worker].call('drainToTruth', { name, truth, timeoutMs: DRAIN_TIMEOUT_MS, only: list.map((w) => w.index) })));
  const seen = new Map();
  await Promise.all(
    [...byWorker].map(async ([worker, list]) => {
      const views = await bench.subs[worker].call('views', { name, only: list.map((w) => w.index) });
      list.forEach((w, i) => seen.set(w, views[i]));
    }),
  );
  const messages = await bench.collectAll();
  stuck?.stuck.close();
  await Promise.all([...new Set(watchers.map((w) => w.worker))].map((worker) => bench.subs[worker].call('closeAll')));
  return {
    variant,
    label,
    name,
    instances,
    runs,
    answered,
    watchers,
    messages,
    views: watchers.map((w) => seen.get(w)),
    truth,
    lastAnswerAt: lastAnswerAt(runs),
    reads,
    rows,
    meters: metersBefore && metersAfter ? metersAfter.map((after, i) => summarizeMeter(between(metersBefore[i], after))) : null,
    stuck: stuck ? { connectionId: stuck.stuck.connectionId, fill: stuck.fill, droppedAfterMs: measured.value.droppedAfterMs, atEnd: stuckAfter } : null,
    cpu: measured.cpu,
    store: measured.store,
    series,
  };
}

/**
 * What the subscribers must end on: the table's Σ over the lane rows, value and version (read after every increment
 * was answered, so final), or, without a table (one server, in memory or --url), what the server read.
 */
function truthOf(rows, read) {
  if (!rows) return { value: read.value, version: read.version, source: 'GET' };
  const { lanes } = classify(rows);
  return { value: lanes.reduce((s, l) => s + l.value, 0), version: lanes.reduce((s, l) => s + l.version, 0), source: 'the table: Σ over lane rows' };
}

/**
 * Per instance, from the 200 answers of the writers on it: the highest version, and the versions acknowledged only by
 * replays (their commit's answers were lost, so that commit sent no message).
 */
function answeredPerInstance(runs, instances) {
  const answered = Array.from({ length: instances }, () => ({ last: 0, replayedOnly: new Set(), fresh: new Set() }));
  for (const r of runs) {
    for (let i = 0; i < r.status.length; i++) {
      if (r.status[i] !== 200) continue;
      const entry = answered[r.instance[i]];
      const version = r.version[i];
      entry.last = Math.max(entry.last, version);
      if (r.replayed[i]) entry.replayedOnly.add(version);
      else entry.fresh.add(version);
    }
  }
  for (const entry of answered) for (const version of entry.fresh) entry.replayedOnly.delete(version);
  return answered;
}

/**
 * What one instance's subscriber received and shows: its merged view against the truth and its time to truth;
 * messages received, payloads received twice, wrong ones; and, as information, whether the top-level versions it
 * received reached the last version answered on its own instance (all a subscriber was judged by before lanes).
 */
function judgeWatcher(collected, watcher) {
  const fromWorker = collected.messages[watcher.worker];
  const updates = fromWorker.updated;
  const view = collected.views[collected.watchers.indexOf(watcher)];
  const versions = [];
  let outOfOrder = 0;
  let wrongValues = 0;
  let lanesWrong = 0;
  let highest = 0;
  for (let j = 0; j < updates.conn.length; j++) {
    if (updates.conn[j] !== watcher.index || fromWorker.names[updates.name[j]] !== collected.name) continue;
    const version = updates.version[j];
    versions.push(version);
    if (version < highest) outOfOrder++;
    highest = Math.max(highest, version);
    if (updates.value[j] !== version) wrongValues++; // every increment is by 1 on a fresh counter
    if (updates.lanesAddUp[j] === 0) lanesWrong++;
  }
  const answered = collected.answered[watcher.instance];
  // Behind only after lost answers: every version of this instance above the highest received was acknowledged only by replays.
  let behindOnlyAfterLostAnswers = false;
  if (highest < answered.last) {
    behindOnlyAfterLostAnswers = [...answered.fresh].every((version) => version <= highest);
  }
  return {
    instance: watcher.instance,
    ...judgeSubscriber({ view, truth: collected.truth, lastAnswerAt: collected.lastAnswerAt }),
    lanes: view.lanes,
    counterUpdated: versions.length,
    // the same payload twice (each commit raises its own lane, so two commits never send the same lanes)
    duplicates: view.duplicates,
    readsMerged: view.reads,
    reconnects: view.reconnects,
    outOfOrder,
    wrongValues,
    lanesWrong,
    highestVersion: highest,
    instanceLastVersion: answered.last,
    reachedInstanceLastVersion: highest >= answered.last,
    behindOnlyAfterLostAnswers,
    versions,
  };
}

/**
 * Bytes per counterUpdated of this counter received by the subscribers, by the number of lanes it carried (-1: none):
 * the hub message as received (its record separator included) and its argument as the server serialized it.
 */
export function messageSizes(messages, name) {
  const groups = new Map();
  for (const fromWorker of messages) {
    const u = fromWorker.updated;
    for (let j = 0; j < u.conn.length; j++) {
      if (fromWorker.names[u.name[j]] !== name) continue;
      let g = groups.get(u.lanes[j]);
      if (!g) groups.set(u.lanes[j], (g = { lanes: u.lanes[j], message: [], argument: [] }));
      g.message.push(u.messageBytes[j]);
      if (u.argumentBytes[j] >= 0) g.argument.push(u.argumentBytes[j]);
    }
  }
  const bytes = (list) => (list.length ? { mean: round(list.reduce((a, b) => a + b, 0) / list.length, 1), min: Math.min(...list), max: Math.max(...list) } : null);
  return [...groups.values()].sort((a, b) => a.lanes - b.lanes).map((g) => ({ lanes: g.lanes, messages: g.message.length, messageBytes: bytes(g.message), argumentBytes: bytes(g.argument) }));
}

/** Messages that reached a connection other than the subscribers, or named another counter. */
function misdelivered(collected) {
  const watched = new Set(collected.watchers.map((w) => `${w.worker}:${w.index}`));
  return collected.messages.reduce(
    (sum, fromWorker, worker) => sum + [...fromWorker.updated.conn].filter((conn, j) => !(watched.has(`${worker}:${conn}`) && fromWorker.names[fromWorker.updated.name[j]] === collected.name)).length,
    0,
  );
}

/** Writer w is one visitor on a fresh counter: its n-th increment leaves its total at n. */
function wrongTotals(runs) {
  let wrong = 0;
  for (const r of runs) for (let i = 0; i < r.status.length; i++) if (r.status[i] === 200 && r.yourTotal[i] !== r.seq[i]) wrong++;
  return wrong;
}

/** Per global writer: its visitor id and its instance, for the storage checks. */
function writersOf(runs, instances) {
  const writers = [];
  for (const r of runs) r.visitorIds.forEach((visitorId, w) => (writers[r.writerOffset + w] = { visitorId, instance: (r.writerOffset + w) % instances }));
  return writers;
}

function analyse(bench, collected) {
  const { runs, instances } = collected;
  const { hotSeconds, plainWriters } = bench.options;
  const writers = collected.variant.writers ?? bench.options.writers;
  const increments = collected.variant.increments ?? bench.options.increments;
  const all = analyseIncrements(runs);
  const started = Math.min(...runs.map((r) => r.started));
  const finished = Math.max(...runs.map((r) => r.finished));
  const seconds = (finished - started) / 1000;
  const storage = collected.rows ? judgeStorage({ rows: collected.rows, runs, writers: writersOf(runs, instances), instances }) : null;
  const subscribers = collected.watchers.map((w) => judgeWatcher(collected, w));
  const perInstance = Array.from({ length: instances }, (_, instance) => {
    const answers = analyseIncrements(runs, { instance });
    return {
      instance,
      writers: shares(writers, instances)[instance],
      increments: answers,
      incrementsPerSecond: Math.round(answers.acknowledged / seconds),
      latencyMs: answers.latencyMs,
      read: collected.reads[instance],
      meter: collected.meters?.[instance] ?? null,
      commitsFromTable: storage ? storage.commits.perInstance[instance] : null,
      lanes: storage ? storage.lanesPerInstance[instance] : null,
      subscriber: (({ versions, ...rest }) => rest)(subscribers[instance]),
      counterUpdatedPerIncrement: all.acknowledged ? subscribers[instance].counterUpdated / all.acknowledged : null,
      cpuCores: collected.cpu?.serverCoresPerInstance?.[instance] ?? null,
    };
  });
  // With one server the jumps between the versions its subscriber receives are the commit sizes.
  const fromSubscriber = instances === 1 ? commitSizes(subscribers[0].versions) : null;
  const target = bench.targets.hotIncrementsPerSecond;
  const perSecond = all.acknowledged / seconds;
  const final = storage ? { value: storage.sumValue, version: storage.sumVersion, source: 'the table: Σ over lane rows' } : { ...collected.reads[0], source: 'GET' };
  return {
    label: collected.label,
    variant: collected.variant,
    counter: collected.name,
    instances,
    writers,
    incrementsPerWriter: increments,
    maxSeconds: hotSeconds,
    cutShortByTime: runs.some((r) => r.cutShort),
    writerProcesses: bench.load.length,
    keyed: !plainWriters,
    seconds: round(seconds, 2),
    increments: all,
    incrementsPerSecond: Math.round(perSecond),
    // first send of an increment to its 200, retries included
    latencyMs: all.latencyMs,
    final,
    reads: collected.reads,
    // Versions 1..N each answered once: guaranteed on the in-memory store (one process, one lane), not across processes with lanes.
    versionsOnceEach: all.distinctVersions === all.acknowledged && all.maxVersion === all.acknowledged,
    exactness: storage ? 'storage' : 'answers',
    exact: storage ? storageExact(storage) : collected.reads[0].value === all.acknowledged && collected.reads[0].version === all.acknowledged && all.distinctVersions === all.acknowledged && all.maxVersion === all.acknowledged,
    storage,
    wrongYourTotal: plainWriters ? null : wrongTotals(runs),
    perInstance,
    truth: { ...collected.truth, ...summarizeTruth(subscribers) },
    messageSizes: messageSizes(collected.messages, collected.name),
    subscriber: {
      ...(({ versions, ...rest }) => rest)(subscribers[0]),
      misdelivered: misdelivered(collected),
      // per subscriber (each receives every instance's messages through the backplane)
      counterUpdatedPerIncrement: all.acknowledged ? subscribers.reduce((s, x) => s + x.counterUpdated, 0) / subscribers.length / all.acknowledged : null,
      commits: fromSubscriber,
    },
    commits: storage?.keyed ? { source: 'the table: key rows per CommitId', count: storage.commits.count, sizes: storage.commits.sizes, spanningInstances: storage.commits.spanningInstances } : fromSubscriber ? { source: 'the subscriber: jumps between versions', count: fromSubscriber.commits, sizes: fromSubscriber.sizes } : null,
    stuck: collected.stuck,
    store: collected.store,
    partition: partitionBudget(collected.store, collected.name, all.acknowledged, seconds),
    phase: collected.variant.phase ?? null,
    instanceCpus: bench.server.store?.instanceCpus ?? null,
    series: collected.series,
    // CPU of the servers per commit and per increment over the whole phase (the meter's commits)
    cpuPerCommit: cpuPerCommit(collected.cpu, collected.meters, all.acknowledged),
    target: target == null ? null : { minIncrementsPerSecond: target },
    meetsTarget: target == null ? null : perSecond >= target,
    cpu: collected.cpu,
  };
}

/** Server CPU (the bench's accounting over the phase) per commit (the meters') and per acknowledged increment, in ms. */
export function cpuPerCommit(cpu, meters, acknowledged) {
  if (!cpu || cpu.serverCores == null) return null;
  const cpuMs = cpu.serverCores * cpu.seconds * 1000;
  const commits = meters ? meters.reduce((s, m) => s + m.commits, 0) : null;
  return {
    serverCpuMs: Math.round(cpuMs),
    commits,
    msPerCommit: commits ? round(cpuMs / commits, 3) : null,
    msPerIncrement: acknowledged ? round(cpuMs / acknowledged, 3) : null,
  };
}

function check(bench, h) {
  const scenario = h.label ? `hot ${h.label}` : 'hot';
  if (h.storage) {
    checkAnswers(bench, scenario, h.increments);
    checkStorage(bench, scenario, h.storage);
    checkReadsWithinStorage(bench, scenario, h.reads, h.storage);
  } else {
    checkIncrements(bench, scenario, h.increments, h.reads[0]);
  }
  if (h.keyed) bench.check(scenario, 'yourTotal', h.wrongYourTotal === 0, `${h.wrongYourTotal} answers carried a yourTotal other than the writer's count`);
  checkSubscribers(bench, scenario, h);
}

/** What the subscribers show: every one on the truth, no payload twice, none wrong, none to anyone else. */
export function checkSubscribers(bench, scenario, h) {
  const t = h.truth;
  bench.check(scenario, `subscribers on the truth: ${t.onTruth} of ${t.subscribers}`, t.onTruth === t.subscribers, `${t.subscribers - t.onTruth} ended off ${t.source} ${t.value} / ${t.version}${t.neverReached ? `, ${t.neverReached} never showed it` : ''}`);
  for (const { subscriber: s, instance } of h.perInstance) {
    const who = h.instances > 1 ? `instance ${instance}'s subscriber` : 'the subscriber';
    const lost = s.behindOnlyAfterLostAnswers ? '; the versions above its highest were acknowledged only by replays (their commit\'s answers were lost, so it sent nothing)' : '';
    bench.check(scenario, `${who} on the truth`, s.onTruth, `it shows ${s.value} / ${s.version}, ${t.source} ${t.value} / ${t.version}: ${s.behind.value} behind${s.reachedTruth ? '' : ', never showed it'}${lost}`);
    bench.check(scenario, `${who}: at most one counterUpdated per commit`, s.duplicates === 0, `${s.duplicates} payloads received twice`);
    bench.check(scenario, `${who}: counterUpdated right`, s.wrongValues === 0 && s.lanesWrong === 0, `${s.wrongValues} with value ≠ version, ${s.lanesWrong} whose lanes do not add up to value and version`);
  }
  bench.check(scenario, 'counterUpdated only to subscribers', h.subscriber.misdelivered === 0, `${h.subscriber.misdelivered} to connections not subscribed`);
}

const commitCell = (sizes) => (sizes?.count ? `${sizes.mean.toFixed(2)} / ${sizes.p50} / ${sizes.p95} / ${sizes.max}` : 'n/a');

function meterCell(meter) {
  if (!meter) return '';
  const reasons = (byReason) => Object.entries(byReason).map(([reason, n]) => `${reason} ${int(n)}`).join(', ') || '0';
  return `${int(meter.conflicts)} / ${reasons(meter.retries)} / ${reasons(meter.unavailable)}`;
}

function exactCell(h) {
  if (h.exactness === 'storage') return `${yesNo(h.exact)} (${int(h.storage.sumValue)} in ${h.storage.lanes.length} lane row${h.storage.lanes.length === 1 ? '' : 's'})`;
  return `${yesNo(h.exact)} (${int(h.increments.acknowledged)})`;
}

export function render(list) {
  const variants = Array.isArray(list) ? list : [list];
  const metered = variants.some((h) => h.perInstance.some((p) => p.meter));
  const header = ['hot counter', 'writers', 'incr/s', 'p50', 'p95', 'p99', 'exact', '503 / other 5xx / no answer', 'retried', 'commit size mean / p50 / p95 / max', 'counterUpdated per incr', 'subscribers on the truth', 'time to truth p50 / p99 / max'];
  if (metered) header.push('conflicts / retries / 503s (meter)', 'server CPU per commit / per incr');
  header.push('target', 'cpu (cores)');
  const rows = [header];
  for (const h of variants) {
    const a = h.increments;
    const row = [
      `${h.label || `node x${h.writerProcesses}`}${h.keyed ? '' : ' (plain)'}`,
      h.writers,
      int(h.incrementsPerSecond),
      ms(h.latencyMs.p50),
      ms(h.latencyMs.p95),
      ms(h.latencyMs.p99),
      exactCell(h),
      `${a.s503} / ${a.s5xx} / ${a.networkErrors}`,
      a.retried,
      commitCell(h.commits?.sizes),
      h.subscriber.counterUpdatedPerIncrement == null ? 'n/a' : h.subscriber.counterUpdatedPerIncrement.toFixed(3),
      `${h.truth.onTruth} of ${h.truth.subscribers}${h.truth.onTruth === h.truth.subscribers ? '' : ' FAILED'}`,
      timeToTruthCell(h.truth),
    ];
    if (metered) row.push(h.perInstance.some((p) => p.meter) ? meterCell(sumMeters(h.perInstance.map((p) => p.meter))) : '', perCommitCell(h.cpuPerCommit));
    row.push(h.target ? `>= ${int(h.target.minIncrementsPerSecond)} ${verdict(h.meetsTarget)}` : '', cpuCell(h.cpu));
    rows.push(row);
    if (h.instances > 1) {
      for (const p of h.perInstance) {
        const instanceRow = [
          `  instance ${p.instance}${p.lanes?.length ? ` (${p.lanes.join(', ')})` : ''}`,
          p.writers,
          int(p.incrementsPerSecond),
          ms(p.latencyMs.p50),
          ms(p.latencyMs.p95),
          ms(p.latencyMs.p99),
          '',
          `${p.increments.s503} / ${p.increments.s5xx} / ${p.increments.networkErrors}`,
          p.increments.retried,
          commitCell(p.commitsFromTable?.sizes),
          p.counterUpdatedPerIncrement == null ? 'n/a' : p.counterUpdatedPerIncrement.toFixed(3),
          p.subscriber.onTruth ? 'yes' : `NO (${int(p.subscriber.behind.value)} behind)`,
          p.subscriber.reachedTruth ? ms(p.subscriber.timeToTruthMs) : 'never',
        ];
        if (metered) instanceRow.push(meterCell(p.meter), '');
        instanceRow.push('', p.cpuCores == null ? '' : `server ${p.cpuCores}`);
        rows.push(instanceRow);
      }
    }
  }
  return [table(rows), ...variants.flatMap(notes), ...storageTable(variants), ...coldStartTable(variants)].join('\n');
}

const perCommitCell = (c) => (c?.msPerCommit != null ? `${c.msPerCommit.toFixed(2)} / ${c.msPerIncrement.toFixed(3)} ms` : '');
const fixed = (x, digits) => (x == null ? 'n/a' : x.toFixed(digits));
const share = (x) => (x == null ? '' : ` (${Math.round(x * 100)} %)`);

/**
 * --cold-start: per fresh stack, the time from process start to answering and to the first answered increment,
 * then per 5 s of load the rate and the server CPU per commit and per increment, against the warm run after it.
 */
function coldStartTable(variants) {
  const cold = variants.filter((h) => h.phase === 'cold' && h.coldStart);
  if (!cold.length) return [];
  const lines = [''];
  for (const h of cold) {
    const c = h.coldStart;
    const header = [`cold start: ${h.label}`, ...c.windows.map((w) => `${w.second}-${w.second + w.seconds} s`), 'warm run', `to ${Math.round(c.fraction * 100)} % of warm`];
    const rows = [header];
    rows.push(['increments/s (of warm)', ...c.windows.map((w) => `${int(w.incrementsPerSecond)}${share(w.rateOfWarm)}`), int(c.warmRate), c.secondsTo80PercentOfWarm == null ? 'not reached' : `${c.secondsTo80PercentOfWarm} s`]);
    rows.push(['server CPU per commit, ms', ...c.windows.map((w) => `${fixed(w.cpuMsPerCommit, 2)}${share(w.cpuPerCommitOfWarm)}`), fixed(c.warmCpuMsPerCommit, 2), '']);
    rows.push(['server CPU per increment, ms', ...c.windows.map((w) => fixed(w.cpuMsPerIncrement, 3)), fixed(c.warmCpuMsPerIncrement, 3), '']);
    rows.push(['server cores', ...c.windows.map((w) => fixed(w.cpuCores, 2)), fixed(c.warmCores, 2), '']);
    lines.push(table(rows));
    const each = h.series.processes
      .map((p, i) => `${h.series.processes.length > 1 ? `instance ${i}: ` : ''}answering ${ms(p.startToReadyMs)}, first increment answered ${ms(p.startToFirstIncrementMs)}`)
      .join('; ');
    lines.push(`  from process start: ${each}${h.instanceCpus != null ? ` (each held to ${h.instanceCpus} core)` : ''}`);
  }
  return lines;
}

function timeToTruthCell(truth) {
  const t = truth.timeToTruthMs;
  const never = truth.neverReached ? `; ${truth.neverReached} never` : '';
  return t.count ? `${ms(t.p50)} / ${ms(t.p99)} / ${ms(t.max)}${never}` : `n/a${never}`;
}

/** "1 lane: 189 B (argument 132 B), 4 lanes: …": mean bytes per counterUpdated by the lanes it carried. */
export function sizesCell(sizes) {
  return sizes
    .map((g) => {
      const what = g.lanes < 0 ? 'no lanes' : `${g.lanes} lane${g.lanes === 1 ? '' : 's'}`;
      const range = (b) => (b.min === b.max ? `${b.min}` : `${b.mean.toFixed(0)} (${b.min}-${b.max})`);
      return `${what}: ${range(g.messageBytes)} B (argument ${g.argumentBytes ? range(g.argumentBytes) : 'n/a'} B; ${int(g.messages)} messages)`;
    })
    .join(', ');
}

function sumMeters(list) {
  const present = list.filter(Boolean);
  const add = (key) => present.reduce((s, m) => s + m[key], 0);
  const merge = (key) => present.reduce((out, m) => {
    for (const [reason, n] of Object.entries(m[key])) out[reason] = (out[reason] ?? 0) + n;
    return out;
  }, {});
  return { conflicts: add('conflicts'), retries: merge('retries'), unavailable: merge('unavailable') };
}

function notes(h) {
  const a = h.increments;
  const c = h.subscriber.commits;
  const label = h.label ? `${h.label}: ` : '';
  const lines = [
    `  ${label}${int(a.acknowledged)} increments in ${h.seconds} s${h.cutShortByTime ? ` (writers stopped at ${h.maxSeconds} s)` : ''}; ${int(a.attempts)} requests; ` +
      `replays ${a.replays} (${a.replaysAfterLostAnswer} after a lost answer, ${a.unexplainedReplays} unexplained)` +
      (a.unreadable2xx ? `; ${a.unreadable2xx} 2xx cut short, retried` : '') +
      `; versions 1..N answered once each: ${h.versionsOnceEach ? 'yes' : 'no'}${h.exactness === 'storage' ? ' (not required across processes)' : ''}`,
    `  ${label}longest single request ${ms(a.longestTryMs)} (the server's answer deadline is ${ANSWER_DEADLINE_MS / 1000} s): ${int(a.triesPastDeadline)} increments had a request past it`,
  ];
  if (h.partition) lines.push(partitionLine(h.partition, label));
  if (c) {
    const histogram = c.histogram
      .filter((b) => b.commits > 0)
      .map((b) => `${b.to == null ? `${b.from}+` : b.from === b.to ? b.from : `${b.from}-${b.to}`}: ${int(b.commits)}`)
      .join(', ');
    lines.push(
      `  ${label}commits seen by the subscriber: ${int(c.commits)} (increments per commit: ${histogram || 'none'}); ` +
        `${h.subscriber.outOfOrder} out of order, ${h.subscriber.duplicates} duplicates; a lost message would merge two commits` +
        (h.subscriber.behindOnlyAfterLostAnswers ? `; never saw versions above ${h.subscriber.highestVersion}: acknowledged only by replays (their commit's answers were lost, so it sent nothing)` : ''),
    );
  }
  const t = h.truth;
  lines.push(
    `  ${label}subscribers on the truth: ${t.onTruth} of ${t.subscribers} (${t.source}: ${int(t.value)} / ${int(t.version)}); ` +
      `time to truth after the last answer p50 / p99 / max ${timeToTruthCell(t)}` +
      h.perInstance.map((p) => (p.subscriber.onTruth ? '' : `; instance ${p.instance}'s subscriber shows ${int(p.subscriber.value)} / ${int(p.subscriber.version)}`)).join(''),
  );
  if (h.instances > 1) {
    const each = h.perInstance.map((p) => p.subscriber);
    lines.push(
      `  ${label}counterUpdated received per subscriber: ${each.map((x) => int(x.counterUpdated)).join(', ')}; ` +
        `each reached the last version answered on its own instance (all that was judged before lanes on the wire): ${each.map((x) => (x.reachedInstanceLastVersion ? 'yes' : 'no')).join(', ')}`,
    );
  }
  if (h.messageSizes.length) lines.push(`  ${label}bytes per counterUpdated (the hub message as received, record separator included; its argument as the server wrote it): ${sizesCell(h.messageSizes)}`);
  if (h.commits?.source?.startsWith('the table')) lines.push(`  ${label}commit sizes from the table (key rows per CommitId): ${int(h.commits.count)} commits, ${h.commits.spanningInstances} holding writers of two instances`);
  if (h.warmup) lines.push(`  ${label}warm-up on its own servers: ${h.warmup.seconds.toFixed(1)} s of increments, ${h.warmup.steady ? 'steady' : 'not yet steady'}; per second: ${h.warmup.ratesPerSecond.map(int).join(', ')}`);
  for (const p of h.perInstance) {
    if (p.meter?.batchSize) lines.push(`  ${label}instance ${p.instance} meter: ${int(p.meter.commits)} commits of ${int(p.meter.increments)} increments (batch.size mean ${p.meter.batchSize.mean.toFixed(2)}), ${int(p.meter.replays)} replays`);
  }
  if (h.stuck) {
    const s = h.stuck;
    lines.push(
      `  ${h.label.replace(/(, )?stuck subscriber$/, '')}${h.variant.instances != null ? ': ' : ''}the stuck subscriber: ${s.fill.stalled ? `stalled after ${s.fill.seconds.toFixed(1)} s and ${int(s.fill.increments)} fill increments` : `NOT stalled after ${s.fill.seconds.toFixed(1)} s`}` +
        ` (server's send queue to it ${s.fill.serverQueuedBytes == null ? 'gone' : `${(s.fill.serverQueuedBytes / 1024).toFixed(0)} KiB`}, unread on its side ${s.fill.clientUnreadBytes == null ? 'n/a' : `${(s.fill.clientUnreadBytes / 1024).toFixed(0)} KiB`}); ` +
        (s.droppedAfterMs == null ? `still connected at the end: ${s.atEnd?.connected ? 'yes' : 'no'}` : `dropped by the server ${(s.droppedAfterMs / 1000).toFixed(1)} s into the phase`),
    );
  }
  return lines;
}

/** The hot counter's partition under --partition-limit (see partitionBudget). */
export function partitionLine(p, label = '') {
  return (
    `  ${label}partition held to ${int(p.limitPerSecond)} entities/s: ${int(p.entities)} entities let through in ${p.seconds} s (${int(p.transactionEntities)} in transactions, ${int(p.readEntities)} reads), ` +
    `${int(p.entitiesPerSecond)}/s, ${p.entitiesPerIncrement == null ? 'n/a' : p.entitiesPerIncrement.toFixed(2)} per increment acknowledged; budget used ${p.budgetUsed == null ? 'n/a' : `${(p.budgetUsed * 100).toFixed(1)} %`}; ` +
    `${int(p.limited)} requests answered 503 ServerBusy (${int(p.limitedEntities)} entities refused)`
  );
}

function storageTable(variants) {
  const judged = variants.filter((h) => h.storage);
  if (!judged.length) return [];
  const rows = [['hot counter: the table after the run', 'rows', 'lane rows: Σ Value / Σ Version', 'key rows (Σ By) / acknowledged', 'answers = key rows', 'replays identical', 'lanes consecutive', 'visitor totals', 'reads (per instance)']];
  for (const h of judged) {
    const s = h.storage;
    const lanes = s.laneSequences;
    rows.push([
      h.label || 'hot',
      int(s.rows),
      `${s.lanes.map((l) => l.lane).join(',').slice(0, 40)}: ${int(s.sumValue)} / ${int(s.sumVersion)}`,
      `${int(s.keyRows)} (${int(s.keyRowsSumBy)}) / ${int(s.acknowledged)}${s.missingKeyRows || s.unknownKeys || s.unacknowledgedKeys ? ` (${s.missingKeyRows} missing, ${s.unknownKeys} unknown, ${s.unacknowledgedKeys} unacknowledged)` : ''}`,
      s.keyed ? `${int(s.answersMatched)} / ${int(s.answersMatched + s.answersMismatched)}` : 'n/a',
      s.keyed ? `${s.replays - s.replaysMismatched} / ${s.replays}` : 'n/a',
      lanes.checked ? `${lanes.lanes.length - lanes.broken} / ${lanes.lanes.length}${lanes.shape === 'lanes' ? '' : ' (state row: today)'}` : `skipped: ${lanes.reason}`,
      s.keyed ? `${s.visitorRows - s.visitorTotalsWrong} / ${s.visitorRows}` : 'n/a',
      h.reads.map((r) => `${r.value}/${r.version}`).join(', '),
    ]);
  }
  return ['', table(rows)];
}
