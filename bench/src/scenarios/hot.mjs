// hot: W writers on one counter, closed loop, each on its own keep-alive connection and with its own visitor id.
// Each increment carries a fresh Idempotency-Key and is retried with the same key and body after a 5xx or a
// network error until it answers 200, as the pages do. One SignalR subscriber watches the counter: each commit
// sends exactly one counterUpdated, the state after it, so the jumps between the versions it receives are the
// sizes of the commits (a lost message would merge two commits into one, larger, jump).
import { readCounter } from '../driver/http.mjs';
import { analyse, checkIncrements } from '../increments.mjs';
import { progress } from '../progress.mjs';
import { int, ms, round, summarize, table } from '../stats.mjs';
import { cpuCell, verdict, yesNo } from '../format.mjs';
import { shares } from '../workers.mjs';

/** The first commit sizes kept in order in the results (the sequence shows what the distribution hides). */
const COMMIT_SEQUENCE_KEPT = 60;
/** How long the subscriber gets to receive the final version. */
const DRAIN_TIMEOUT_MS = 10_000;

const BUCKETS = [
  [1, 1],
  [2, 3],
  [4, 7],
  [8, 15],
  [16, 31],
  [32, 63],
  [64, Infinity],
];

/** Commit sizes from the versions one subscriber received: sorted, distinct, each jump from the one before (from 0). */
export function commitSizes(versions) {
  const distinct = [...new Set(versions)].sort((a, b) => a - b);
  const sizes = distinct.map((v, i) => v - (i === 0 ? 0 : distinct[i - 1]));
  const histogram = BUCKETS.map(([lo, hi]) => ({ from: lo, to: hi === Infinity ? null : hi, commits: sizes.filter((s) => s >= lo && s <= hi).length }));
  // The sequence shows patterns the distribution hides (closed-loop writers answered together come back together).
  return { commits: sizes.length, sizes: summarize(sizes), histogram, first: sizes.slice(0, COMMIT_SEQUENCE_KEPT) };
}

export async function run(bench) {
  const { writers, increments, hotSeconds, plainWriters } = bench.options;
  const name = `${bench.run}-hot`;
  progress.set('hot: subscriber');
  const watcher = bench.subs[0];
  const index = await watcher.call('open', { base: bench.base, count: 1 });
  await watcher.call('subscribe', { base: bench.base, from: index, assign: [name] });
  await bench.collectAll();

  progress.set(`hot ${writers}x${increments}`);
  const split = shares(writers, bench.load.length);
  const offsets = split.map((_, i) => split.slice(0, i).reduce((a, b) => a + b, 0));
  const { value: parts, cpu, store } = await bench.measure(() =>
    Promise.all(
      bench.load.map((w, i) =>
        split[i] > 0
          ? w.call('hot', { base: bench.base, name, writers: split[i], perWriter: increments, maxMs: hotSeconds * 1000, writerOffset: offsets[i], plain: plainWriters })
          : null,
      ),
    ),
  );
  const runs = parts.filter(Boolean);
  const a = analyse(runs);
  const started = Math.min(...runs.map((r) => r.started));
  const finished = Math.max(...runs.map((r) => r.finished));
  const seconds = (finished - started) / 1000;
  const perSecond = a.acknowledged / seconds;
  // Versions acknowledged only by a replay: their commit's answers were lost, so that commit sent no message.
  const replayedVersions = new Set();
  for (const r of runs) for (let i = 0; i < r.status.length; i++) if (r.status[i] === 200 && r.replayed[i]) replayedVersions.add(r.version[i]);
  let wrongTotals = 0;
  if (!plainWriters) {
    // Writer w is one visitor on a fresh counter: its n-th increment leaves its total at n.
    for (const r of runs) for (let i = 0; i < r.status.length; i++) if (r.status[i] === 200 && r.yourTotal[i] !== r.seq[i]) wrongTotals++;
  }
  const final = await readCounter(bench.base, name);

  progress.set('hot: drain');
  const stillBehind = await bench.drainAll({ [name]: final.version }, DRAIN_TIMEOUT_MS);
  const collected = await bench.collectAll();
  const u = collected[0].updated;
  const versions = [];
  let outOfOrder = 0;
  let wrongValues = 0;
  let highest = 0;
  for (let j = 0; j < u.conn.length; j++) {
    if (u.conn[j] !== index || collected[0].names[u.name[j]] !== name) continue;
    const version = u.version[j];
    versions.push(version);
    if (version < highest) outOfOrder++;
    highest = Math.max(highest, version);
    if (u.value[j] !== version) wrongValues++; // every increment is by 1 on a fresh counter
  }
  let behindAfterLostAnswer = false;
  if (highest < final.version) {
    behindAfterLostAnswer = true;
    for (let v = highest + 1; v <= final.version; v++) if (!replayedVersions.has(v)) behindAfterLostAnswer = false;
  }
  const misdelivered = collected.reduce((s, c, w) => s + [...c.updated.conn].filter((conn, j) => !(w === 0 && conn === index && c.names[c.updated.name[j]] === name)).length, 0);
  const distinct = new Set(versions).size;
  const commits = commitSizes(versions);
  const target = bench.targets.hotIncrementsPerSecond;
  const result = {
    writers,
    incrementsPerWriter: increments,
    maxSeconds: hotSeconds,
    cutShortByTime: runs.some((r) => r.cutShort),
    writerProcesses: bench.load.length,
    keyed: !plainWriters,
    seconds: round(seconds, 2),
    increments: a,
    incrementsPerSecond: Math.round(perSecond),
    // first send of an increment to its 200, retries included
    latencyMs: a.latencyMs,
    final,
    wrongYourTotal: wrongTotals,
    subscriber: {
      counterUpdated: versions.length,
      distinctVersions: distinct,
      duplicates: versions.length - distinct,
      outOfOrder,
      wrongValues,
      misdelivered,
      highestVersion: highest,
      behindOnlyAfterLostAnswers: behindAfterLostAnswer,
      stillBehindAfterDrain: stillBehind,
      counterUpdatedPerIncrement: a.acknowledged ? versions.length / a.acknowledged : null,
      commits,
    },
    store,
    target: target == null ? null : { minIncrementsPerSecond: target },
    meetsTarget: target == null ? null : perSecond >= target,
    cpu,
  };
  checkIncrements(bench, 'hot', a, final);
  if (!plainWriters) bench.check('hot', 'yourTotal', wrongTotals === 0, `${wrongTotals} answers carried a yourTotal other than the writer's count`);
  bench.check('hot', 'the subscriber reached the final version', highest === final.version || behindAfterLostAnswer, `its highest version ${highest}, final ${final.version}`);
  bench.check('hot', 'at most one counterUpdated per commit', distinct === versions.length, `${versions.length - distinct} versions received twice`);
  bench.check('hot', 'counterUpdated right', wrongValues === 0 && misdelivered === 0, `${wrongValues} with value ≠ version, ${misdelivered} to connections not subscribed`);
  await watcher.call('closeAll');
  return result;
}

