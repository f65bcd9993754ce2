// LiveCounter load generator: starts the server and its store when asked to (--app, what run.sh does), runs the
// scenarios (src/scenarios/) in worker processes, checks, prints a table per scenario and writes a JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from './options.mjs';
import { Bench, progress } from './bench.mjs';
import { cpuLimiter, startStack } from './launch/stack.mjs';
import { readCounter } from './driver/http.mjs';
import { NOISE_MIN_SECONDS, NOISY_OTHER_CORES, isNoisy, machine } from './system.mjs';
import { int, round, sleep, table } from './stats.mjs';
import { compare } from './coldstart.mjs';
import { runPictures } from './charts.mjs';
import * as connections from './scenarios/connections.mjs';
import * as fanout from './scenarios/fanout.mjs';
import * as many from './scenarios/many.mjs';
import * as users from './scenarios/users.mjs';
import * as hot from './scenarios/hot.mjs';
import * as wrk from './scenarios/wrk.mjs';
import * as memory from './scenarios/memory.mjs';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The increments' warm-up stops early once steady, but never before this (or --warmup-seconds when shorter). */
const WARMUP_MIN_MS = 3000;
/** Every stack started and not stopped yet: Ctrl-C and SIGTERM stop them all. */
const running = new Set();

/** Increments until the server's rate is steady, so tiered JIT has optimised it before anything is measured. */
function warmup(bench, writers = bench.options.writers) {
  const maxMs = bench.options.warmupSeconds * 1000;
  progress.set('warmup (until steady)');
  const name = `${bench.run}-warmup${bench.bases.length > 1 ? `-n${bench.bases.length}` : ''}-${Date.now().toString(36)}`;
  return bench.load[0].call('warm', { base: bench.base, bases: bench.bases, name, writers, minMs: Math.min(WARMUP_MIN_MS, maxMs), maxMs, plain: bench.options.plainWriters });
}

/** The connection path once (16 connections, broadcasts for a second), so that memory measures connections, not JIT. */
async function warmConnections(bench) {
  progress.set('warmup: connections');
  const name = `${bench.run}-warm-connections`;
  await bench.subscribeGeneral(Math.min(16, bench.options.connections), () => name);
  await bench.load[0].call('paced', { base: bench.base, name, rate: 50, durationMs: 1000, connections: 2 });
  await sleep(200); // the last messages
  await bench.collectAll();
  await bench.unsubscribeAll();
}

async function start(options, paths, shape) {
  const stack = await startStack(options, paths, shape);
  running.add(stack);
  const where = (list) => list.map((s) => path.relative(process.cwd(), s)).join(', ');
  process.stderr.write(`bench: ${describeServer(stack)} at ${stack.servers.map((s) => s.url).join(', ')}${shape ? '' : ` (pid ${stack.serverPid})`}, log${stack.servers.length > 1 ? 's' : ''} ${where(stack.servers.map((s) => s.logFile))}\n`);
  return stack;
}

const stop = (stack) => stack.stop().finally(() => running.delete(stack));

/** A stack of its own for one scenario (hot on N instances or from cold, the memory flood); each result gets its description. */
async function onOwnStack(bench, paths, shape, fn) {
  const stack = await start(bench.options, paths, shape);
  const previous = bench.server;
  bench.use(stack);
  try {
    const value = await fn(stack);
    const proxy = await stack.proxyStats().catch(() => null);
    for (const result of [value].flat()) {
      result.server = { description: describeServer(stack), command: stack.command, logs: stack.servers.map((s) => s.logFile), pids: stack.servers.map((s) => s.pid), cpuGroups: stack.servers.map((s) => s.cpuGroup) };
      result.storeProxyWholeStack = proxy;
    }
    return value;
  } finally {
    bench.use(previous);
    await stop(stack);
  }
}

/** Whether a scenario runs on a stack of its own (hot with --instances or --cold-start, memory with --app). */
const ownStack = (o, scenario) => (scenario === 'hot' && (o.instanceList != null || o.coldStart)) || (scenario === 'memory' && o.app != null);

/** hot's variants: on the run's server, or each on a fresh stack of N instances, or from cold (then warm-up, and again). */
async function runHot(bench, options, paths) {
  const results = [];
  for (const variant of options.hotVariants) {
    if (variant.instances == null && !variant.coldStart) {
      results.push(await hot.run(bench, variant));
      continue;
    }
    const instances = variant.instances ?? 1;
    const label = `hot-n${instances}${variant.stuck ? '-stuck' : ''}${variant.coldStart ? '-cold-start' : ''}`;
    const warm = async (phase) => ({ warmup: options.warmupSeconds > 0 ? await warmup(bench, variant.writers) : null, ...(await hot.run(bench, { ...variant, phase })) });
    results.push(...[await onOwnStack(bench, paths, { instances, metrics: true, label, backplane: variant.instances != null }, async () => {
      if (!variant.coldStart) return warm(undefined);
      const cold = await hot.run(bench, { ...variant, phase: 'cold' });
      const after = await warm('warm');
      cold.coldStart = compare(cold.series, after.series);
      return [cold, after];
    })].flat());
  }
  return results;
}

