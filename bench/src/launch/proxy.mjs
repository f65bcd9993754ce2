// A TCP proxy between Standalone and Azurite that makes the store slower and less reliable on purpose:
// --store-latency adds a fixed delay to every byte in each direction, --store-faults cuts a fraction of the store's
// requests mid-request, half of them before they reach Azurite and half after Azurite handled them (their answers
// are lost), so some commits are applied without Standalone learning it.
//
// Requests are found on the client→server stream: HTTP/1.1 with keep-alive sends one request at a time per
// connection, so a request's head ends at the first empty line and its body is Content-Length bytes (or chunked),
// and the next byte after it starts the next request. Its answer is the next thing the server sends.
//
// The proxy runs in a process of its own (proxy-child.mjs), so that its CPU is counted with the store's and its
// timers do not compete with the bench's; startProxy() below forks it and talks to it over IPC.
import { fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const END = Symbol('end');
const RESET = Symbol('reset');
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

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
    // setTimeout fires up to a millisecond or so late: sleep until shortly before the first item is due, then poll.
    const remaining = this.queue[0].due - performance.now();
    this.immediate = remaining <= 1.5;
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

/**
 * Listens on a free loopback port and relays every connection to targetPort.
 * @param {{ targetPort: number, latencyMs?: number, faultRate?: number, random?: () => number }} options
 */
export function createProxy({ targetPort, latencyMs = 0, faultRate = 0, random = Math.random }) {
  const stats = { connections: 0, requests: byKind(), dropped: byKind(), answersLost: byKind(), unframed: 0 };
  let rate = faultRate;
  const open = new Set();

  /** A request to cut, and how: 'drop' (never reaches the server) or 'lose' (its answer is lost), or null. */
  const decide = () => (rate > 0 && random() < rate ? (random() < 0.5 ? 'drop' : 'lose') : null);

  function relay(client) {
    stats.connections++;
    const server = net.connect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    server.setNoDelay(true);
    let dead = false;
    const cut = () => {
      if (dead) return;
      dead = true;
      up.close();
      down.close();
      client.resetAndDestroy();
      server.resetAndDestroy();
    };
    const sinkTo = (socket) => (item) => {
      if (dead) return;
      if (item === RESET) cut();
      else if (item === END) socket.end();
      else socket.write(item);
    };
    const up = new DelayLine(latencyMs, sinkTo(server));
    const down = new DelayLine(latencyMs, sinkTo(client));
    const connection = { cut };
    open.add(connection);

    // Framing of the client's requests.
    let state = 'head'; // head | body | chunk-size | chunk-data | trailer | unframed
    let head = Buffer.alloc(0);
    let bodyLeft = 0;
    let line = '';
    let awaited = null; // the request whose answer comes next: { kind, lose }

    const startBody = (headers) => {
      const te = headers.get('transfer-encoding');
      if (te) {
        if (te.trim().toLowerCase() !== 'chunked') {
          stats.unframed++;
          state = 'unframed';
          return;
        }
        state = 'chunk-size';
        line = '';
        return;
      }
      bodyLeft = Number(headers.get('content-length') ?? 0);
      state = bodyLeft > 0 ? 'body' : 'head';
    };

    const onRequestHead = (bytes) => {
      const text = bytes.toString('latin1');
      const [requestLine, ...rest] = text.split('\r\n');
      const [method = '', target = ''] = requestLine.split(' ');
      const headers = new Map();
      for (const h of rest) {
        const colon = h.indexOf(':');
        if (colon > 0) headers.set(h.slice(0, colon).trim().toLowerCase(), h.slice(colon + 1).trim());
      }
      const kind = kindOf(method, target);
      stats.requests[kind]++;
      const fault = decide();
      if (fault === 'drop') {
        stats.dropped[kind]++;
        cut();
        return false;
      }
      awaited = { kind, lose: fault === 'lose' };
      up.push(bytes);
      startBody(headers);
      return true;
    };

    client.on('data', (data) => {
      let off = 0;
      while (off < data.length && !dead) {
        switch (state) {
          case 'head': {
            head = Buffer.concat([head, data.subarray(off)]);
            off = data.length;
            const end = head.indexOf(HEAD_END);
            if (end < 0) {
              if (head.length > MAX_HEAD) {
                stats.unframed++;
                state = 'unframed';
                up.push(head);
              }
              break;
            }
            const bytes = Buffer.from(head.subarray(0, end + 4));
            const after = head.subarray(end + 4);
            head = Buffer.alloc(0);
            if (!onRequestHead(bytes)) return;
            data = after;
            off = 0;
            break;
          }
          case 'body':
          case 'chunk-data': {
            const n = Math.min(bodyLeft, data.length - off);
            up.push(data.subarray(off, off + n));
            off += n;
            bodyLeft -= n;
            if (bodyLeft === 0) state = state === 'body' ? 'head' : 'chunk-size';
            break;
          }
          case 'chunk-size':
          case 'trailer': {
            const nl = data.indexOf(10, off);
            const end = nl < 0 ? data.length : nl + 1;
            up.push(data.subarray(off, end));
            line += data.subarray(off, end).toString('latin1');
            off = end;
            if (nl < 0) break;
            const content = line.trim();
            line = '';
            if (state === 'trailer') {
              if (content === '') state = 'head';
            } else {
              const size = parseInt(content.split(';')[0], 16);
              if (size === 0) state = 'trailer';
              else {
                bodyLeft = size + 2; // the data and its CRLF
                state = 'chunk-data';
              }
            }
            break;
          }
          default: // unframed: relayed as is, never cut
            up.push(data.subarray(off));
            off = data.length;
        }
      }
    });

    server.on('data', (data) => {
      if (dead) return;
      const answer = awaited;
      awaited = null;
      if (answer?.lose) {
        // Azurite has handled the request and its answer starts: let the status line through, then reset, so
        // the client knows the request was sent and cannot quietly send it again on a new connection.
        stats.answersLost[answer.kind]++;
        const nl = data.indexOf(10);
        down.push(nl < 0 ? data : data.subarray(0, nl + 1));
        down.push(RESET);
        server.pause();
        return;
      }
      down.push(data);
    });

    client.on('end', () => up.push(END));
    server.on('end', () => down.push(END));
    const close = () => {
      open.delete(connection);
      if (!dead) {
        dead = true;
        up.close();
        down.close();
        client.destroy();
        server.destroy();
      }
    };
    client.on('error', close);
    server.on('error', close);
    // After a clean close, bytes still in a delay line (and its END) get through before the relay is dropped.
    const closed = () => (latencyMs <= 0 || dead ? close() : setTimeout(close, latencyMs + 5));
    client.on('close', closed);
    server.on('close', closed);
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
export async function startProxy({ targetPort, latencyMs, logFd = 'inherit' }) {
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
  const { port } = await call('start', { targetPort, latencyMs });
  return {
    pid: child.pid,
    port,
    latencyMs,
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
