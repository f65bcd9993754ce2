// What run.sh asks for (--app): the store (Azurite, and the proxy in front of it when --store-latency,
// --store-faults or --partition-limit ask for one), the Redis server of the SignalR backplane when asked for (--instances), then
// Standalone on them, once or --instances times on the same table; stopped in reverse order at the end, or killed
// when the bench itself exits some other way.
import path from 'node:path';
import { startAzurite } from './azurite.mjs';
import { cpuGroups } from './cgroup.mjs';
import { startProxy } from './proxy.mjs';
import { startRedis } from './redis.mjs';
import { startStandalone } from './standalone.mjs';

const started = [];
/** The run's cgroups (--instance-cpus), made on first use. */
let groups = null;
process.on('exit', () => {
  // Last resort (an uncaught error, process.exit): nothing the bench started outlives it, nor its cgroups.
  for (const part of started) part.kill();
  groups?.removeAll();
});

/** Throws the reason when --instance-cpus cannot be honoured here (before anything is started). */
export function cpuLimiter() {
  groups ??= cpuGroups();
  return groups;
}

/** The table Standalone creates at start-up (Tables/CounterTable.cs). */
export const COUNTERS_TABLE = 'counters';

/**
 * @param options  the bench's options (store, storeLatency, storeFaults, partitionLimit, groupCommit, app)
 * @param paths    { benchDir, resultsDir, stamp }
 * @param shape    instances: Standalone processes on the one store; metrics: each exports the LiveCounter meter to
 *                 its log; serverArgs: more settings for each; label: in the log files' names (several stacks a run);
 *                 backplane: a redis-server of its own, every Standalone on it (--RealtimeBackplane)
 */
export async function startStack(options, { benchDir, resultsDir, stamp }, { instances = 1, metrics = false, serverArgs = [], label = '', backplane = false } = {}) {
  const repoDir = path.resolve(benchDir, '..');
  const suffix = label ? `-${label}` : '';
  const logFileOf = (i) => path.join(resultsDir, `server-${stamp}${suffix}${instances > 1 ? `-i${i}` : ''}.log`);
  const servers = [];
  const stack = {
    url: null,
    serverPid: null,
    logFile: logFileOf(0),
    servers,
    store: { kind: options.store, groupCommit: options.groupCommit === 'on', instances, instanceCpus: options.instanceCpus },
    metrics,
    serverPids: () => servers.map((s) => s.pid),
    storePids: () => [azurite?.pid, proxy?.pid].filter(Boolean),
    backplanePids: () => [redis?.pid].filter(Boolean),
    proxyStats: async () => (proxy ? proxy.stats() : null),
    /** A client of the counters table straight to Azurite (null on the in-memory store). */
    tableClient: () => azurite?.tableClient(COUNTERS_TABLE) ?? null,
    async stop() {
      for (const part of [...servers, redis, proxy, azurite]) {
        if (part) await part.stop().catch(() => part.kill());
      }
      for (const part of [...servers, redis, proxy, azurite]) {
        const at = started.indexOf(part);
        if (at >= 0) started.splice(at, 1);
      }
      for (const group of ownGroups.splice(0)) group.remove();
    },
  };
  let azurite = null;
  let proxy = null;
  let redis = null;
  const ownGroups = [];
  try {
    const cpuGroupOf = () => {
      if (options.instanceCpus == null) return null;
      const group = cpuLimiter().create(options.instanceCpus);
      ownGroups.push(group);
      return group;
    };
    let connectionString = null;
    if (options.store === 'tables') {
      azurite = await startAzurite({ benchDir, logFile: path.join(resultsDir, `azurite-${stamp}${suffix}.log`) });
      started.push(azurite);
      stack.store.azurite = { version: azurite.version, port: azurite.port, account: azurite.account, persistence: 'in memory' };
      if (options.storeLatency > 0 || options.storeFaults > 0 || options.partitionLimit > 0) {
        proxy = await startProxy({ targetPort: azurite.port, latencyMs: options.storeLatency, partitionLimit: options.partitionLimit });
        started.push(proxy);
        stack.store.proxy = { port: proxy.port, latencyMsEachWay: options.storeLatency, faultRate: options.storeFaults, partitionLimit: options.partitionLimit };
      }
      connectionString = azurite.connectionString(proxy?.port ?? azurite.port);
    }
    const args = [...serverArgs];
    if (backplane) {
      redis = await startRedis({ logFile: path.join(resultsDir, `redis-${stamp}${suffix}.log`) });
      started.push(redis);
      stack.store.backplane = { redis: redis.command, configuration: redis.configuration };
      args.push('--RealtimeBackplane', redis.configuration);
    }
    const launched = await Promise.allSettled(
      Array.from({ length: instances }, (_, i) =>
        startStandalone({ app: options.app, repoDir, logFile: logFileOf(i), connectionString, groupCommit: options.groupCommit === 'on', metrics, serverArgs: args, cpuGroup: cpuGroupOf() }),
      ),
    );
    for (const outcome of launched) {
      if (outcome.status === 'fulfilled') {
        servers.push(outcome.value);
        started.push(outcome.value);
      }
    }
    const failed = launched.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    stack.url = servers[0].url;
    stack.serverPid = servers[0].pid;
    stack.command = servers[0].command;
    // Faults only once Standalone is up: its start-up creates the table, and a cut there would stop it.
    if (proxy && options.storeFaults > 0) await proxy.setFaultRate(options.storeFaults);
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
