// Command-line options of the bench, with their defaults (sized to finish in about a minute on 2 cores).

export const HELP = `LiveCounter load generator: the real HTTP API and the official SignalR client (@microsoft/signalr).

Usage: ./bench/run.sh [options]          npm ci, publishes Standalone (Release, ReadyToRun: what ships), starts it
                                         (and its store) on free loopback ports, runs, stops everything it started
       ./bench/run.sh --url <base> [...]  drives a server that is already running (any host of the API)
       node bench/src/main.mjs --app <LiveCounter.Standalone.dll> [...]   starts that build (what run.sh does)
       node bench/src/charts.mjs cold-start|scale-out --out <svg> [label=]<results.json>[#cold|#warm] ...
                                         several runs on one picture
       node bench/src/main.mjs --url <base> [--server-pid <pid>] [...]

Scenarios (--scenarios, comma-separated; default all but wrk):
  connections   resident memory of the server before and after --connections idle connections
  fanout        subscribers on one counter while increments arrive at a fixed rate (--fanout)
  many          --counters counters with --subs-per-counter subscribers each under mixed increments and reads
  users         --visitors visitors with 2 connections each: incrementApplied must reach only its visitor
  hot           --writers concurrent writers on one counter, each increment with its own Idempotency-Key and the
                writer's visitor id, retried with the same key after a 5xx or a network error until it answers
                200: increments/s, latency, 503s, exactness, the commit sizes seen by one subscriber, every
                subscriber's merged view against the truth and its time to truth, bytes per counterUpdated
  wrk           the hot counter again, driven by wrk (Debian package) without keys; also enabled by --wrk
  memory        in-memory store: on a Standalone of its own (fresh, with the --max-* caps), floods of --flood
                increments needing new room (new counter names, then new visitor ids on one counter, then new
                Idempotency-Keys on one counter), each sent once: the server's VmRSS before, during and after
                each flood, the answers by status (a cap reached answers 507 application/problem+json)

The server run.sh starts (not with --url):
  --store <memory|tables>    memory (default): the in-memory store. tables: the Table store on Azurite 3.37.0
                             (bench/node_modules), started in memory on a free port under an account whose key
                             is random per run, and stopped at the end
  --store-latency <ms>       tables: a TCP proxy between Standalone and Azurite adds this many ms each way
  --store-faults <0..1>      tables: the proxy cuts this fraction of store requests, chosen at random between
                             before they reach Azurite and after Azurite handled them (the answer's status
                             line gets through, then the connection is reset); counted per kind in the report
  --partition-limit <n>      tables: the proxy holds each partition (PartitionKey) to n entities per second, as
                             Azure does (about 2,000): a token bucket per partition, refilled at n a second, holding
                             at most one second's worth; a transaction costs its entities, a read 1 (requests whose
                             partition cannot be told, such as creating the table, are not limited). A request over
                             it is answered as Table Storage answers throttling (503, x-ms-error-code ServerBusy,
                             an OData JSON error) without being forwarded. The report counts what was limited, and
                             hot shows its partition's entities per increment and the share of its budget used
  --group-commit <on|off>    off passes --LiveCounter:GroupCommit=false: every increment reads, computes and
                             commits alone, racing the others (the behaviour before group commit). Default on
  --instances <n[,n...]>     tables, hot: the hot scenario on n Standalone processes sharing one Azurite table and
                             one SignalR backplane (a fresh Azurite, proxy, redis-server and processes for each n,
                             each process given --RealtimeBackplane 127.0.0.1:<port>; writer i writes to instance
                             i mod n, one subscriber per instance, each judged against the table's truth), e.g. 1,4
                             prints N = 1 and N = 4 side by side. Needs redis-server on the PATH. Each
                             process exports its LiveCounter meter to its log (--LiveCounter:Metrics=console, every
                             second), from which conflicts, retries and 503s by reason and batch sizes are reported
                             per instance; the table is read afterwards for exactness and commit sizes
  --instance-cpus <cores>    holds each Standalone the bench starts to this many cores (e.g. 0.15), as an instance
                             in Azure has cores of its own: a cgroup per process with a CFS quota of cores x 100 ms
                             per 100 ms (cgroup v2 cpu.max where its cpu controller can be used, else cgroup v1
                             cpu.cfs_quota_us; an error when neither can be written: needs root), joined before
                             the process starts, removed at the end (also on Ctrl-C and SIGTERM)
  --cold-start               hot: each variant on fresh processes, measured from their first second: the time from
                             process start to answering and to the first answered increment, then the load at once
                             (no warm-up) with, per second and per 5 s, increments/s, commits (the meter) and
                             server CPU per commit and per increment; then a warm-up and the same load again on the
                             same processes (the warm figures). Defaults --hot-seconds to 30, --warmup-seconds to 20
                             and --increments to unbounded (the time ends the phase). Writes
                             bench/results/<time>-cold-start.svg (rate and CPU per commit over the load, cold and warm)
  --app <dll>                the Standalone build to start (run.sh passes the one it published)

Options:
  --url <base>               a running server, e.g. http://127.0.0.1:5080; nothing is started
  --server-pid <pid>         with --url: the server's pid, for memory and CPU figures
  --scenarios <list>         default connections,fanout,many,users,hot
  --writers <n>              hot: concurrent writers, one keep-alive connection and one visitor id each (default
                             32; --writers 1 gives the single-writer figure)
  --writers-per-instance <n> hot: n writers per instance instead of a fixed crowd (--instances 1,4 with 16: 16 writers,
                             then 64), so that each instance gets the same load; not with --writers. Other scenarios
                             that use --writers (wrk) use n
  --increments <n>           hot: increments per writer (default 3000 on memory, 9600/writers (at least 300) on
                             tables); writers stop starting new ones after --hot-seconds
  --hot-seconds <s>          hot: no new increment starts after this long (default 20)
  --stuck-subscriber [on|off|off,on]
                             hot: one more subscriber on the hot counter that never reads its socket; it is filled
                             (increments to another counter it is subscribed to) until the server's socket to it is
                             full before the writers start. off,on runs hot without and with it, side by side. The
                             server drops it about 10 s after it stalled: keep --hot-seconds under 8 to measure
                             the whole phase with it stuck
  --plain-writers            hot, fanout, many and warm-up: increments without Idempotency-Key or visitor id,
                             sent once (how the figures in docs/performance.md before group commit were taken)
  --writer-procs <n>         hot: Node processes the writers are spread over (default 1)
  --fanout <S@R,...>         fanout: subscribers@increments-per-second (default 500@20,1000@50)
  --fanout-seconds <s>       fanout: seconds of increments per configuration (default 6)
  --connections <n>          connections: idle connections to measure (default 1000)
  --counters <n>             many: counters (default 100)
  --subs-per-counter <n>     many: subscribers per counter (default 3)
  --mixed-writers <n>        many: concurrent writers (default 16)
  --mixed-seconds <s>        many: seconds of load (default 5)
  --read-share <0..1>        many: share of reads among the operations (default 0.25)
  --visitors <n>             users: visitors, each with 2 connections (default 100)
  --visitor-increments <n>   users: increments per visitor, plus one replay of the last Idempotency-Key (default 5)
  --procs <n>                Node processes holding the SignalR connections (default 2; the load runs in another)
  --wrk                      also run the wrk scenario
  --wrk-seconds <s>          wrk: duration (default 10); connections = --writers
  --wrk-threads <n>          wrk: threads (default 2)
  --warmup-seconds <s>       at most this long, increments until the rate is steady, so tiered JIT has
                             optimised the server before anything is measured (default 10)
  --flood <n>                memory: requests per flood (default 50000)
  --flood-concurrency <n>    memory: requests in flight (default 32)
  --max-counters <n>         memory: started with --LiveCounter:InMemory:MaxCounters=<n> (and likewise
  --max-visitors <n>           MaxVisitors, MaxRecords); small caps make the floods reach them quickly.
  --max-records <n>            Not given: the server's defaults
  --out <file>               JSON results file (default bench/results/<timestamp>.json)
  --help                     this text

Every increment of hot, fanout, many (unless --plain-writers) and users carries an Idempotency-Key and is retried
with it (like the pages: Retry-After when given, else backoff) until it answers 200, for at most 60 s.

Pictures: with --cold-start and with --instances of two numbers or more, the run also writes SVG pictures beside
the JSON (bench/results/<time>-cold-start.svg, <time>-scale-out.svg).

Exit status: 0 when every exactness, missing and misdelivery check passed, 1 when one failed, 2 on an error.
Targets (increments/s, p99, KiB per connection) are reported, not enforced: they depend on the machine.`;

