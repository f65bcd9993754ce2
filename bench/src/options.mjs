// Command-line options of the bench, with their defaults (sized to finish in under a minute on 2 cores).

export const HELP = `LiveCounter load generator: the real HTTP API and the official SignalR client (@microsoft/signalr).

Usage: ./bench/run.sh [options]          builds Standalone (Release), starts it on a free loopback port, runs, stops it
       ./bench/run.sh --url <base> [...]  drives a server that is already running (any host of the API)
       node bench/src/main.mjs --url <base> [--server-pid <pid>] [...]

Scenarios (--scenarios, comma-separated; default all but wrk):
  connections   resident memory of the server before and after --connections idle connections
  fanout        subscribers on one counter while increments arrive at a fixed rate (--fanout)
  many          --counters counters with --subs-per-counter subscribers each under mixed increments and reads
  users         --visitors visitors with 2 connections each: incrementApplied must reach only its visitor
  hot           --writers concurrent writers x --increments each on one counter: increments/s and exactness
  wrk           the hot counter again, driven by wrk (Debian package) instead of Node; also enabled by --wrk

Options:
  --url <base>               server base URL, e.g. http://127.0.0.1:5080 (run.sh sets it when it starts Standalone)
  --server-pid <pid>         the server's pid, for memory and CPU figures (run.sh sets it; unknown for --url)
  --scenarios <list>         default connections,fanout,many,users,hot
  --writers <n>              hot: concurrent writers, one keep-alive connection each (default 32)
  --increments <n>           hot: increments per writer (default 3000)
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
  --out <file>               JSON results file (default bench/results/<timestamp>.json)
  --help                     this text

Exit status: 0 when every exactness, missing and misdelivery check passed, 1 when one failed, 2 on an error.
Targets (increments/s, p99, KiB per connection) are reported, not enforced: they depend on the machine.`;

const DEFAULTS = {
  url: null,
  serverPid: null,
  scenarios: 'connections,fanout,many,users,hot',
  writers: 32,
  increments: 3000,
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
  out: null,
  help: false,
};

const camel = (flag) => flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const BOOLEAN = new Set(['wrk', 'help']);
const TEXT = new Set(['url', 'scenarios', 'fanout', 'out']);
const SCENARIOS = ['connections', 'fanout', 'many', 'users', 'hot', 'wrk'];

export function parse(argv) {
  const options = { ...DEFAULTS };
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
    if (BOOLEAN.has(key)) {
      options[key] = match[2] === undefined ? true : match[2] !== 'false';
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
  options.scenarioList = options.scenarios.split(',').map((s) => s.trim()).filter(Boolean);
  if (options.wrk && !options.scenarioList.includes('wrk')) options.scenarioList.push('wrk');
  for (const s of options.scenarioList) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario '${s}'; known: ${SCENARIOS.join(', ')}`);
  options.fanoutList = options.fanout.split(',').filter(Boolean).map((spec) => {
    const m = spec.trim().match(/^(\d+)@(\d+(?:\.\d+)?)$/);
    if (!m) throw new Error(`--fanout wants subscribers@rate pairs like 500@20, not '${spec}'`);
    return { subscribers: Number(m[1]), rate: Number(m[2]) };
  });
  for (const key of ['writers', 'increments', 'writerProcs', 'procs', 'counters', 'subsPerCounter', 'mixedWriters', 'visitors', 'visitorIncrements', 'wrkThreads']) {
    if (!Number.isInteger(options[key]) || options[key] < 1) throw new Error(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a whole number ≥ 1`);
  }
  if (options.readShare > 1) throw new Error('--read-share must be between 0 and 1');
  return options;
}
