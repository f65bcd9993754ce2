// hot: W closed-loop writers on one counter, each with its own connection and visitor id, every increment keyed and
// retried until 200 as the pages do. One subscriber per server merges what it receives as a page does (laneMerge.mjs)
// and must end on the truth (the table's Σ over lane rows, or the server's read); with one server the jumps between
// the versions it receives are the commit sizes. Variants (main.mjs): --instances, --stuck-subscriber, --cold-start.
import { readCounter } from '../driver/http.mjs';
import { connectStuck, fillUntilStalled } from '../driver/stuck.mjs';
import { ANSWER_DEADLINE_MS, analyse as analyseIncrements, checkCounter, isExact } from '../increments.mjs';
import { between, snapshotAfter, summarizeMeter } from '../launch/metrics.mjs';
import { DRAIN_TIMEOUT_MS, cpuCell, progress } from '../bench.mjs';
import { fixed, int, ms, now, round, sleep, summarize, table, verdict, yesNo } from '../stats.mjs';
import { judgeStorage, readPartition, storageExact } from '../storage.mjs';
import { judgeSubscriber, lastAnswerAt, summarizeTruth } from '../truth.mjs';
import { shares } from '../workers.mjs';
import { phaseSeries, startSampler } from '../coldstart.mjs';
import { emptyCounts } from '../launch/partitionLimit.mjs';

const STUCK_POLL_MS = 500; // is the stuck subscriber still connected (its subscription answers 204, 404 after)?
const MAX_NAME_LENGTH = 63; // the fill counter's: each message to the stuck subscriber as large as they get
const BUCKETS = [1, 2, 4, 8, 16, 32, 64];

/** Commit sizes from the versions one subscriber received: sorted, distinct, each jump from the one before (from 0). */
export function commitSizes(versions) {
  const distinct = [...new Set(versions)].sort((a, b) => a - b);
  const sizes = distinct.map((v, i) => v - (distinct[i - 1] ?? 0));
  const histogram = BUCKETS.map((from, i) => ({ from, to: BUCKETS[i + 1] ? BUCKETS[i + 1] - 1 : null, commits: sizes.filter((s) => s >= from && (!BUCKETS[i + 1] || s < BUCKETS[i + 1])).length }));
  return { commits: sizes.length, sizes: summarize(sizes), histogram };
}

/**
 * The hot partition under --partition-limit, from what the store proxy counted in the phase: entities let through
 * (a read costs 1), per acknowledged increment, their share of the budget (limit × (seconds + 1): the counter is new,
 * so its bucket starts full), and the requests answered 503 ServerBusy. Null without a limit.
 */
export function partitionBudget(store, name, acknowledged, seconds) {
  if (!(store?.partitionLimit > 0)) return null;
  const p = store.partitions?.[name] ?? store.partitions?.[name.toLowerCase()] ?? emptyCounts();
  const budget = store.partitionLimit * (seconds + 1);
  return { partition: name, limitPerSecond: store.partitionLimit, seconds: round(seconds, 2), ...p, entitiesPerSecond: seconds > 0 ? Math.round(p.entities / seconds) : null, entitiesPerIncrement: acknowledged ? round(p.entities / acknowledged, 3) : null, budgetUsed: budget > 0 ? round(p.entities / budget, 3) : null };
}

/** A variant's label in the table: "N=4", "stuck subscriber", "N=1, stuck subscriber", or "" for the plain run. */
export const variantLabel = (v) => [v.instances != null && `N=${v.instances}`, v.stuck && 'stuck subscriber', v.phase && (v.phase === 'cold' ? 'cold (fresh processes)' : 'warm (the same processes after)')].filter(Boolean).join(', ');

export async function run(bench, variant = {}) {
  const result = await measure(bench, variant);
  check(bench, result);
  return result;
}

/** The stuck subscriber on instance 0, subscribed to the counter and to a fill counter, filled until stalled; polled while fn runs. */
async function withStuck(bench, name, fn) {
  progress.set('hot: stuck subscriber');
  const [stuck, fillName] = [await connectStuck(bench.bases[0], name), `${name}-fill-`.padEnd(MAX_NAME_LENGTH, 'x')];
  await stuck.subscribeTo(fillName);
  progress.set('hot: filling the stuck one');
  const fill = await fillUntilStalled({ base: bench.bases[0], stuck, fillName });
  return async () => {
    const started = now();
    let [droppedAfterMs, done] = [null, false];
    const timer = setInterval(async () => {
      if (droppedAfterMs == null && !(await stuck.isConnected().catch(() => true)) && !done) droppedAfterMs = now() - started;
    }, STUCK_POLL_MS);
    const value = await fn();
    done = true;
    clearInterval(timer);
    const atEnd = { connected: await stuck.isConnected().catch(() => null), ...stuck.state() };
    stuck.close();
    return { value, stuck: { connectionId: stuck.connectionId, fill, droppedAfterMs, atEnd } };
  };
}

