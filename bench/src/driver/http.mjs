// The HTTP side of a bench process: the API's requests over undici keep-alive connections, and the load patterns
// the scenarios drive (closed loops, an open loop at a fixed rate, visitors). main.mjs runs these in worker
// processes (worker.mjs) and joins the records afterwards.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'undici';
import { Growable, eachLimited, now, sleep } from '../stats.mjs';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** What a record is (the column `op`): an increment, a read, or the replay of a visitor's last Idempotency-Key. */
export const Op = Object.freeze({ increment: 0, read: 1, replay: 2 });
export const INCREMENT_BODY = '{"by":1}';

/** Keep-alive connections of the pool for bookkeeping requests (subscriptions, catch-up reads). */
const BOOKKEEPING_CONNECTIONS = 16;
/** A failed GET of a counter waits this many ms times the attempt's number before the next. */
const READ_RETRY_STEP_MS = 100;
/** How long an increment is retried before it is reported unacknowledged. */
const GIVE_UP_MS = 60_000;
/** A writer's keep-alive connection stays open this long between requests. */
const WRITER_KEEP_ALIVE_MS = 60_000;
/** The pages' backoff (web/src/client): Retry-After (at most 30 s) plus up to 250 ms, else 250-500 ms doubling to 4-8 s. */
const RETRY_AFTER_MAX_MS = 30_000;
const RETRY_AFTER_JITTER_MS = 250;
const BACKOFF_FIRST_CEILING_MS = 500;
const BACKOFF_MAX_CEILING_MS = 8000;
/** A record keeps the text of its first few failures, cut to this many characters. */
const FAILURES_KEPT = 5;
const FAILURE_TEXT_CHARS = 300;
/** The open loop's first send is scheduled this long after it starts, so the first sends are not already late. */
const SCHEDULE_LEAD_MS = 20;
/** Warm-up is steady when the mean of this many windows is within tolerance of the mean of as many before them. */
const STEADY_WINDOWS = 3;

let sharedPool = null;
let sharedBase = null;

/** A keep-alive pool for the bench's own bookkeeping requests (subscriptions, catch-up reads). */
export function pool(base) {
  if (sharedBase !== base) {
    sharedPool?.close();
    sharedPool = new Pool(base, { connections: BOOKKEEPING_CONNECTIONS, pipelining: 1 });
    sharedBase = base;
  }
  return sharedPool;
}

export async function closePool() {
  await sharedPool?.close();
  sharedPool = null;
  sharedBase = null;
}