async function runScenarios(bench, o, paths) {
  const want = (s) => o.scenarioList.includes(s);
  if (o.scenarioList.some((s) => !ownStack(o, s))) {
    await warmConnections(bench);
    if (want('connections')) bench.results.connections = await connections.run(bench);
    if (o.warmupSeconds > 0) bench.results.warmup = await warmup(bench);
    for (const [name, scenario] of Object.entries({ fanout, many, users })) if (want(name)) bench.results[name] = await scenario.run(bench);
    progress.set('closing connections');
    await bench.eachSub('closeAll');
  }
  if (want('hot')) bench.results.hot = await runHot(bench, o, paths);
  if (want('wrk')) bench.results.wrk = await wrk.run(bench, { benchDir });
  if (want('memory')) {
    const run = () => memory.run(bench);
    bench.results.memory = ownStack(o, 'memory') ? await onOwnStack(bench, paths, { serverArgs: memory.capArgs(o), label: 'memory' }, run) : await run();
    memory.check(bench, bench.results.memory);
  }
}

export function describeServer(server) {
  if (!server) return 'an external server (--url): its store and settings are its own';
  const s = server.store;
  const p = s.proxy;
  const cuts = p && [p.latencyMsEachWay > 0 && `+${p.latencyMsEachWay} ms each way`, p.faultRate > 0 && `${+(p.faultRate * 100).toFixed(3)} % of store requests cut`, p.partitionLimit > 0 && `each partition held to ${p.partitionLimit} entities/s, the rest answered 503 ServerBusy`].filter(Boolean);
  const store = (s.kind === 'tables' ? `Table store on Azurite ${s.azurite.version} (in memory)` : 'in-memory store') + (p ? ` through the store proxy (${cuts.join(', ')})` : '');
  return `${s.instances > 1 ? `${s.instances} Standalone processes on one table` : 'Standalone'} on the ${store}, group commit ${s.groupCommit ? 'on' : 'off'}${s.backplane ? `, SignalR backplane on Redis (${s.backplane.redis})` : ''}`;
}

export function render(report) {
  const r = report.results;
  const m = report.machine;
  const out = [`LiveCounter bench  ${report.startedAt}  ${report.url ?? '(every scenario on servers of its own)'}`, `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, .NET SDK ${m.dotnet}, Node ${m.node}, @microsoft/signalr ${m.signalrClient}`];
  if (report.server || !(r.hot?.some((h) => h.server) || r.memory?.server)) out.push(`server: ${describeServer(report.server)}`);
  for (const h of (r.hot ?? []).filter((x) => x.server)) out.push(`server of hot ${h.label}: ${h.server.description}`);
  if (r.memory?.server) out.push(`server of memory: ${r.memory.server.description} (${r.memory.server.command})`);
  const o = report.options;
  const store = (o.store === 'tables' ? ' / store (Azurite, proxy)' : '') + (o.instances != null ? ' / redis' : '');
  out.push(`cpu: cores in the measured phase: server${store} / bench (busiest process: 1.0 is its limit) / other ` +
    `(NOISY when > ${NOISY_OTHER_CORES} over ${NOISE_MIN_SECONDS} s or more)`);
  const w = r.warmup;
  const rates = w?.ratesPerSecond.map(int).join(', ');
  if (w) out.push(`Warm-up: ${w.seconds.toFixed(1)} s of increments, ${w.steady ? '' : 'not yet '}steady; per second: ${rates}`);
  const c = report.calibrationMs;
  if (c?.length) out.push(`Speed check before each phase (fixed work, lower is faster): ${Math.min(...c)}-${Math.max(...c)} ms`);
  const scenarios = { hot, wrk, fanout, many, connections, users, memory };
  for (const [name, scenario] of Object.entries(scenarios)) if (r[name] && [r[name]].flat().length) out.push('', scenario.render(r[name]));
  const rows = [];
  const add = (label, d) => {
    const cell = (x) => (x ? `${int(x.transaction + x.read + x.other)} (${int(x.transaction)} / ${int(x.read)} / ${int(x.other)})` : '0');
    if (d) rows.push([label, cell(d.requests), cell(d.dropped), cell(d.answersLost), cell(d.limited)]);
  };
  (r.fanout ?? []).forEach((f) => add(`fanout ${f.subscribers}@${f.rate}`, f.store));
  for (const name of ['many', 'users']) add(name, r[name]?.store);
  for (const h of r.hot ?? []) add(h.label ? `hot ${h.label}` : 'hot', h.store);
  for (const h of r.hot ?? []) if (h.storeProxyWholeStack) add(`hot ${h.label}: its stack's whole run`, h.storeProxyWholeStack);
  add('wrk', r.wrk?.store);
  add('whole run (warm-up and bookkeeping included)', report.storeProxy);
  if (report.storeProxy || r.hot?.some((h) => h.store)) out.push('', table([['store proxy', 'requests (transactions / reads / other)', 'cut before reaching Azurite', 'cut when the answer started (answer lost)', 'answered 503 ServerBusy (--partition-limit)'], ...rows]));
  out.push('', report.failures.length ? `CHECKS FAILED:\n  ${report.failures.join('\n  ')}` : 'All exactness, missing and misdelivery checks passed.');
  return out.join('\n');
}

