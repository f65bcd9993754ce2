// The HTTP side of a bench process: the API's requests over undici keep-alive connections, and the load patterns
// the scenarios drive. main.mjs runs them in worker processes (worker.mjs) and joins their records.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'undici';
import { columns, eachLimited, now, sleep, typed } from '../stats.mjs';

/** What a record is (the column `op`): an increment, a read, or the replay of a visitor's last Idempotency-Key. */
export const Op = Object.freeze({ increment: 0, read: 1, replay: 2 });
export const INCREMENT_BODY = '{"by":1}';
const INSUFFICIENT_STORAGE = 507; // a store cap reached: nothing written, and trying again will not help
const GIVE_UP_MS = 60_000; // an increment is retried this long, then reported unacknowledged

export const counterPath = (name) => `/api/counters/${encodeURIComponent(name)}`;
const isSuccess = (status) => status >= 200 && status < 300;
const times = (n, f) => Array.from({ length: n }, (_, i) => f(i));

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

/** A request whose answer is read whole or not at all: `unreadable` says why a 2xx's body could not be (the caller treats
 *  such a 2xx as no answer, as the pages do: it may have been applied). Throws when no answer started. */
export async function call(dispatcher, method, path, body, headers = {}) {
  if (body !== undefined) headers = { 'content-type': 'application/json', ...headers };
  const response = await dispatcher.request({ method, path, headers, body: typeof body === 'object' ? JSON.stringify(body) : body });
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
    const x = await request(pool(base), 'GET', counterPath(name));
    if (x.status === 200) return x.json;
    if ((x.status > 0 && x.status < 500) || attempt >= attempts) throw new Error(`GET ${name}: ${x.error}`);
    await sleep(100 * attempt);
  }
}

let sent = 0;
let answered = 0;
export const httpProgress = () => ({ sent, answered });

/** The pages' backoff (web/src/client): Retry-After (at most 30 s) plus up to 250 ms, else 250-500 ms doubling to 4-8 s. */
function retryDelay(retryAfter, retries) {
  if (Number.isFinite(retryAfter)) return Math.min(retryAfter * 1000, 30_000) + Math.round(Math.random() * 250);
  const ceiling = Math.min(8000, 500 * 2 ** retries);
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.random());
}

/**
 * One request as the pages send an increment: with a key, after a 5xx (but 507) or no answer it is sent again, same
 * key and body, until 200 or `giveUpAt`; without a key once. `uncertain`: an earlier try may have been applied
 * unanswered (no answer, or a 5xx that does not say "Nothing was written"), the only case a replay is explained.
 */
export async function request(dispatcher, method, path, { key = null, visitorId = null, giveUpAt = Infinity } = {}) {
  const headers = { ...(key && { 'idempotency-key': key }), ...(visitorId && { 'x-visitor-id': visitorId }) };
  const x = { send: now(), latency: 0, longestTry: 0, status: 0, version: -1, value: -1, yourTotal: -1, replayed: false, json: null, contentType: null, attempts: 0, s503: 0, s5xx: 0, errors: 0, unreadable: 0, uncertain: false, error: null };
  for (;;) {
    sent++;
    const start = now();
    const a = await call(dispatcher, method, path, method === 'GET' ? undefined : INCREMENT_BODY, headers).catch((error) => ({ status: 0, text: String(error), headers: {} }));
    answered++;
    const noAnswer = a.status === 0 || (isSuccess(a.status) && a.unreadable);
    const status = noAnswer ? 0 : a.status;
    Object.assign(x, { attempts: x.attempts + 1, longestTry: Math.max(x.longestTry, now() - start), status, json: status === 200 ? a.json : null, replayed: a.headers['idempotent-replayed'] === 'true', contentType: a.headers['content-type'] ?? null });
    if (status === 200) Object.assign(x, { version: a.json.version, value: a.json.value, yourTotal: a.json.yourTotal ?? -1 });
    if (status === 200) break;
    if (status === 503) x.s503++;
    else if (status >= 500) x.s5xx++;
    else if (status === 0) x.errors++;
    if (a.unreadable && noAnswer) x.unreadable++;
    x.error = `${status} ${(noAnswer && a.status ? `${a.status} whose ${a.unreadable}` : a.unreadable ? `(${a.unreadable})` : a.text).slice(0, 300)}`;
    const retryable = status === 0 || (status >= 500 && status !== INSUFFICIENT_STORAGE);
    if (retryable && !(status === 503 && a.text.includes('Nothing was written'))) x.uncertain = true;
    const delay = retryDelay(status ? Number(a.headers['retry-after'] ?? NaN) : NaN, x.attempts - 1);
    if (!key || !retryable || now() + delay > giveUpAt) break;
    await sleep(delay);
  }
  x.latency = now() - x.send;
  return x;
}
export const increment = (dispatcher, path, options) => request(dispatcher, 'POST', path, options);

