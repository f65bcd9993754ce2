// The realtime side of a bench process: SignalR connections opened as the pages open them, recording every message
// with its receipt time and size; subscriptions, catch-up reads and draining. Connections opened with `merge` also
// keep, per counter, what a page would show (laneMerge.mjs) and when its sums changed.
import { randomUUID } from 'node:crypto';
import * as signalR from '@microsoft/signalr';
import { columns, eachLimited, now, sleep, typed } from '../stats.mjs';
import { emptyView, lanesAddUp, lanesOf, merge, payloadKey } from '../laneMerge.mjs';
import { call, closePool, counterPath, pool, readCounter } from './http.mjs';
import { MeasuringJsonHubProtocol, SIZE } from './sizes.mjs';

// { hub, visitorId, names: Set, last: Map(name -> {version, value}), applied: Map(name -> version), views: Map | null, reconnects, closed }
const connections = [];
const names = [];
const nameIds = new Map();
function idOf(name) {
  if (!nameIds.has(name)) nameIds.set(name, names.push(name) - 1);
  return nameIds.get(name);
}

const F = Float64Array;
const UPDATED = {
  conn: Uint32Array, name: Uint32Array, version: F, value: F, receivedAt: F,
  lanes: Int16Array, // entries in `lanes`; -1: none (a server from before lanes on the wire)
  lanesAddUp: Int8Array, // 1: the lanes add up to value and version, 0: they do not, -1: no lanes
  messageBytes: Uint32Array, // the hub message as received, its record separator included
  argumentBytes: Int32Array, // its argument as the server serialized it; -1: not found
};
const APPLIED = { conn: Uint32Array, name: Uint32Array, version: F, yourTotal: F, by: F, receivedAt: F };
const [updated, applied] = [columns(UPDATED), columns(APPLIED)];
const push = (group, row) => Object.entries(group).forEach(([k, column]) => column.push(row[k]));
let received = 0;

export const progress = () => ({ received, connections: connections.filter((c) => !c.closed).length });

function track(state, { name, version, value }) {
  if (!(state.last.get(name)?.version >= version)) state.last.set(name, { version, value });
}

/** Merges a payload into a merging connection's view; reads are not judged for duplicates. */
function mergeInto(state, payload, { read = false } = {}) {
  if (!state.views) return;
  let entry = state.views.get(payload.name);
  if (!entry) state.views.set(payload.name, (entry = { view: emptyView(), history: [], seen: new Set(), duplicates: 0 }));
  if (!read && entry.seen.has(payloadKey(payload))) entry.duplicates++;
  else if (!read) entry.seen.add(payloadKey(payload));
  if (merge(entry.view, payload)) entry.history.push(now(), entry.view.value, entry.view.version);
}

async function subscribeOne(base, state, name) {
  const response = await call(pool(base), 'POST', `${counterPath(name)}/subscriptions`, { connectionId: state.hub.connectionId });
  if (response.status !== 204) throw new Error(`subscribe ${name}: ${response.status} ${response.text}`);
}

/**
 * Opens `count` connections as the pages do (negotiate with ?visitorId=…, then a WebSocket), with automatic
 * reconnect that re-subscribes and re-reads, as a page does on every reconnect. Returns the first new index.
 */
export async function open({ base, count, visitorIds = null, concurrency = 16, merge: merging = false }) {
  const first = connections.length;
  const created = Array.from({ length: count }, (_, i) => {
    const visitorId = visitorIds ? visitorIds[i] : randomUUID();
    const hub = new signalR.HubConnectionBuilder()
      .withUrl(`${base}/api?visitorId=${visitorId}`, { transport: signalR.HttpTransportType.WebSockets })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => (context.previousRetryCount < 30 ? 500 : null) })
      .withHubProtocol(new MeasuringJsonHubProtocol())
      .configureLogging(signalR.LogLevel.None) // what goes wrong shows in the checks
      .build();
    const state = { hub, visitorId, names: new Set(), last: new Map(), applied: new Map(), views: merging ? new Map() : null, reconnects: 0, closed: false };
    const conn = connections.push(state) - 1;
    hub.on('counterUpdated', (m) => {
      const addsUp = lanesAddUp(m);
      const size = m[SIZE] ?? {};
      push(updated, { conn, version: m.version, value: m.value, name: idOf(m.name), receivedAt: now(), lanes: m.lanes == null ? -1 : Object.keys(m.lanes).length, lanesAddUp: addsUp === null ? -1 : Number(addsUp), messageBytes: size.messageBytes ?? 0, argumentBytes: size.argumentBytes ?? -1 });
      received++;
      track(state, m);
      mergeInto(state, m);
    });
    hub.on('incrementApplied', (m) => {
      push(applied, { conn, name: idOf(m.name), version: m.version, yourTotal: m.yourTotal ?? -1, by: m.by ?? -1, receivedAt: now() });
      received++;
      if (m.version > (state.applied.get(m.name) ?? 0)) state.applied.set(m.name, m.version);
    });
    hub.onreconnected(async () => {
      state.reconnects++;
      for (const name of state.names) {
        const counter = await subscribeOne(base, state, name).then(() => readCounter(base, name)).catch(() => null);
        if (!counter) continue;
        track(state, counter);
        mergeInto(state, counter, { read: true });
      }
    });
    hub.onclose(() => (state.closed = true));
    return hub;
  });
  await eachLimited(created, concurrency, (hub) => hub.start());
  return first;
}

