// What every scenario shares: the worker processes, the general SignalR connections, the CPU meter, the targets,
// the failed checks, the progress line on stderr and the cpu cell of the tables.
import os from 'node:os';
import { CpuMeter, NOISE_MIN_SECONDS, calibrate, isNoisy, residentBytes } from './system.mjs';
import { keyOf, shares, startWorker } from './workers.mjs';
import { int, now } from './stats.mjs';

/** How long subscribers get, after the last answer, to show what they must end on. */
export const DRAIN_TIMEOUT_MS = 10_000;

/** The targets of the issues for this 2-core machine, per store; reported, not enforced. */
export function targetsFor(o) {
  if (o.store !== 'tables') return { hotIncrementsPerSecond: 20000, fanout: { '500@20': 50, '1000@50': 250 }, bytesPerConnection: 48 * 1024 };
  // Under --partition-limit the share of the partition's budget used is the figure, not a rate.
  const plain = o.groupCommit === 'on' && !o.plainWriters && o.storeFaults === 0 && !(o.partitionLimit > 0) && o.instanceCpus == null && o.writersPerInstance == null;
  const hot = !plain ? null : o.writers === 1 ? (o.storeLatency === 0 ? 140 : null) : o.writers >= 32 ? ({ 0: 1000, 5: 500 }[o.storeLatency] ?? null) : null;
  return { hotIncrementsPerSecond: hot, fanout: { '500@20': 100 }, bytesPerConnection: 48 * 1024 };
}

export function cpuCell(cpu) {
  if (!cpu) return 'n/a';
  const bench = `bench ${cpu.generatorCores} (busiest ${cpu.busiestBenchProcessCores})`;
  if (cpu.serverCores == null) return `${bench} / server and other ${cpu.otherCores}`;
  const noisy = isNoisy(cpu) ? ' NOISY' : cpu.seconds < NOISE_MIN_SECONDS ? ' (too short to judge)' : '';
  const store = (cpu.storeCores == null ? '' : ` / store ${cpu.storeCores}`) + (cpu.backplaneCores == null ? '' : ` / redis ${cpu.backplaneCores}`);
  const each = cpu.serverCoresPerInstance ? ` (${cpu.serverCoresPerInstance.join(' + ')})` : '';
  return `server ${cpu.serverCores}${each}${store} / ${bench} / other ${cpu.otherCores}${noisy}`;
}

/** The progress line on stderr: phase, requests answered, messages received, connections, server RSS, load; in place on a terminal. */
export const progress = {
  phase: 'starting', since: now(), started: now(), workers: [], serverPid: () => null, printed: 0,
  set(phase) {
    [this.phase, this.since] = [phase, now()];
    this.print(true);
  },
  print(force = false) {
    const sum = (key) => int(this.workers.reduce((s, w) => s + (w.progress[key] ?? 0), 0));
    const [rss, seconds] = [residentBytes(this.serverPid()), (from, digits, width) => ((now() - from) / 1000).toFixed(digits).padStart(width)];
    const line = `[${seconds(this.started, 0, 3)}s] ${this.phase.padEnd(26)} ${seconds(this.since, 1, 5)}s  http ${sum('answered')}/${sum('sent')}  received ${sum('received')}  connections ${sum('connections')}${rss ? `  server RSS ${(rss / 1024 ** 2).toFixed(0)} MiB` : ''}  load ${os.loadavg()[0].toFixed(2)}`;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
    else if (force || now() - this.printed > 5000) {
      process.stderr.write(`${line}\n`);
      this.printed = now();
    }
  },
  start(workers, serverPid) {
    Object.assign(this, { workers, serverPid, timer: setInterval(() => this.print(), 1000) }).timer.unref();
  },
  stop() {
    clearInterval(this.timer);
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  },
};

export class Bench {
  /** options: parsed; server: { url } (--url), a stack (launch/stack.mjs), or null (none yet, see use()). */
  constructor(options, server) {
    this.options = options;
    this.use(server ?? { url: null });
    this.targets = targetsFor(options);
    this.run = `bench-${Date.now().toString(36)}`;
    this.subs = Array.from({ length: options.procs }, () => startWorker('connections'));
    this.load = Array.from({ length: Math.max(1, options.writerProcs) }, () => startWorker('load'));
    this.all = [...this.subs, ...this.load];
    this.general = this.subs.map(() => 0); // connections opened for general use in each connections worker
    this.cpu = new CpuMeter(() => this.serverPids(), () => this.all, () => this.storePids(), () => this.backplanePids());
    Object.assign(this, { results: {}, failures: [], calibrations: [] });
  }