/** The records' columns: per request its first send, the time to its final answer, what that carried, the tries it took. */
const COLUMNS = {
  ...Object.fromEntries(['send', 'latency', 'longestTry', 'version', 'value', 'yourTotal'].map((k) => [k, Float64Array])),
  ...Object.fromEntries(['status', 'attempts', 's503', 's5xx', 'errors', 'unreadable'].map((k) => [k, Uint16Array])), // s5xx: but 503; errors: tries without an answer
  ...Object.fromEntries(['replayed', 'uncertain', 'instance', 'op'].map((k) => [k, Uint8Array])),
  ...Object.fromEntries(['counter', 'who', 'seq'].map((k) => [k, Uint32Array])), // who: the writer or visitor; seq: its n-th increment
};

/** The bench's Idempotency-Keys name the driver call (8 hex digits), the writer and its n-th increment, so key rows say whose they are. */
export const benchKey = (tag, who, seq) => `${tag}_${who}_${seq}`;
export function parseBenchKey(tag, key) {
  const match = /^([0-9a-f]{8})_(\d+)_(\d+)$/.exec(key);
  return match && match[1] === tag ? { who: Number(match[2]), seq: Number(match[3]) } : null;
}

/** Runs `load(add, key)` and returns its records, its time and what it returns; closes `dispatchers` after. */
async function driven(dispatchers, plain, load) {
  const records = columns(COLUMNS);
  const failures = [];
  const add = (x, tags) => {
    const row = { counter: 0, who: 0, seq: 0, op: Op.increment, instance: 0, ...x, ...tags };
    for (const k in records) records[k].push(Number(row[k]));
    if (x.status !== 200 && failures.length < 5) failures.push(x.error);
  };
  const tag = randomBytes(4).toString('hex');
  const key = (who, seq, visitorId) => (plain ? {} : { key: benchKey(tag, who, seq), visitorId, giveUpAt: now() + GIVE_UP_MS });
  const started = now();
  const more = await load(add, key, started);
  const finished = now();
  await Promise.all(dispatchers.map((d) => d.close()));
  return { started, finished, keyed: !plain, keyTag: tag, ...more, ...typed(COLUMNS, records), failures };
}

/** One keep-alive connection per writer, writer i to bases[i mod bases], each warmed with a read. */
async function writersFor(count, warmName, bases) {
  const clients = times(count, (i) => new Client(bases[i % bases.length], { pipelining: 1, keepAliveTimeout: 60_000 }));
  await Promise.all(clients.map((c) => call(c, 'GET', counterPath(warmName))));
  return clients;
}

/** Closed loop on one counter: writer `writerOffset + i`, one visitor, sends up to `perWriter` increments back to back to
 *  bases[(writerOffset + i) mod bases], none started after `maxMs` (`plain`: no key, no visitor, sent once). */
export async function hot({ base, bases = [base], name, writers, perWriter, maxMs, writerOffset = 0, plain = false }) {
  const instanceOf = (w) => (writerOffset + w) % bases.length;
  const clients = await writersFor(writers, name, times(writers, (w) => bases[instanceOf(w)]));
  const visitorIds = clients.map(() => (plain ? null : randomUUID()));
  let cutShort = false;
  return driven(clients, plain, async (add, key, started) => {
    await Promise.all(
      clients.map(async (client, w) => {
        for (let seq = 1; seq <= perWriter && !(cutShort ||= now() > started + maxMs); seq++) {
          add(await increment(client, `${counterPath(name)}/increment`, key(writerOffset + w, seq, visitorIds[w])), { who: writerOffset + w, seq, instance: instanceOf(w) });
        }
      }),
    );
    return { cutShort, visitorIds, writerOffset };
  });
}

/**
 * Warm-up until tiered JIT has recompiled the hot paths (until then a request costs about twice the CPU): increments
 * until the mean of the last three windows is within `tolerance` of the three before (single windows vary by 15-20 %
 * here) and `minMs` passed, or `maxMs`. Keyed unless `plain`, so that the same paths get compiled.
 */
