// memory: the in-memory store's bounds (issue 17), measured rather than timed: on a fresh Standalone, three floods
// of increments that each need new room, one after another: new counter names, then new visitor ids on one
// counter, then new Idempotency-Keys on one counter. The server's VmRSS is read before and after each flood and
// sampled during it. With caps (LiveCounter:InMemory:MaxCounters, MaxVisitors, MaxRecords; --max-counters and the
// like pass them) an increment that needs room past a cap answers 507 application/problem+json, and RSS should
// stop growing there (the plateau); without them RSS grows with every flood.
import { residentBytes } from '../system.mjs';
import { progress } from '../progress.mjs';
import { int, now, sleep, table } from '../stats.mjs';
import { cpuCell } from '../format.mjs';

const FLOODS = [
  { kind: 'names', what: 'new counter names', cap: 'maxCounters' },
  { kind: 'visitors', what: 'new visitor ids on one counter', cap: 'maxVisitors' },
  { kind: 'keys', what: 'new Idempotency-Keys on one counter', cap: 'maxRecords' },
];
/** RSS is sampled this often during a flood. */
const SAMPLE_MS = 250;
/** Before and after a flood: wait this long, then the median of three reads this far apart. */
const SETTLE_MS = 1200;
const SETTLE_READ_GAP_MS = 150;
const MIB = 1024 ** 2;

/** The settings the scenario's server is started with, from --max-counters, --max-visitors, --max-records. */
export function capArgs(options) {
  const settings = { maxCounters: 'MaxCounters', maxVisitors: 'MaxVisitors', maxRecords: 'MaxRecords' };
  return Object.entries(settings)
    .filter(([option]) => options[option] != null)
    .map(([option, setting]) => `--LiveCounter:InMemory:${setting}=${options[option]}`);
}

async function settledRss(pid) {
  await sleep(SETTLE_MS);
  const reads = [];
  for (let i = 0; i < 3; i++) {
    reads.push(residentBytes(pid));
    await sleep(SETTLE_READ_GAP_MS);
  }
  return reads.sort((a, b) => a - b)[1];
}

/** Runs fn while sampling the server's RSS and the load worker's answered count. */
async function sampled(bench, fn) {
  const worker = bench.load[0];
  const answeredAtStart = worker.progress.answered;
  const samples = [];
  let done = false;
  const started = now();
  const sampler = (async () => {
    while (!done) {
      samples.push({ seconds: (now() - started) / 1000, answered: worker.progress.answered - answeredAtStart, rss: residentBytes(bench.serverPid) });
      await sleep(SAMPLE_MS);
    }
  })();
  const value = await fn();
  done = true;
  await sampler;
  return { value, samples };
}

export async function run(bench) {
  const pid = bench.serverPid;
  if (!pid || residentBytes(pid) == null) {
    return { measurable: false, reason: 'the server is not a local process of known pid (--url without --server-pid)' };
  }
  const { flood: count, floodConcurrency } = bench.options;
  const caps = Object.fromEntries(FLOODS.map((f) => [f.cap, bench.options[f.cap] ?? null]));
  const floods = [];
  progress.set('memory: baseline');
  let before = await settledRss(pid);
  const rssAtStart = before;
  for (const { kind, what, cap } of FLOODS) {
    progress.set(`memory: ${count} ${what}`);
    // Visitors and keys go to the first counter the names flood created: a new counter would be refused for the
    // counters' cap once that flood has reached it, and the flood would measure the wrong cap.
    const name = kind === 'names' ? `${bench.run}-flood-names` : `${bench.run}-flood-names-0`;
    const measured = await bench.measure(() => sampled(bench, () => bench.load[0].call('flood', { base: bench.base, kind, name, count, concurrency: floodConcurrency })));
    const { value: answers, samples } = measured.value;
    const after = await settledRss(pid);
    floods.push(analyseFlood({ kind, what, cap: caps[cap], answers, samples, before, after, cpu: measured.cpu }));
    before = after;
  }
  return { measurable: true, requestsPerFlood: count, caps, capArgs: capArgs(bench.options), rssAtStartBytes: rssAtStart, rssAtEndBytes: before, floods };
}

