// What every scenario shares: the worker processes, the general-purpose SignalR connections, the CPU meter, the
// targets and the list of failed checks.
import { CpuMeter, calibrate } from './system.mjs';
import { keyOf, shares, startWorker } from './workers.mjs';

/** The targets of the issues for this 2-core machine, per store; reported, not enforced. */
export function targetsFor(o) {
  if (o.store === 'tables') {
    let hot = null;
    // Under --partition-limit the share of the partition's budget used is the figure, not a rate.
    if (o.groupCommit === 'on' && !o.plainWriters && o.storeFaults === 0 && !(o.partitionLimit > 0) && o.instanceCpus == null && o.writersPerInstance == null) {
      if (o.writers === 1) hot = o.storeLatency === 0 ? 140 : null;
      else if (o.writers >= 32) hot = o.storeLatency === 0 ? 1000 : o.storeLatency === 5 ? 500 : null;
    }
    return { hotIncrementsPerSecond: hot, fanout: { '500@20': 100 }, bytesPerConnection: 48 * 1024 };
  }
  return { hotIncrementsPerSecond: 20000, fanout: { '500@20': 50, '1000@50': 250 }, bytesPerConnection: 48 * 1024 };
}

export class Bench {
  /**
   * @param options  parsed options
   * @param server   { url, pid, storePids: () => [pid], proxyStats: async () => stats|null } (null: none yet, see use())
   */
  constructor(options, server) {
    this.options = options;
    this.use(server ?? { url: null, pid: null });
    this.targets = targetsFor(options);
    this.run = `bench-${Date.now().toString(36)}`;
    this.subs = Array.from({ length: options.procs }, () => startWorker('connections'));
    this.load = Array.from({ length: Math.max(1, options.writerProcs) }, () => startWorker('load'));
    this.all = [...this.subs, ...this.load];
    this.general = this.subs.map(() => 0); // connections opened for general use in each connections worker
    this.cpu = new CpuMeter(() => this.serverPids(), () => this.all, () => this.storePids(), () => this.backplanePids());
    this.results = {};
    this.failures = [];
    this.calibrations = [];
  }

  /**
   * The server the scenarios drive from now on: { url, pid, storePids, proxyStats }, or a stack of several
   * instances (with `servers`, `serverPids` and `tableClient`, see launch/stack.mjs).
   */
  use(server) {
    this.server = server;
    this.base = server.url;
    this.bases = server.servers ? server.servers.map((s) => s.url) : [server.url];
    this.serverPid = server.pid ?? server.serverPid ?? null;
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

  /** Makes sure the first n general connections exist, spread evenly over the connections workers. */
  async ensureGeneral(n) {
    const want = shares(n, this.subs.length);
    await Promise.all(
      this.subs.map(async (worker, w) => {
        const missing = want[w] - this.general[w];
        if (missing > 0) {
          await worker.call('open', { base: this.base, count: missing });
          this.general[w] += missing;
        }
      }),
    );
  }

  /** Subscribes the first n general connections: connection j of the n gets nameFor(j). Returns key -> name. */
  async subscribeGeneral(n, nameFor) {
    await this.ensureGeneral(n);
    const counts = shares(n, this.subs.length);
    const map = new Map();
    let j = 0;
    const plans = counts.map((count, w) => {
      const assign = Array.from({ length: count }, () => nameFor(j++));
      assign.forEach((name, i) => map.set(keyOf(w, i), name));
      return assign;
    });
    await Promise.all(this.subs.map((worker, w) => (plans[w].length ? worker.call('subscribe', { base: this.base, from: 0, assign: plans[w] }) : null)));
    return map;
  }

  async collectAll() {
    return Promise.all(this.subs.map((worker) => worker.call('collect')));
  }

  async catchUpAll() {
    const lists = await Promise.all(this.subs.map((worker) => worker.call('catchUp', { base: this.base })));
    return lists.flatMap((list, w) => list.map((entry) => ({ ...entry, key: keyOf(w, entry.conn) })));
  }

  async unsubscribeAll() {
    await Promise.all(this.subs.map((worker) => worker.call('unsubscribeAll', { base: this.base })));
  }

  async drainAll(targets, timeoutMs = 10_000) {
    const drained = await Promise.all(this.subs.map((w) => w.call('drain', { targets, timeoutMs })));
    return drained.reduce((s, x) => s + x.behind, 0);
  }

  /** Runs fn with the CPU meter around it, after the speed check; also what the store proxy did meanwhile. */
  async measure(fn) {
    const calibrationMs = calibrate();
    this.calibrations.push(calibrationMs);
    const proxyBefore = await this.proxyStats();
    const a = this.cpu.sample();
    const value = await fn();
    const b = this.cpu.sample();
    const proxyAfter = await this.proxyStats();
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
  const partitions = {};
  for (const [partition, counts] of Object.entries(b.partitions ?? {})) {
    const moved = diff(a.partitions?.[partition], counts);
    if (Object.values(moved).some((n) => n !== 0)) partitions[partition] = moved;
  }
  return {
    requests: diff(a.requests, b.requests),
    dropped: diff(a.dropped, b.dropped),
    answersLost: diff(a.answersLost, b.answersLost),
    limited: diff(a.limited, b.limited),
    partitionLimit: b.partitionLimit ?? 0,
    partitions,
  };
}
