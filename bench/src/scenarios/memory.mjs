// memory: the in-memory store's bounds (issue 17), measured rather than timed: on a fresh Standalone, three floods
// of increments that each need new room: new counter names, then new visitor ids on one counter, then new
// Idempotency-Keys on one counter. The server's VmRSS is read before and after each flood and sampled during it.
// With caps (LiveCounter:InMemory:MaxCounters, MaxVisitors, MaxRecords; --max-counters and the like) an increment
// that needs room past a cap answers 507 application/problem+json, and RSS should stop growing there (the
// plateau); without them RSS grows with every flood.
import { residentBytes } from '../system.mjs';
import { cpuCell, progress } from '../bench.mjs';
import { int, mib, now, sleep, table } from '../stats.mjs';
import { settledRss, unmeasurable } from './connections.mjs';

const FLOODS = [
  { kind: 'names', what: 'new counter names', cap: 'maxCounters', setting: 'MaxCounters' },
  { kind: 'visitors', what: 'new visitor ids on one counter', cap: 'maxVisitors', setting: 'MaxVisitors' },
  { kind: 'keys', what: 'new Idempotency-Keys on one counter', cap: 'maxRecords', setting: 'MaxRecords' },
];
/** RSS is sampled this often during a flood. */
const SAMPLE_MS = 250;

/** The settings the scenario's server is started with, from --max-counters, --max-visitors, --max-records. */
export const capArgs = (options) => FLOODS.filter((f) => options[f.cap] != null).map((f) => `--LiveCounter:InMemory:${f.setting}=${options[f.cap]}`);

export async function run(bench) {
  const pid = bench.serverPid;
  if (!pid || residentBytes(pid) == null) return unmeasurable;
  const { flood: count, floodConcurrency: concurrency } = bench.options;
  const worker = bench.load[0];
  const floods = [];
  progress.set('memory: baseline');
  const rssAtStart = await settledRss(pid);
  let before = rssAtStart;
  for (const { kind, what, cap } of FLOODS) {
    progress.set(`memory: ${count} ${what}`);
    // Visitors and keys go to the first counter the names flood created: a new counter would be refused for the
    // counters' cap once that flood has reached it, and the flood would measure the wrong cap.
    const name = kind === 'names' ? `${bench.run}-flood-names` : `${bench.run}-flood-names-0`;
    // While the flood runs: the server's RSS and the load worker's answered count.
    const [samples, answeredAtStart, started] = [[], worker.progress.answered, now()];
    const sample = () => samples.push({ seconds: (now() - started) / 1000, answered: worker.progress.answered - answeredAtStart, rss: residentBytes(pid) });
    sample();
    const timer = setInterval(sample, SAMPLE_MS);
    const measured = await bench.measure(() => worker.call('flood', { base: bench.base, kind, name, count, concurrency })).finally(() => clearInterval(timer));
    sample(); // the flood's end: growth after the cap runs to it
    const after = await settledRss(pid);
    floods.push(analyseFlood({ kind, what, cap: bench.options[cap] ?? null, answers: measured.value, samples, before, after, cpu: measured.cpu }));
    before = after;
  }
  const caps = Object.fromEntries(FLOODS.map((f) => [f.cap, bench.options[f.cap] ?? null]));
  return { measurable: true, requestsPerFlood: count, caps, capArgs: capArgs(bench.options), rssAtStartBytes: rssAtStart, rssAtEndBytes: before, floods };
}

/** One flood: its answers by status and its RSS, before, after, when the first 507 came, and how it grew before and after that. */
function analyseFlood({ kind, what, cap, answers, samples, before, after, cpu }) {
  const otherStatuses = Object.fromEntries(Object.entries(answers.statuses).filter(([status]) => status !== '200' && status !== '507'));
  const atCap = answers.first507 == null ? null : samples.find((s) => s.answered >= answers.first507) ?? samples.at(-1);
  const last = samples.at(-1);
  // Bytes of RSS per 1,000 answered requests, before the first 507 and from it to the end of the flood.
  const perThousand = (from, to) => (from && to && to.answered > from.answered ? ((to.rss - from.rss) / (to.answered - from.answered)) * 1000 : null);
  return {
    kind, what, cap, requests: answers.count, seconds: answers.seconds, accepted: answers.statuses[200] ?? 0, insufficientStorage: answers.statuses[507] ?? 0, problemJson507: answers.problemJson507,
    otherStatuses, other: Object.values(otherStatuses).reduce((s, n) => s + n, 0), failures: answers.failures, first507AfterAnswers: answers.first507,
    rssBeforeBytes: before, rssAfterBytes: after, rssAtFirst507Bytes: atCap?.rss ?? null, rssMaxBytes: Math.max(...samples.map((s) => s.rss ?? 0), after ?? 0),
    growthPerThousandBeforeCap: perThousand(samples[0], atCap ?? last), growthPerThousandAfterCap: atCap ? perThousand(atCap, last) : null,
    samples: samples.filter((_, i) => i % 4 === 0).map((s) => ({ seconds: Number(s.seconds.toFixed(2)), answered: s.answered, rssMiB: s.rss == null ? null : Number((s.rss / 1024 ** 2).toFixed(1)) })),
    cpu,
  };
}

export function check(bench, result) {
  for (const flood of result.measurable ? result.floods : []) {
    bench.check(`memory ${flood.kind}`, 'every flood request answered 200 or 507', flood.other === 0, `${flood.other} other answers (${JSON.stringify(flood.otherStatuses)}): ${flood.failures.join(' | ')}`);
    bench.check(`memory ${flood.kind}`, 'every 507 is application/problem+json', flood.problemJson507 === flood.insufficientStorage, `${flood.insufficientStorage - flood.problemJson507} of ${flood.insufficientStorage} were not`);
  }
}

export function render(m) {
  if (!m.measurable) return `memory: not measured: ${m.reason}`;
  const perThousand = (bytes) => (bytes == null ? 'n/a' : `${(bytes / 1024).toFixed(0)} KiB`);
  const rows = m.floods.map((f) => [f.what, f.cap == null ? 'none set' : int(f.cap), int(f.requests), int(f.accepted), int(f.insufficientStorage), int(f.other), f.first507AfterAnswers == null ? '-' : int(f.first507AfterAnswers), mib(f.rssBeforeBytes), mib(f.rssAtFirst507Bytes), mib(f.rssAfterBytes), `${perThousand(f.growthPerThousandBeforeCap)} / ${perThousand(f.growthPerThousandAfterCap)}`, cpuCell(f.cpu)]);
  return [
    table([['memory flood (in-memory store)', 'cap', 'requests', '200', '507', 'other', 'first 507 after', 'RSS before', 'at first 507', 'after', 'growth per 1,000 before / after the cap', 'cpu (cores)'], ...rows]),
    `  server settings: ${m.capArgs.length ? m.capArgs.join(' ') : 'no caps given (the server\'s defaults)'}; RSS ${mib(m.rssAtStartBytes)} at start, ${mib(m.rssAtEndBytes)} after the three floods`,
  ].join('\n');
}
