// Command-line options of the bench (commander), with their defaults (sized to finish in about a minute on 2 cores).
import { Command, InvalidArgumentError } from 'commander';

export const SCENARIOS = ['connections', 'fanout', 'many', 'users', 'hot', 'wrk', 'memory'];
const MAX_INSTANCES = 16;
/** --cold-start's defaults: a load long enough for the figure's 5 x 5 s and the picture's 30 s, bounded by time alone. */
const COLD_START = { hotSeconds: 30, warmupSeconds: 20, increments: 1_000_000 };

const USAGE = `LiveCounter load generator: the real HTTP API and the official SignalR client (@microsoft/signalr).

  ./bench/run.sh [options]            npm ci, publishes Standalone (Release, ReadyToRun: what ships), starts it (and its
                                      store) on free loopback ports, runs, stops everything it started
  ./bench/run.sh --url <base> [...]   drives a server that is already running (any host of the API)
  node bench/src/main.mjs --app <LiveCounter.Standalone.dll> [...]   starts that build (what run.sh does)
  node bench/src/charts.mjs cold-start|scale-out --out <svg> [label=]<results.json>[#cold|#warm] ...   several runs on one picture

Scenarios (--scenarios, comma-separated; default all but wrk):
  connections  resident memory of the server before and after --connections idle connections
  fanout       subscribers on one counter while increments arrive at a fixed rate (--fanout)
  many         --counters counters with --subs-per-counter subscribers each under mixed increments and reads
  users        --visitors visitors with 2 connections each: incrementApplied must reach only its visitor
  hot          --writers concurrent writers on one counter, each increment keyed and retried until 200: increments/s,
               latency, 503s, exactness, commit sizes, every subscriber's merged view against the truth and its time
               to truth, bytes per counterUpdated
  wrk          the hot counter again, driven by wrk (Debian package) without keys; also enabled by --wrk
  memory       in-memory store, on a Standalone of its own with the --max-* caps: floods of --flood increments needing
               new room (names, visitors, keys): VmRSS before, during and after each, answers by status (507 at a cap)
`;

const FOOTER = `
Every increment of hot, fanout, many (unless --plain-writers) and users carries an Idempotency-Key and is retried with it
(like the pages: Retry-After when given, else backoff) until it answers 200, for at most 60 s.
Pictures: with --cold-start and with --instances of two numbers or more, the run also writes SVG pictures beside the JSON
(bench/results/<time>-cold-start.svg, <time>-scale-out.svg).
Exit status: 0 when every exactness, missing and misdelivery check passed, 1 when one failed, 2 on an error.
Targets (increments/s, p99, KiB per connection) are reported, not enforced: they depend on the machine.`;

const number = (value) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`must be a non-negative number, not '${value}'`);
  return n;
};