export async function call(dispatcher, method, path, body, headers = {}) {
  const response = await dispatcher.request({
    method,
    path,
    headers: body === undefined ? headers : { ...JSON_HEADERS, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

/**
 * A request whose answer is read whole or not at all: `status` is what the server answered, and `unreadable` says
 * why the body of a 2xx could not be read whole (the connection closed mid-body, a body that is not the JSON of a
 * counter). Such a 2xx is no answer: the caller treats it as a network error, as the pages do (the increment may
 * have been applied; a retry with the same key gets the replay). Throws when no answer started at all.
 */
export async function requestWhole(dispatcher, method, path, body, headers = {}) {
  const response = await dispatcher.request({
    method,
    path,
    headers: body === undefined ? headers : { ...JSON_HEADERS, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const answer = { status: response.statusCode, headers: response.headers, text: '', json: null, unreadable: null };
  try {
    answer.text = await response.body.text();
  } catch (error) {
    answer.unreadable = `the body broke off: ${error.code ?? error.message}`;
    return answer;
  }
  if (answer.status >= 200 && answer.status < 300 && answer.status !== 204) {
    try {
      answer.json = JSON.parse(answer.text);
    } catch {
      answer.unreadable = `the body is not whole JSON (${answer.text.length} bytes)`;
      return answer;
    }
    if (!Number.isInteger(answer.json?.version) || !Number.isInteger(answer.json?.value)) answer.unreadable = 'the body has no integer version and value';
  }
  return answer;
}

const isSuccess = (status) => status >= 200 && status < 300;

export const counterPath = (name) => `/api/counters/${encodeURIComponent(name)}`;

/**
 * GET a counter. A 5xx or a network error (a 2xx whose body cannot be read whole among them) is retried (a store
 * behind a faulty proxy may fail a read); anything else that is not 200 throws.
 */
export async function readCounter(base, name, { attempts = 10 } = {}) {
  for (let attempt = 1; ; attempt++) {
    let response;
    try {
      response = await requestWhole(pool(base), 'GET', counterPath(name));
      if (isSuccess(response.status) && response.unreadable) throw new Error(`GET ${name}: ${response.status} whose ${response.unreadable}`);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(READ_RETRY_STEP_MS * attempt);
      continue;
    }
    if (response.status === 200) return response.json;
    if (response.status < 500 || attempt >= attempts) throw new Error(`GET ${name}: ${response.status} ${response.text}`);
    await sleep(READ_RETRY_STEP_MS * attempt);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One increment, the way the pages send it

let sent = 0;
let answered = 0;
export const httpProgress = () => ({ sent, answered });

/**
 * One request: its start, latency, status (0: no answer), and what a 200 or a problem carried. A 2xx whose body
 * cannot be read whole counts as no answer (status 0, `unreadable` set): the increment may have been applied.
 */
export async function attempt(dispatcher, method, path, body, headers) {
  sent++;
  const start = now();
  const x = { start, latency: 0, status: 0, version: -1, value: -1, yourTotal: -1, replayed: false, unreadable: false, text: '', retryAfter: null, contentType: null };
  try {
    const response = await requestWhole(dispatcher, method, path, body, headers);
    x.latency = now() - start;
    answered++;
    if (isSuccess(response.status) && response.unreadable) {
      x.unreadable = true;
      x.text = `${response.status} whose ${response.unreadable}`;
      return x;
    }
    x.status = response.status;
    x.contentType = response.headers['content-type'] ?? null;
    if (response.status === 200) {
      x.version = response.json.version;
      x.value = response.json.value;
      x.yourTotal = response.json.yourTotal ?? -1;
      x.replayed = response.headers['idempotent-replayed'] === 'true';
    } else {
      x.text = response.unreadable ? `(${response.unreadable})` : response.text;
      const after = Number(response.headers['retry-after']);
      x.retryAfter = Number.isFinite(after) ? after : null;
    }
    return x;
  } catch (error) {
    answered++;
    x.latency = now() - start;
    x.text = String(error);
    return x;
  }
}

/** The pages' increment backoff (see the constants above). */
function retryDelay(failed, retries) {
  if (failed.retryAfter != null) return Math.min(failed.retryAfter * 1000, RETRY_AFTER_MAX_MS) + Math.round(Math.random() * RETRY_AFTER_JITTER_MS);
  const ceiling = Math.min(BACKOFF_MAX_CEILING_MS, BACKOFF_FIRST_CEILING_MS * 2 ** retries);
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.random());
}

export const INSUFFICIENT_STORAGE = 507;

/** The server says so in every 503 whose increment certainly did not happen. */
const saysNothingWritten = (text) => text.includes('Nothing was written');

/**
 * POST one increment. With a key it behaves like the pages: after a 5xx or a network error it sends the same
 * request again (same key, same body) until it answers 200 or `giveUpAt` passes. Without a key it is sent once.
 * `uncertain` is set when an earlier try may have been applied without its answer reaching us (no answer, or a
 * 5xx that does not say nothing was written): only then may the final 200 be a replay.
 */
export async function increment(dispatcher, path, { key = null, visitorId = null, body = INCREMENT_BODY, giveUpAt = Infinity }) {
  const headers = {};
  if (key) headers['idempotency-key'] = key;
  if (visitorId) headers['x-visitor-id'] = visitorId;
  const x = { send: now(), latency: 0, longestTry: 0, status: 0, version: -1, value: -1, yourTotal: -1, replayed: false, attempts: 0, s503: 0, s5xx: 0, errors: 0, unreadable: 0, uncertain: false, error: null };
  for (;;) {
    const a = await attempt(dispatcher, 'POST', path, body, headers);
    x.attempts++;
    x.longestTry = Math.max(x.longestTry, a.latency);
    Object.assign(x, { status: a.status, version: a.version, value: a.value, yourTotal: a.yourTotal, replayed: a.replayed });
    if (a.status === 200) break;
    if (a.status === 503) x.s503++;
    else if (a.status >= 500) x.s5xx++;
    else if (a.status === 0) x.errors++;
    if (a.unreadable) x.unreadable++;
    x.error = `${a.status} ${a.text.slice(0, FAILURE_TEXT_CHARS)}`;
    // 507: a store cap is reached (LiveCounter:InMemory:Max…), nothing was written, and trying again will not help.
    const retryable = a.status === 0 || (a.status >= 500 && a.status !== INSUFFICIENT_STORAGE);
    if (retryable && !(a.status === 503 && saysNothingWritten(a.text))) x.uncertain = true;
    if (!key || !retryable) break;
    const delay = retryDelay(a, x.attempts - 1);
    if (now() + delay > giveUpAt) break;
    await sleep(delay);
  }
  x.latency = now() - x.send;
  return x;
}

/**
 * Records of increments (and reads): per operation its first send, the time to its final answer, the final status,
 * what a 200 carried, and the retries it took.
 */
function records() {
  const columns = {
    send: new Growable(),
    latency: new Growable(),
    longestTry: new Growable(), // the longest of its tries, from its send to its answer (or to no answer)
    status: new Growable(Uint16Array),
    version: new Growable(),
    value: new Growable(),
    yourTotal: new Growable(),
    replayed: new Growable(Uint8Array), // the final 200 carried Idempotent-Replayed: true
    uncertain: new Growable(Uint8Array), // an earlier try may have been applied without its answer
    attempts: new Growable(Uint16Array),
    s503: new Growable(Uint16Array),
    s5xx: new Growable(Uint16Array), // 5xx other than 503
    errors: new Growable(Uint16Array), // tries without an answer
    unreadable: new Growable(Uint16Array), // of those, 2xx whose body could not be read whole
    counter: new Growable(Uint32Array),
    who: new Growable(Uint32Array), // writer or visitor
    instance: new Growable(Uint8Array), // which of the servers (--instances) it was sent to
    seq: new Growable(Uint32Array), // the writer's or visitor's n-th increment, from 1
    op: new Growable(Uint8Array), // Op
  };
  const failures = [];
  return {
    add(x, { counter = 0, who = 0, seq = 0, op = Op.increment, instance = 0 } = {}) {
      columns.send.push(x.send);
      columns.latency.push(x.latency);
      columns.longestTry.push(x.longestTry ?? x.latency);
      columns.status.push(x.status);
      columns.version.push(x.version);
      columns.value.push(x.value);
      columns.yourTotal.push(x.yourTotal);
      columns.replayed.push(x.replayed ? 1 : 0);
      columns.uncertain.push(x.uncertain ? 1 : 0);
      columns.attempts.push(x.attempts ?? 1);
      columns.s503.push(x.s503 ?? (x.status === 503 ? 1 : 0));
      columns.s5xx.push(x.s5xx ?? (x.status >= 500 && x.status !== 503 ? 1 : 0));
      columns.errors.push(x.errors ?? (x.status === 0 ? 1 : 0));
      columns.unreadable.push(typeof x.unreadable === 'number' ? x.unreadable : x.unreadable ? 1 : 0);
      columns.counter.push(counter);
      columns.who.push(who);
      columns.instance.push(instance);
      columns.seq.push(seq);
      columns.op.push(op);
      if (x.status !== 200 && failures.length < FAILURES_KEPT) failures.push(x.error ?? `${x.status} ${x.text?.slice(0, FAILURE_TEXT_CHARS)}`);
    },
    done: () => ({ ...Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v.toArray()])), failures }),
  };
}

/** Opens one keep-alive connection per writer (writer i to bases[i mod bases], or base) and warms each with a read. */
async function writersFor(base, count, warmName, bases = [base]) {
  const clients = Array.from({ length: count }, (_, i) => new Client(bases[i % bases.length], { pipelining: 1, keepAliveTimeout: WRITER_KEEP_ALIVE_MS }));
  await Promise.all(clients.map((c) => call(c, 'GET', counterPath(warmName))));
  return clients;
}

// ---------------------------------------------------------------------------------------------------------------
// Load patterns

/**
 * The bench's Idempotency-Keys: a tag of the driver call (8 hex digits), the writer (or visitor) and its n-th
 * increment, so that the store's key rows say which increment they hold (storage.mjs). Each call returns its tag.
 */
export const benchKey = (tag, who, seq) => `${tag}_${who}_${seq}`;
export const newKeyTag = () => randomBytes(4).toString('hex');

/** The writer and seq of a key made by benchKey with this tag, or null. */
export function parseBenchKey(tag, key) {
  const match = /^([0-9a-f]{8})_(\d+)_(\d+)$/.exec(key);
  return match && match[1] === tag ? { who: Number(match[2]), seq: Number(match[3]) } : null;
}

/**
 * Closed loop on one counter: `writers` keep-alive connections, each sending up to `perWriter` increments back to
 * back, none started after `maxMs`. Global writer `writerOffset + i` writes to `bases[(writerOffset + i) mod
 * bases.length]` (one server unless --instances). Each writer is one visitor, and each increment has its own key
 * (benchKey) and is retried until 200 (unless `plain`: no key, no visitor, sent once). Returns the records and each
 * writer's visitor id.
 */
export async function hot({ base, bases = [base], name, writers, perWriter, maxMs, writerOffset = 0, plain = false }) {
  const tag = newKeyTag();
  const instanceOf = (who) => who % bases.length;
  const ordered = Array.from({ length: writers }, (_, i) => bases[instanceOf(writerOffset + i)]);
  const clients = await writersFor(base, writers, name, ordered);
  const r = records();
  const path = `${counterPath(name)}/increment`;
  const visitorIds = Array.from({ length: writers }, () => (plain ? null : randomUUID()));
  const started = now();
  const stopAt = started + maxMs;
  let cutShort = false;
  await Promise.all(
    clients.map(async (client, w) => {
      const who = writerOffset + w;
      for (let k = 1; k <= perWriter; k++) {
        if (now() > stopAt) {
          cutShort = true;
          break;
        }
        const x = plain
          ? await increment(client, path, {})
          : await increment(client, path, { key: benchKey(tag, who, k), visitorId: visitorIds[w], giveUpAt: now() + GIVE_UP_MS });
        r.add(x, { who, seq: k, instance: instanceOf(who) });
      }
    }),
  );
  const finished = now();
  await Promise.all(clients.map((c) => c.close()));
  return { started, finished, cutShort, keyed: !plain, keyTag: tag, visitorIds, writerOffset, ...r.done() };
}

/**
 * Warm-up: `writers` keep-alive connections send increments back to back until the rate is steady (the mean of
 * the last three windows within `tolerance` of the three before) and at least `minMs` have passed, or `maxMs`.
 * A fresh server needs this: until tiered JIT has recompiled the hot paths it costs about twice the CPU per
 * request. Single windows are not compared: on this VM they vary by 15-20 % even when nothing else runs. Unless
 * `plain`, each increment has a key and a visitor, as the hot scenario's do, so the same paths get compiled; the
 * answers are not looked at and nothing is retried.
 */
export async function warm({ base, bases = [base], name, writers, minMs, maxMs, windowMs = 1000, tolerance = 0.1, plain = false }) {
  const clients = await writersFor(base, writers, name, bases);
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
      if (windows.length >= 2 * STEADY_WINDOWS) {
        const last = mean(windows.slice(-STEADY_WINDOWS));
        const before = mean(windows.slice(-2 * STEADY_WINDOWS, -STEADY_WINDOWS));
        steady = Math.abs(last - before) <= tolerance * before;
      }
      if ((steady && now() - started >= minMs) || now() - started >= maxMs) stop = true;
    }
  })();
  await Promise.all(
    clients.map(async (client) => {
      const headers = plain ? {} : { 'x-visitor-id': randomUUID() };
      while (!stop) {
        if (!plain) headers['idempotency-key'] = randomUUID();
        await call(client, 'POST', path, INCREMENT_BODY, headers).catch(() => {});
        answeredInWindow++;
      }
    }),
  );
  await watch;
  await Promise.all(clients.map((c) => c.close()));
  return { seconds: (now() - started) / 1000, steady, ratesPerSecond: windows.map((x) => Math.round(x)) };
}

/**
 * Open loop: increments to one counter at `rate` per second for `durationMs`, whatever the answers do. Each has
 * a key and is retried until 200 (its latency runs from its first send), unless `plain`.
 */
export async function paced({ base, name, rate, durationMs, connections: poolSize = 16, maxInFlight = 512, plain = false }) {
  const dispatcher = new Pool(base, { connections: poolSize, pipelining: 1 });
  await Promise.all(Array.from({ length: poolSize }, () => call(dispatcher, 'GET', counterPath(name))));
  const r = records();
  const lag = new Growable();
  const total = Math.round((rate * durationMs) / 1000);
  const path = `${counterPath(name)}/increment`;
  const inFlight = new Set();
  const tag = newKeyTag();
  let skipped = 0;
  const started = now() + SCHEDULE_LEAD_MS;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    await sleep(Math.ceil(due - now())); // setTimeout truncates: never send before the schedule
    if (inFlight.size >= maxInFlight) {
      skipped++;
      continue;
    }
    lag.push(now() - due);
    const p = increment(dispatcher, path, plain ? {} : { key: benchKey(tag, 0, i + 1), giveUpAt: now() + GIVE_UP_MS }).then((x) => {
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

/**
 * Closed loop over many counters: each op is an increment (share 1 - readShare; with a key and retried until 200,
 * unless `plain`) or a read of a random counter.
 */
export async function mixed({ base, namesList, writers, durationMs, readShare, plain = false }) {
  const clients = await writersFor(base, writers, namesList[0]);
  const r = records();
  const tag = newKeyTag();
  const started = now();
  const deadline = started + durationMs;
  await Promise.all(
    clients.map(async (client, w) => {
      let seq = 0;
      while (now() < deadline) {
        const c = Math.floor(Math.random() * namesList.length);
        if (Math.random() < readShare) {
          const x = await attempt(client, 'GET', counterPath(namesList[c]));
          r.add({ ...x, send: x.start }, { counter: c, who: w, op: Op.read });
        } else {
          seq++;
          const x = await increment(client, `${counterPath(namesList[c])}/increment`, plain ? {} : { key: benchKey(tag, w, seq), giveUpAt: now() + GIVE_UP_MS });
          r.add(x, { counter: c, who: w, seq });
        }
      }
    }),
  );
  const finished = now();
  await Promise.all(clients.map((c) => c.close()));
  return { started, finished, keyed: !plain, keyTag: tag, ...r.done() };
}

/**
 * Visitors: each sends `perVisitor` increments with its own X-Visitor-Id and a fresh Idempotency-Key, one after
 * another (each retried until 200), then replays its last key once (which must answer Idempotent-Replayed with
 * the same result and send nothing new).
 */
export async function visitors({ base, name, visitorIds, perVisitor, concurrency = 32 }) {
  const dispatcher = new Pool(base, { connections: Math.min(concurrency, visitorIds.length), pipelining: 1 });
  const r = records();
  const path = `${counterPath(name)}/increment`;
  const tag = newKeyTag();
  const started = now();
  await eachLimited(visitorIds, concurrency, async (visitorId, v) => {
    let key = null;
    for (let k = 1; k <= perVisitor; k++) {
      key = benchKey(tag, v, k);
      const x = await increment(dispatcher, path, { key, visitorId, giveUpAt: now() + GIVE_UP_MS });
      r.add(x, { who: v, seq: k });
    }
    const replay = await increment(dispatcher, path, { key, visitorId, giveUpAt: now() + GIVE_UP_MS });
    r.add(replay, { who: v, seq: perVisitor, op: Op.replay });
  });
  const finished = now();
  await dispatcher.close();
  return { started, finished, keyed: true, keyTag: tag, ...r.done() };
}

/**
 * A flood of increments that each need new room in the store, sent once each (nothing retried), `concurrency` at
 * a time: `names` to `count` new counters, `visitors` with `count` new visitor ids on counter `name`, `keys` with
 * `count` new Idempotency-Keys on counter `name` (no visitor). Counts the answers by status; a 507 (a cap reached)
 * must be application/problem+json.
 */
export async function flood({ base, kind, name, count, concurrency = 32 }) {
  const dispatcher = new Pool(base, { connections: concurrency, pipelining: 1 });
  const statuses = {};
  let problemJson507 = 0;
  let first507 = null; // how many requests had been answered when the first 507 came
  let answeredHere = 0;
  const failures = [];
  const tag = newKeyTag();
  const started = now();
  await eachLimited(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    const headers = {};
    let path = `${counterPath(name)}/increment`;
    if (kind === 'names') path = `${counterPath(`${name}-${i}`)}/increment`;
    else if (kind === 'visitors') headers['x-visitor-id'] = randomUUID();
    else if (kind === 'keys') headers['idempotency-key'] = benchKey(tag, 0, i + 1);
    else throw new Error(`unknown flood ${kind}`);
    const x = await attempt(dispatcher, 'POST', path, INCREMENT_BODY, headers);
    answeredHere++;
    statuses[x.status] = (statuses[x.status] ?? 0) + 1;
    if (x.status === INSUFFICIENT_STORAGE) {
      first507 ??= answeredHere;
      if (x.contentType?.startsWith('application/problem+json')) problemJson507++;
    }
    if (x.status !== 200 && x.status !== INSUFFICIENT_STORAGE && failures.length < FAILURES_KEPT) failures.push(`${x.status} ${x.text.slice(0, FAILURE_TEXT_CHARS)}`);
  });
  const seconds = (now() - started) / 1000;
  await dispatcher.close();
  return { kind, count, seconds, statuses, first507, problemJson507, failures };
}
