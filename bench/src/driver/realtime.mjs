// The realtime side of a bench process: SignalR connections opened the way the pages open them, recording every
// message they receive with its receipt time and size; subscriptions, catch-up reads and draining. Connections
// opened with `merge` also keep, per counter, what a page would show: the merge of every payload they received
// (laneMerge.mjs) and when its sums changed.
import { randomUUID } from 'node:crypto';
import * as signalR from '@microsoft/signalr';
import { Growable, eachLimited, now, sleep } from '../stats.mjs';
import { emptyView, lanesAddUp, lanesOf, merge, payloadKey } from '../laneMerge.mjs';
import { call, closePool, counterPath, pool, readCounter } from './http.mjs';
import { MeasuringJsonHubProtocol, SIZE } from './sizes.mjs';

// { hub, visitorId, names: Set, last: Map(name -> {version, value}), views: Map(name -> merged) | null, reconnects, closed }
const connections = [];
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

const updated = {
  conn: new Growable(Uint32Array),
  name: new Growable(Uint32Array),
  version: new Growable(),
  value: new Growable(),
  receivedAt: new Growable(),
  lanes: new Growable(Int16Array), // entries in `lanes`; -1: none (a server from before lanes on the wire)
  lanesAddUp: new Growable(Int8Array), // 1: the lanes add up to value and version, 0: they do not, -1: no lanes
  messageBytes: new Growable(Uint32Array), // the hub message as received, its record separator included
  argumentBytes: new Growable(Int32Array), // its argument as the server serialized it; -1: not found
};
const applied = {
  conn: new Growable(Uint32Array),
  name: new Growable(Uint32Array),
  version: new Growable(),
  yourTotal: new Growable(),
  by: new Growable(),
  receivedAt: new Growable(),
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

/** A merging connection's view of one counter: the merge, each change of its sums [at, value, version, …], duplicates. */
function viewOf(state, name) {
  let entry = state.views.get(name);
  if (!entry) {
    entry = { view: emptyView(), history: [], seen: new Set(), duplicates: 0, reads: 0 };
    state.views.set(name, entry);
  }
  return entry;
}

/** Merges a payload into a merging connection's view (`counterUpdated`, or a read: reads are not judged for duplicates). */
function mergeInto(state, name, payload, { read = false } = {}) {
  if (!state.views) return;
  const entry = viewOf(state, name);
  if (read) entry.reads++;
  else {
    const key = payloadKey(payload);
    if (entry.seen.has(key)) entry.duplicates++;
    else entry.seen.add(key);
  }
  if (merge(entry.view, payload)) entry.history.push(now(), entry.view.value, entry.view.version);
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
  mergeInto(state, counter.name, counter, { read: true });
}

/**
 * Opens `count` connections the way the pages do (negotiate at POST /api/negotiate?visitorId=…, then a
 * WebSocket), with automatic reconnect that re-subscribes and catches up. `merge`: each also keeps the merged view of
 * every counter it hears of (see views). Returns the first new index.
 */
export async function open({ base, count, visitorIds = null, concurrency = 16, merge: merging = false }) {
  const first = connections.length;
  const created = Array.from({ length: count }, (_, i) => {
    const visitorId = visitorIds ? visitorIds[i] : randomUUID();
    const hub = new signalR.HubConnectionBuilder()
      .withUrl(`${base}/api?visitorId=${visitorId}`, { transport: signalR.HttpTransportType.WebSockets })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => (context.previousRetryCount < 30 ? 500 : null) })
      .withHubProtocol(new MeasuringJsonHubProtocol())
      .configureLogging(logger)
      .build();
    const state = { hub, visitorId, names: new Set(), last: new Map(), applied: new Map(), views: merging ? new Map() : null, reconnects: 0, closed: false };
    const index = connections.push(state) - 1;
    hub.on('counterUpdated', (m) => {
      updated.conn.push(index);
      updated.name.push(idOf(m.name));
      updated.version.push(m.version);
      updated.value.push(m.value);
      updated.receivedAt.push(now());
      const laneCount = m.lanes == null ? -1 : Object.keys(m.lanes).length;
      updated.lanes.push(laneCount);
      const addsUp = lanesAddUp(m);
      updated.lanesAddUp.push(addsUp === null ? -1 : addsUp ? 1 : 0);
      updated.messageBytes.push(m[SIZE]?.messageBytes ?? 0);
      updated.argumentBytes.push(m[SIZE]?.argumentBytes ?? -1);
      received++;
      track(state, m.name, m.version, m.value);
      mergeInto(state, m.name, m);
    });
    hub.on('incrementApplied', (m) => {
      applied.conn.push(index);
      applied.name.push(idOf(m.name));
      applied.version.push(m.version);
      applied.yourTotal.push(m.yourTotal ?? -1);
      applied.by.push(m.by ?? -1);
      applied.receivedAt.push(now());
      received++;
      if (m.version > (state.applied.get(m.name) ?? 0)) state.applied.set(m.name, m.version);
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

/**
 * Waits until every open connection of a visitor in `targets` (visitor id -> version) has received an
 * incrementApplied for counter `name` with a version ≥ the target, or the timeout. Returns how many have not.
 */
export async function drainApplied({ name, targets, timeoutMs }) {
  const deadline = now() + timeoutMs;
  const behind = () => connections.filter((s) => !s.closed && targets[s.visitorId] != null && (s.applied.get(name) ?? 0) < targets[s.visitorId]).length;
  while (behind() > 0 && now() < deadline) await sleep(20);
  return { behind: behind() };
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

/**
 * Waits until every connection subscribed to a name has seen its target version, or the timeout. `only`: the
 * indexes of the connections to wait for (others are not looked at), e.g. one per instance with its own target.
 */
export async function drain({ targets, timeoutMs, only = null }) {
  const deadline = now() + timeoutMs;
  const watched = only ? only.map((index) => connections[index]) : connections;
  const behind = () =>
    watched.filter((s) => !s.closed && [...s.names].some((n) => targets[n] != null && (s.last.get(n)?.version ?? 0) < targets[n])).length;
  while (behind() > 0 && now() < deadline) await sleep(20);
  return { behind: behind() };
}

/**
 * Waits until each of the merging connections `only` shows `truth` ({ value, version }) for counter `name` in its
 * merged view, or the timeout. Returns how many do not.
 */
export async function drainToTruth({ name, truth, timeoutMs, only }) {
  const deadline = now() + timeoutMs;
  const behind = () =>
    only.filter((index) => {
      const view = connections[index].views?.get(name)?.view;
      return !view || view.value !== truth.value || view.version !== truth.version;
    }).length;
  while (behind() > 0 && now() < deadline) await sleep(20);
  return { behind: behind() };
}

/**
 * The merged views of counter `name` on the merging connections `only`: the sums and lanes shown, each change of
 * the sums with its time (flat: [at, value, version, …]), payloads received twice, catch-up reads merged, reconnects.
 */
export function views({ name, only }) {
  return only.map((index) => {
    const state = connections[index];
    const entry = state.views?.get(name);
    const view = entry?.view ?? emptyView();
    return {
      index,
      value: view.value,
      version: view.version,
      lanes: lanesOf(view),
      history: entry?.history ?? [],
      duplicates: entry?.duplicates ?? 0,
      reads: entry?.reads ?? 0,
      reconnects: state.reconnects,
      closed: state.closed,
    };
  });
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
  await closePool();
  return connections.length;
}