/** The LiveCounter meter of every instance, as of an export after now (null when the stack does not export it). */
async function meters(bench) {
  const at = Date.now();
  return bench.server.metrics ? Promise.all(bench.server.servers.map((server) => snapshotAfter(server.logFile, at))) : null;
}

/** Runs the writers (and whatever the variant adds), then judges the answers, the messages, the reads, the rows and the meters. */
async function measure(bench, variant) {
  const { hotSeconds, plainWriters: plain } = bench.options;
  const [writers, increments, instances, label] = [variant.writers ?? bench.options.writers, variant.increments ?? bench.options.increments, bench.bases.length, variantLabel(variant)];
  const name = `${bench.run}-hot${variant.instances != null ? `-n${instances}` : ''}${variant.stuck ? '-stuck' : ''}${variant.phase ? `-${variant.phase}` : ''}`;
  progress.set(`hot${label ? ` ${label}` : ''}: subscribers`);
  // One subscriber per instance keeping a merged view, in connections worker instance mod workers.
  const watchers = [];
  for (const [instance, base] of bench.bases.entries()) {
    const worker = instance % bench.subs.length;
    const index = await bench.subs[worker].call('open', { base, count: 1, merge: true });
    await bench.subs[worker].call('subscribe', { base, from: index, assign: [name] });
    watchers.push({ instance, worker, index });
  }
  await bench.collectAll();
  const split = shares(writers, bench.load.length);
  const writeAll = () => Promise.all(bench.load.map((worker, i) => split[i] > 0 && worker.call('hot', { base: bench.base, bases: bench.bases, name, writers: split[i], perWriter: increments, maxMs: hotSeconds * 1000, writerOffset: split.slice(0, i).reduce((x, y) => x + y, 0), plain })));
  const phase = variant.stuck ? await withStuck(bench, name, writeAll) : async () => ({ value: await writeAll(), stuck: null });
  // A fresh process has counted nothing yet: waiting for its first export would only delay its first increment.
  const metersBefore = variant.phase === 'cold' && bench.server.metrics ? bench.server.servers.map(() => new Map()) : await meters(bench);
  const sampler = variant.phase ? startSampler(() => bench.serverPids()) : null; // --cold-start: the servers' CPU every second
  progress.set(`hot${label ? ` ${label}` : ''} ${writers}x${increments}`);
  const measured = await bench.measure(phase);
  const runs = measured.value.value.filter(Boolean);
  const samples = sampler?.stop();
  const metersAfter = await meters(bench);
  const series = sampler ? phaseSeries({ servers: bench.server.servers, samples, runs, wallMinusMonotonic: Date.now() - now(), seconds: hotSeconds }) : null;
  const reads = await Promise.all(bench.bases.map((base) => readCounter(base, name)));
  const rows = bench.tableClient() ? await readPartition(bench.tableClient(), name) : null;
  const writerList = [];
  for (const r of runs) r.visitorIds.forEach((visitorId, w) => (writerList[r.writerOffset + w] = { visitorId, instance: (r.writerOffset + w) % instances }));
  const storage = rows ? judgeStorage({ rows, runs, writers: writerList, instances }) : null;
  // What the subscribers must end on: the table's Σ over the lane rows (read after every answer, so final), or the server's read.
  const truth = storage ? { value: storage.sumValue, version: storage.sumVersion, source: 'the table: Σ over lane rows' } : { value: reads[0].value, version: reads[0].version, source: 'GET' };
  progress.set('hot: drain');
  const byWorker = new Map();
  for (const w of watchers) byWorker.set(w.worker, [...(byWorker.get(w.worker) ?? []), w]);
  await Promise.all([...byWorker].map(async ([worker, list]) => {
    const only = list.map((w) => w.index);
    await bench.subs[worker].call('drainToTruth', { name, truth, timeoutMs: DRAIN_TIMEOUT_MS, only });
    (await bench.subs[worker].call('views', { name, only })).forEach((view, i) => (list[i].view = view));
  }));
  const messages = await bench.collectAll();
  await Promise.all([...byWorker.keys()].map((worker) => bench.subs[worker].call('closeAll')));
  const meter = metersBefore && metersAfter ? metersAfter.map((after, i) => summarizeMeter(between(metersBefore[i], after))) : null;

  const all = analyseIncrements(runs);
  const seconds = (Math.max(...runs.map((r) => r.finished)) - Math.min(...runs.map((r) => r.started))) / 1000;
  // Per instance from its 200 answers: the highest version, and the versions not acknowledged only by replays.
  const answered = Array.from({ length: instances }, () => ({ last: 0, fresh: new Set() }));
  let wrongYourTotal = 0; // writer w is one visitor on a fresh counter: its n-th increment leaves its total at n
  for (const r of runs) {
    for (let i = 0; i < r.status.length; i++) {
      if (r.status[i] !== 200) continue;
      answered[r.instance[i]].last = Math.max(answered[r.instance[i]].last, r.version[i]);
      if (!r.replayed[i]) answered[r.instance[i]].fresh.add(r.version[i]);
      if (r.yourTotal[i] !== r.seq[i]) wrongYourTotal++;
    }
  }
  const subscribers = watchers.map((w) => judgeWatcher(messages[w.worker], w, name, { truth, lastAnswerAt: lastAnswerAt(runs) }, answered[w.instance]));
  const withoutVersions = ({ versions, ...rest }) => rest;
  const perIncrement = (n) => (all.acknowledged ? n / all.acknowledged : null);
  const perInstance = subscribers.map((s, instance) => {
    const answers = analyseIncrements(runs, { instance });
    return { instance, writers: shares(writers, instances)[instance], increments: answers, incrementsPerSecond: Math.round(answers.acknowledged / seconds), latencyMs: answers.latencyMs, read: reads[instance], meter: meter?.[instance] ?? null, commitsFromTable: storage?.commits.perInstance[instance] ?? null, lanes: storage?.lanesPerInstance[instance] ?? null, subscriber: withoutVersions(s), counterUpdatedPerIncrement: perIncrement(s.counterUpdated), cpuCores: measured.cpu?.serverCoresPerInstance?.[instance] ?? null };
  });
  const fromSubscriber = instances === 1 ? commitSizes(subscribers[0].versions) : null; // one server: the jumps are the commit sizes
  const target = bench.targets.hotIncrementsPerSecond;
  // Versions 1..N each answered once: guaranteed on the in-memory store (one process, one lane), not across processes with lanes.
  const versionsOnceEach = all.distinctVersions === all.acknowledged && all.maxVersion === all.acknowledged;
  // Messages that reached a connection other than the subscribers, or named another counter.
  const watched = new Set(watchers.map((w) => `${w.worker}:${w.index}`));
  const misdelivered = messages.reduce((n, m, worker) => n + [...m.updated.conn].filter((conn, j) => !(watched.has(`${worker}:${conn}`) && m.names[m.updated.name[j]] === name)).length, 0);
  return {
    label, variant, counter: name, instances, writers, incrementsPerWriter: increments, maxSeconds: hotSeconds, cutShortByTime: runs.some((r) => r.cutShort), writerProcesses: bench.load.length, keyed: !plain,
    seconds: round(seconds, 2), increments: all, incrementsPerSecond: Math.round(all.acknowledged / seconds), latencyMs: all.latencyMs, // first send to its 200, retries included
    final: truth,
    reads, versionsOnceEach, exactness: storage ? 'storage' : 'answers',
    exact: storage ? storageExact(storage) : isExact(all, reads[0]),
    storage, wrongYourTotal: plain ? null : wrongYourTotal, perInstance, truth: { ...truth, ...summarizeTruth(subscribers) }, messageSizes: messageSizes(messages, name),
    // counterUpdatedPerIncrement: per subscriber (each receives every instance's messages through the backplane)
    subscriber: { ...withoutVersions(subscribers[0]), misdelivered, counterUpdatedPerIncrement: perIncrement(subscribers.reduce((n, x) => n + x.counterUpdated, 0) / subscribers.length), commits: fromSubscriber },
    commits: storage?.keyed ? { source: 'the table: key rows per CommitId', count: storage.commits.count, sizes: storage.commits.sizes, spanningInstances: storage.commits.spanningInstances } : fromSubscriber && { source: 'the subscriber: jumps between versions', count: fromSubscriber.commits, sizes: fromSubscriber.sizes },
    stuck: measured.value.stuck, store: measured.store, partition: partitionBudget(measured.store, name, all.acknowledged, seconds),
    phase: variant.phase ?? null, instanceCpus: bench.server.store?.instanceCpus ?? null, series, cpuPerCommit: cpuPerCommit(measured.cpu, meter, all.acknowledged),
    target: target == null ? null : { minIncrementsPerSecond: target }, meetsTarget: target == null ? null : all.acknowledged / seconds >= target, cpu: measured.cpu,
  };
}

