// What run.sh asks for (--app): the store (Azurite, and the proxy in front of it when --store-latency or
// --store-faults ask for one), then Standalone on it; stopped in reverse order at the end, or killed when the bench
// itself exits some other way.
import path from 'node:path';
import { startAzurite } from './azurite.mjs';
import { startProxy } from './proxy.mjs';
import { startStandalone } from './standalone.mjs';

const started = [];
process.on('exit', () => {
  // Last resort (an uncaught error, process.exit): nothing the bench started outlives it.
  for (const part of started) part.kill();
});

export async function startStack(options, { benchDir, resultsDir, stamp }) {
  const repoDir = path.resolve(benchDir, '..');
  const logFile = path.join(resultsDir, `server-${stamp}.log`);
  const stack = {
    url: null,
    serverPid: null,
    logFile,
    store: { kind: options.store, groupCommit: options.groupCommit === 'on' },
    storePids: () => [azurite?.pid, proxy?.pid].filter(Boolean),
    proxyStats: async () => (proxy ? proxy.stats() : null),
    async stop() {
      for (const part of [server, proxy, azurite]) {
        if (part) await part.stop().catch(() => part.kill());
      }
      started.length = 0;
    },
  };
  let azurite = null;
  let proxy = null;
  let server = null;
  try {
    let connectionString = null;
    if (options.store === 'tables') {
      azurite = await startAzurite({ benchDir, logFile: path.join(resultsDir, `azurite-${stamp}.log`) });
      started.push(azurite);
      stack.store.azurite = { version: azurite.version, port: azurite.port, account: azurite.account, persistence: 'in memory' };
      if (options.storeLatency > 0 || options.storeFaults > 0) {
        proxy = await startProxy({ targetPort: azurite.port, latencyMs: options.storeLatency });
        started.push(proxy);
        stack.store.proxy = { port: proxy.port, latencyMsEachWay: options.storeLatency, faultRate: options.storeFaults };
      }
      connectionString = azurite.connectionString(proxy?.port ?? azurite.port);
    }
    server = await startStandalone({ app: options.app, repoDir, logFile, connectionString, groupCommit: options.groupCommit === 'on' });
    started.push(server);
    stack.url = server.url;
    stack.serverPid = server.pid;
    stack.command = server.command;
    // Faults only once Standalone is up: its start-up creates the table, and a cut there would stop it.
    if (proxy && options.storeFaults > 0) await proxy.setFaultRate(options.storeFaults);
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
