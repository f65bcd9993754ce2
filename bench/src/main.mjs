// LiveCounter load generator: starts the server and its store when asked to (--app, what run.sh does), runs the
// scenarios (src/scenarios/) in worker processes, checks, prints a table per scenario and writes a JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, parse } from './options.mjs';
import { Bench } from './bench.mjs';
import { cpuLimiter, startStack } from './launch/stack.mjs';
import { readCounter } from './driver/http.mjs';
import { progress } from './progress.mjs';
import { describeServer, render } from './report.mjs';
import { NOISY_OTHER_CORES, isNoisy, machine } from './system.mjs';
import { round, sleep } from './stats.mjs';
import { compare } from './coldstart.mjs';
import { runPictures } from './charts.mjs';
import * as connections from './scenarios/connections.mjs';
import * as fanout from './scenarios/fanout.mjs';
import * as many from './scenarios/many.mjs';
import * as users from './scenarios/users.mjs';
import * as hot from './scenarios/hot.mjs';
import * as wrk from './scenarios/wrk.mjs';
import * as memory from './scenarios/memory.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');

/** The connection path's warm-up: this many connections, broadcasts at this rate for a second, then a pause for the last messages. */
const WARM_CONNECTIONS = 16;
const WARM_BROADCASTS_PER_SECOND = 50;
const WARM_LAST_MESSAGES_MS = 200;
/** The increments' warm-up stops early once steady, but never before this (or --warmup-seconds when shorter). */
const WARMUP_MIN_MS = 3000;

/** Warm-up: increments until the server's rate is steady, so tiered JIT has optimised it before anything is measured. */
async function warmup(bench, writers = bench.options.writers) {
  const maxMs = bench.options.warmupSeconds * 1000;
  progress.set('warmup (until steady)');
  const name = `${bench.run}-warmup${bench.bases.length > 1 ? `-n${bench.bases.length}` : ''}-${Date.now().toString(36)}`;
  return bench.load[0].call('warm', { base: bench.base, bases: bench.bases, name, writers, minMs: Math.min(WARMUP_MIN_MS, maxMs), maxMs, plain: bench.options.plainWriters });
}

/**
 * Runs the connection path once (negotiate, connect, subscribe, a few broadcasts) with a handful of connections,
 * so that the memory scenario measures connections rather than JIT and first-use allocations.
 */
async function warmConnections(bench) {
  progress.set('warmup: connections');
  const name = `${bench.run}-warm-connections`;
  await bench.subscribeGeneral(Math.min(WARM_CONNECTIONS, bench.options.connections), () => name);
  await bench.load[0].call('paced', { base: bench.base, name, rate: WARM_BROADCASTS_PER_SECOND, durationMs: 1000, connections: 2 });
  await sleep(WARM_LAST_MESSAGES_MS);
  await bench.collectAll();
  await bench.unsubscribeAll();
}

/** The options, or the exit status when there is nothing to run (help, or an error). */
function parseArguments(argv) {
  try {
    const options = parse(argv);
    if (options.help) {
      console.log(HELP);
      return { exitCode: 0 };
    }
    if (!options.url && !options.app) {
      console.error('bench: no --url. Run ./bench/run.sh to build and start Standalone, or pass --url of a running server.');
      return { exitCode: 2 };
    }
    return { options };
  } catch (error) {
    console.error(`bench: ${error.message}`);
    return { exitCode: 2 };
  }
}

/** Every stack the bench has started and not stopped yet: Ctrl-C and SIGTERM stop them all. */
const running = new Set();