/** Subscribes connection from+i to assign[i], for every i. */
export async function subscribe({ base, from, assign, concurrency = 16 }) {
  await eachLimited(assign, concurrency, (name, i) => {
    connections[from + i].names.add(name);
    return subscribeOne(base, connections[from + i], name);
  });
  return assign.length;
}

/** Polls until none is behind or the timeout; returns how many are. */
async function until(behind, timeoutMs) {
  for (const deadline = now() + timeoutMs; behind() > 0 && now() < deadline; ) await sleep(20);
  return { behind: behind() };
}

/** Until every open connection of a visitor in `targets` (visitor id -> version) has an incrementApplied of `name` at least that version. */
export const drainApplied = ({ name, targets, timeoutMs }) =>
  until(() => connections.filter((s) => !s.closed && targets[s.visitorId] != null && (s.applied.get(name) ?? 0) < targets[s.visitorId]).length, timeoutMs);

/** Until every connection (of `only`, indexes) subscribed to a name in `targets` has seen its target version. */
export function drain({ targets, timeoutMs, only = null }) {
  const watched = only ? only.map((index) => connections[index]) : connections;
  return until(() => watched.filter((s) => !s.closed && [...s.names].some((n) => targets[n] != null && (s.last.get(n)?.version ?? 0) < targets[n])).length, timeoutMs);
}

/** Until each merging connection of `only` shows `truth` ({ value, version }) for counter `name`. */
export function drainToTruth({ name, truth, timeoutMs, only }) {
  const off = (index) => connections[index].views?.get(name)?.view ?? {};
  return until(() => only.filter((index) => off(index).value !== truth.value || off(index).version !== truth.version).length, timeoutMs);
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

/** The merged views of `name` on the connections `only`: sums and lanes shown, each change [at, value, version, …], payloads seen twice. */
export function views({ name, only }) {
  return only.map((index) => {
    const { views: all, reconnects, closed } = connections[index];
    const { view = emptyView(), history = [], duplicates = 0 } = all?.get(name) ?? {};
    return { index, value: view.value, version: view.version, lanes: lanesOf(view), history, duplicates, reconnects, closed };
  });
}

/** The page-style catch-up: every subscribed connection re-reads its counters and keeps the higher version; each one's state after. */
export async function catchUp({ base, concurrency = 16 }) {
  const pairs = connections.flatMap((state, conn) => [...state.names].map((name) => [state, conn, name]));
  const result = [];
  await eachLimited(pairs, concurrency, async ([state, conn, name]) => {
    const versionBefore = state.last.get(name)?.version ?? 0;
    track(state, { ...(await readCounter(base, name)), name });
    const { version, value } = state.last.get(name);
    result.push({ conn, name, versionBefore, version, value, reconnects: state.reconnects });
  });
  return result;
}

/** Hands over (and forgets) what the connections recorded since the last collect. */
export function collect() {
  const result = {
    names: [...names],
    updated: typed(UPDATED, updated),
    applied: typed(APPLIED, applied),
    connections: connections.map((s) => ({ visitorId: s.visitorId, names: [...s.names], reconnects: s.reconnects, closed: s.closed })),
  };
  for (const group of [updated, applied]) for (const column of Object.values(group)) column.length = 0;
  return result;
}

export async function closeAll() {
  await Promise.all(connections.map((s) => s.hub.stop().catch(() => {})));
  await closePool();
  return connections.length;
}