/**
 * One instance's subscriber: its merged view against the truth and its time to truth; messages received, payloads
 * received twice, wrong ones; and whether the versions it received reached the last one answered on its instance.
 */
function judgeWatcher({ updated: u, names }, { instance, index, view }, name, judged, answered) {
  const versions = [];
  let [outOfOrder, wrongValues, lanesWrong, highest] = [0, 0, 0, 0];
  for (let j = 0; j < u.conn.length; j++) {
    if (u.conn[j] !== index || names[u.name[j]] !== name) continue;
    versions.push(u.version[j]);
    if (u.version[j] < highest) outOfOrder++;
    highest = Math.max(highest, u.version[j]);
    if (u.value[j] !== u.version[j]) wrongValues++; // every increment is by 1 on a fresh counter
    if (u.lanesAddUp[j] === 0) lanesWrong++;
  }
  return {
    instance, ...judgeSubscriber({ view, ...judged }), lanes: view.lanes, counterUpdated: versions.length,
    duplicates: view.duplicates, // each commit raises its own lane, so two commits never send the same payload
    reconnects: view.reconnects, outOfOrder, wrongValues, lanesWrong, highestVersion: highest, reachedInstanceLastVersion: highest >= answered.last,
    // behind only because every version of its instance above the highest it received was acknowledged only by replays
    behindOnlyAfterLostAnswers: highest < answered.last && [...answered.fresh].every((version) => version <= highest),
    versions,
  };
}