function stopOnSignals() {
  const stop = (signal) => {
    progress.stop();
    process.stderr.write(`bench: ${signal}, stopping what it started\n`);
    Promise.allSettled([...running].map((stack) => stack.stop())).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Starts a stack of its own for one scenario (a hot variant on N instances or from cold, the memory flood), runs fn
 * on it, stops it. fn returns a result or a list of results (a cold run and the warm run after it); each gets the
 * stack's description.
 */
async function onOwnStack(bench, paths, shape, fn) {
  const stack = await startStack(bench.options, paths, shape);
  running.add(stack);
  process.stderr.write(`bench: ${describeServer(stack)} at ${stack.servers.map((s) => s.url).join(', ')}, logs ${stack.servers.map((s) => path.relative(process.cwd(), s.logFile)).join(', ')}\n`);
  const previous = bench.server;
  bench.use(stack);
  try {
    const value = await fn(stack);
    const proxy = await stack.proxyStats().catch(() => null);
    for (const result of Array.isArray(value) ? value : [value]) {
      result.server = { description: describeServer(stack), command: stack.command, logs: stack.servers.map((s) => s.logFile), pids: stack.servers.map((s) => s.pid), cpuGroups: stack.servers.map((s) => s.cpuGroup) };
      result.storeProxyWholeStack = proxy;
    }
    return value;
  } finally {
    bench.use(previous);
    await stack.stop();
    running.delete(stack);
  }
}

/**
 * The server to drive: started with its store (--app), stopped on Ctrl-C or SIGTERM as well as at the end, or
 * the one at --url, checked to answer. Throws with a message for the user when it cannot be had.
 */
async function startServer(options, paths) {
  if (!options.app) {
    try {
      await readCounter(options.url, 'bench-ping', { attempts: 1 });
    } catch (error) {
      throw new Error(`${options.url} does not answer GET /api/counters/bench-ping: ${error.message}`);
    }
    return { stack: null, server: { url: options.url, pid: options.serverPid } };
  }
  process.stderr.write(`bench: starting Standalone on the ${options.store === 'tables' ? 'Table store (Azurite)' : 'in-memory store'}\n`);
  const stack = await startStack(options, paths);
  running.add(stack);
  process.stderr.write(`bench: ${describeServer(stack)} at ${stack.url} (pid ${stack.serverPid}), log ${path.relative(process.cwd(), stack.logFile)}\n`);
  return { stack, server: stack };
}

/** Whether a scenario runs on the run's own server (hot with --instances or --cold-start, and memory with --app, start stacks of their own). */
const ownStack = (options, scenario) => (scenario === 'hot' && (options.instanceList != null || options.coldStart)) || (scenario === 'memory' && options.app != null);
const needsRunServer = (options) => options.scenarioList.some((s) => !ownStack(options, s));

/**
 * The hot scenario's variants: on the run's server, or each on a fresh stack of N instances (--instances), or from
 * cold (--cold-start: the load at once on fresh processes, then a warm-up and the same load again on them).
 */
async function runHot(bench, options, paths) {
  const results = [];
  for (const variant of options.hotVariants) {
    if (variant.instances == null && !variant.coldStart) {
      results.push(await hot.run(bench, variant));
      continue;
    }
    const instances = variant.instances ?? 1;
    const label = `hot-n${instances}${variant.stuck ? '-stuck' : ''}${variant.coldStart ? '-cold-start' : ''}`;
    const shape = { instances, metrics: true, label, backplane: variant.instances != null };
    const phases = await onOwnStack(bench, paths, shape, async () => {
      if (!variant.coldStart) {
        const warm = options.warmupSeconds > 0 ? await warmup(bench, variant.writers) : null;
        return { ...(await hot.run(bench, variant)), warmup: warm };
      }
      const cold = await hot.run(bench, { ...variant, phase: 'cold' });
      const warm = options.warmupSeconds > 0 ? await warmup(bench, variant.writers) : null;
      const after = { ...(await hot.run(bench, { ...variant, phase: 'warm' })), warmup: warm };
      cold.coldStart = compare(cold.series, after.series);
      return [cold, after];
    });
    results.push(...(Array.isArray(phases) ? phases : [phases]));
  }
  return results;
}

/** The scenarios asked for, in their fixed order; each result goes into bench.results. */
async function runScenarios(bench, options, paths) {
  const want = (s) => options.scenarioList.includes(s);
  if (needsRunServer(options)) {
    await warmConnections(bench);
    if (want('connections')) bench.results.connections = await connections.run(bench);
    if (options.warmupSeconds > 0) bench.results.warmup = await warmup(bench);
    if (want('fanout')) bench.results.fanout = await fanout.run(bench);
    if (want('many')) bench.results.many = await many.run(bench);
    if (want('users')) bench.results.users = await users.run(bench);
    progress.set('closing connections');
    await Promise.all(bench.subs.map((w) => w.call('closeAll')));
  }
  if (want('hot')) bench.results.hot = await runHot(bench, options, paths);
  if (want('wrk')) bench.results.wrk = await wrk.run(bench, { benchDir: paths.benchDir });
  if (want('memory')) {
    bench.results.memory = ownStack(options, 'memory')
      ? await onOwnStack(bench, paths, { serverArgs: memory.capArgs(options), label: 'memory' }, () => memory.run(bench))
      : await memory.run(bench);
    memory.check(bench, bench.results.memory);
  }
}

/** Phases in which other processes used more than NOISY_OTHER_CORES. */
function noisyPhases(results) {
  return Object.entries(results)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x, i) => [`${k}[${i}]`, x]) : [[k, v]]))
    .filter(([, v]) => isNoisy(v?.cpu))
    .map(([k]) => k);
}

