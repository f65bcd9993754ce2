// What run.sh asks for (--app): Azurite and the store proxy in front of it (--store tables, and --store-latency,
// --store-faults or --partition-limit), redis-server for the SignalR backplane (--instances), then Standalone on
// them, once or --instances times on one table; stopped in reverse order at the end, killed if the bench exits
// otherwise. Azurite runs in memory under an account whose key is random per run: the key lives in this process
// and in Standalone's environment (CountersStorage, not on the command line), never in a log or the results.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AzureNamedKeyCredential, TableClient } from '@azure/data-tables';
import getPort from 'get-port';
import { now } from '../stats.mjs';
import { cpuGroups, inGroup } from './cgroup.mjs';
import { EXPORT_INTERVAL_MS } from './metrics.mjs';
import { startProxy } from './proxy.mjs';

const ACCOUNT = 'benchstore';
const started = new Set();
let groups = null; // the run's cgroups (--instance-cpus), made on first use
process.on('exit', () => {
  // Last resort (an uncaught error, process.exit): nothing the bench started outlives it, nor its cgroups.
  for (const part of started) part.kill();
  groups?.removeAll();
});

/** Throws the reason when --instance-cpus cannot be honoured here (before anything is started). */
export const cpuLimiter = () => (groups ??= cpuGroups());

const listening = (port) => () =>
  new Promise((resolve) => net.connect(port, '127.0.0.1', function () { this.destroy(); resolve(true); }).once('error', () => resolve(false)));
const answers = (url) => () =>
  new Promise((resolve) => http.get(url, { agent: false, signal: AbortSignal.timeout(2000) }, (r) => resolve(r.resume().statusCode === 200)).once('error', () => resolve(false)));

