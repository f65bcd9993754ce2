// A TCP proxy between Standalone and Azurite that makes the store slower, less reliable and as limited as Azure on
// purpose: --store-latency adds a fixed delay to every byte in each direction, --store-faults cuts a fraction of the
// store's requests mid-request, half of them before they reach Azurite and half after Azurite handled them (their
// answers are lost), so some commits are applied without Standalone learning it, and --partition-limit holds each
// partition to that many entities per second, answering the rest 503 ServerBusy itself (partitionLimit.mjs).
//
// Requests are found on the client→server stream by framing.mjs (HTTP/1.1 keep-alive: one request at a time per
// connection, framed by its head and Content-Length or chunks); a request's answer is the next thing the server
// sends. With a partition limit each request is held until it is whole (a transaction's partition and entities are
// in its body) and then forwarded, or answered by the proxy after the round trip the service's answer would take.
//
// The proxy runs in a process of its own (proxy-child.mjs), so that its CPU is counted with the store's and its
// timers do not compete with the bench's; startProxy() below forks it and talks to it over IPC.
import { fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { RequestFramer } from './framing.mjs';
import { PartitionLimiter, partitionCost, serverBusyAnswer } from './partitionLimit.mjs';

const END = Symbol('end');
const RESET = Symbol('reset');
/** setTimeout fires up to a millisecond or so late: a delay line sleeps until this long before an item is due, then polls. */
const TIMER_SLACK_MS = 1.5;
/** After a clean close, how long past the delay the relay waits before it drops what is still queued. */
const CLOSE_GRACE_MS = 5;
const LINE_FEED = 10;

/** Hands items to `sink` `ms` after they were pushed, in order (at once when ms is 0). */
class DelayLine {
  constructor(ms, sink) {
    this.ms = ms;
    this.sink = sink;
    this.queue = [];
    this.timer = null;
    this.closed = false;
  }

  push(item) {
    if (this.closed) return;
    if (this.ms <= 0) {
      this.sink(item);
      return;
    }
    this.queue.push({ due: performance.now() + this.ms, item });
    if (!this.timer) this.arm();
  }

  arm() {
    const remaining = this.queue[0].due - performance.now();
    this.immediate = remaining <= TIMER_SLACK_MS;
    this.timer = this.immediate ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), Math.floor(remaining - 1));
  }

  flush() {
    this.timer = null;
    const t = performance.now();
    while (!this.closed && this.queue.length > 0 && this.queue[0].due <= t) this.sink(this.queue.shift().item);
    if (!this.closed && this.queue.length > 0) this.arm();
  }

  close() {
    this.closed = true;
    if (this.immediate) clearImmediate(this.timer);
    else clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

const kindOf = (method, target) => (method === 'POST' && target.includes('$batch') ? 'transaction' : method === 'GET' ? 'read' : 'other');
const byKind = () => ({ transaction: 0, read: 0, other: 0 });

/** On the way up, in the place of a request the proxy answers itself: its answer, sent down when it gets there. */
class AnswerFromProxy {
  constructor(bytes) {
    this.bytes = bytes;
  }
}

/** How a request is cut: never forwarded (the connection is reset), or forwarded with its answer lost. */
const Fault = Object.freeze({ drop: 'drop', loseAnswer: 'lose' });

/**
 * Listens on a free loopback port and relays every connection to targetPort.
 * @param {{ targetPort: number, latencyMs?: number, faultRate?: number, random?: () => number,
 *           partitionLimit?: number, now?: () => number }} options
 *   partitionLimit: entities per second per partition (0: none); now: the limiter's clock in ms
 */
export function createProxy({ targetPort, latencyMs = 0, faultRate = 0, random = Math.random, partitionLimit = 0, now = () => performance.now() }) {
  const limiter = partitionLimit > 0 ? new PartitionLimiter({ limit: partitionLimit, now }) : null;
  const stats = {
    connections: 0,
    requests: byKind(),
    dropped: byKind(),
    answersLost: byKind(),
    // answered 503 ServerBusy by the proxy, never forwarded
    limited: byKind(),
    unframed: 0,
    partitionLimit,
    // per PartitionKey: entities let through (in transactions, in reads), requests let through, requests limited
    partitions: limiter ? limiter.partitions : {},
  };
  let rate = faultRate;
  const open = new Set();

  /** A request to cut, and how, or null. */
  const decide = () => (rate > 0 && random() < rate ? (random() < 0.5 ? Fault.drop : Fault.loseAnswer) : null);

  /** A client connection and its own to the server, each direction through a delay line; cut() resets both. */
  function pair(client) {
    const server = net.connect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    server.setNoDelay(true);
    const link = { client, server, dead: false, up: null, down: null };
    link.cut = () => {
      if (link.dead) return;
      link.dead = true;
      link.up.close();
      link.down.close();
      client.resetAndDestroy();
      server.resetAndDestroy();
    };
    const sinkTo = (socket) => (item) => {
      if (link.dead) return;
      if (item instanceof AnswerFromProxy) link.down.push(item.bytes);
      else if (item === RESET) link.cut();
      else if (item === END) socket.end();
      else socket.write(item);
    };
    link.up = new DelayLine(latencyMs, sinkTo(server));
    link.down = new DelayLine(latencyMs, sinkTo(client));
    return link;
  }

  /** Ends both sides when either fails; after a clean close, what is still in a delay line gets through first. */
  function closeTogether(link, connection) {
    const close = () => {
      open.delete(connection);
      if (link.dead) return;
      link.dead = true;
      link.up.close();
      link.down.close();
      link.client.destroy();
      link.server.destroy();
    };
    link.client.on('error', close);
    link.server.on('error', close);
    const closed = () => (latencyMs <= 0 || link.dead ? close() : setTimeout(close, latencyMs + CLOSE_GRACE_MS));
    link.client.on('close', closed);
    link.server.on('close', closed);
  }

  function relay(client) {
    stats.connections++;
    const link = pair(client);
    const connection = { cut: link.cut };
    open.add(connection);
    let awaited = null; // the request whose answer comes next: { kind, lose }
    let held = null; // with a partition limit, the request being received: { kind, target, head, body: [] }

    /** Forwards a request, unless it is to be cut before it gets there: false then (the connection is gone). */
    const send = (kind, parts) => {
      const fault = decide();
      if (fault === Fault.drop) {
        stats.dropped[kind]++;
        link.cut();
        return false;
      }
      awaited = { kind, lose: fault === Fault.loseAnswer };
      for (const part of parts) link.up.push(part);
      return true;
    };

    /** A whole request under the limit: forwarded, or, over its partition's budget, answered ServerBusy unforwarded. */
    const release = ({ kind, target, head, body }) => {
      const bodyBytes = Buffer.concat(body);
      const cost = partitionCost({ kind, target, body: bodyBytes });
      if (cost && !limiter.admit(cost.partition, cost.entities, kind)) {
        stats.limited[kind]++;
        link.up.push(new AnswerFromProxy(serverBusyAnswer()));
        return;
      }
      send(kind, [head, bodyBytes]);
    };

    const framer = new RequestFramer({
      onHead({ bytes, method, target }) {
        const kind = kindOf(method, target);
        stats.requests[kind]++;
        if (!limiter) return send(kind, [bytes]);
        held = { kind, target, head: bytes, body: [] };
        return true;
      },
      forward: (bytes) => (held ? held.body.push(bytes) : link.up.push(bytes)),
      onEnd: () => {
        if (!held) return;
        const request = held;
        held = null;
        release(request);
      },
      onUnframed: () => {
        // relayed as is from here on, never cut nor limited
        stats.unframed++;
        if (!held) return;
        const { kind, head, body } = held;
        held = null;
        awaited = { kind, lose: false };
        for (const part of [head, ...body]) link.up.push(part);
      },
      alive: () => !link.dead,
    });
    client.on('data', (data) => framer.push(data));

    link.server.on('data', (data) => {
      if (link.dead) return;
      const answer = awaited;
      awaited = null;
      if (answer?.lose) {
        // Azurite has handled the request and its answer starts: let the status line through, then reset, so
        // the client knows the request was sent and cannot quietly send it again on a new connection.
        stats.answersLost[answer.kind]++;
        const lineFeed = data.indexOf(LINE_FEED);
        link.down.push(lineFeed < 0 ? data : data.subarray(0, lineFeed + 1));
        link.down.push(RESET);
        link.server.pause();
        return;
      }
      link.down.push(data);
    });

    client.on('end', () => link.up.push(END));
    link.server.on('end', () => link.down.push(END));
    closeTogether(link, connection);
  }

  const listener = net.createServer(relay);
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () =>
      resolve({
        port: listener.address().port,
        setFaultRate(value) {
          rate = value;
        },
        stats: () => structuredClone(stats),
        close() {
          for (const c of open) c.cut();
          return new Promise((done) => listener.close(() => done()));
        },
      }),
    );
  });
}

/** Forks the proxy process and returns its port and controls. */
export async function startProxy({ targetPort, latencyMs, partitionLimit = 0, logFd = 'inherit' }) {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'proxy-child.mjs'), [], {
    stdio: ['ignore', logFd, logFd, 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  child.on('message', ({ id, ok, result, error }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (ok) waiter.resolve(result);
    else waiter.reject(new Error(`store proxy: ${error}`));
  });
  child.on('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`store proxy exited (${code ?? signal})`));
    pending.clear();
  });
  const call = (op, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, args });
    });
  const { port } = await call('start', { targetPort, latencyMs, partitionLimit });
  return {
    pid: child.pid,
    port,
    latencyMs,
    partitionLimit,
    setFaultRate: (rate) => call('faults', { rate }),
    stats: () => call('stats'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('close').catch(() => {});
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
