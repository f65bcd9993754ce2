// What the bench reads from Linux: the machine, the server's resident memory, and who used the CPU. Read from /proc
// synchronously (the CPU meter samples between two awaits, and the cold start reads CPU to the kernel's tick).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.mjs';

const CLOCK_TICKS = 100; // USER_HZ on Linux
/** What `action` returns, or what `onError` makes of what it threw. */
export const attempt = (action, onError = () => null) => {
  try {
    return action();
  } catch (error) {
    return onError(error);
  }
};
const read = (file) => attempt(() => readFileSync(file, 'utf8'));

/** VmRSS of a process in bytes, or null when it cannot be read. */
export function residentBytes(pid) {
  const kB = pid ? read(`/proc/${pid}/status`)?.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1] : null;
  return kB ? Number(kB) * 1024 : null;
}

/** CPU seconds a process used (and, `withChildren`, the children it has reaped), or null when it is gone. */
export function cpuSeconds(pid, withChildren = false) {
  const stat = read(`/proc/${pid}/stat`);
  // after the name's ')': state is field 3, then utime 14, stime 15, cutime 16, cstime 17
  const f = stat?.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return f ? (f[11] + f[12] + (withChildren ? f[13] + f[14] : 0)) / CLOCK_TICKS : null;
}
const cpuOf = (pids) => (pids.length ? pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0) : null);

/**
 * Cores used between two samples by the server, the store (Azurite, proxy), the backplane (Redis), the generator (this
 * process, its reaped children such as wrk, its workers) and anything else: "other" tells a noisy run. Pids are asked
 * for at each sample (workers: [{ pid, role }]), as processes come and go.
 */
export class CpuMeter {
  constructor(serverPids, workers, storePids = () => [], backplanePids = () => []) {
    Object.assign(this, { serverPids, workers, storePids, backplanePids });
  }

  sample() {
    const workers = this.workers().map((w) => ({ role: w.role, pid: w.pid, cpu: cpuSeconds(w.pid) ?? 0 }));
    const main = cpuSeconds(process.pid, true);
    const servers = this.serverPids().map((pid) => cpuSeconds(pid) ?? 0);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = read('/proc/stat')?.split('\n')[0].trim().split(/\s+/).slice(1).map(Number) ?? [];
    const busy = user + nice + system + irq + softirq + steal;
    return {
      wall: Number(process.hrtime.bigint()) / 1e9,
      machine: user === undefined ? null : { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS },
      server: servers.length ? servers.reduce((x, y) => x + y, 0) : null,
      servers,
      store: cpuOf(this.storePids()),
      backplane: cpuOf(this.backplanePids()),
      main,
      workers,
      generator: main + workers.reduce((sum, w) => sum + w.cpu, 0),
    };
  }

  static between(a, b) {
    const wall = b.wall - a.wall;
    if (!a.machine || !b.machine || wall <= 0) return null;
    const cores = (x, y) => (x == null || y == null ? null : (y - x) / wall);
    const r = (x) => round(x, 2);
    const busy = cores(a.machine.busy, b.machine.busy);
    const [server, store, backplane, generator] = ['server', 'store', 'backplane', 'generator'].map((k) => cores(a[k], b[k]));
    // Each bench process is one Node thread: one near 1.0 core is a generator at its limit.
    const before = (w) => a.workers.find((x) => x.pid === w.pid)?.cpu ?? w.cpu;
    const processes = [{ role: 'main', cores: r(cores(a.main, b.main)) }, ...b.workers.map((w) => ({ role: w.role, cores: r(cores(before(w), w.cpu)) }))];
    const each = b.servers.length > 1 && a.servers.length === b.servers.length ? b.servers.map((x, i) => r(cores(a.servers[i], x))) : null;
    return {
      seconds: r(wall),
      serverCores: r(server),
      ...(each ? { serverCoresPerInstance: each } : {}),
      storeCores: r(store),
      backplaneCores: r(backplane),
      generatorCores: r(generator),
      otherCores: r(Math.max(0, busy - generator - (server ?? 0) - (store ?? 0) - (backplane ?? 0))),
      busiestBenchProcessCores: Math.max(...processes.map((p) => p.cores)),
    };
  }
}

/**
 * How fast one core is right now: ms for a fixed single-threaded workload, the fastest of five (a run another
 * process preempted says nothing about the machine). A VM's speed drifts between runs; this shows it beside the figures.
 */
export function calibrate() {
  const block = Buffer.alloc(4096, 7);
  const once = () => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) createHash('sha256').update(block).digest();
    let x = 0;
    for (let i = 0; i < 5_000_000; i++) x = (x + i * 31) % 1_000_003;
    if (x < 0) throw new Error('unreachable');
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  return round(Math.min(...Array.from({ length: 5 }, once)), 1);
}

/** Other processes' CPU above this (cores) marks a phase noisy. */
export const NOISY_OTHER_CORES = 0.15;
/** CPU is counted in 10 ms ticks, so in a shorter phase (users: about 0.1 s) "other" is mostly rounding: not judged. */
export const NOISE_MIN_SECONDS = 1;
// Without the server's pid (--url) its CPU is part of "other": not judged either.
export const isNoisy = (cpu) => cpu != null && cpu.serverCores != null && cpu.seconds >= NOISE_MIN_SECONDS && cpu.otherCores > NOISY_OTHER_CORES;

// wrk --version exits with 1: only whether it printed something counts.
const firstLine = (command, args) => spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15000 }).stdout?.trim().split('\n')[0] || null;

export function machine(benchDir) {
  const signalr = read(new URL('../node_modules/@microsoft/signalr/package.json', import.meta.url));
  return {
    cpuModel: read('/proc/cpuinfo')?.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    kernel: os.release(),
    node: process.version,
    dotnet: firstLine('dotnet', ['--version']),
    signalrClient: signalr && JSON.parse(signalr).version,
    wrk: firstLine('wrk', ['--version']),
    commit: firstLine('git', ['-C', benchDir, 'describe', '--always', '--dirty']),
  };
}

/**
 * The kernel's queues of one loopback TCP connection (/proc/net/tcp): bytes the side at `localPort` sent and has not
 * had acknowledged (tx), and bytes it received and its process has not read (rx); null when it is closed.
 */
export function tcpQueues(localPort, remotePort) {
  const hex = (port) => `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of (read('/proc/net/tcp') ?? '').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !fields[1].endsWith(hex(localPort)) || !fields[2].endsWith(hex(remotePort))) continue;
    const [tx, rx] = fields[4].split(':').map((h) => parseInt(h, 16));
    return { tx, rx };
  }
  return null;
}