async function main() {
  const { options, exitCode } = parseArguments(process.argv.slice(2));
  if (!options) return exitCode;

  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const paths = { benchDir, resultsDir, stamp };
  if (options.instanceCpus != null) {
    try {
      const limiter = cpuLimiter();
      process.stderr.write(`bench: each Standalone held to ${options.instanceCpus} core (cgroup ${limiter.kind} under ${limiter.base})\n`);
    } catch (error) {
      console.error(`bench: ${error.message}`);
      return 2;
    }
  }
  stopOnSignals();
  let stack = null;
  let server = null;
  if (needsRunServer(options)) {
    try {
      ({ stack, server } = await startServer(options, paths));
    } catch (error) {
      console.error(`bench: ${error.message}`);
      return 2;
    }
  }

  const report = {
    startedAt: startedAt.toISOString(),
    url: server?.url ?? null,
    serverPid: server?.pid ?? server?.serverPid ?? null,
    server: stack ? { command: stack.command, store: stack.store, log: stack.logFile } : null,
    machine: machine(benchDir),
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    options: Object.fromEntries(Object.entries(options).filter(([k]) => !['help', 'scenarioList', 'fanoutList'].includes(k))),
    results: null,
    failures: null,
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
      await stack.stop();
      running.delete(stack);
    }
  }
  report.finishedAt = new Date().toISOString();
  report.loadAverageAtEnd = os.loadavg().map((x) => round(x, 2));
  report.results = bench.results;
  report.failures = bench.failures;
  report.calibrationMs = bench.calibrations;
  report.error = crashed ? String(crashed.stack ?? crashed) : null;
  report.noisyPhases = noisyPhases(bench.results);

  const file = options.out ?? path.join(resultsDir, `${stamp}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

  const pictures = await runPictures(report, stamp).catch((error) => {
    console.error(`bench: the pictures could not be drawn: ${error.message}`);
    return {};
  });
  for (const [name, svg] of Object.entries(pictures)) writeFileSync(path.join(resultsDir, name), svg);

  console.log(render(report));
  if (report.noisyPhases.length) console.log(`Noisy phases (other processes used > ${NOISY_OTHER_CORES} cores): ${report.noisyPhases.join(', ')}: re-run when the machine is quiet.`);
  console.log(`Results: ${path.relative(process.cwd(), file) || file}`);
  for (const name of Object.keys(pictures)) console.log(`Picture: ${path.relative(process.cwd(), path.join(resultsDir, name))}`);
  if (crashed) {
    console.error(`bench: ${crashed.stack ?? crashed}`);
    return 2;
  }
  return report.failures.length ? 1 : 0;
}

process.exitCode = await main();
