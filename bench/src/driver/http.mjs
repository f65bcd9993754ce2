// The HTTP side of a bench process: the API's requests over undici keep-alive connections, and the load patterns
// the scenarios drive. main.mjs runs them in worker processes (worker.mjs) and joins their records.
import { randomBytes, randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { Client, Pool } from 'undici';
import { Growable, now, sleep } from '../stats.mjs';

/** What a record is (the column `op`): an increment, a read, or the replay of a visitor's last Idempotency-Key. */
export const Op = Object.freeze({ increment: 0, read: 1, replay: 2 });
export const INCREMENT_BODY = '{"by":1}';
export const INSUFFICIENT_STORAGE = 507;
const GIVE_UP_MS = 60_000; // an increment is retried this long, then reported unacknowledged
const FAILURES_KEPT = 5;
const FAILURE_TEXT_CHARS = 300;

export const counterPath = (name) => `/api/counters/${encodeURIComponent(name)}`;
const isSuccess = (status) => status >= 200 && status < 300;
/** fn over items, at most `n` in flight. */
export function limited(items, n, fn) {
  const limit = pLimit(Math.max(1, n));
  return Promise.all(items.map((item, i) => limit(() => fn(item, i))));
}

let shared = null;
/** The keep-alive pool of the bench's own bookkeeping requests (subscriptions, catch-up reads). */
export function pool(base) {
  if (shared?.base !== base) {
    shared?.pool.close();
    shared = { base, pool: new Pool(base, { connections: 16, pipelining: 1 }) };
  }
  return shared.pool;
}
export async function closePool() {
  await shared?.pool.close();
  shared = null;
}

/**
 * A request whose answer is read whole or not at all: `unreadable` says why a 2xx's body could not be (it broke
 * off, or is not a counter's JSON). Such a 2xx is no answer, as on the pages: the increment may have been applied,
 * and a retry with the same key gets the replay. Throws when no answer started.
 */
export async function call(dispatcher, method, path, body, headers = {}) {
  const json = body !== undefined;
  const response = await dispatcher.request({ method, path, headers: json ? { 'content-type': 'application/json', ...headers } : headers, body: json && typeof body !== 'string' ? JSON.stringify(body) : body });
  const answer = { status: response.statusCode, headers: response.headers, text: '', json: null, unreadable: null };
  try {
    answer.text = await response.body.text();
  } catch (error) {
    return { ...answer, unreadable: `the body broke off: ${error.code ?? error.message}` };
  }
  if (!isSuccess(answer.status) || answer.status === 204) return answer;
  try {
    answer.json = JSON.parse(answer.text);
  } catch {
    return { ...answer, unreadable: `the body is not whole JSON (${answer.text.length} bytes)` };
  }
  if (!Number.isInteger(answer.json?.version) || !Number.isInteger(answer.json?.value)) answer.unreadable = 'the body has no integer version and value';
  return answer;
}

/** GET a counter; a 5xx or a network error is retried (a store behind a faulty proxy may fail a read), anything else not 200 throws. */
export async function readCounter(base, name, { attempts = 10 } = {}) {
  for (let attempt = 1; ; attempt++) {
    const response = await call(pool(base), 'GET', counterPath(name)).catch((error) => ({ status: 0, text: String(error) }));
    if (response.status === 200 && !response.unreadable) return response.json;
    const retryable = response.status === 0 || response.status >= 500 || (isSuccess(response.status) && response.unreadable);
    if (!retryable || attempt >= attempts) throw new Error(`GET ${name}: ${response.status} ${response.unreadable ?? response.text}`);
    await sleep(100 * attempt);
  }
}

let sent = 0;
let answered = 0;
export const httpProgress = () => ({ sent, answered });

/** One try: its latency, and its status (0: no answer, a 2xx whose body cannot be read whole among them). */
async function attempt(dispatcher, method, path, body, headers) {
  sent++;
  const start = now();
  const response = await call(dispatcher, method, path, body, headers).catch((error) => ({ status: 0, text: String(error), headers: {} }));
  answered++;
  const unreadable = isSuccess(response.status) && response.unreadable;
  return { ...response, latency: now() - start, status: unreadable ? 0 : response.status, unreadable, text: unreadable ? `${response.status} whose ${response.unreadable}` : response.unreadable ? `(${response.unreadable})` : response.text };
}

/** The pages' backoff (web/src/client): Retry-After (at most 30 s) plus up to 250 ms, else 250-500 ms doubling to 4-8 s. */
function retryDelay(headers, retries) {
  const after = Number(headers['retry-after'] ?? NaN);
  if (Number.isFinite(after)) return Math.min(after * 1000, 30_000) + Math.round(Math.random() * 250);
  const ceiling = Math.min(8000, 500 * 2 ** retries);
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.random());
}