/** Bytes per counterUpdated of this counter, by the lanes it carried (-1: none): the hub message as received and its argument as the server wrote it. */
export function messageSizes(messages, name) {
  const groups = new Map();
  for (const { updated: u, names } of messages) {
    for (let j = 0; j < u.conn.length; j++) {
      if (names[u.name[j]] !== name) continue;
      if (!groups.has(u.lanes[j])) groups.set(u.lanes[j], { lanes: u.lanes[j], message: [], argument: [] });
      groups.get(u.lanes[j]).message.push(u.messageBytes[j]);
      if (u.argumentBytes[j] >= 0) groups.get(u.lanes[j]).argument.push(u.argumentBytes[j]);
    }
  }
  const bytes = (list) => (list.length ? { mean: round(list.reduce((a, b) => a + b, 0) / list.length, 1), min: Math.min(...list), max: Math.max(...list) } : null);
  return [...groups.values()].sort((a, b) => a.lanes - b.lanes).map((g) => ({ lanes: g.lanes, messages: g.message.length, messageBytes: bytes(g.message), argumentBytes: bytes(g.argument) }));
}

/** Server CPU over the phase per commit (the meters') and per acknowledged increment, in ms. */
export function cpuPerCommit(cpu, meters, acknowledged) {
  if (!cpu || cpu.serverCores == null) return null;
  const cpuMs = cpu.serverCores * cpu.seconds * 1000;
  const commits = meters ? meters.reduce((s, m) => s + m.commits, 0) : null;
  return { serverCpuMs: Math.round(cpuMs), commits, msPerCommit: commits ? round(cpuMs / commits, 3) : null, msPerIncrement: acknowledged ? round(cpuMs / acknowledged, 3) : null };
}

