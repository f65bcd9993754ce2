// LiveCounter load generator: orchestrates worker processes (SignalR connections, HTTP load), joins what they
// recorded, checks exactness and delivery, prints a table per scenario and writes a JSON file of results.
import { fork, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, parse } from './options.mjs';
import { CpuMeter, NOISE_MIN_SECONDS, NOISY_OTHER_CORES, calibrate, isNoisy, machine, residentBytes } from './system.mjs';
import { int, kib, ms, now, round, sleep, summarize, table } from './stats.mjs';
import { readCounter } from './driver.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');

// The targets of the issue for this 2-core machine; reported, not enforced.
const TARGETS = {
  hotIncrementsPerSecond: 20000,
  fanout: { '500@20': 50, '1000@50': 250 },
  bytesPerConnection: 48 * 1024,
};

// ---------------------------------------------------------------------------------------------------------------
// Worker processes

function startWorker(role) {
  const child = fork(path.join(here, 'worker.mjs'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  const worker = {
    role,
    pid: child.pid,
    progress: { received: 0, sent: 0, answered: 0, connections: 0 },
    call(op, args) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, op });
        child.send({ id, op, args });
      });
    },
    stop() {
      if (child.connected) child.disconnect();
    },
  };
  child.on('message', (message) => {
    if (message.progress) {
      worker.progress = message.progress;
      return;
    }
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${role} worker, ${waiter.op}: ${message.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${role} worker exited (${code ?? signal}) during ${waiter.op}`));
    pending.clear();
  });
  return worker;
}

/** Spreads n items over k buckets as evenly as possible. */
const shares = (n, k) => Array.from({ length: k }, (_, w) => Math.floor(n / k) + (w < n % k ? 1 : 0));
const keyOf = (w, conn) => w * 1_000_000 + conn;

// ---------------------------------------------------------------------------------------------------------------
// Progress line

const progress = {
  phase: 'starting',
  since: now(),
  started: now(),
  workers: [],
  serverPid: null,
  timer: null,
  lastPrinted: 0,
  set(phase) {
    this.phase = phase;
    this.since = now();
    this.print(true);
  },
  line() {
    const sum = (key) => this.workers.reduce((s, w) => s + (w.progress[key] ?? 0), 0);
    const rss = residentBytes(this.serverPid);
    return (
      `[${((now() - this.started) / 1000).toFixed(0).padStart(3)}s] ${this.phase.padEnd(26)} ` +
      `${((now() - this.since) / 1000).toFixed(1).padStart(5)}s  http ${int(sum('answered'))}/${int(sum('sent'))}  ` +
      `received ${int(sum('received'))}  connections ${int(sum('connections'))}` +
      (rss ? `  server RSS ${(rss / 1024 ** 2).toFixed(0)} MiB` : '') +
      `  load ${os.loadavg()[0].toFixed(2)}`
    );
  },
  print(force = false) {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[K${this.line()}`);
    } else if (force || now() - this.lastPrinted > 5000) {
      process.stderr.write(`${this.line()}\n`);
      this.lastPrinted = now();
    }
  },
  start(workers, serverPid) {
    this.workers = workers;
    this.serverPid = serverPid;
    this.timer = setInterval(() => this.print(), 1000);
    this.timer.unref();
  },
  stop() {
    clearInterval(this.timer);
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The bench

class Bench {
  constructor(options) {
    this.o = options;
    this.base = options.url;
    this.run = `bench-${Date.now().toString(36)}`;
    this.subs = Array.from({ length: options.procs }, () => startWorker('connections'));
    this.load = Array.from({ length: Math.max(1, options.writerProcs) }, () => startWorker('load'));
    this.all = [...this.subs, ...this.load];
    this.general = this.subs.map(() => 0); // connections opened for general use in each connections worker
    this.cpu = new CpuMeter(options.serverPid, () => this.all);
    this.results = {};
    this.failures = [];
    this.calibrations = [];
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
      const assign = Array.from({ length: count }, (_, i) => nameFor(j++));
      assign.forEach((name, i) => map.set(keyOf(w, i), name));
      return assign;
    });
    await Promise.all(this.subs.map((worker, w) => worker.call('subscribe', { base: this.base, from: 0, assign: plans[w] })));
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

  async measure(fn) {
    const calibrationMs = calibrate();
    this.calibrations.push(calibrationMs);
    const a = this.cpu.sample();
    const value = await fn();
    const b = this.cpu.sample();
    return { value, cpu: { ...CpuMeter.between(a, b), calibrationMs } };
  }

  // -----------------------------------------------------------------------------------------------------------
  async warmup() {
    if (this.o.warmupSeconds <= 0) return;
    progress.set('warmup (until steady)');
    const name = `${this.run}-warmup`;
    const maxMs = this.o.warmupSeconds * 1000;
    this.results.warmup = await this.load[0].call('warm', { base: this.base, name, writers: this.o.writers, minMs: Math.min(3000, maxMs), maxMs });
  }

  /**
   * Runs the connection path once (negotiate, connect, subscribe, a few broadcasts) with a handful of
   * connections, so that the memory scenario measures connections rather than JIT and first-use allocations.
   */
  async warmConnections() {
    progress.set('warmup: connections');
    const name = `${this.run}-warm-connections`;
    await this.subscribeGeneral(Math.min(16, this.o.connections), () => name);
    await this.load[0].call('paced', { base: this.base, name, rate: 50, durationMs: 1000, connections: 2 });
    await sleep(200);
    await this.collectAll();
    await this.unsubscribeAll();
  }

  // -----------------------------------------------------------------------------------------------------------
  /**
   * Resident memory of the server before and after n idle connections, opened in four steps. It runs first,
   * on a server that has not handled load yet: a heap grown by earlier load has free space that new connections
   * fill without raising RSS, which would understate the cost.
   */
  async connections() {
    const pid = this.o.serverPid;
    const n = this.o.connections;
    if (!pid || residentBytes(pid) == null) {
      this.results.connections = { measurable: false, reason: 'the server is not a local process of known pid (--url without --server-pid)' };
      return;
    }
    const settle = async () => {
      await sleep(1200);
      const samples = [];
      for (let i = 0; i < 3; i++) {
        samples.push(residentBytes(pid));
        await sleep(150);
      }
      return samples.sort((a, b) => a - b)[1];
    };
    progress.set('connections: baseline');
    const opened0 = this.general.reduce((a, b) => a + b, 0);
    const before = await settle();
    const steps = [{ connections: 0, rss: before }];
    for (const quarter of [1, 2, 3, 4]) {
      const target = Math.round((n * quarter) / 4);
      progress.set(`connections: ${target} open`);
      await this.ensureGeneral(opened0 + target);
      steps.push({ connections: target, rss: await settle() });
    }
    const after = steps.at(-1).rss;
    const perConnection = (after - before) / n;
    // Least-squares slope over the five points: less sensitive to one step that caught a GC.
    const mx = steps.reduce((s, p) => s + p.connections, 0) / steps.length;
    const my = steps.reduce((s, p) => s + p.rss, 0) / steps.length;
    const slope =
      steps.reduce((s, p) => s + (p.connections - mx) * (p.rss - my), 0) / steps.reduce((s, p) => s + (p.connections - mx) ** 2, 0);
    this.results.connections = {
      measurable: true,
      connections: n,
      rssBeforeBytes: before,
      rssAfterBytes: after,
      bytesPerConnection: Math.round(perConnection),
      slopeBytesPerConnection: Math.round(slope),
      steps,
      target: { maxBytesPerConnection: TARGETS.bytesPerConnection },
      meetsTarget: perConnection <= TARGETS.bytesPerConnection,
    };
  }

  // -----------------------------------------------------------------------------------------------------------
  /** Joins receipts to sends by (counter, version): every delivery is a latency sample. */
  deliveries(collected, subscribed, sendTimes, okCount, target = 'updated') {
    const latencies = [];
    const seen = new Map(); // key -> Set of name:version
    let misrouted = 0;
    let unmatched = 0;
    let received = 0;
    let duplicates = 0;
    collected.forEach((c, w) => {
      const r = c[target];
      for (let j = 0; j < r.conn.length; j++) {
        const key = keyOf(w, r.conn[j]);
        const name = c.names[r.name[j]];
        const version = r.version[j];
        if (subscribed.get(key) !== name) {
          misrouted++;
          continue;
        }
        received++;
        const send = sendTimes.get(name)?.[version];
        if (send === undefined || Number.isNaN(send)) {
          unmatched++;
          continue;
        }
        latencies.push(r.t[j] - send);
        let set = seen.get(key);
        if (!set) seen.set(key, (set = new Set()));
        if (set.has(version)) duplicates++;
        else set.add(version);
      }
    });
    let missing = 0;
    let subscribersMissing = 0;
    let missingOnLiveConnections = 0;
    const reconnectsOf = (key) => collected[Math.floor(key / 1_000_000)].connections[key % 1_000_000]?.reconnects ?? 0;
    let reconnects = 0;
    for (const [key, name] of subscribed) {
      const lost = (okCount.get(name) ?? 0) - (seen.get(key)?.size ?? 0);
      reconnects += reconnectsOf(key);
      if (lost > 0) {
        missing += lost;
        subscribersMissing++;
        if (reconnectsOf(key) === 0) missingOnLiveConnections += lost;
      }
    }
    const expected = [...subscribed.values()].reduce((s, name) => s + (okCount.get(name) ?? 0), 0);
    return { latency: summarize(latencies), expected, received, duplicates, misrouted, unmatched, missing, subscribersMissing, missingOnLiveConnections, reconnects };
  }

  /** After catch-up each subscriber must show the counter's final value and version. */
  finalStates(catchUps, subscribed, finals) {
    let mismatches = 0;
    let caughtUp = 0;
    for (const entry of catchUps) {
      if (subscribed.get(entry.key) !== entry.name) continue;
      const final = finals.get(entry.name);
      if (entry.versionBefore < final.version) caughtUp++;
      if (entry.version !== final.version || entry.value !== final.value) mismatches++;
    }
    return { mismatches, neededCatchUp: caughtUp };
  }

  async fanout() {
    this.results.fanout = [];
    for (const { subscribers, rate } of this.o.fanoutList) {
      const label = `${subscribers}@${rate}`;
      const name = `${this.run}-fan-${subscribers}-${String(rate).replace('.', '_')}`;
      progress.set(`fanout ${label}: subscribe`);
      const subscribed = await this.subscribeGeneral(subscribers, () => name);
      await this.collectAll();
      progress.set(`fanout ${label}`);
      const { value: run, cpu } = await this.measure(() =>
        this.load[0].call('paced', { base: this.base, name, rate, durationMs: this.o.fanoutSeconds * 1000 }),
      );
      const ok = [...run.status].filter((s) => s === 200).length;
      const maxVersion = run.version.reduce((m, v) => Math.max(m, v), 0);
      progress.set(`fanout ${label}: drain`);
      const drained = await Promise.all(this.subs.map((w) => w.call('drain', { targets: { [name]: maxVersion }, timeoutMs: 10_000 })));
      const collected = await this.collectAll();
      const catchUps = await this.catchUpAll();
      const final = await readCounter(this.base, name);
      const sendTimes = new Float64Array(maxVersion + 1).fill(NaN);
      run.status.forEach((s, i) => {
        if (s === 200) sendTimes[run.version[i]] = run.send[i];
      });
      const d = this.deliveries(collected, subscribed, new Map([[name, sendTimes]]), new Map([[name, ok]]));
      const f = this.finalStates(catchUps, subscribed, new Map([[name, final]]));
      const s5xx = [...run.status].filter((s) => s >= 500 || s === 0).length;
      const target = TARGETS.fanout[label] ?? null;
      const result = {
        subscribers,
        rate,
        seconds: this.o.fanoutSeconds,
        increments: { sent: run.status.length, ok, other: run.status.length - ok, s5xx, skippedAtInFlightCap: run.skipped },
        httpLatencyMs: summarize(run.latency),
        generatorLagMs: summarize(run.lag),
        deliveryLatencyMs: d.latency,
        messages: { expected: d.expected, received: d.received, duplicates: d.duplicates, misrouted: d.misrouted, unmatched: d.unmatched },
        missing: { beforeCatchUp: d.missing, subscribersMissing: d.subscribersMissing, onLiveConnections: d.missingOnLiveConnections, afterCatchUp: f.mismatches, reconnects: d.reconnects, stillBehindAfterDrain: drained.reduce((s, x) => s + x.behind, 0) },
        final,
        target: target == null ? null : { p99Ms: target },
        meetsTarget: target == null ? null : d.latency.p99 != null && d.latency.p99 <= target,
        cpu,
      };
      const scenario = `fanout ${label}`;
      this.check(scenario, 'exact', final.value === ok && final.version === ok, `final value ${final.value}, version ${final.version}, 200 responses ${ok}`);
      this.check(scenario, 'no 5xx', s5xx === 0, `${s5xx} responses were 5xx or failed`);
      this.check(scenario, 'nothing missing after catch-up', f.mismatches === 0, `${f.mismatches} subscribers do not show the final value`);
      this.check(scenario, 'nothing missing on live connections', d.missingOnLiveConnections === 0, `${d.missingOnLiveConnections} messages never arrived on connections that never reconnected`);
      this.check(scenario, 'no misrouted messages', d.misrouted === 0 && d.unmatched === 0, `${d.misrouted} misrouted, ${d.unmatched} unknown versions`);
      this.results.fanout.push(result);
      await this.unsubscribeAll();
    }
  }

  // -----------------------------------------------------------------------------------------------------------
  async many() {
    const { counters, subsPerCounter, mixedWriters, mixedSeconds, readShare } = this.o;
    const names = Array.from({ length: counters }, (_, i) => `${this.run}-many-${i}`);
    progress.set('many: subscribe');
    const subscribed = await this.subscribeGeneral(counters * subsPerCounter, (j) => names[j % counters]);
    await this.collectAll();
    progress.set(`many counters`);
    const { value: run, cpu } = await this.measure(() =>
      this.load[0].call('mixed', { base: this.base, namesList: names, writers: mixedWriters, durationMs: mixedSeconds * 1000, readShare }),
    );
    const okCount = new Map(names.map((n) => [n, 0]));
    const maxVersion = new Map(names.map((n) => [n, 0]));
    const incLatency = [];
    const readLatency = [];
    let increments = 0;
    let reads = 0;
    let s5xx = 0;
    for (let i = 0; i < run.status.length; i++) {
      const name = names[run.counter[i]];
      if (run.status[i] >= 500 || run.status[i] === 0) s5xx++;
      if (run.op[i] === 1) {
        reads++;
        readLatency.push(run.latency[i]);
        continue;
      }
      increments++;
      incLatency.push(run.latency[i]);
      if (run.status[i] === 200) {
        okCount.set(name, okCount.get(name) + 1);
        maxVersion.set(name, Math.max(maxVersion.get(name), run.version[i]));
      }
    }
    const sendTimes = new Map(names.map((n) => [n, new Float64Array(maxVersion.get(n) + 1).fill(NaN)]));
    for (let i = 0; i < run.status.length; i++) {
      if (run.op[i] === 0 && run.status[i] === 200) sendTimes.get(names[run.counter[i]])[run.version[i]] = run.send[i];
    }
    progress.set('many: drain');
    const targets = Object.fromEntries(maxVersion);
    const drained = await Promise.all(this.subs.map((w) => w.call('drain', { targets, timeoutMs: 10_000 })));
    const collected = await this.collectAll();
    const catchUps = await this.catchUpAll();
    const finals = new Map();
    for (const name of names) finals.set(name, await readCounter(this.base, name));
    const inexact = names.filter((n) => finals.get(n).value !== okCount.get(n) || finals.get(n).version !== okCount.get(n));
    const d = this.deliveries(collected, subscribed, sendTimes, okCount);
    const f = this.finalStates(catchUps, subscribed, finals);
    const seconds = (run.finished - run.started) / 1000;
    this.results.many = {
      counters,
      subscribersPerCounter: subsPerCounter,
      writers: mixedWriters,
      seconds: round(seconds, 2),
      readShare,
      operations: run.status.length,
      operationsPerSecond: Math.round(run.status.length / seconds),
      incrementsPerSecond: Math.round(increments / seconds),
      readsPerSecond: Math.round(reads / seconds),
      s5xx,
      incrementLatencyMs: summarize(incLatency),
      readLatencyMs: summarize(readLatency),
      deliveryLatencyMs: d.latency,
      messages: { expected: d.expected, received: d.received, duplicates: d.duplicates, misrouted: d.misrouted, unmatched: d.unmatched },
      missing: { beforeCatchUp: d.missing, subscribersMissing: d.subscribersMissing, onLiveConnections: d.missingOnLiveConnections, afterCatchUp: f.mismatches, reconnects: d.reconnects, stillBehindAfterDrain: drained.reduce((s, x) => s + x.behind, 0) },
      inexactCounters: inexact.length,
      cpu,
    };
    this.check('many', 'exact on every counter', inexact.length === 0, `${inexact.length} counters differ from their 200 responses`);
    this.check('many', 'no 5xx', s5xx === 0, `${s5xx} responses were 5xx or failed`);
    this.check('many', 'nothing missing after catch-up', f.mismatches === 0, `${f.mismatches} subscribers do not show the final value`);
    this.check('many', 'nothing missing on live connections', d.missingOnLiveConnections === 0, `${d.missingOnLiveConnections} messages never arrived`);
    this.check('many', 'no misrouted messages', d.misrouted === 0 && d.unmatched === 0, `${d.misrouted} misrouted, ${d.unmatched} unknown versions`);
    await this.unsubscribeAll();
  }

  // -----------------------------------------------------------------------------------------------------------
  async users() {
    const { visitors: v, visitorIncrements } = this.o;
    const name = `${this.run}-users`;
    const visitorIds = Array.from({ length: v }, () => randomUUID());
    // Each visitor's two connections sit in different processes when there are several, like two browser tabs.
    const k = this.subs.length;
    const plan = this.subs.map(() => []);
    visitorIds.forEach((id, i) => {
      plan[i % k].push(i);
      plan[(i + 1) % k].push(i);
    });
    progress.set('users: connect');
    const firstIndex = await Promise.all(this.subs.map((worker, w) => worker.call('open', { base: this.base, count: plan[w].length, visitorIds: plan[w].map((i) => visitorIds[i]) })));
    const visitorOf = new Map();
    plan.forEach((list, w) => list.forEach((visitor, i) => visitorOf.set(keyOf(w, firstIndex[w] + i), visitor)));
    await this.collectAll();
    progress.set('users');
    const { value: run, cpu } = await this.measure(() =>
      this.load[0].call('visitors', { base: this.base, name, visitorIds, perVisitor: visitorIncrements }),
    );
    // Owner of each version, the yourTotal its response carried, and the replay answers.
    const owner = new Map();
    const totals = new Map();
    const sendTimes = new Map();
    const okPerVisitor = new Array(v).fill(0);
    let s5xx = 0;
    let badReplays = 0;
    const lastVersion = new Array(v).fill(-1);
    for (let i = 0; i < run.status.length; i++) {
      if (run.status[i] >= 500 || run.status[i] === 0) s5xx++;
      if (run.op[i] === 0 && run.status[i] === 200) {
        owner.set(run.version[i], run.who[i]);
        totals.set(run.version[i], run.yourTotal[i]);
        sendTimes.set(run.version[i], run.send[i]);
        okPerVisitor[run.who[i]]++;
        lastVersion[run.who[i]] = run.version[i];
      }
    }
    for (let i = 0; i < run.status.length; i++) {
      if (run.op[i] === 2 && !(run.status[i] === 200 && run.replayed[i] === 1 && run.version[i] === lastVersion[run.who[i]])) badReplays++;
    }
    const expectedPerWorker = plan.map((list) => list.reduce((s, visitor) => s + okPerVisitor[visitor], 0));
    progress.set('users: drain');
    await Promise.all(this.subs.map((w, i) => w.call('drainApplied', { count: expectedPerWorker[i], timeoutMs: 10_000 })));
    await sleep(300); // a replay that wrongly broadcast would arrive now
    const collected = await this.collectAll();
    let misdelivered = 0;
    let wrongTotals = 0;
    let duplicates = 0;
    let counterUpdates = 0;
    const latencies = [];
    const seen = new Set();
    collected.forEach((c, w) => {
      counterUpdates += c.updated.conn.length;
      const r = c.applied;
      for (let j = 0; j < r.conn.length; j++) {
        const key = keyOf(w, r.conn[j]);
        const version = r.version[j];
        if (c.names[r.name[j]] !== name || owner.get(version) !== visitorOf.get(key)) {
          misdelivered++;
          continue;
        }
        if (totals.get(version) !== r.yourTotal[j]) wrongTotals++;
        const id = `${key}:${version}`;
        if (seen.has(id)) duplicates++;
        else seen.add(id);
        latencies.push(r.t[j] - sendTimes.get(version));
      }
    });
    const expected = 2 * okPerVisitor.reduce((a, b) => a + b, 0);
    const missing = expected - seen.size;
    const final = await readCounter(this.base, name);
    const ok = okPerVisitor.reduce((a, b) => a + b, 0);
    this.results.users = {
      visitors: v,
      connections: 2 * v,
      incrementsPerVisitor: visitorIncrements,
      increments: { ok, s5xx, replays: v, badReplays },
      httpLatencyMs: summarize(run.latency),
      deliveryLatencyMs: summarize(latencies),
      messages: { expected, received: seen.size + duplicates + misdelivered, misdelivered, missing, duplicates, wrongYourTotal: wrongTotals, counterUpdatedWithoutSubscription: counterUpdates },
      final,
      cpu,
    };
    this.check('users', 'no misdelivery', misdelivered === 0 && counterUpdates === 0, `${misdelivered} incrementApplied reached another visitor, ${counterUpdates} unsubscribed counterUpdated`);
    this.check('users', 'every visitor connection got its own messages', missing === 0, `${missing} missing`);
    this.check('users', 'replays answer the first result and send nothing', badReplays === 0 && duplicates === 0, `${badReplays} bad replays, ${duplicates} duplicate messages`);
    this.check('users', 'yourTotal', wrongTotals === 0, `${wrongTotals} messages with a wrong yourTotal`);
    this.check('users', 'exact', final.value === ok && final.version === ok, `final ${final.value}/${final.version}, 200 responses ${ok}`);
    this.check('users', 'no 5xx', s5xx === 0, `${s5xx} responses were 5xx or failed`);
  }

  // -----------------------------------------------------------------------------------------------------------
  async hot() {
    const { writers, increments } = this.o;
    const name = `${this.run}-hot`;
    progress.set(`hot ${writers}x${increments}`);
    const split = shares(writers, this.load.length);
    const offsets = split.map((_, i) => split.slice(0, i).reduce((a, b) => a + b, 0));
    const { value: parts, cpu } = await this.measure(() =>
      Promise.all(this.load.map((w, i) => (split[i] > 0 ? w.call('hot', { base: this.base, name, writers: split[i], perWriter: increments, writerOffset: offsets[i] }) : null))),
    );
    const runs = parts.filter(Boolean);
    const status = runs.flatMap((r) => [...r.status]);
    const versions = runs.flatMap((r, i) => [...r.version].filter((_, j) => r.status[j] === 200));
    const latency = runs.flatMap((r) => [...r.latency]);
    const started = Math.min(...runs.map((r) => r.started));
    const finished = Math.max(...runs.map((r) => r.finished));
    const ok = status.filter((s) => s === 200).length;
    const s5xx = status.filter((s) => s >= 500 || s === 0).length;
    const distinct = new Set(versions).size;
    const final = await readCounter(this.base, name);
    const seconds = (finished - started) / 1000;
    const perSecond = ok / seconds;
    this.results.hot = {
      writers,
      incrementsPerWriter: increments,
      writerProcesses: this.load.length,
      seconds: round(seconds, 2),
      requests: status.length,
      ok,
      s5xx,
      other: status.length - ok - s5xx,
      incrementsPerSecond: Math.round(perSecond),
      httpLatencyMs: summarize(latency),
      final,
      distinctVersions: distinct,
      target: { minIncrementsPerSecond: TARGETS.hotIncrementsPerSecond },
      meetsTarget: perSecond >= TARGETS.hotIncrementsPerSecond,
      cpu,
    };
    this.check('hot', 'exact', final.value === ok && final.version === ok && distinct === ok, `final value ${final.value}, version ${final.version}, 200 responses ${ok}, distinct versions ${distinct}`);
    this.check('hot', 'no 5xx', s5xx === 0, `${s5xx} responses were 5xx or failed`);
  }

  // -----------------------------------------------------------------------------------------------------------
  async wrk() {
    const { writers, wrkSeconds, wrkThreads } = this.o;
    const name = `${this.run}-wrk`;
    progress.set(`wrk -c${writers} ${wrkSeconds}s`);
    const script = path.join(benchDir, 'wrk', 'increment.lua');
    const args = [`-t${wrkThreads}`, `-c${writers}`, `-d${wrkSeconds}s`, '--latency', '-s', script, this.base, '--', name];
    const { value: out, cpu } = await this.measure(
      () =>
        new Promise((resolve, reject) => {
          let text = '';
          const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
          child.stdout.on('data', (d) => (text += d));
          child.on('error', (e) => reject(new Error(`wrk could not start (${e.message}); install it with apt-get install wrk`)));
          child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
        }),
    );
    const json = JSON.parse(out.split('\n').find((l) => l.startsWith('WRK_JSON ')).slice('WRK_JSON '.length));
    const final = await readCounter(this.base, name);
    const inFlightAtStop = final.value - json.ok;
    const seconds = json.durationUs / 1e6;
    this.results.wrk = {
      command: `wrk ${args.join(' ')}`,
      connections: writers,
      threads: wrkThreads,
      seconds: round(seconds, 2),
      ok: json.ok,
      s5xx: json.s5xx,
      other: json.other,
      socketErrors: json.socketErrors,
      incrementsPerSecond: Math.round(json.ok / seconds),
      httpLatencyMs: { p50: json.p50Us / 1000, p90: json.p90Us / 1000, p95: json.p95Us / 1000, p99: json.p99Us / 1000, max: json.maxUs / 1000, mean: json.meanUs / 1000 },
      final,
      abandonedInFlightAtStop: inFlightAtStop,
      target: { minIncrementsPerSecond: TARGETS.hotIncrementsPerSecond },
      meetsTarget: json.ok / seconds >= TARGETS.hotIncrementsPerSecond,
      cpu,
    };
    // wrk abandons the requests in flight when its time is up: the server may still apply those (at most one
    // per connection), so exactness is "every 200 counted, at most `connections` more applied, version = value".
    this.check('wrk', 'exact', final.version === final.value && inFlightAtStop >= 0 && inFlightAtStop <= writers, `final ${final.value}/${final.version}, 200 responses ${json.ok}`);
    this.check('wrk', 'no 5xx', json.s5xx === 0 && json.other === 0, `${json.s5xx} 5xx, ${json.other} other non-200`);
  }

  async close() {
    await Promise.allSettled(this.subs.map((w) => w.call('closeAll')));
    for (const w of this.all) w.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function cpuCell(cpu) {
  if (!cpu) return 'n/a';
  if (cpu.serverCores == null) return `bench ${cpu.generatorCores} (busiest ${cpu.busiestBenchProcessCores}) / server and other ${cpu.otherCores}`;
  const noisy = isNoisy(cpu) ? ' NOISY' : cpu.seconds < NOISE_MIN_SECONDS ? ' (too short to judge)' : '';
  return `server ${cpu.serverCores} / bench ${cpu.generatorCores} (busiest ${cpu.busiestBenchProcessCores}) / other ${cpu.otherCores}${noisy}`;
}

const verdict = (meets) => (meets == null ? '' : meets ? 'met' : 'MISSED');

export function render(report) {
  const r = report.results;
  const out = [];
  out.push(`LiveCounter bench  ${report.startedAt}  ${report.url}`);
  out.push(`${report.machine.cores} cores (${report.machine.cpuModel}), ${report.machine.memoryGiB} GiB, .NET SDK ${report.machine.dotnet}, Node ${report.machine.node}, @microsoft/signalr ${report.machine.signalrClient}`);
  out.push(`cpu: cores used in the measured phase by the server / all bench processes (the busiest one: each is one Node thread, 1.0 is its limit) / anything else (NOISY when > ${NOISY_OTHER_CORES} in a phase of ${NOISE_MIN_SECONDS} s or more)`);
  if (r.warmup) {
    const w = r.warmup;
    out.push(`Warm-up: ${w.seconds.toFixed(1)} s of increments, ${w.steady ? 'steady' : 'not yet steady (the machine is drifting, or raise --warmup-seconds)'}; per second: ${w.ratesPerSecond.map(int).join(', ')}`);
  }
  if (report.calibrationMs?.length) {
    const c = report.calibrationMs;
    out.push(`Speed check before each phase (fixed single-thread work, lower is faster): ${Math.min(...c)}-${Math.max(...c)} ms`);
  }
  if (r.hot || r.wrk) {
    const rows = [['hot counter', 'writers', 'incr/s', 'p50', 'p95', 'p99', 'exact (value=version=200s)', '5xx', 'target', 'cpu (cores)']];
    if (r.hot) {
      const h = r.hot;
      rows.push([`node x${h.writerProcesses}`, h.writers, int(h.incrementsPerSecond), ms(h.httpLatencyMs.p50), ms(h.httpLatencyMs.p95), ms(h.httpLatencyMs.p99), `${h.final.value === h.ok && h.final.version === h.ok ? 'yes' : 'NO'} (${int(h.ok)})`, h.s5xx, `>= 20,000 ${verdict(h.meetsTarget)}`, cpuCell(h.cpu)]);
    }
    if (r.wrk) {
      const w = r.wrk;
      rows.push(['wrk', w.connections, int(w.incrementsPerSecond), ms(w.httpLatencyMs.p50), ms(w.httpLatencyMs.p95), ms(w.httpLatencyMs.p99), `${w.final.version === w.final.value ? 'yes' : 'NO'} (${int(w.ok)} + ${w.abandonedInFlightAtStop} in flight)`, w.s5xx, `>= 20,000 ${verdict(w.meetsTarget)}`, cpuCell(w.cpu)]);
    }
    out.push('', table(rows));
  }
  if (r.fanout?.length) {
    const rows = [['fan-out', 'delivery p50', 'p95', 'p99', 'max', 'received/expected', 'missing (live / after catch-up)', 'POST p99', 'target p99', 'cpu (cores)']];
    for (const f of r.fanout) {
      rows.push([`${f.subscribers} subs @ ${f.rate}/s`, ms(f.deliveryLatencyMs.p50), ms(f.deliveryLatencyMs.p95), ms(f.deliveryLatencyMs.p99), ms(f.deliveryLatencyMs.max), `${int(f.messages.received)}/${int(f.messages.expected)}`, `${f.missing.onLiveConnections} / ${f.missing.afterCatchUp}`, ms(f.httpLatencyMs.p99), f.target ? `<= ${f.target.p99Ms} ms ${verdict(f.meetsTarget)}` : '', cpuCell(f.cpu)]);
    }
    out.push('', table(rows));
  }
  if (r.many) {
    const m = r.many;
    out.push(
      '',
      table([
        ['many counters', 'ops/s (incr + read)', 'incr p99', 'read p99', 'delivery p50', 'p99', 'received/expected', 'missing (live / after)', 'misrouted', 'exact', 'cpu (cores)'],
        [`${m.counters} x ${m.subscribersPerCounter} subs, ${m.writers} writers`, `${int(m.operationsPerSecond)} (${int(m.incrementsPerSecond)} + ${int(m.readsPerSecond)})`, ms(m.incrementLatencyMs.p99), ms(m.readLatencyMs.p99), ms(m.deliveryLatencyMs.p50), ms(m.deliveryLatencyMs.p99), `${int(m.messages.received)}/${int(m.messages.expected)}`, `${m.missing.onLiveConnections} / ${m.missing.afterCatchUp}`, m.messages.misrouted, m.inexactCounters === 0 ? 'yes' : `NO (${m.inexactCounters})`, cpuCell(m.cpu)],
      ]),
    );
  }
  if (r.connections) {
    const c = r.connections;
    out.push(
      '',
      c.measurable
        ? table([
            ['connections', 'RSS before', 'RSS after', 'per connection', 'slope over 5 steps', 'target'],
            [`${int(c.connections)} idle`, `${(c.rssBeforeBytes / 1024 ** 2).toFixed(1)} MiB`, `${(c.rssAfterBytes / 1024 ** 2).toFixed(1)} MiB`, kib(c.bytesPerConnection), kib(c.slopeBytesPerConnection), `<= 48 KiB ${verdict(c.meetsTarget)}`],
          ])
        : `connections: not measured: ${c.reason}`,
    );
  }
  if (r.users) {
    const u = r.users;
    out.push(
      '',
      table([
        ['user targeting', 'incrementApplied received/expected', 'misdelivered', 'missing', 'duplicates', 'wrong yourTotal', 'replays ok', 'delivery p99', 'cpu (cores)'],
        [`${u.visitors} visitors x 2 conns`, `${int(u.messages.received)}/${int(u.messages.expected)}`, u.messages.misdelivered, u.messages.missing, u.messages.duplicates, u.messages.wrongYourTotal, `${u.increments.replays - u.increments.badReplays}/${u.increments.replays}`, ms(u.deliveryLatencyMs.p99), cpuCell(u.cpu)],
      ]),
    );
  }
  out.push('', report.failures.length ? `CHECKS FAILED:\n  ${report.failures.join('\n  ')}` : 'All exactness, missing and misdelivery checks passed.');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  let options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${error.message}`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  if (!options.url) {
    console.error('bench: no --url. Run ./bench/run.sh to build and start Standalone, or pass --url of a running server.');
    return 2;
  }
  try {
    await readCounter(options.url, 'bench-ping');
  } catch (error) {
    console.error(`bench: ${options.url} does not answer GET /api/counters/bench-ping: ${error.message}`);
    return 2;
  }

  const startedAt = new Date();
  const report = {
    startedAt: startedAt.toISOString(),
    url: options.url,
    serverPid: options.serverPid,
    machine: machine(benchDir),
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    options: Object.fromEntries(Object.entries(options).filter(([k]) => !['help', 'scenarioList', 'fanoutList'].includes(k))),
    results: null,
    failures: null,
  };
  const bench = new Bench(options);
  progress.start(bench.all, options.serverPid);
  let crashed = null;
  try {
    const want = (s) => options.scenarioList.includes(s);
    await bench.warmConnections();
    if (want('connections')) await bench.connections();
    await bench.warmup();
    if (want('fanout')) await bench.fanout();
    if (want('many')) await bench.many();
    if (want('users')) await bench.users();
    progress.set('closing connections');
    await Promise.all(bench.subs.map((w) => w.call('closeAll')));
    if (want('hot')) await bench.hot();
    if (want('wrk')) await bench.wrk();
  } catch (error) {
    crashed = error;
  } finally {
    progress.stop();
    await bench.close();
  }
  report.finishedAt = new Date().toISOString();
  report.loadAverageAtEnd = os.loadavg().map((x) => round(x, 2));
  report.results = bench.results;
  report.failures = bench.failures;
  report.calibrationMs = bench.calibrations;
  report.error = crashed ? String(crashed.stack ?? crashed) : null;
  report.noisyPhases = Object.entries(bench.results)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x, i) => [`${k}[${i}]`, x]) : [[k, v]]))
    .filter(([, v]) => isNoisy(v?.cpu))
    .map(([k]) => k);

  const file = options.out ?? path.join(benchDir, 'results', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

  console.log(render(report));
  if (report.noisyPhases.length) console.log(`Noisy phases (other processes used > ${NOISY_OTHER_CORES} cores): ${report.noisyPhases.join(', ')}: re-run when the machine is quiet.`);
  console.log(`Results: ${path.relative(process.cwd(), file) || file}`);
  if (crashed) {
    console.error(`bench: ${crashed.stack ?? crashed}`);
    return 2;
  }
  return report.failures.length ? 1 : 0;
}

process.exitCode = await main();