export function render(h) {
  const a = h.increments;
  const c = h.subscriber.commits;
  const rows = [
    ['hot counter', 'writers', 'incr/s', 'p50', 'p95', 'p99', 'exact (value=version=keys)', '503 / other 5xx / no answer', 'retried', 'commit size mean / p50 / p95 / max', 'counterUpdated per incr', 'target', 'cpu (cores)'],
    [
      `node x${h.writerProcesses}${h.keyed ? '' : ' (plain)'}`,
      h.writers,
      int(h.incrementsPerSecond),
      ms(h.latencyMs.p50),
      ms(h.latencyMs.p95),
      ms(h.latencyMs.p99),
      `${yesNo(h.final.value === a.acknowledged && h.final.version === a.acknowledged && a.distinctVersions === a.acknowledged)} (${int(a.acknowledged)})`,
      `${a.s503} / ${a.s5xx} / ${a.networkErrors}`,
      a.retried,
      c.commits ? `${c.sizes.mean.toFixed(2)} / ${c.sizes.p50} / ${c.sizes.p95} / ${c.sizes.max}` : 'n/a',
      h.subscriber.counterUpdatedPerIncrement == null ? 'n/a' : h.subscriber.counterUpdatedPerIncrement.toFixed(3),
      h.target ? `>= ${int(h.target.minIncrementsPerSecond)} ${verdict(h.meetsTarget)}` : '',
      cpuCell(h.cpu),
    ],
  ];
  const histogram = c.histogram
    .filter((b) => b.commits > 0)
    .map((b) => `${b.to == null ? `${b.from}+` : b.from === b.to ? b.from : `${b.from}-${b.to}`}: ${int(b.commits)}`)
    .join(', ');
  return [
    table(rows),
    `  ${int(a.acknowledged)} increments in ${h.seconds} s${h.cutShortByTime ? ` (writers stopped at ${h.maxSeconds} s)` : ''}; ${int(a.attempts)} requests; ` +
      `replays ${a.replays} (${a.replaysAfterLostAnswer} after a lost answer, ${a.unexplainedReplays} unexplained)`,
    `  commits seen by one subscriber: ${int(c.commits)} (increments per commit: ${histogram || 'none'}); ` +
      `${h.subscriber.outOfOrder} out of order, ${h.subscriber.duplicates} duplicates; a lost message would merge two commits` +
      (h.subscriber.behindOnlyAfterLostAnswers ? `; never saw versions ${h.subscriber.highestVersion + 1}-${h.final.version}: acknowledged only by replays (their commit's answers were lost, so it sent nothing)` : ''),
  ].join('\n');
}