/** Starts `command` logging to logFile (in a temporary directory when `temp` names one), polls `ready` every 50 ms. */
async function launch(what, command, args, { logFile, ready, timeoutMs, graceMs = 2000, temp, cwd, env = process.env, hint = '' }) {
  const dir = temp && mkdtempSync(path.join(os.tmpdir(), `livecounter-${temp}-`));
  const [log, startedAt] = [openSync(logFile, 'a'), now()];
  const child = spawn(command, args, { cwd: dir || cwd, env, stdio: ['ignore', log, log] });
  let spawnError = null;
  child.once('error', (error) => (spawnError = error));
  const gone = () => spawnError !== null || child.exitCode !== null || child.signalCode !== null;
  const exited = new Promise((resolve) => child.once('exit', resolve).once('error', resolve));
  const part = {
    pid: child.pid,
    startedAt,
    async stop() {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    kill: () => gone() || child.kill('SIGKILL'),
  };
  for (const deadline = Date.now() + timeoutMs; !(await ready()); await sleep(50)) {
    const failure = spawnError
      ? `${what} could not be started (${spawnError.message})${hint}`
      : gone()
        ? `${what} exited during start-up (${child.exitCode ?? child.signalCode}); its log:\n${readFileSync(logFile, 'utf8')}`
        : Date.now() > deadline && `${what} did not get ready within ${timeoutMs / 1000} s; log ${logFile}`;
    if (failure) {
      await part.stop();
      throw new Error(failure);
    }
  }
  return { ...part, readyAt: now() };
}

async function startAzurite({ benchDir, logFile }) {
  const main = path.join(benchDir, 'node_modules', 'azurite', 'dist', 'src', 'table', 'main.js');
  if (!existsSync(main)) throw new Error(`Azurite is not installed (${main}): run npm ci in bench/ (run.sh does)`);
  const { version } = JSON.parse(readFileSync(path.join(benchDir, 'node_modules', 'azurite', 'package.json'), 'utf8'));
  const key = randomBytes(64).toString('base64');
  const port = await getPort({ host: '127.0.0.1' });
  const args = [main, '--tableHost', '127.0.0.1', '--tablePort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--silent'];
  const env = { ...process.env, AZURITE_ACCOUNTS: `${ACCOUNT}:${key}` };
  // temp: in memory it writes no database, but whatever it might write (a debug log) stays out of the repository
  const part = await launch('Azurite', process.execPath, args, { logFile, env, temp: 'azurite', ready: listening(port), timeoutMs: 30_000 });
  return {
    ...part,
    port,
    version,
    account: ACCOUNT,
    /** Standalone's connection string: straight to Azurite, or through a proxy listening on `via`. */
    connectionString: (via = port) => `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${key};TableEndpoint=http://127.0.0.1:${via}/${ACCOUNT};`,
    /** A client of one table straight to Azurite (never through the proxy), for the bench's own reads. */
    tableClient: (table) => new TableClient(`http://127.0.0.1:${port}/${ACCOUNT}`, table, new AzureNamedKeyCredential(ACCOUNT, key), { allowInsecureConnection: true }),
  };
}

/** redis-server from the system, nothing saved (no RDB, no AOF). */
async function startRedis({ logFile }) {
  const port = await getPort({ host: '127.0.0.1' });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const hint = ': --instances needs it (apt-get install redis-server)';
  const part = await launch('redis-server', 'redis-server', args, { logFile, temp: 'redis', ready: listening(port), timeoutMs: 15_000, hint });
  return { ...part, configuration: `127.0.0.1:${port}`, command: `redis-server ${args.map((a) => a || "''").join(' ')}` };
}

/**
 * The published Standalone run directly (content root Standalone/), so that the child's pid is the server's; request
 * log line off; metrics: its meter exported to its log. startedAt/readyAt: spawned, first answer (monotonic ms).
 */
async function startStandalone({ app, repoDir, logFile, connectionString = null, groupCommit = true, metrics = false, serverArgs = [], cpuGroup = null }) {
  const url = `http://127.0.0.1:${await getPort({ host: '127.0.0.1' })}`;
  const settings = [...(groupCommit ? [] : ['--LiveCounter:GroupCommit=false']), ...(metrics ? ['--LiveCounter:Metrics=console'] : []), ...serverArgs];
  const args = [app, '--urls', url, '--Logging:LogLevel:LiveCounter.Standalone.Requests=Warning', ...settings];
  // only the run's own store reaches it (spawn leaves out what is undefined)
  const env = { ...process.env, CountersStorage: connectionString ?? undefined, ...(metrics ? { OTEL_METRIC_EXPORT_INTERVAL: String(EXPORT_INTERVAL_MS) } : {}) };
  const { command, args: argv } = cpuGroup ? inGroup(cpuGroup.procs, 'dotnet', args) : { command: 'dotnet', args };
  const ready = answers(`${url}/api/counters/bench-ready`);
  const part = await launch('Standalone', command, argv, { logFile, env, cwd: path.join(repoDir, 'Standalone'), ready, timeoutMs: 60_000, graceMs: 5000 });
  const { cores, quotaUs, periodUs, kind } = cpuGroup ?? {};
  return {
    ...part,
    url,
    logFile,
    cpuGroup: cpuGroup ? { cores, quotaUs, periodUs, cgroup: kind } : null,
    command:
      `dotnet ${path.relative(repoDir, app)} ${args.slice(1).join(' ')}` +
      `${connectionString ? ' (CountersStorage in the environment)' : ''}${metrics ? ` (OTEL_METRIC_EXPORT_INTERVAL=${EXPORT_INTERVAL_MS})` : ''}` +
      `${cpuGroup ? ` (in a cgroup ${kind} of its own: ${quotaUs} µs of CPU per ${periodUs} µs = ${cores} core)` : ''}`,
  };
}

/** `instances` Standalones on one store, each with serverArgs; label: in the logs' names; backplane: one redis-server for all. */
export async function startStack(options, { benchDir, resultsDir, stamp }, { instances = 1, metrics = false, serverArgs = [], label = '', backplane = false } = {}) {
  const repoDir = path.resolve(benchDir, '..');
  const logOf = (name, i = null) => path.join(resultsDir, `${name}-${stamp}${label ? `-${label}` : ''}${i !== null && instances > 1 ? `-i${i}` : ''}.log`);
  let [servers, ownGroups, azurite, proxy, redis] = [[], [], null, null, null];
  const stack = {
    url: null,
    serverPid: null,
    logFile: logOf('server', 0),
    servers,
    store: { kind: options.store, groupCommit: options.groupCommit === 'on', instances, instanceCpus: options.instanceCpus },
    metrics,
    serverPids: () => servers.map((s) => s.pid),
    storePids: () => [azurite?.pid, proxy?.pid].filter(Boolean),
    backplanePids: () => [redis?.pid].filter(Boolean),
    proxyStats: async () => proxy?.stats() ?? null,
    tableClient: () => azurite?.tableClient('counters') ?? null, // the table Standalone creates (Tables/CounterTable.cs)
    async stop() {
      for (const part of [...servers, redis, proxy, azurite].filter(Boolean)) {
        await part.stop().catch(() => part.kill());
        started.delete(part);
      }
      for (const group of ownGroups.splice(0)) group.remove();
    },
  };
  const track = (part) => (started.add(part), part);
  try {
    let connectionString = null;
    if (options.store === 'tables') {
      azurite = track(await startAzurite({ benchDir, logFile: logOf('azurite') }));
      stack.store.azurite = { version: azurite.version, port: azurite.port, account: azurite.account, persistence: 'in memory' };
      if (options.storeLatency > 0 || options.storeFaults > 0 || options.partitionLimit > 0) {
        proxy = track(await startProxy({ targetPort: azurite.port, latencyMs: options.storeLatency, partitionLimit: options.partitionLimit }));
        stack.store.proxy = { port: proxy.port, latencyMsEachWay: options.storeLatency, faultRate: options.storeFaults, partitionLimit: options.partitionLimit };
      }
      connectionString = azurite.connectionString(proxy?.port ?? azurite.port);
    }
    const args = [...serverArgs];
    if (backplane) {
      redis = track(await startRedis({ logFile: logOf('redis') }));
      stack.store.backplane = { redis: redis.command, configuration: redis.configuration };
      args.push('--RealtimeBackplane', redis.configuration);
    }
    if (options.instanceCpus != null) for (let i = 0; i < instances; i++) ownGroups.push(cpuLimiter().create(options.instanceCpus));
    const launched = await Promise.allSettled(
      Array.from({ length: instances }, (_, i) =>
        startStandalone({ app: options.app, repoDir, logFile: logOf('server', i), connectionString, groupCommit: options.groupCommit === 'on', metrics, serverArgs: args, cpuGroup: ownGroups[i] ?? null }),
      ),
    );
    servers.push(...launched.filter((o) => o.status === 'fulfilled').map((o) => track(o.value)));
    const failed = launched.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    Object.assign(stack, { url: servers[0].url, serverPid: servers[0].pid, command: servers[0].command });
    // Faults only once Standalone is up: its start-up creates the table, and a cut there would stop it.
    if (proxy && options.storeFaults > 0) await proxy.setFaultRate(options.storeFaults);
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