/** [flags, help, default]. */
const OPTIONS = [
  ['--url <base>', 'a running server, e.g. http://127.0.0.1:5080; nothing is started', null],
  ['--server-pid <pid>', 'with --url: the server\'s pid, for memory and CPU figures', null],
  ['--app <dll>', 'the Standalone build to start (run.sh passes the one it published)', null],
  ['--store <memory|tables>', 'the server run.sh starts: memory (the in-memory store), or tables: the Table store on Azurite (bench/node_modules), started in memory on a free port under an account whose key is random per run, and stopped at the end', 'memory'],
  ['--store-latency <ms>', 'tables: a TCP proxy between Standalone and Azurite adds this many ms each way', 0],
  ['--store-faults <0..1>', 'tables: the proxy cuts this fraction of store requests, at random before they reach Azurite or after Azurite handled them (the status line gets through, then the connection is reset); counted per kind in the report', 0],
  ['--partition-limit <n>', 'tables: the proxy holds each partition to n entities per second, as Azure does (about 2,000): a token bucket per partition holding one second\'s worth; a transaction costs its entities, a read 1. A request over it is answered as Table Storage throttles (503, x-ms-error-code ServerBusy, an OData JSON error) without being forwarded; hot shows its partition\'s entities per increment and the share of its budget used', 0],
  ['--group-commit <on|off>', 'off passes --LiveCounter:GroupCommit=false: every increment reads, computes and commits alone, racing the others (the behaviour before group commit)', 'on'],
  ['--instances <n[,n...]>', `tables, hot: the hot scenario on n (1 to ${MAX_INSTANCES}) Standalone processes sharing one Azurite table and one Redis backplane, fresh ones for each n; writer i writes to instance i mod n, one subscriber per instance, each judged against the table's truth; the meter's conflicts, retries, 503s by reason and batch sizes are reported per instance, e.g. 1,4`, null],
  ['--instance-cpus <cores>', 'holds each Standalone the bench starts to this many cores (e.g. 0.15), as an Azure instance has cores of its own: a cgroup per process with a CFS quota of cores x 100 ms per 100 ms (cgroup v2 cpu.max, else v1 cpu.cfs_quota_us; an error when neither can be written: needs root), joined before the process starts, removed at the end (also on Ctrl-C and SIGTERM)', null],
  ['--cold-start', 'hot: each variant on fresh processes, measured from their first second: the time from process start to answering and to the first answered increment, then the load at once (no warm-up) with, per second and per 5 s, increments/s, commits (the meter) and server CPU per commit and per increment; then a warm-up and the same load again on the same processes (the warm figures). Defaults --hot-seconds to 30, --warmup-seconds to 20 and --increments to unbounded. Writes bench/results/<time>-cold-start.svg', false],
  ['--scenarios <list>', `comma-separated, of ${SCENARIOS.join(', ')}`, 'connections,fanout,many,users,hot'],
  ['--writers <n>', 'hot: concurrent writers, one keep-alive connection and one visitor id each (--writers 1 gives the single-writer figure)', 32],
  ['--writers-per-instance <n>', 'hot: n writers per instance instead of a fixed crowd (--instances 1,4 with 16: 16 writers, then 64), so that each instance gets the same load; not with --writers. Other scenarios that use --writers (wrk) use n', null],
  ['--increments <n>', 'hot: increments per writer (default 3000 on memory, 9600/writers (at least 300) on tables); writers stop starting new ones after --hot-seconds', null],
  ['--hot-seconds <s>', 'hot: no new increment starts after this long', 20],
  ['--stuck-subscriber [on|off|off,on]', 'hot: one more subscriber on the hot counter that never reads its socket, filled (increments to another counter it is subscribed to) until the server\'s socket to it is full before the writers start. off,on runs hot without and with it. The server drops it about 10 s after it stalled: keep --hot-seconds under 8 to measure the whole phase with it stuck', 'off'],
  ['--plain-writers', 'hot, fanout, many and warm-up: increments without Idempotency-Key or visitor id, sent once (how the figures in docs/performance.md before group commit were taken)', false],
  ['--writer-procs <n>', 'hot: Node processes the writers are spread over', 1],
  ['--fanout <S@R,...>', 'fanout: subscribers@increments-per-second', '500@20,1000@50'],
  ['--fanout-seconds <s>', 'fanout: seconds of increments per configuration', 6],
  ['--connections <n>', 'connections: idle connections to measure', 1000],
  ['--counters <n>', 'many: counters', 100],
  ['--subs-per-counter <n>', 'many: subscribers per counter', 3],
  ['--mixed-writers <n>', 'many: concurrent writers', 16],
  ['--mixed-seconds <s>', 'many: seconds of load', 5],
  ['--read-share <0..1>', 'many: share of reads among the operations', 0.25],
  ['--visitors <n>', 'users: visitors, each with 2 connections', 100],
  ['--visitor-increments <n>', 'users: increments per visitor, plus one replay of the last Idempotency-Key', 5],
  ['--procs <n>', 'Node processes holding the SignalR connections (the load runs in another)', 2],
  ['--wrk', 'also run the wrk scenario', false],
  ['--wrk-seconds <s>', 'wrk: duration; connections = --writers', 10],
  ['--wrk-threads <n>', 'wrk: threads', 2],
  ['--warmup-seconds <s>', 'at most this long, increments until the rate is steady, so tiered JIT has optimised the server before anything is measured', 10],
  ['--flood <n>', 'memory: requests per flood', 50000],
  ['--flood-concurrency <n>', 'memory: requests in flight', 32],
  ['--max-counters <n>', 'memory: started with --LiveCounter:InMemory:MaxCounters=<n> (small caps make the floods reach them quickly; not given: the server\'s defaults)', null],
  ['--max-visitors <n>', 'memory: likewise MaxVisitors', null],
  ['--max-records <n>', 'memory: likewise MaxRecords', null],
  ['--out <file>', 'JSON results file (default bench/results/<timestamp>.json)', null],
];