/**
 * One request, the way the pages send an increment: with a key, after a 5xx (but 507: a store cap, final) or a
 * network error it is sent again (same key, same body) until 200 or `giveUpAt`; without a key it is sent once.
 * `uncertain`: an earlier try may have been applied unanswered (no answer, or a 5xx that does not say "Nothing was
 * written"), the only case where the final 200 may be a replay.
 */
export async function request(dispatcher, method, path, { key = null, visitorId = null, body = method === 'GET' ? undefined : INCREMENT_BODY, headers = {}, giveUpAt = Infinity } = {}) {
  headers = { ...headers, ...(key && { 'idempotency-key': key }), ...(visitorId && { 'x-visitor-id': visitorId }) };
  const x = { send: now(), latency: 0, longestTry: 0, status: 0, version: -1, value: -1, yourTotal: -1, replayed: false, contentType: null, attempts: 0, s503: 0, s5xx: 0, errors: 0, unreadable: 0, uncertain: false, error: null };
  for (;;) {
    const a = await attempt(dispatcher, method, path, body, headers);
    const { version = -1, value = -1, yourTotal = -1 } = a.status === 200 ? a.json : {};
    Object.assign(x, { attempts: x.attempts + 1, longestTry: Math.max(x.longestTry, a.latency), status: a.status, version, value, yourTotal, replayed: a.headers?.['idempotent-replayed'] === 'true', contentType: a.headers?.['content-type'] ?? null });
    if (a.status === 200) break;
    if (a.status === 503) x.s503++;
    else if (a.status >= 500) x.s5xx++;
    else if (a.status === 0) x.errors++;
    if (a.unreadable) x.unreadable++;
    x.error = `${a.status} ${a.text.slice(0, FAILURE_TEXT_CHARS)}`;
    const retryable = a.status === 0 || (a.status >= 500 && a.status !== INSUFFICIENT_STORAGE);
    if (retryable && !(a.status === 503 && a.text.includes('Nothing was written'))) x.uncertain = true;
    const delay = retryDelay(a.headers ?? {}, x.attempts - 1);
    if (!key || !retryable || now() + delay > giveUpAt) break;
    await sleep(delay);
  }
  x.latency = now() - x.send;
  return x;
}
export const increment = (dispatcher, path, options) => request(dispatcher, 'POST', path, options);

/** The records' columns: per request its first send, time to its final answer, what that carried, and the tries it took. */
const COLUMNS = {
  ...Object.fromEntries(['send', 'latency', 'longestTry', 'version', 'value', 'yourTotal'].map((k) => [k, Float64Array])),
  ...Object.fromEntries(['status', 'attempts', 's503', 's5xx', 'errors', 'unreadable'].map((k) => [k, Uint16Array])), // s5xx: other than 503; errors: tries without an answer
  ...Object.fromEntries(['replayed', 'uncertain', 'instance', 'op'].map((k) => [k, Uint8Array])),
  ...Object.fromEntries(['counter', 'who', 'seq'].map((k) => [k, Uint32Array])), // who: the writer or visitor; seq: its n-th increment
};
function records() {
  const columns = Object.fromEntries(Object.entries(COLUMNS).map(([k, Type]) => [k, new Growable(Type)]));
  const failures = [];
  return {
    add(x, tags) {
      const row = { counter: 0, who: 0, seq: 0, op: Op.increment, instance: 0, ...x, ...tags };
      for (const k in columns) columns[k].push(Number(row[k]));
      if (x.status !== 200 && failures.length < FAILURES_KEPT) failures.push(x.error);
    },
    done: () => ({ ...Object.fromEntries(Object.entries(columns).map(([k, c]) => [k, c.toArray()])), failures }),
  };
}

/** One keep-alive connection per writer (writer i to bases[i mod bases]), each warmed with a read. */
async function writersFor(base, count, warmName, bases = [base]) {
  const clients = Array.from({ length: count }, (_, i) => new Client(bases[i % bases.length], { pipelining: 1, keepAliveTimeout: 60_000 }));
  await Promise.all(clients.map((c) => call(c, 'GET', counterPath(warmName))));
  return clients;
}

