// What one bench process does: hold SignalR connections and record every message they receive, and drive the
// HTTP API. main.mjs runs these operations in worker processes (worker.mjs) and joins the records afterwards.
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'undici';
import * as signalR from '@microsoft/signalr';
import { Growable, eachLimited, now, sleep } from './stats.mjs';

const JSON_HEADERS = { 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------------------------------
// HTTP

let sharedPool = null;
let sharedBase = null;

/** A keep-alive pool for the bench's own bookkeeping requests (subscriptions, catch-up reads). */
function pool(base) {
  if (sharedBase !== base) {
    sharedPool?.close();
    sharedPool = new Pool(base, { connections: 16, pipelining: 1 });
    sharedBase = base;
  }
  return sharedPool;
}

async function call(dispatcher, method, path, body, headers = {}) {
  const response = await dispatcher.request({
    method,
    path,
    headers: body === undefined ? headers : { ...JSON_HEADERS, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

const counterPath = (name) => `/api/counters/${encodeURIComponent(name)}`;

export async function readCounter(base, name) {
  const response = await call(pool(base), 'GET', counterPath(name));
  if (response.status !== 200) throw new Error(`GET ${name}: ${response.status} ${response.text}`);
  return JSON.parse(response.text);
}

// ---------------------------------------------------------------------------------------------------------------
// SignalR connections and what they receive

const connections = []; // { hub, visitorId, names: Set, last: Map(name -> {version, value}), reconnects, closed }
const nameIds = new Map();
const names = [];
const idOf = (name) => {
  let id = nameIds.get(name);
  if (id === undefined) {
    id = names.length;
    names.push(name);
    nameIds.set(name, id);
  }
  return id;
};

const updated = { conn: new Growable(Uint32Array), name: new Growable(Uint32Array), version: new Growable(), t: new Growable() };
const applied = {
  conn: new Growable(Uint32Array),
  name: new Growable(Uint32Array),
  version: new Growable(),
  yourTotal: new Growable(),
  t: new Growable(),
};
const clientLog = { warnings: 0, errors: 0, first: [] };
let received = 0;

export const progress = () => ({ received, connections: connections.filter((c) => !c.closed).length });

/** The SignalR client's log, counted; the first few messages are kept for the report. */
const logger = {
  log(level, message) {
    if (level < signalR.LogLevel.Warning) return;
    if (level >= signalR.LogLevel.Error) clientLog.errors++;
    else clientLog.warnings++;
    if (clientLog.first.length < 5) clientLog.first.push(`${signalR.LogLevel[level]}: ${message}`);
  },
};

function track(state, name, version, value) {
  const last = state.last.get(name);
  if (!last || version > last.version) state.last.set(name, { version, value });
}

async function subscribeOne(base, state, name) {
  const response = await call(pool(base), 'POST', `${counterPath(name)}/subscriptions`, { connectionId: state.hub.connectionId });
  if (response.status !== 204) throw new Error(`subscribe ${name}: ${response.status} ${response.text}`);
}

/** What a page does on every (re)connect: subscribe with the current id, then re-read the counter. */
async function join(base, state, name) {
  await subscribeOne(base, state, name);
  const counter = await readCounter(base, name);
  track(state, counter.name, counter.version, counter.value);
}

/**
 * Opens `count` connections the way the pages do (negotiate at POST /api/negotiate?visitorId=…, then a
 * WebSocket), with automatic reconnect that re-subscribes and catches up. Returns the first new index.
 */
export async function open({ base, count, visitorIds = null, concurrency = 16 }) {
  const first = connections.length;
  const created = Array.from({ length: count }, (_, i) => {
    const visitorId = visitorIds ? visitorIds[i] : randomUUID();
    const hub = new signalR.HubConnectionBuilder()
      .withUrl(`${base}/api?visitorId=${visitorId}`, { transport: signalR.HttpTransportType.WebSockets })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => (context.previousRetryCount < 30 ? 500 : null) })
      .configureLogging(logger)
      .build();
    const state = { hub, visitorId, names: new Set(), last: new Map(), reconnects: 0, closed: false };
    const index = connections.push(state) - 1;
    hub.on('counterUpdated', (m) => {
      updated.conn.push(index);
      updated.name.push(idOf(m.name));
      updated.version.push(m.version);
      updated.t.push(now());
      received++;
      track(state, m.name, m.version, m.value);
    });
    hub.on('incrementApplied', (m) => {
      applied.conn.push(index);
      applied.name.push(idOf(m.name));
      applied.version.push(m.version);
      applied.yourTotal.push(m.yourTotal ?? -1);
      applied.t.push(now());
      received++;
    });
    hub.onreconnected(() => {
      state.reconnects++;
      for (const name of state.names) join(base, state, name).catch(() => {});
    });
    hub.onclose(() => {
      state.closed = true;
    });
    return hub;
  });
  await eachLimited(created, concurrency, (hub) => hub.start());
  return first;
}

/** Subscribes connection from+i to assign[i], for every i. */
export async function subscribe({ base, from, assign, concurrency = 16 }) {
  const indexes = assign.map((_, i) => from + i);
  await eachLimited(indexes, concurrency, async (index, i) => {
    const target = assign[i];
    const state = connections[index];
    state.names.add(target);
    await subscribeOne(base, state, target);
  });
  return assign.length;
}

/** Waits until this process's connections have received `count` incrementApplied messages, or the timeout. */
export async function drainApplied({ count, timeoutMs }) {
  const deadline = now() + timeoutMs;
  while (applied.conn.length < count && now() < deadline) await sleep(20);
  return { received: applied.conn.length };
}

/** Forgets every connection's subscriptions (server side too) so the next scenario starts clean. */
export async function unsubscribeAll({ base, concurrency = 16 }) {
  const pairs = connections.flatMap((state) => [...state.names].map((name) => [state, name]));
  await eachLimited(pairs, concurrency, async ([state, name]) => {
    if (!state.closed) await call(pool(base), 'DELETE', `${counterPath(name)}/subscriptions/${state.hub.connectionId}`);
    state.names.delete(name);
  });
  return pairs.length;
}

/** Waits until every connection subscribed to a name has seen its target version, or the timeout. */
export async function drain({ targets, timeoutMs }) {
  const deadline = now() + timeoutMs;
  const behind = () =>
    connections.filter((s) => !s.closed && [...s.names].some((n) => targets[n] != null && (s.last.get(n)?.version ?? 0) < targets[n])).length;
  while (behind() > 0 && now() < deadline) await sleep(20);
  return { behind: behind() };
}

/**
 * The page-style catch-up: every subscribed connection re-reads its counters via GET and keeps the higher
 * version. Returns each connection's final state per counter, after catch-up, with whether the read was needed.
 */
export async function catchUp({ base, concurrency = 16 }) {
  const pairs = connections.flatMap((state, index) => [...state.names].map((name) => [state, index, name]));
  const result = [];
  await eachLimited(pairs, concurrency, async ([state, index, name]) => {
    const before = state.last.get(name)?.version ?? 0;
    const counter = await readCounter(base, name);
    track(state, name, counter.version, counter.value);
    const after = state.last.get(name);
    result.push({ conn: index, name, versionBefore: before, version: after.version, value: after.value, reconnects: state.reconnects });
  });
  return result;
}

/** Hands over (and forgets) what the connections recorded since the last collect. */
export function collect() {
  const take = (group) => Object.fromEntries(Object.entries(group).map(([key, g]) => [key, g.toArray()]));
  const result = {
    names: [...names],
    updated: take(updated),
    applied: take(applied),
    connections: connections.map((s) => ({ visitorId: s.visitorId, names: [...s.names], reconnects: s.reconnects, closed: s.closed })),
    clientLog: { ...clientLog, first: [...clientLog.first] },
  };
  for (const g of [updated, applied]) for (const key of Object.keys(g)) g[key].clear();
  return result;
}

export async function closeAll() {
  await Promise.all(connections.map((s) => s.hub.stop().catch(() => {})));
  await sharedPool?.close();
  sharedPool = null;
  sharedBase = null;
  return connections.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Load

let sent = 0;
let answered = 0;
export const httpProgress = () => ({ sent, answered });

/** Request records: send time, latency, status, returned version, counter index, and writer/visitor index. */
function records() {
  const r = {
    send: new Growable(),
    latency: new Growable(),
    status: new Growable(Uint16Array),
    version: new Growable(),
    counter: new Growable(Uint32Array),
    who: new Growable(Uint32Array),
    op: new Growable(Uint8Array), // 0 increment, 1 read, 2 replay of the visitor's last Idempotency-Key
    yourTotal: new Growable(),
    replayed: new Growable(Uint8Array), // the response carried Idempotent-Replayed: true
  };
  r.add = (send, latency, status, version, counter, who, op, yourTotal = -1, replayed = false) => {
    r.replayed.push(replayed ? 1 : 0);
    r.send.push(send);
    r.latency.push(latency);
    r.status.push(status);
    r.version.push(version);
    r.counter.push(counter);
    r.who.push(who);
    r.op.push(op);
    r.yourTotal.push(yourTotal);
  };
  r.done = () => Object.fromEntries(Object.entries(r).filter(([, v]) => v instanceof Growable).map(([k, v]) => [k, v.toArray()]));
  return r;
}

async function timed(dispatcher, method, path, body, headers) {
  sent++;
  const start = now();
  try {
    const response = await call(dispatcher, method, path, body, headers);
    const end = now();
    answered++;
    let version = -1;
    let yourTotal = -1;
    if (response.status === 200) {
      const json = JSON.parse(response.text);
      version = json.version;
      yourTotal = json.yourTotal ?? -1;
    }
    return { start, latency: end - start, status: response.status, version, yourTotal, replayed: response.headers['idempotent-replayed'] === 'true' };
  } catch (error) {
    answered++;
    return { start, latency: now() - start, status: 0, version: -1, yourTotal: -1, replayed: false, error: String(error) };
  }
}

const INCREMENT_BODY = '{"by":1}';

/** Opens one keep-alive connection per writer and warms each with a read. */
async function writersFor(base, count, warmName) {
  const clients = Array.from({ length: count }, () => new Client(base, { pipelining: 1, keepAliveTimeout: 60_000 }));
  await Promise.all(clients.map((c) => call(c, 'GET', counterPath(warmName))));
  return clients;
}

/** Closed loop: `writers` keep-alive connections, each sending `perWriter` increments to one counter back to back. */
export async function hot({ base, name, writers, perWriter, writerOffset = 0 }) {
  const clients = await writersFor(base, writers, name);
  const r = records();
  const path = `${counterPath(name)}/increment`;
  const started = now();
  await Promise.all(
    clients.map(async (client, w) => {
      for (let k = 0; k < perWriter; k++) {
        const x = await timed(client, 'POST', path, INCREMENT_BODY);
        r.add(x.start, x.latency, x.status, x.version, 0, writerOffset + w, 0);
      }
    }),
  );
  const finished = now();
  await Promise.all(clients.map((c) => c.close()));
  return { started, finished, ...r.done() };
}

/**
 * Warm-up: `writers` keep-alive connections send increments back to back until the rate is steady (the mean of
 * the last three windows within `tolerance` of the three before) and at least `minMs` have passed, or `maxMs`.
 * A fresh server needs this: until tiered JIT has recompiled the hot paths it costs about twice the CPU per
 * request. Single windows are not compared: on this VM they vary by 15-20 % even when nothing else runs.
 */
export async function warm({ base, name, writers, minMs, maxMs, windowMs = 1000, tolerance = 0.1 }) {
  const clients = await writersFor(base, writers, name);
  const path = `${counterPath(name)}/increment`;
  const started = now();
  const windows = [];
  let answeredInWindow = 0;
  let stop = false;
  let steady = false;
  const watch = (async () => {
    while (!stop) {
      await sleep(windowMs);
      windows.push((answeredInWindow * 1000) / windowMs);
      answeredInWindow = 0;
      const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
      if (windows.length >= 6) {
        const last = mean(windows.slice(-3));
        const before = mean(windows.slice(-6, -3));
        steady = Math.abs(last - before) <= tolerance * before;
      }
      if ((steady && now() - started >= minMs) || now() - started >= maxMs) stop = true;
    }
  })();
  await Promise.all(
    clients.map(async (client) => {
      while (!stop) {
        await call(client, 'POST', path, INCREMENT_BODY);
        answeredInWindow++;
      }
    }),
  );
  await watch;
  await Promise.all(clients.map((c) => c.close()));
  return { seconds: (now() - started) / 1000, steady, ratesPerSecond: windows.map((r) => Math.round(r)) };
}

/** Open loop: increments to one counter at `rate` per second for `durationMs`, whatever the responses do. */
export async function paced({ base, name, rate, durationMs, connections: poolSize = 16, maxInFlight = 512 }) {
  const dispatcher = new Pool(base, { connections: poolSize, pipelining: 1 });
  await Promise.all(Array.from({ length: poolSize }, () => call(dispatcher, 'GET', counterPath(name))));
  const r = records();
  const lag = new Growable();
  const total = Math.round((rate * durationMs) / 1000);
  const path = `${counterPath(name)}/increment`;
  const inFlight = new Set();
  let skipped = 0;
  const started = now() + 20;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    await sleep(Math.ceil(due - now())); // setTimeout truncates: never send before the schedule
    if (inFlight.size >= maxInFlight) {
      skipped++;
      continue;
    }
    lag.push(now() - due);
    const p = timed(dispatcher, 'POST', path, INCREMENT_BODY).then((x) => {
      r.add(x.start, x.latency, x.status, x.version, 0, 0, 0);
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const finished = now();
  await dispatcher.close();
  return { started, finished, skipped, lag: lag.toArray(), ...r.done() };
}

/** Closed loop over many counters: each op is an increment (share 1 - readShare) or a read of a random counter. */
export async function mixed({ base, namesList, writers, durationMs, readShare }) {
  const clients = await writersFor(base, writers, namesList[0]);
  const r = records();
  const started = now();
  const deadline = started + durationMs;
  await Promise.all(
    clients.map(async (client, w) => {
      while (now() < deadline) {
        const c = Math.floor(Math.random() * namesList.length);
        const read = Math.random() < readShare;
        const x = read
          ? await timed(client, 'GET', counterPath(namesList[c]))
          : await timed(client, 'POST', `${counterPath(namesList[c])}/increment`, INCREMENT_BODY);
        r.add(x.start, x.latency, x.status, x.version, c, w, read ? 1 : 0);
      }
    }),
  );
  const finished = now();
  await Promise.all(clients.map((c) => c.close()));
  return { started, finished, ...r.done() };
}

/**
 * Visitors: each sends `perVisitor` increments with its own X-Visitor-Id and a fresh Idempotency-Key, one after
 * another, then replays its last key once (which must answer Idempotent-Replayed and send nothing new).
 */
export async function visitors({ base, name, visitorIds, perVisitor, concurrency = 32 }) {
  const dispatcher = new Pool(base, { connections: Math.min(concurrency, visitorIds.length), pipelining: 1 });
  const r = records();
  const path = `${counterPath(name)}/increment`;
  const started = now();
  await eachLimited(visitorIds, concurrency, async (visitorId, v) => {
    let key = null;
    for (let k = 0; k < perVisitor; k++) {
      key = randomUUID();
      const x = await timed(dispatcher, 'POST', path, INCREMENT_BODY, { 'x-visitor-id': visitorId, 'idempotency-key': key });
      r.add(x.start, x.latency, x.status, x.version, 0, v, 0, x.yourTotal, x.replayed);
    }
    const replay = await timed(dispatcher, 'POST', path, INCREMENT_BODY, { 'x-visitor-id': visitorId, 'idempotency-key': key });
    r.add(replay.start, replay.latency, replay.status, replay.version, 0, v, 2, replay.yourTotal, replay.replayed);
  });
  const finished = now();
  await dispatcher.close();
  return { started, finished, ...r.done() };
}