function program() {
  const p = new Command('bench').helpOption('-h, --help', 'this text').exitOverride().configureOutput({ writeErr: () => {} }).configureHelp({ helpWidth: 120 });
  // A null default is left out of the help (parse sets it); a flag with <n>, <s>, <ms>, <cores>, <pid> or <0..1> takes a number.
  for (const [flags, help, value] of OPTIONS) p.option(flags, help, ...(/<(n|s|ms|cores|0\.\.1|pid)>/.test(flags) ? [number] : []), ...(value === null ? [] : [value]));
  return p.addHelpText('beforeAll', USAGE).addHelpText('after', FOOTER);
}

const flag = (key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const refuse = (bad, message) => { if (bad) throw new Error(message); };

/** The options, or { help: true } once commander printed the help; throws an Error with a message for the user. */
export function parse(argv) {
  const p = program();
  try {
    p.parse(argv, { from: 'user' });
  } catch (error) {
    if (error.code === 'commander.helpDisplayed') return { help: true };
    throw new Error(`${error.message.replace(/^error: /, '')} (see --help)`);
  }
  const o = p.opts();
  for (const option of p.options) o[option.attributeName()] ??= null;
  const given = new Set(Object.keys(o).filter((k) => p.getOptionValueSource(k) === 'cli'));
  const givenList = (...keys) => keys.filter((k) => given.has(k) && o[k] !== false).map(flag).join(', ');
  if (o.stuckSubscriber === true) o.stuckSubscriber = 'on';
  o.url = o.url?.replace(/\/+$/, '') ?? null;
  refuse(!['memory', 'tables'].includes(o.store), `--store is memory or tables, not '${o.store}'`);
  refuse(!['on', 'off'].includes(o.groupCommit), `--group-commit is on or off, not '${o.groupCommit}'`);
  refuse(o.url && o.app, '--url drives a running server, --app starts one: give one of them');
  const serverSide = givenList('store', 'storeLatency', 'storeFaults', 'partitionLimit', 'groupCommit');
  refuse(o.url && serverSide, `${serverSide} configure the server run.sh starts; with --url the server is already configured`);
  const starting = givenList('instanceCpus', 'coldStart');
  refuse(o.url && starting, `${starting} act on the processes the bench starts; with --url the server is already running`);
  refuse(o.instanceCpus != null && !(o.instanceCpus > 0), '--instance-cpus must be more than 0 (cores, e.g. 0.25)');
  refuse(given.has('writersPerInstance') && given.has('writers'), '--writers-per-instance grows the crowd with the instances, --writers fixes it: give one of them');
  if (o.writersPerInstance != null) o.writers = o.writersPerInstance;
  for (const key of ['hotSeconds', 'warmupSeconds']) if (o.coldStart && !given.has(key)) o[key] = COLD_START[key];
  refuse(o.store !== 'tables' && (o.storeLatency > 0 || o.storeFaults > 0 || o.partitionLimit > 0), '--store-latency, --store-faults and --partition-limit act on the Table store: add --store tables');
  refuse(o.storeFaults > 1, '--store-faults is a fraction between 0 and 1 (0.01 = 1 %)');
  o.scenarioList = o.scenarios.split(',').map((s) => s.trim()).filter(Boolean);
  if (o.wrk && !o.scenarioList.includes('wrk')) o.scenarioList.push('wrk');
  for (const s of o.scenarioList) refuse(!SCENARIOS.includes(s), `unknown scenario '${s}'; known: ${SCENARIOS.join(', ')}`);
  o.fanoutList = o.fanout.split(',').filter(Boolean).map((spec) => {
    const m = spec.trim().match(/^(\d+)@(\d+(?:\.\d+)?)$/);
    refuse(!m, `--fanout wants subscribers@rate pairs like 500@20, not '${spec}'`);
    return { subscribers: Number(m[1]), rate: Number(m[2]) };
  });
  o.incrementsGiven = o.increments != null;
  o.increments ??= defaultIncrements(o, o.writers);
  refuse(o.scenarioList.includes('memory') && o.store !== 'memory', 'the memory scenario measures the in-memory store: leave out --store tables');
  const caps = ['maxCounters', 'maxVisitors', 'maxRecords'].filter((k) => given.has(k));
  refuse(caps.length && o.url, `${caps.map(flag).join(', ')} configure the server the memory scenario starts; with --url the server is already configured`);
  const whole = ['writers', 'increments', 'writerProcs', 'procs', 'counters', 'subsPerCounter', 'mixedWriters', 'visitors', 'visitorIncrements', 'wrkThreads', 'flood', 'floodConcurrency', ...caps];
  for (const key of [...(o.writersPerInstance != null ? ['writersPerInstance'] : []), ...whole]) refuse(!Number.isInteger(o[key]) || o[key] < 1, `${flag(key)} must be a whole number ≥ 1`);
  refuse(o.readShare > 1, '--read-share must be between 0 and 1');
  hotVariants(o);
  refuse(o.hotSeconds <= 0, '--hot-seconds must be more than 0');
  return o;
}

/** The hot scenario's variants in the order they run: every --instances value (null: the run's server) with every --stuck-subscriber value. */
function hotVariants(o) {
  o.instanceList = o.instances == null ? null : String(o.instances).split(',').map((text) => Number(text.trim()));
  if (o.instanceList) {
    for (const n of o.instanceList) refuse(!Number.isInteger(n) || n < 1 || n > MAX_INSTANCES, `--instances wants whole numbers from 1 to ${MAX_INSTANCES}, not '${o.instances}'`);
    refuse(o.store !== 'tables', '--instances shares one Table store between processes: add --store tables');
    refuse(o.url, '--instances starts its own servers; it does not work with --url');
    refuse(!o.scenarioList.includes('hot'), '--instances is for the hot scenario: add it to --scenarios');
  }
  refuse(o.coldStart && !o.scenarioList.includes('hot'), '--cold-start is for the hot scenario: add it to --scenarios');
  const stuckList = o.stuckSubscriber.split(',').map((text) => text.trim());
  for (const value of stuckList) refuse(!['on', 'off'].includes(value), `--stuck-subscriber is on, off or off,on, not '${o.stuckSubscriber}'`);
  o.hotVariants = (o.instanceList ?? [null]).flatMap((instances) => stuckList.map((stuck) => {
    const writers = o.writersPerInstance != null ? o.writersPerInstance * (instances ?? 1) : o.writers;
    return { instances, stuck: stuck === 'on', writers, increments: o.incrementsGiven ? o.increments : defaultIncrements(o, writers), coldStart: o.coldStart };
  }));
}

/** Per writer when --increments is not given: so that --hot-seconds ends the phase only on a slow server (with --cold-start, time alone). */
function defaultIncrements(o, writers) {
  if (o.coldStart) return COLD_START.increments;
  return o.store === 'tables' ? Math.max(300, Math.ceil(9600 / Math.max(1, writers))) : 3000;
}