/** The bench's Idempotency-Keys name the driver call (a tag of 8 hex digits), the writer and its n-th increment, so key rows say whose they are. */
export const benchKey = (tag, who, seq) => `${tag}_${who}_${seq}`;
const newKeyTag = () => randomBytes(4).toString('hex');
export function parseBenchKey(tag, key) {
  const match = /^([0-9a-f]{8})_(\d+)_(\d+)$/.exec(key);
  return match && match[1] === tag ? { who: Number(match[2]), seq: Number(match[3]) } : null;
}
const keyed = (plain, key, extra = {}) => (plain ? {} : { key, giveUpAt: now() + GIVE_UP_MS, ...extra });

/**
 * Closed loop on one counter: writer `writerOffset + i` sends up to `perWriter` increments back to back to
 * bases[(writerOffset + i) mod bases], none started after `maxMs`; each writer is one visitor and each increment has
 * its own key (unless `plain`: no key, no visitor, sent once).
 */
export async function hot({ base, bases = [base], name, writers, perWriter, maxMs, writerOffset = 0, plain = false }) {
  const tag = newKeyTag();
  const instanceOf = (who) => who % bases.length;
  const clients = await writersFor(base, writers, name, Array.from({ length: writers }, (_, i) => bases[instanceOf(writerOffset + i)]));
  const r = records();
  const visitorIds = clients.map(() => (plain ? null : randomUUID()));
  const started = now();
  let cutShort = false;
  await Promise.all(
    clients.map(async (client, w) => {
      const who = writerOffset + w;
      for (let k = 1; k <= perWriter; k++) {
        if ((cutShort ||= now() > started + maxMs)) break;
        r.add(await increment(client, `${counterPath(name)}/increment`, keyed(plain, benchKey(tag, who, k), { visitorId: visitorIds[w] })), { who, seq: k, instance: instanceOf(who) });
      }
    }),
  );
  const finished = now();
  await Promise.all(clients.map((c) => c.close()));
  return { started, finished, cutShort, keyed: !plain, keyTag: tag, visitorIds, writerOffset, ...r.done() };
}

/**
 * Warm-up until tiered JIT has recompiled the hot paths (a fresh server costs about twice the CPU per request):
 * increments back to back until the mean of the last three windows is within `tolerance` of the three before (single
 * windows vary by 15-20 % on this VM) and `minMs` passed, or `maxMs`. With keys and visitors unless `plain`, so the
 * same paths get compiled; answers are not looked at.
 */
export async function warm({ base, bases = [base], name, writers, minMs, maxMs, windowMs = 1000, tolerance = 0.1, plain = false }) {
  const clients = await writersFor(base, writers, name, bases);
  const started = now();
  const windows = [];
  let inWindow = 0;
  let steady = false;
  let stop = false;
  const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
  const watch = (async () => {
    while (!stop) {
      await sleep(windowMs);
      windows.push((inWindow * 1000) / windowMs);
      inWindow = 0;
      if (windows.length >= 6) steady = Math.abs(mean(windows.slice(-3)) - mean(windows.slice(-6, -3))) <= tolerance * mean(windows.slice(-6, -3));
      stop = (steady && now() - started >= minMs) || now() - started >= maxMs;
    }
  })();
  await Promise.all(
    clients.map(async (client) => {
      const visitor = plain ? {} : { 'x-visitor-id': randomUUID() };
      for (; !stop; inWindow++) await call(client, 'POST', `${counterPath(name)}/increment`, INCREMENT_BODY, plain ? visitor : { ...visitor, 'idempotency-key': randomUUID() }).catch(() => {});
    }),
  );
  await watch;
  await Promise.all(clients.map((c) => c.close()));
  return { seconds: (now() - started) / 1000, steady, ratesPerSecond: windows.map(Math.round) };
}