/** One flood: its answers by status and its RSS, before, after, when the first 507 came, and how it grew before and after that. */
function analyseFlood({ kind, what, cap, answers, samples, before, after, cpu }) {
  const ok = answers.statuses[200] ?? 0;
  const full = answers.statuses[507] ?? 0;
  const other = Object.entries(answers.statuses).filter(([status]) => status !== '200' && status !== '507').reduce((s, [, n]) => s + n, 0);
  const atCap = answers.first507 == null ? null : samples.find((s) => s.answered >= answers.first507) ?? samples.at(-1);
  const last = samples.at(-1);
  const perThousand = (from, to) => (from && to && to.answered > from.answered ? ((to.rss - from.rss) / (to.answered - from.answered)) * 1000 : null);
  return {
    kind,
    what,
    cap,
    requests: answers.count,
    seconds: answers.seconds,
    accepted: ok,
    insufficientStorage: full,
    problemJson507: answers.problemJson507,
    otherStatuses: Object.fromEntries(Object.entries(answers.statuses).filter(([status]) => status !== '200' && status !== '507')),
    other,
    failures: answers.failures,
    first507AfterAnswers: answers.first507,
    rssBeforeBytes: before,
    rssAfterBytes: after,
    rssAtFirst507Bytes: atCap?.rss ?? null,
    rssMaxBytes: Math.max(...samples.map((s) => s.rss ?? 0), after ?? 0),
    // Bytes of RSS per 1,000 answered requests, before the first 507 and from it to the end of the flood.
    growthPerThousandBeforeCap: perThousand(samples[0], atCap ?? last),
    growthPerThousandAfterCap: atCap ? perThousand(atCap, last) : null,
    samples: samples.filter((_, i) => i % 4 === 0).map((s) => ({ seconds: Number(s.seconds.toFixed(2)), answered: s.answered, rssMiB: s.rss == null ? null : Number((s.rss / MIB).toFixed(1)) })),
    cpu,
  };
}

export function check(bench, result) {
  if (!result.measurable) return;
  for (const flood of result.floods) {
    const scenario = `memory ${flood.kind}`;
    bench.check(scenario, 'every flood request answered 200 or 507', flood.other === 0, `${flood.other} other answers (${JSON.stringify(flood.otherStatuses)}): ${flood.failures.join(' | ')}`);
    bench.check(scenario, 'every 507 is application/problem+json', flood.problemJson507 === flood.insufficientStorage, `${flood.insufficientStorage - flood.problemJson507} of ${flood.insufficientStorage} were not`);
  }
}

const mib = (bytes) => (bytes == null ? 'n/a' : `${(bytes / MIB).toFixed(1)} MiB`);
const kibPerThousand = (bytes) => (bytes == null ? 'n/a' : `${(bytes / 1024).toFixed(0)} KiB`);

export function render(m) {
  if (!m.measurable) return `memory: not measured: ${m.reason}`;
  const rows = [['memory flood (in-memory store)', 'cap', 'requests', '200', '507', 'other', 'first 507 after', 'RSS before', 'at first 507', 'after', 'growth per 1,000 before / after the cap', 'cpu (cores)']];
  for (const f of m.floods) {
    rows.push([
      f.what,
      f.cap == null ? 'none set' : int(f.cap),
      int(f.requests),
      int(f.accepted),
      int(f.insufficientStorage),
      int(f.other),
      f.first507AfterAnswers == null ? '-' : int(f.first507AfterAnswers),
      mib(f.rssBeforeBytes),
      mib(f.rssAtFirst507Bytes),
      mib(f.rssAfterBytes),
      `${kibPerThousand(f.growthPerThousandBeforeCap)} / ${kibPerThousand(f.growthPerThousandAfterCap)}`,
      cpuCell(f.cpu),
    ]);
  }
  return [
    table(rows),
    `  server settings: ${m.capArgs.length ? m.capArgs.join(' ') : 'no caps given (the server\'s defaults)'}; RSS ${mib(m.rssAtStartBytes)} at start, ${mib(m.rssAtEndBytes)} after the three floods`,
  ].join('\n');
}