async function main() {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const paths = { benchDir, resultsDir: path.join(benchDir, 'results'), stamp };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      progress.stop();
      process.stderr.write(`bench: ${signal}, stopping what it started\n`);
      Promise.allSettled([...running].map((stack) => stack.stop())).finally(() => process.exit(130));
    });
  }
  let [options, stack, server] = [null, null, null];
  try {
    options = parse(process.argv.slice(2));
    if (options.help) return 0;
    if (!options.url && !options.app) throw new Error('no --url. Run ./bench/run.sh to build and start Standalone, or pass --url of a running server.');
    if (options.instanceCpus != null) {
      const limiter = cpuLimiter();
      process.stderr.write(`bench: each Standalone held to ${options.instanceCpus} core (cgroup ${limiter.kind} under ${limiter.base})\n`);
    }
    mkdirSync(paths.resultsDir, { recursive: true });
    const needsServer = options.scenarioList.some((s) => !ownStack(options, s));
    if (needsServer && options.app) {
      process.stderr.write(`bench: starting Standalone on the ${options.store === 'tables' ? 'Table store (Azurite)' : 'in-memory store'}\n`);
      server = stack = await start(options, paths);
    } else if (needsServer) {
      await readCounter(options.url, 'bench-ping', { attempts: 1 }).catch((error) => {
        throw new Error(`${options.url} does not answer GET /api/counters/bench-ping: ${error.message}`);
      });
      server = { url: options.url };
    }
  } catch (error) {
    console.error(`bench: ${error.message}`);
    return 2;
  }
  const loadAverage = () => os.loadavg().map((x) => round(x, 2));
  const report = {
    startedAt: startedAt.toISOString(), url: server?.url ?? null, serverPid: server?.serverPid ?? null, server: stack ? { command: stack.command, store: stack.store, log: stack.logFile } : null,
    machine: machine(benchDir), loadAverageAtStart: loadAverage(), options: Object.fromEntries(Object.entries(options).filter(([k]) => !['help', 'scenarioList', 'fanoutList'].includes(k))),
  };
  const bench = new Bench(options, server);
  progress.start(bench.all, () => bench.serverPid);
  let crashed = null;
  try {
    await runScenarios(bench, options, paths);
  } catch (error) {
    crashed = error;
  } finally {
    progress.stop();
    await bench.close();
    if (stack) {
      report.storeProxy = await stack.proxyStats().catch(() => null);
      await stop(stack);
    }
  }
  // Phases in which other processes used more than NOISY_OTHER_CORES.
  const noisy = Object.entries(bench.results).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x, i) => [`${k}[${i}]`, x]) : [[k, v]])).filter(([, v]) => isNoisy(v?.cpu)).map(([k]) => k);
  Object.assign(report, { finishedAt: new Date().toISOString(), loadAverageAtEnd: loadAverage(), results: bench.results, failures: bench.failures, calibrationMs: bench.calibrations, error: crashed ? String(crashed.stack ?? crashed) : null, noisyPhases: noisy });
  const file = options.out ?? path.join(paths.resultsDir, `${stamp}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const pictures = await runPictures(report, stamp).catch((error) => console.error(`bench: the pictures could not be drawn: ${error.message}`) ?? {});
  for (const [name, svg] of Object.entries(pictures)) writeFileSync(path.join(paths.resultsDir, name), svg);
  console.log(render(report));
  if (noisy.length) console.log(`Noisy phases (other processes used > ${NOISY_OTHER_CORES} cores): ${noisy.join(', ')}: re-run when the machine is quiet.`);
  console.log(`Results: ${path.relative(process.cwd(), file) || file}`);
  for (const name of Object.keys(pictures)) console.log(`Picture: ${path.relative(process.cwd(), path.join(paths.resultsDir, name))}`);
  if (crashed) console.error(`bench: ${crashed.stack ?? crashed}`);
  return crashed ? 2 : report.failures.length ? 1 : 0;
}

process.exitCode = await main();