/** Open loop: increments to one counter at `rate` per second for `durationMs`, whatever the answers do (keyed unless `plain`). */
export async function paced({ base, name, rate, durationMs, connections = 16, maxInFlight = 512, plain = false }) {
  const dispatcher = new Pool(base, { connections, pipelining: 1 });
  await Promise.all(Array.from({ length: connections }, () => call(dispatcher, 'GET', counterPath(name))));
  const r = records();
  const lag = new Growable();
  const inFlight = new Set();
  const tag = newKeyTag();
  let skipped = 0;
  const started = now() + 20; // so that the first sends are not already late
  for (let i = 0; i < Math.round((rate * durationMs) / 1000); i++) {
    const due = started + (i * 1000) / rate;
    await sleep(Math.ceil(due - now())); // setTimeout truncates: never send before the schedule
    if (inFlight.size >= maxInFlight) {
      skipped++;
      continue;
    }
    lag.push(now() - due);
    const p = increment(dispatcher, `${counterPath(name)}/increment`, keyed(plain, benchKey(tag, 0, i + 1))).then((x) => {
      r.add(x, { seq: i + 1 });
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const finished = now();
  await dispatcher.close();
  return { started, finished, skipped, lag: lag.toArray(), keyed: !plain, keyTag: tag, ...r.done() };
}

/** Closed loop over many counters: each op a read of a random counter (share `readShare`) or an increment (keyed unless `plain`). */
export async function mixed({ base, namesList, writers, durationMs, readShare, plain = false }) {
  const clients = await writersFor(base, writers, namesList[0]);
  const r = records();
  const tag = newKeyTag();
  const started = now();
  await Promise.all(
    clients.map(async (client, who) => {
      for (let seq = 0; now() < started + durationMs; ) {
        const counter = Math.floor(Math.random() * namesList.length);
        const path = counterPath(namesList[counter]);
        if (Math.random() < readShare) r.add(await request(client, 'GET', path), { counter, who, op: Op.read });
        else r.add(await increment(client, `${path}/increment`, keyed(plain, benchKey(tag, who, ++seq))), { counter, who, seq });
      }
    }),
  );
  const finished = now();
  await Promise.all(clients.map((c) => c.close()));
  return { started, finished, keyed: !plain, keyTag: tag, ...r.done() };
}

/** Visitors: `perVisitor` keyed increments each, one after another, then the replay of the last key (which must answer the same, Idempotent-Replayed). */
export async function visitors({ base, name, visitorIds, perVisitor, concurrency = 32 }) {
  const dispatcher = new Pool(base, { connections: Math.min(concurrency, visitorIds.length), pipelining: 1 });
  const r = records();
  const tag = newKeyTag();
  const started = now();
  await limited(visitorIds, concurrency, async (visitorId, who) => {
    const send = (seq) => increment(dispatcher, `${counterPath(name)}/increment`, keyed(false, benchKey(tag, who, seq), { visitorId }));
    for (let seq = 1; seq <= perVisitor; seq++) r.add(await send(seq), { who, seq });
    r.add(await send(perVisitor), { who, seq: perVisitor, op: Op.replay });
  });
  const finished = now();
  await dispatcher.close();
  return { started, finished, keyed: true, keyTag: tag, ...r.done() };
}

/**
 * A flood of increments each needing new room in the store, sent once each: to `count` new counters (`names`), with
 * `count` new visitor ids or new keys on counter `name`. Answers by status; a 507 must be application/problem+json.
 */
export async function flood({ base, kind, name, count, concurrency = 32 }) {
  const room = { names: (i) => [`${name}-${i}`, {}], visitors: () => [name, { visitorId: randomUUID() }], keys: (i) => [name, { key: benchKey(tag, 0, i + 1) }] }[kind];
  if (!room) throw new Error(`unknown flood ${kind}`);
  const dispatcher = new Pool(base, { connections: concurrency, pipelining: 1 });
  const statuses = {};
  const failures = [];
  const tag = newKeyTag();
  let problemJson507 = 0;
  let first507 = null; // how many had been answered when the first 507 came
  let answeredHere = 0;
  const started = now();
  await limited(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    const [counter, options] = room(i);
    const x = await increment(dispatcher, `${counterPath(counter)}/increment`, { ...options, giveUpAt: 0 });
    statuses[x.status] = (statuses[x.status] ?? 0) + 1;
    answeredHere++;
    if (x.status === INSUFFICIENT_STORAGE) {
      first507 ??= answeredHere;
      if (x.contentType?.startsWith('application/problem+json')) problemJson507++;
    } else if (x.status !== 200 && failures.length < FAILURES_KEPT) failures.push(x.error);
  });
  const seconds = (now() - started) / 1000;
  await dispatcher.close();
  return { kind, count, seconds, statuses, first507, problemJson507, failures };
}
