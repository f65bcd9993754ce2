// The Redis server of the SignalR backplane (--instances): redis-server from the system (Debian's redis-server
// package), on a free loopback port, nothing saved (no RDB, no AOF), in a directory of its own that is removed at
// the end. Every Standalone of the stack gets `--RealtimeBackplane 127.0.0.1:<port>`.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopChild, waitUntilListening } from './ports.mjs';

export const REDIS_SERVER = 'redis-server';

export async function startRedis({ logFile }) {
  const port = await freePort();
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'livecounter-redis-'));
  const log = openSync(logFile, 'a');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(REDIS_SERVER, args, { cwd, stdio: ['ignore', log, log] });
  let spawnError = null;
  child.once('error', (error) => (spawnError = error));
  const gone = () => spawnError !== null || child.exitCode !== null || child.signalCode !== null;
  try {
    await waitUntilListening(port, { exited: gone, what: REDIS_SERVER, timeoutMs: 15_000 });
  } catch (error) {
    // A child that could not be spawned has nothing to stop (and may never emit 'exit').
    if (!spawnError) await stopChild(child);
    rmSync(cwd, { recursive: true, force: true });
    if (spawnError) throw new Error(`${REDIS_SERVER} could not be started (${spawnError.message}): --instances needs it (apt-get install redis-server)`);
    throw error;
  }
  return {
    pid: child.pid,
    port,
    /** The value of Standalone's RealtimeBackplane setting (a StackExchange.Redis configuration string). */
    configuration: `127.0.0.1:${port}`,
    command: `${REDIS_SERVER} ${args.map((a) => (a === '' ? "''" : a)).join(' ')}`,
    async stop() {
      await stopChild(child, 2000);
      rmSync(cwd, { recursive: true, force: true });
    },
    kill() {
      if (!gone()) child.kill('SIGKILL');
    },
  };
}