  /** The server driven from now on: one, or a stack of instances (`servers`, `serverPids`, `tableClient`: launch/stack.mjs). */
  use(server) {
    this.server = server;
    this.base = server.url;
    this.bases = server.servers ? server.servers.map((s) => s.url) : [server.url];
    this.serverPid = server.serverPid ?? null;
    this.serverPids = server.serverPids ?? (() => (this.serverPid ? [this.serverPid] : []));
    this.storePids = server.storePids ?? (() => []);
    this.backplanePids = server.backplanePids ?? (() => []);
    this.proxyStats = server.proxyStats ?? (async () => null);
    this.tableClient = server.tableClient ?? (() => null);
  }

  check(scenario, name, ok, detail) {
    if (!ok) this.failures.push(`${scenario}: ${name} (${detail})`);
    return ok;
  }

  /** Calls method on every connections worker with args (a function of the worker's index, or one object). */
  eachSub = (method, args = {}) => Promise.all(this.subs.map((worker, w) => worker.call(method, typeof args === 'function' ? args(w) : args)));
  collectAll = () => this.eachSub('collect');
  unsubscribeAll = () => this.eachSub('unsubscribeAll', { base: this.base });

  /** Makes sure the first n general connections exist, spread evenly over the connections workers. */
  async ensureGeneral(n) {
    const want = shares(n, this.subs.length);
    await Promise.all(this.subs.map(async (worker, w) => {
      if (want[w] <= this.general[w]) return;
      await worker.call('open', { base: this.base, count: want[w] - this.general[w] });
      this.general[w] = want[w];
    }));
  }

  /** Subscribes the first n general connections: connection j of the n gets nameFor(j). Returns key -> name. */
  async subscribeGeneral(n, nameFor) {
    await this.ensureGeneral(n);
    const map = new Map();
    let j = 0;
    const plans = shares(n, this.subs.length).map((count, w) => Array.from({ length: count }, (_, i) => map.set(keyOf(w, i), nameFor(j++)).get(keyOf(w, i))));
    await Promise.all(this.subs.map((worker, w) => (plans[w].length ? worker.call('subscribe', { base: this.base, from: 0, assign: plans[w] }) : null)));
    return map;
  }

  async catchUpAll() {
    const lists = await this.eachSub('catchUp', { base: this.base });
    return lists.flatMap((list, w) => list.map((entry) => ({ ...entry, key: keyOf(w, entry.conn) })));
  }

  async drainAll(targets) {
    return (await this.eachSub('drain', { targets, timeoutMs: DRAIN_TIMEOUT_MS })).reduce((s, x) => s + x.behind, 0);
  }

  /** Runs fn with the CPU meter around it, after the speed check; also what the store proxy did meanwhile. */
  async measure(fn) {
    const calibrationMs = calibrate();
    this.calibrations.push(calibrationMs);
    const [proxyBefore, a] = [await this.proxyStats(), this.cpu.sample()];
    const value = await fn();
    const [b, proxyAfter] = [this.cpu.sample(), await this.proxyStats()];
    return { value, cpu: { ...CpuMeter.between(a, b), calibrationMs }, store: proxyDelta(proxyBefore, proxyAfter) };
  }

  async close() {
    await Promise.allSettled(this.subs.map((w) => w.call('closeAll')));
    for (const w of this.all) w.stop();
  }
}

/** What the store proxy counted between two of its snapshots (null without a proxy), per partition too. */
export function proxyDelta(a, b) {
  if (!a || !b) return null;
  const diff = (x = {}, y = {}) => Object.fromEntries(Object.keys(y).map((k) => [k, y[k] - (x[k] ?? 0)]));
  const partitions = Object.entries(b.partitions ?? {}).map(([p, counts]) => [p, diff(a.partitions?.[p], counts)]).filter(([, moved]) => Object.values(moved).some((n) => n !== 0));
  const [requests, dropped, answersLost, limited] = ['requests', 'dropped', 'answersLost', 'limited'].map((k) => diff(a[k], b[k]));
  return { requests, dropped, answersLost, limited, partitionLimit: b.partitionLimit ?? 0, partitions: Object.fromEntries(partitions) };
}