function check(bench, h) {
  const scenario = h.label ? `hot ${h.label}` : 'hot';
  checkCounter(bench, scenario, h.increments, h.reads, h.storage);
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
const reasons = (byReason) => Object.entries(byReason).map(([reason, n]) => `${reason} ${int(n)}`).join(', ') || '0';
const meterCell = (m) => (m ? `${int(m.conflicts)} / ${reasons(m.retries)} / ${reasons(m.unavailable)}` : '');
const timeToTruthCell = ({ timeToTruthMs: t, neverReached }) => `${t.count ? `${ms(t.p50)} / ${ms(t.p99)} / ${ms(t.max)}` : 'n/a'}${neverReached ? `; ${neverReached} never` : ''}`;
const share = (x) => (x == null ? '' : ` (${Math.round(x * 100)} %)`);

/** The meters of the instances summed: conflicts, and retries and 503s by reason. */
function sumMeters(list) {
  const present = list.filter(Boolean);
  const merge = (key) => present.reduce((out, m) => Object.entries(m[key]).reduce((o, [reason, n]) => ({ ...o, [reason]: (o[reason] ?? 0) + n }), out), {});
  return { conflicts: present.reduce((s, m) => s + m.conflicts, 0), retries: merge('retries'), unavailable: merge('unavailable') };
}

export function render(list) {
  const variants = [list].flat();
  const metered = variants.some((h) => h.perInstance.some((p) => p.meter));
  const header = ['hot counter', 'writers', 'incr/s', 'p50', 'p95', 'p99', 'exact', '503 / other 5xx / no answer', 'retried', 'commit size mean / p50 / p95 / max', 'counterUpdated per incr', 'subscribers on the truth', 'time to truth p50 / p99 / max', ...(metered ? ['conflicts / retries / 503s (meter)', 'server CPU per commit / per incr'] : []), 'target', 'cpu (cores)'];
  // The columns a variant and each of its instances share.
  const common = (x, { exact, commits, perIncrement, truth, time, meter, perCommit, target, cpu }) => {
    const a = x.increments;
    return [x.writers, int(x.incrementsPerSecond), ms(x.latencyMs.p50), ms(x.latencyMs.p95), ms(x.latencyMs.p99), exact, `${a.s503} / ${a.s5xx} / ${a.networkErrors}`, a.retried, commitCell(commits), fixed(perIncrement, 3), truth, time, ...(metered ? [meter, perCommit] : []), target, cpu];
  };
  const rows = [header];
  for (const h of variants) {
    const storageRows = h.storage && `${int(h.storage.sumValue)} in ${h.storage.lanes.length} lane row${h.storage.lanes.length === 1 ? '' : 's'}`;
    rows.push([`${h.label || `node x${h.writerProcesses}`}${h.keyed ? '' : ' (plain)'}`, ...common(h, {
      exact: `${yesNo(h.exact)} (${h.exactness === 'storage' ? storageRows : int(h.increments.acknowledged)})`, commits: h.commits?.sizes, perIncrement: h.subscriber.counterUpdatedPerIncrement,
      truth: `${h.truth.onTruth} of ${h.truth.subscribers}${h.truth.onTruth === h.truth.subscribers ? '' : ' FAILED'}`, time: timeToTruthCell(h.truth),
      meter: h.perInstance.some((p) => p.meter) ? meterCell(sumMeters(h.perInstance.map((p) => p.meter))) : '', perCommit: h.cpuPerCommit?.msPerCommit != null ? `${h.cpuPerCommit.msPerCommit.toFixed(2)} / ${h.cpuPerCommit.msPerIncrement.toFixed(3)} ms` : '',
      target: h.target ? `>= ${int(h.target.minIncrementsPerSecond)} ${verdict(h.meetsTarget)}` : '', cpu: cpuCell(h.cpu),
    })]);
    if (h.instances > 1) {
      for (const p of h.perInstance) {
        const s = p.subscriber;
        rows.push([`  instance ${p.instance}${p.lanes?.length ? ` (${p.lanes.join(', ')})` : ''}`, ...common(p, { exact: '', commits: p.commitsFromTable?.sizes, perIncrement: p.counterUpdatedPerIncrement, truth: s.onTruth ? 'yes' : `NO (${int(s.behind.value)} behind)`, time: s.reachedTruth ? ms(s.timeToTruthMs) : 'never', meter: meterCell(p.meter), perCommit: '', target: '', cpu: p.cpuCores == null ? '' : `server ${p.cpuCores}` })]);
      }
    }
  }
  return [table(rows), ...variants.flatMap(notes), ...storageTable(variants), ...coldStartTable(variants)].join('\n');
}

/** --cold-start: per fresh stack, the time from process start to answering and to the first answer, then per 5 s of load the rate and the CPU per commit and per increment, against the warm run after it. */
function coldStartTable(variants) {
  return variants.filter((h) => h.phase === 'cold' && h.coldStart).flatMap((h) => {
    const c = h.coldStart;
    const row = (title, cell, warm, last = '') => [title, ...c.windows.map(cell), warm, last];
    const each = h.series.processes.map((p, i) => `${h.series.processes.length > 1 ? `instance ${i}: ` : ''}answering ${ms(p.startToReadyMs)}, first increment answered ${ms(p.startToFirstIncrementMs)}`).join('; ');
    return ['', table([
      [`cold start: ${h.label}`, ...c.windows.map((w) => `${w.second}-${w.second + w.seconds} s`), 'warm run', `to ${Math.round(c.fraction * 100)} % of warm`],
      row('increments/s (of warm)', (w) => `${int(w.incrementsPerSecond)}${share(w.rateOfWarm)}`, int(c.warmRate), c.secondsTo80PercentOfWarm == null ? 'not reached' : `${c.secondsTo80PercentOfWarm} s`),
      row('server CPU per commit, ms', (w) => `${fixed(w.cpuMsPerCommit, 2)}${share(w.cpuPerCommitOfWarm)}`, fixed(c.warmCpuMsPerCommit, 2)),
      row('server CPU per increment, ms', (w) => fixed(w.cpuMsPerIncrement, 3), fixed(c.warmCpuMsPerIncrement, 3)),
      row('server cores', (w) => fixed(w.cpuCores, 2), fixed(c.warmCores, 2)),
    ]), `  from process start: ${each}${h.instanceCpus != null ? ` (each held to ${h.instanceCpus} core)` : ''}`];
  });
}

/** "1 lane: 189 B (argument 132 B), 4 lanes: …": mean bytes per counterUpdated by the lanes it carried. */
export function sizesCell(sizes) {
  const range = (b) => (b.min === b.max ? `${b.min}` : `${b.mean.toFixed(0)} (${b.min}-${b.max})`);
  return sizes.map((g) => `${g.lanes < 0 ? 'no lanes' : `${g.lanes} lane${g.lanes === 1 ? '' : 's'}`}: ${range(g.messageBytes)} B (argument ${g.argumentBytes ? range(g.argumentBytes) : 'n/a'} B; ${int(g.messages)} messages)`).join(', ');
}

function notes(h) {
  const [a, c, t, p, s, sub] = [h.increments, h.subscriber.commits, h.truth, h.partition, h.stuck, h.subscriber];
  const each = h.perInstance.map((x) => x.subscriber);
  const range = (b) => (b.to == null ? `${b.from}+` : b.from === b.to ? b.from : `${b.from}-${b.to}`);
  const histogram = c?.histogram.filter((b) => b.commits > 0).map((b) => `${range(b)}: ${int(b.commits)}`).join(', ');
  const kib = (bytes) => (bytes == null ? null : `${(bytes / 1024).toFixed(0)} KiB`);
  const seconds = (x) => `${x.toFixed(1)} s`;
  const percent = (x) => (x == null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
  const shows = h.perInstance.filter((x) => !x.subscriber.onTruth)
    .map((x) => `; instance ${x.instance}'s subscriber shows ${int(x.subscriber.value)} / ${int(x.subscriber.version)}`);
  const yes = (list, f) => list.map((x) => (f(x) ? 'yes' : 'no')).join(', ');
  const [f, dropped] = [s?.fill, s?.droppedAfterMs != null && seconds(s.droppedAfterMs / 1000)];
  const cut = a.unreadable2xx ? `; ${a.unreadable2xx} 2xx cut short, retried` : '';
  return [
    `${int(a.acknowledged)} increments in ${h.seconds} s${h.cutShortByTime ? ` (writers stopped at ${h.maxSeconds} s)` : ''}; ` +
      `${int(a.attempts)} requests; replays ${a.replays} (${a.replaysAfterLostAnswer} after a lost answer, ` +
      `${a.unexplainedReplays} unexplained)${cut}; ` +
      `versions 1..N answered once each: ${h.versionsOnceEach ? 'yes' : 'no'}${h.exactness === 'storage' ? ' (not required)' : ''}`,
    `longest single request ${ms(a.longestTryMs)}; ` +
      `${int(a.triesPastDeadline)} increments had one past the server's ${ANSWER_DEADLINE_MS / 1000} s answer deadline`,
    p && `partition held to ${int(p.limitPerSecond)} entities/s: ${int(p.entities)} entities let through in ${p.seconds} s ` +
      `(${int(p.transactionEntities)} in transactions, ${int(p.readEntities)} reads), ${int(p.entitiesPerSecond)}/s, ` +
      `${fixed(p.entitiesPerIncrement, 2)} per increment acknowledged; budget used ${percent(p.budgetUsed)}; ` +
      `${int(p.limited)} requests answered 503 ServerBusy (${int(p.limitedEntities)} entities refused)`,
    c && `commits seen by the subscriber: ${int(c.commits)} (increments per commit: ${histogram || 'none'}); ` +
      `${sub.outOfOrder} out of order, ${sub.duplicates} duplicates` +
      (sub.behindOnlyAfterLostAnswers ? `; never saw versions above ${sub.highestVersion}: acknowledged only by replays` : ''),
    `subscribers on the truth: ${t.onTruth} of ${t.subscribers} (${t.source}: ${int(t.value)} / ${int(t.version)}); ` +
      `time to truth after the last answer p50 / p99 / max ${timeToTruthCell(t)}${shows.join('')}`,
    h.instances > 1 && `counterUpdated received per subscriber: ${each.map((x) => int(x.counterUpdated)).join(', ')}; ` +
      `each reached the last version answered on its own instance: ${yes(each, (x) => x.reachedInstanceLastVersion)}`,
    h.messageSizes.length && `bytes per counterUpdated (with its separator; its argument as written): ${sizesCell(h.messageSizes)}`,
    h.commits?.source?.startsWith('the table') &&
      `commit sizes from the table (key rows per CommitId): ${int(h.commits.count)} commits, ` +
      `${h.commits.spanningInstances} holding writers of two instances`,
    h.warmup && `warm-up on its own servers: ${seconds(h.warmup.seconds)} of increments, ${h.warmup.steady ? '' : 'not yet '}steady; ` +
      `per second: ${h.warmup.ratesPerSecond.map(int).join(', ')}`,
    ...h.perInstance.map(({ meter: m, instance }) => m?.batchSize &&
      `instance ${instance} meter: ${int(m.commits)} commits of ${int(m.increments)} increments ` +
      `(batch.size mean ${fixed(m.batchSize.mean, 2)}), ${int(m.replays)} replays`),
    s && `${f.stalled ? '' : 'NOT '}stalled after ${seconds(f.seconds)}${f.stalled ? ` and ${int(f.increments)} fill increments` : ''} ` +
      `(server's send queue to it ${kib(f.serverQueuedBytes) ?? 'gone'}, unread on its side ${kib(f.clientUnreadBytes) ?? 'n/a'}); ` +
      (dropped ? `dropped by the server ${dropped} into the phase` : `still connected at the end: ${s.atEnd?.connected ? 'yes' : 'no'}`),
  ].filter(Boolean).map((line) => `  ${h.label ? `${h.label}: ` : ''}${line}`);
}

function storageTable(variants) {
  const rows = variants.filter((h) => h.storage).map(({ storage: s, label, reads }) => {
    const [lanes, keyed] = [s.laneSequences, (text) => (s.keyed ? text : 'n/a')];
    return [label || 'hot', int(s.rows), `${s.lanes.map((l) => l.lane).join(',').slice(0, 40)}: ${int(s.sumValue)} / ${int(s.sumVersion)}`,
      `${int(s.keyRows)} (${int(s.keyRowsSumBy)}) / ${int(s.acknowledged)}${s.missingKeyRows || s.unknownKeys || s.unacknowledgedKeys ? ` (${s.missingKeyRows} missing, ${s.unknownKeys} unknown, ${s.unacknowledgedKeys} unacknowledged)` : ''}`,
      keyed(`${int(s.answersMatched)} / ${int(s.answersMatched + s.answersMismatched)}`), keyed(`${s.replays - s.replaysMismatched} / ${s.replays}`),
      lanes.checked ? `${lanes.lanes.length - lanes.broken} / ${lanes.lanes.length}${lanes.shape === 'lanes' ? '' : ' (state row: today)'}` : `skipped: ${lanes.reason}`,
      keyed(`${s.visitorRows - s.visitorTotalsWrong} / ${s.visitorRows}`), reads.map((r) => `${r.value}/${r.version}`).join(', ')];
  });
  return rows.length ? ['', table([['hot counter: the table after the run', 'rows', 'lane rows: Σ Value / Σ Version', 'key rows (Σ By) / acknowledged', 'answers = key rows', 'replays identical', 'lanes consecutive', 'visitor totals', 'reads (per instance)'], ...rows])] : [];
}
