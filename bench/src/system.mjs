// What the bench reads from Linux: the machine, the server's resident memory, and who used the CPU.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';

const CLOCK_TICKS = 100; // USER_HZ on Linux

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** VmRSS of a process in bytes, or null when it cannot be read. */
export function residentBytes(pid) {
  const status = pid ? read(`/proc/${pid}/status`) : null;
  const match = status?.match(/^VmRSS:\s+(\d+)\s+kB/m);
  return match ? Number(match[1]) * 1024 : null;
}

/** CPU seconds a process used (its own plus the children it has reaped when `withChildren`). */
export function cpuSeconds(pid, withChildren = false) {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime=14, stime=15, cutime=16, cstime=17
  const own = Number(fields[11]) + Number(fields[12]);
  const children = withChildren ? Number(fields[13]) + Number(fields[14]) : 0;
  return (own + children) / CLOCK_TICKS;
}

/** Busy and total CPU seconds of the whole machine (all cores). */
function machineSeconds() {
  const line = read('/proc/stat')?.split('\n')[0];
  if (!line) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
}

/**
 * A CPU account between two instants: how many cores the server, the store (Azurite and the store proxy, when the
 * bench started them), the generator (this process, the children it reaped such as wrk, and its live workers)
 * and everything else used. "Other" is what tells a noisy run: other engineers' builds on the same two cores.
 */
export class CpuMeter {
  /**
   * @param serverPids () => [pid] the server's processes (several with --instances; none known with --url alone)
   * @param workers () => [{ pid, role }] the live bench worker processes
   * @param storePids () => [pid] Azurite and the proxy
   * @param backplanePids () => [pid] the Redis server of the SignalR backplane (--instances)
   */
  constructor(serverPids, workers, storePids = () => [], backplanePids = () => []) {
    this.serverPids = serverPids;
    this.workers = workers;
    this.storePids = storePids;
    this.backplanePids = backplanePids;
  }

  sample() {
    const workers = this.workers().map((w) => ({ role: w.role, pid: w.pid, cpu: cpuSeconds(w.pid) ?? 0 }));
    const main = cpuSeconds(process.pid, true);
    const servers = this.serverPids().map((pid) => cpuSeconds(pid) ?? 0);
    return {
      wall: Number(process.hrtime.bigint()) / 1e9,
      machine: machineSeconds(),
      server: servers.length ? servers.reduce((a, b) => a + b, 0) : null,
      servers,
      store: this.storePids().length ? this.storePids().reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0) : null,
      backplane: this.backplanePids().length ? this.backplanePids().reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0) : null,
      main,
      workers,
      generator: main + workers.reduce((sum, w) => sum + w.cpu, 0),
    };
  }

  static between(a, b) {
    const wall = b.wall - a.wall;
    if (!a.machine || !b.machine || wall <= 0) return null;
    const busy = (b.machine.busy - a.machine.busy) / wall;
    const server = a.server == null || b.server == null ? null : (b.server - a.server) / wall;
    const generator = (b.generator - a.generator) / wall;
    const store = a.store == null || b.store == null ? null : (b.store - a.store) / wall;
    const backplane = a.backplane == null || b.backplane == null ? null : (b.backplane - a.backplane) / wall;
    const other = Math.max(0, busy - generator - (server ?? 0) - (store ?? 0) - (backplane ?? 0));
    // Each bench process is one Node thread: one near 1.0 core is a generator at its limit.
    const processes = [
      { role: 'main', cores: Number(((b.main - a.main) / wall).toFixed(2)) },
      ...b.workers.map((w) => {
        const before = a.workers.find((x) => x.pid === w.pid)?.cpu ?? w.cpu;
        return { role: w.role, cores: Number(((w.cpu - before) / wall).toFixed(2)) };
      }),
    ];
    const each = b.servers.length > 1 && a.servers.length === b.servers.length ? b.servers.map((x, i) => Number(((x - a.servers[i]) / wall).toFixed(2))) : null;
    return {
      seconds: Number(wall.toFixed(2)),
      machineCores: Number(busy.toFixed(2)),
      serverCores: server == null ? null : Number(server.toFixed(2)),
      ...(each ? { serverCoresPerInstance: each } : {}),
      storeCores: store == null ? null : Number(store.toFixed(2)),
      backplaneCores: backplane == null ? null : Number(backplane.toFixed(2)),
      generatorCores: Number(generator.toFixed(2)),
      otherCores: Number(other.toFixed(2)),
      busiestBenchProcessCores: Math.max(...processes.map((p) => p.cores)),
      benchProcesses: processes,
      loadAverage: Number(os.loadavg()[0].toFixed(2)),
    };
  }
}

/**
 * How fast one core of this machine is right now: milliseconds for a fixed single-threaded workload (lower is
 * faster), taken just before a phase while the server is idle. A VM's speed can drift between runs with
 * nothing else running on it; this makes that visible next to the figures instead of hiding it in them.
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
  // The fastest of five: a run that another process preempted says nothing about the machine's speed.
  return Number(Math.min(...Array.from({ length: 5 }, once)).toFixed(1));
}

/** Other processes' CPU above this (in cores) during a phase marks the phase as noisy. */
export const NOISY_OTHER_CORES = 0.15;

/**
 * CPU time is counted in 10 ms ticks per process, so in a phase shorter than this the "other" share is mostly
 * rounding: such a phase (the users scenario takes about 0.1 s) is not judged.
 */
export const NOISE_MIN_SECONDS = 1;

// Without the server's pid (--url) its CPU is part of "other", so noise cannot be told apart and is not judged.
export const isNoisy = (cpu) =>
  cpu != null && cpu.serverCores != null && cpu.seconds >= NOISE_MIN_SECONDS && cpu.otherCores > NOISY_OTHER_CORES;

function firstLine(command, args) {
  // wrk --version exits with 1, so the status is not looked at: only whether it printed something.
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15000 });
  return result.stdout?.trim().split('\n')[0] || null;
}

export function machine(benchDir) {
  const cpuinfo = read('/proc/cpuinfo') ?? '';
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let signalr = null;
  try {
    signalr = JSON.parse(readFileSync(new URL('../node_modules/@microsoft/signalr/package.json', import.meta.url), 'utf8')).version;
  } catch {
    // reported as null
  }
  return {
    cpuModel: model,
    cores: os.cpus().length,
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    kernel: os.release(),
    node: process.version,
    dotnet: firstLine('dotnet', ['--version']),
    signalrClient: signalr,
    wrk: firstLine('wrk', ['--version']),
    commit: firstLine('git', ['-C', benchDir, 'describe', '--always', '--dirty']),
  };
}

/**
 * The kernel's queues of one loopback TCP connection, from /proc/net/tcp: bytes the side at `localPort` has queued
 * to send and not had acknowledged (tx), and bytes received that its process has not read (rx); null when there is
 * no such connection (closed).
 */
export function tcpQueues(localPort, remotePort) {
  const table = read('/proc/net/tcp') ?? '';
  const hexPort = (port) => port.toString(16).toUpperCase().padStart(4, '0');
  const local = `:${hexPort(localPort)}`;
  const remote = `:${hexPort(remotePort)}`;
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !fields[1].endsWith(local) || !fields[2].endsWith(remote)) continue;
    const [tx, rx] = fields[4].split(':').map((hex) => parseInt(hex, 16));
    return { tx, rx };
  }
  return null;
}
