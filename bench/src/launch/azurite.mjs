// Azurite's Table service (npm azurite 3.37.0, pinned in bench/package.json) for a run on the Table store: in memory,
// on a free loopback port, under an account whose key is random bytes made up for this run, so no well-known key
// is written anywhere. The key lives in this process and in the connection string handed to Standalone's
// environment; it is never printed, logged or written to the results.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AzureNamedKeyCredential, TableClient } from '@azure/data-tables';
import { freePort, stopChild, waitUntilListening } from './ports.mjs';

const ACCOUNT = 'benchstore';

export async function startAzurite({ benchDir, logFile }) {
  const main = path.join(benchDir, 'node_modules', 'azurite', 'dist', 'src', 'table', 'main.js');
  if (!existsSync(main)) throw new Error(`Azurite is not installed (${main}): run npm ci in bench/ (run.sh does)`);
  const version = JSON.parse(readFileSync(path.join(benchDir, 'node_modules', 'azurite', 'package.json'), 'utf8')).version;
  const key = randomBytes(64).toString('base64');
  const port = await freePort();
  // In memory it writes no database, but keep whatever it might write (a debug log) out of the repository.
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'livecounter-azurite-'));
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [main, '--tableHost', '127.0.0.1', '--tablePort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--silent'],
    { cwd, env: { ...process.env, AZURITE_ACCOUNTS: `${ACCOUNT}:${key}` }, stdio: ['ignore', log, log] },
  );
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await waitUntilListening(port, { exited: gone, what: 'Azurite', timeoutMs: 30_000 });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    pid: child.pid,
    port,
    version,
    account: ACCOUNT,
    /** The connection string Standalone uses: straight to Azurite, or through a proxy listening on `via`. */
    connectionString: (via = port) =>
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${key};TableEndpoint=http://127.0.0.1:${via}/${ACCOUNT};`,
    /** A client of one table, straight to Azurite (never through the store proxy), for the bench's own reads. */
    tableClient: (table) =>
      new TableClient(`http://127.0.0.1:${port}/${ACCOUNT}`, table, new AzureNamedKeyCredential(ACCOUNT, key), { allowInsecureConnection: true }),
    async stop() {
      await stopChild(child, 2000);
      rmSync(cwd, { recursive: true, force: true });
    },
    kill() {
      if (!gone()) child.kill('SIGKILL');
    },
  };
}