export async function warm({ base, bases = [base], name, writers, minMs, maxMs, windowMs = 1000, tolerance = 0.1, plain = false }) {
  const clients = await writersFor(writers, name, bases);
  const started = now();
  const windows = [];
  let [inWindow, steady, stop] = [0, false, false];
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

/** Open loop: increments to one counter at `rate` per second for `durationMs`, whatever the answers do. */
export async function paced({ base, name, rate, durationMs, connections = 16, maxInFlight = 512, plain = false }) {
  const dispatcher = new Pool(base, { connections, pipelining: 1 });
  await Promise.all(times(connections, () => call(dispatcher, 'GET', counterPath(name))));
  return driven([dispatcher], plain, async (add, key, now0) => {
    const started = now0 + 20; // so that the first sends are not already late
    const [lag, inFlight] = [[], new Set()];
    let skipped = 0;
    for (let i = 0; i < Math.round((rate * durationMs) / 1000); i++) {
      const due = started + (i * 1000) / rate;
      await sleep(Math.ceil(due - now())); // setTimeout truncates: never send before the schedule
      if (inFlight.size >= maxInFlight) {
        skipped++;
        continue;
      }
      lag.push(now() - due);
      const p = increment(dispatcher, `${counterPath(name)}/increment`, key(0, i + 1)).then((x) => {
        add(x, { seq: i + 1 });
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    return { started, skipped, lag };
  });
}

/** Closed loop over many counters: each op a read of a random counter (share `readShare`) or an increment. */
export async function mixed({ base, namesList, writers, durationMs, readShare, plain = false }) {
  const clients = await writersFor(writers, namesList[0], [base]);
  const loop = (add, key, started) => async (client, who) => {
    for (let seq = 0; now() < started + durationMs; ) {
      const counter = Math.floor(Math.random() * namesList.length);
      const path = counterPath(namesList[counter]);
      if (Math.random() < readShare) add(await request(client, 'GET', path), { counter, who, op: Op.read });
      else add(await increment(client, `${path}/increment`, key(who, ++seq)), { counter, who, seq });
    }
  };
  return driven(clients, plain, async (add, key, started) => void (await Promise.all(clients.map(loop(add, key, started)))));
}

/** Visitors: `perVisitor` keyed increments each, one after another, then the replay of the last key (which must answer the same, Idempotent-Replayed). */
export async function visitors({ base, name, visitorIds, perVisitor, concurrency = 32 }) {
  const dispatcher = new Pool(base, { connections: Math.min(concurrency, visitorIds.length), pipelining: 1 });
  return driven([dispatcher], false, async (add, key) => {
    await eachLimited(visitorIds, concurrency, async (visitorId, who) => {
      const send = (seq) => increment(dispatcher, `${counterPath(name)}/increment`, key(who, seq, visitorId));
      for (let seq = 1; seq <= perVisitor; seq++) add(await send(seq), { who, seq });
      add(await send(perVisitor), { who, seq: perVisitor, op: Op.replay });
    });
  });
}

/** Increments each needing new room in the store, sent once each: to `count` new counters (`names`), or with new visitor
 *  ids or keys on counter `name`. Answers by status; a 507 must be application/problem+json. */
export async function flood({ base, kind, name, count, concurrency = 32 }) {
  const room = { names: (i) => [`${name}-${i}`, {}], visitors: () => [name, { visitorId: randomUUID() }], keys: () => [name, { key: randomUUID() }] }[kind];
  if (!room) throw new Error(`unknown flood ${kind}`);
  const dispatcher = new Pool(base, { connections: concurrency, pipelining: 1 });
  const [statuses, failures] = [{}, []];
  let [problemJson507, first507, answeredHere] = [0, null, 0]; // first507: how many had been answered when the first 507 came
  const started = now();
  await eachLimited(times(count, (i) => i), concurrency, async (i) => {
    const [counter, options] = room(i);
    const x = await increment(dispatcher, `${counterPath(counter)}/increment`, { ...options, giveUpAt: 0 });
    statuses[x.status] = (statuses[x.status] ?? 0) + 1;
    answeredHere++;
    if (x.status === INSUFFICIENT_STORAGE) {
      first507 ??= answeredHere;
      if (x.contentType?.startsWith('application/problem+json')) problemJson507++;
    } else if (x.status !== 200 && failures.length < 5) failures.push(x.error);
  });
  await dispatcher.close();
  return { kind, count, seconds: (now() - started) / 1000, statuses, first507, problemJson507, failures };
}
