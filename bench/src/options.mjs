// Command-line options of the bench (commander), with their defaults (sized to finish in about a minute on 2 cores).
import { Command, InvalidArgumentError } from 'commander';

export const SCENARIOS = ['connections', 'fanout', 'many', 'users', 'hot', 'wrk', 'memory'];
const MAX_INSTANCES = 16;
/** --cold-start's defaults: a load long enough for the figure's 5 x 5 s and the picture's 30 s, bounded by time alone. */
const COLD_START = { hotSeconds: 30, warmupSeconds: 20, increments: 1_000_000 };

const USAGE = `LiveCounter load generator: the real HTTP API and the official SignalR client. Details: bench/README.md.

  ./bench/run.sh [options]            publishes Standalone, starts it (and its store), runs, stops what it started
  ./bench/run.sh --url <base> [...]   drives a server that is already running
  node bench/src/main.mjs --app <LiveCounter.Standalone.dll> [...]   starts that build (what run.sh does)
  node bench/src/charts.mjs cold-start|scale-out --out <svg> [label=]<results.json>[#cold|#warm] ...   several runs on one picture

Scenarios (--scenarios, comma-separated; default all but wrk):
  connections  the server's resident memory before and after --connections idle connections
  fanout       subscribers on one counter while increments arrive at a fixed rate (--fanout)
  many         --counters counters with --subs-per-counter subscribers each under mixed increments and reads
  users        --visitors visitors with 2 connections each: incrementApplied must reach only its visitor
  hot          --writers writers on one counter: increments/s, latency, exactness, commit sizes, subscribers on the truth
  wrk          the hot counter driven by wrk, without keys; also enabled by --wrk
  memory       a Standalone of its own with the --max-* caps: floods of --flood increments needing new room
`;

const FOOTER = `
Exit status: 0 when every exactness, missing and misdelivery check passed, 1 when one failed, 2 on an error.
Targets are reported, not enforced.`;

const number = (value) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`must be a non-negative number, not '${value}'`);
  return n;
};

/** [flags, help, default]. */
const OPTIONS = [
  ['--url <base>', 'a running server, e.g. http://127.0.0.1:5080; nothing is started', null],
  ['--app <dll>', 'the Standalone build to start (run.sh passes the one it published)', null],
  ['--store <memory|tables>', 'the store of the server the bench starts: in memory, or the Table store on Azurite', 'memory'],
  ['--store-latency <ms>', 'tables: a proxy between Standalone and Azurite adds this many ms each way', 0],
  ['--store-faults <0..1>', 'tables: the proxy cuts this fraction of store requests, before Azurite or with the answer lost', 0],
  ['--partition-limit <n>', 'tables: the proxy holds each partition to n entities/s, answering the rest 503 ServerBusy', 0],
  ['--group-commit <on|off>', 'off: every increment commits alone (--LiveCounter:GroupCommit=false)', 'on'],
  ['--instances <n[,n...]>', `tables, hot: on n (1 to ${MAX_INSTANCES}) processes sharing a table and a Redis backplane, e.g. 1,4`, null],
  ['--instance-cpus <cores>', 'each Standalone the bench starts held to this many cores by a cgroup (needs root)', null],
  ['--cold-start', 'hot: each variant on fresh processes from their first second, then warm on the same processes', false],
  ['--scenarios <list>', `comma-separated, of ${SCENARIOS.join(', ')}`, 'connections,fanout,many,users,hot'],
  ['--writers <n>', 'hot: concurrent writers, one connection and one visitor id each', 32],
  ['--writers-per-instance <n>', 'hot: n writers per instance instead of --writers (1,4 with 16: 16, then 64)', null],
  ['--increments <n>', 'hot: increments per writer (default 3000 on memory, 9600/writers, at least 300, on tables)', null],
  ['--hot-seconds <s>', 'hot: no new increment starts after this long', 20],
  ['--stuck-subscriber [on|off|off,on]', 'hot: one more subscriber that never reads its socket; off,on runs both', 'off'],
  ['--plain-writers', 'hot, fanout, many and warm-up: increments without key or visitor id, sent once', false],
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
  ['--procs <n>', 'Node processes holding the SignalR connections', 2],
  ['--wrk', 'also run the wrk scenario', false],
  ['--wrk-seconds <s>', 'wrk: duration; connections = --writers', 10],
  ['--wrk-threads <n>', 'wrk: threads', 2],
  ['--warmup-seconds <s>', 'at most this long, increments until the server\'s rate is steady', 10],
  ['--flood <n>', 'memory: requests per flood', 50000],
  ['--flood-concurrency <n>', 'memory: requests in flight', 32],
  ['--max-counters <n>', 'memory: --LiveCounter:InMemory:MaxCounters=<n> (not given: the server\'s default)', null],
  ['--max-visitors <n>', 'memory: likewise MaxVisitors', null],
  ['--max-records <n>', 'memory: likewise MaxRecords', null],
  ['--out <file>', 'JSON results file (default bench/results/<timestamp>.json)', null],
];

function program() {
  const p = new Command('bench').helpOption('-h, --help', 'this text').exitOverride().configureOutput({ writeErr: () => {} }).configureHelp({ helpWidth: 120 });
  // A null default is left out of the help (parse sets it); a flag with <n>, <s>, <ms>, <cores> or <0..1> takes a number.
  for (const [flags, help, value] of OPTIONS) p.option(flags, help, ...(/<(n|s|ms|cores|0\.\.1)>/.test(flags) ? [number] : []), ...(value === null ? [] : [value]));
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