const DEFAULTS = {
  url: null,
  serverPid: null,
  app: null,
  store: 'memory',
  storeLatency: 0,
  storeFaults: 0,
  partitionLimit: 0,
  groupCommit: 'on',
  scenarios: 'connections,fanout,many,users,hot',
  writers: 32,
  instances: null,
  writersPerInstance: null,
  instanceCpus: null,
  coldStart: false,
  stuckSubscriber: 'off',
  increments: null,
  hotSeconds: 20,
  plainWriters: false,
  writerProcs: 1,
  fanout: '500@20,1000@50',
  fanoutSeconds: 6,
  connections: 1000,
  counters: 100,
  subsPerCounter: 3,
  mixedWriters: 16,
  mixedSeconds: 5,
  readShare: 0.25,
  visitors: 100,
  visitorIncrements: 5,
  procs: 2,
  wrk: false,
  wrkSeconds: 10,
  wrkThreads: 2,
  warmupSeconds: 10,
  flood: 50000,
  floodConcurrency: 32,
  maxCounters: null,
  maxVisitors: null,
  maxRecords: null,
  out: null,
  help: false,
};

const camel = (flag) => flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const flag = (key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const BOOLEAN = new Set(['wrk', 'help', 'plainWriters', 'coldStart']);
const TEXT = new Set(['url', 'app', 'store', 'groupCommit', 'scenarios', 'fanout', 'out', 'instances', 'stuckSubscriber']);
/** Options whose value may be left out: the flag alone means this. */
const BARE = { stuckSubscriber: 'on' };
const MAX_INSTANCES = 16;
/** --cold-start's defaults: a load long enough for the figure's 5 x 5 s and the picture's 30 s, bounded by time alone. */
const COLD_START_HOT_SECONDS = 30;
const COLD_START_WARMUP_SECONDS = 20;
const UNBOUNDED_INCREMENTS = 1_000_000;
export const SCENARIOS = ['connections', 'fanout', 'many', 'users', 'hot', 'wrk', 'memory'];

export function parse(argv) {
  const options = { ...DEFAULTS };
  const given = new Set();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      options.help = true;
      continue;
    }
    const match = arg.match(/^--([a-z-]+)(?:=(.*))?$/);
    if (!match) throw new Error(`unexpected argument '${arg}' (see --help)`);
    const key = camel(match[1]);
    if (!(key in DEFAULTS)) throw new Error(`unknown option --${match[1]} (see --help)`);
    given.add(key);
    if (BOOLEAN.has(key)) {
      options[key] = match[2] === undefined ? true : match[2] !== 'false';
      continue;
    }
    if (match[2] === undefined && key in BARE && (argv[i + 1] === undefined || argv[i + 1].startsWith('--'))) {
      options[key] = BARE[key];
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    if (TEXT.has(key)) {
      options[key] = value;
    } else {
      const number = Number(value);
      if (!Number.isFinite(number) || number < 0) throw new Error(`--${match[1]} must be a non-negative number, not '${value}'`);
      options[key] = number;
    }
  }
  if (options.help) return options;

  options.url = options.url?.replace(/\/+$/, '') ?? null;
  if (!['memory', 'tables'].includes(options.store)) throw new Error(`--store is memory or tables, not '${options.store}'`);
  if (!['on', 'off'].includes(options.groupCommit)) throw new Error(`--group-commit is on or off, not '${options.groupCommit}'`);
  if (options.url && options.app) throw new Error('--url drives a running server, --app starts one: give one of them');
  if (options.url) {
    const serverSide = ['store', 'storeLatency', 'storeFaults', 'partitionLimit', 'groupCommit'].filter((k) => given.has(k));
    if (serverSide.length) throw new Error(`${serverSide.map(flag).join(', ')} configure the server run.sh starts; with --url the server is already configured`);
  }
  if (options.url) {
    const starting = ['instanceCpus', 'coldStart'].filter((k) => given.has(k) && options[k]);
    if (starting.length) throw new Error(`${starting.map(flag).join(', ')} act on the processes the bench starts; with --url the server is already running`);
  }
  if (options.instanceCpus != null && !(options.instanceCpus > 0)) throw new Error('--instance-cpus must be more than 0 (cores, e.g. 0.25)');
  if (given.has('writersPerInstance') && given.has('writers')) throw new Error('--writers-per-instance grows the crowd with the instances, --writers fixes it: give one of them');
  if (options.writersPerInstance != null) options.writers = options.writersPerInstance;
  if (options.coldStart) {
    if (!given.has('hotSeconds')) options.hotSeconds = COLD_START_HOT_SECONDS;
    if (!given.has('warmupSeconds')) options.warmupSeconds = COLD_START_WARMUP_SECONDS;
  }
  if (options.store !== 'tables' && (options.storeLatency > 0 || options.storeFaults > 0 || options.partitionLimit > 0)) {
    throw new Error('--store-latency, --store-faults and --partition-limit act on the Table store: add --store tables');
  }
  if (options.storeFaults > 1) throw new Error('--store-faults is a fraction between 0 and 1 (0.01 = 1 %)');

  options.scenarioList = options.scenarios.split(',').map((s) => s.trim()).filter(Boolean);
  if (options.wrk && !options.scenarioList.includes('wrk')) options.scenarioList.push('wrk');
  for (const s of options.scenarioList) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario '${s}'; known: ${SCENARIOS.join(', ')}`);
  options.fanoutList = options.fanout.split(',').filter(Boolean).map((spec) => {
    const m = spec.trim().match(/^(\d+)@(\d+(?:\.\d+)?)$/);
    if (!m) throw new Error(`--fanout wants subscribers@rate pairs like 500@20, not '${spec}'`);
    return { subscribers: Number(m[1]), rate: Number(m[2]) };
  });
  options.incrementsGiven = options.increments != null;
  if (options.increments == null) options.increments = defaultIncrements(options, options.writers);
  if (options.scenarioList.includes('memory') && options.store !== 'memory') throw new Error('the memory scenario measures the in-memory store: leave out --store tables');
  const caps = ['maxCounters', 'maxVisitors', 'maxRecords'].filter((k) => given.has(k));
  if (caps.length && options.url) throw new Error(`${caps.map(flag).join(', ')} configure the server the memory scenario starts; with --url the server is already configured`);
  for (const key of [...(options.writersPerInstance != null ? ['writersPerInstance'] : []), 'writers', 'increments', 'writerProcs', 'procs', 'counters', 'subsPerCounter', 'mixedWriters', 'visitors', 'visitorIncrements', 'wrkThreads', 'flood', 'floodConcurrency', ...caps]) {
    if (!Number.isInteger(options[key]) || options[key] < 1) throw new Error(`${flag(key)} must be a whole number ≥ 1`);
  }
  if (options.readShare > 1) throw new Error('--read-share must be between 0 and 1');
  parseHotVariants(options);
  if (options.hotSeconds <= 0) throw new Error('--hot-seconds must be more than 0');
  return options;
}

/**
 * The hot scenario's variants, in the order they run: every --instances value (null: the server of the run, not a
 * stack of its own) with every --stuck-subscriber value.
 */
function parseHotVariants(options) {
  options.instanceList = null;
  if (options.instances != null) {
    options.instanceList = String(options.instances).split(',').map((text) => Number(text.trim()));
    for (const n of options.instanceList) {
      if (!Number.isInteger(n) || n < 1 || n > MAX_INSTANCES) throw new Error(`--instances wants whole numbers from 1 to ${MAX_INSTANCES}, not '${options.instances}'`);
    }
    if (options.store !== 'tables') throw new Error('--instances shares one Table store between processes: add --store tables');
    if (options.url) throw new Error('--instances starts its own servers; it does not work with --url');
    if (!options.scenarioList.includes('hot')) throw new Error('--instances is for the hot scenario: add it to --scenarios');
  }
  if (options.coldStart && !options.scenarioList.includes('hot')) throw new Error('--cold-start is for the hot scenario: add it to --scenarios');
  const stuckList = options.stuckSubscriber.split(',').map((text) => text.trim());
  for (const value of stuckList) if (!['on', 'off'].includes(value)) throw new Error(`--stuck-subscriber is on, off or off,on, not '${options.stuckSubscriber}'`);
  options.hotVariants = (options.instanceList ?? [null]).flatMap((instances) =>
    stuckList.map((stuck) => {
      const writers = options.writersPerInstance != null ? options.writersPerInstance * (instances ?? 1) : options.writers;
      return { instances, stuck: stuck === 'on', writers, increments: options.incrementsGiven ? options.increments : defaultIncrements(options, writers), coldStart: options.coldStart };
    }),
  );
}

/**
 * Increments per writer when --increments is not given: 3000 on memory, 9600/writers (at least 300) on tables, so
 * that --hot-seconds ends the phase only on a slow server; with --cold-start the time alone ends it.
 */
function defaultIncrements(options, writers) {
  if (options.coldStart) return UNBOUNDED_INCREMENTS;
  return options.store === 'tables' ? Math.max(300, Math.ceil(9600 / Math.max(1, writers))) : 3000;
}
