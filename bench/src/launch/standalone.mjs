// Starts the built Standalone (what `dotnet run --project Standalone -c Release` starts, content root Standalone/),
// run directly so that the child's pid is the server's, whose VmRSS and CPU the bench reads. The per-request log
// line is turned off. On the Table store the connection string goes in the environment (CountersStorage), not on
// the command line, so the run's key does not show in the process list.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readCounter } from '../driver/http.mjs';
import { now, sleep } from '../stats.mjs';
import { inGroup } from './cgroup.mjs';
import { EXPORT_INTERVAL_MS } from './metrics.mjs';
import { freePort, stopChild } from './ports.mjs';

/** How often a starting process is asked whether it answers: often enough that the time to ready is read to 1/20 s. */
const READY_POLL_MS = 50;

/**
 * @param metrics    export the LiveCounter meter to the log every EXPORT_INTERVAL_MS (--LiveCounter:Metrics=console)
 * @param serverArgs more settings on the command line, e.g. --LiveCounter:InMemory:MaxCounters=20000
 * @param cpuGroup   a group of launch/cgroup.mjs (--instance-cpus): the process joins it before it starts
 * Returns, besides its pid and url, startedAt (when it was spawned) and readyAt (its first answer), monotonic ms.
 */
export async function startStandalone({ app, repoDir, logFile, connectionString = null, groupCommit = true, metrics = false, serverArgs = [], cpuGroup = null }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [app, '--urls', url, '--Logging:LogLevel:LiveCounter.Standalone.Requests=Warning'];
  if (!groupCommit) args.push('--LiveCounter:GroupCommit=false');
  if (metrics) args.push('--LiveCounter:Metrics=console');
  args.push(...serverArgs);
  const env = { ...process.env };
  delete env.CountersStorage;
  if (connectionString) env.CountersStorage = connectionString;
  if (metrics) env.OTEL_METRIC_EXPORT_INTERVAL = String(EXPORT_INTERVAL_MS);
  const log = openSync(logFile, 'a');
  const launch = cpuGroup ? inGroup(cpuGroup.procs, 'dotnet', args) : { command: 'dotnet', args };
  const startedAt = now();
  const child = spawn(launch.command, launch.args, { cwd: path.join(repoDir, 'Standalone'), env, stdio: ['ignore', log, log] });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const started = Date.now();
  for (;;) {
    if (gone()) {
      throw new Error(`Standalone exited during startup (${child.exitCode ?? child.signalCode}); its log:\n${readFileSync(logFile, 'utf8')}`);
    }
    try {
      await readCounter(url, 'bench-ready', { attempts: 1 });
      break;
    } catch {
      if (Date.now() - started > 60_000) {
        await stopChild(child);
        throw new Error(`Standalone did not answer GET /api/counters/bench-ready within 60 s; log ${logFile}`);
      }
      await sleep(READY_POLL_MS);
    }
  }
  const readyAt = now();
  return {
    pid: child.pid,
    startedAt,
    readyAt,
    cpuGroup: cpuGroup ? { cores: cpuGroup.cores, quotaUs: cpuGroup.quotaUs, periodUs: cpuGroup.periodUs, cgroup: cpuGroup.kind } : null,
    url,
    logFile,
    command:
      `dotnet ${path.relative(repoDir, app)} ${args.slice(1).join(' ')}` +
      `${connectionString ? ' (CountersStorage in the environment)' : ''}${metrics ? ` (OTEL_METRIC_EXPORT_INTERVAL=${EXPORT_INTERVAL_MS})` : ''}` +
      `${cpuGroup ? ` (in a cgroup ${cpuGroup.kind} of its own: ${cpuGroup.quotaUs} µs of CPU per ${cpuGroup.periodUs} µs = ${cpuGroup.cores} core)` : ''}`,
    stop: () => stopChild(child, 5000),
    kill() {
      if (!gone()) child.kill('SIGKILL');
    },
  };
}
