// The store proxy between Standalone and Azurite makes the store as slow, unreliable and limited as Azure: --store-latency
// delays every byte each way, --store-faults cuts that share of requests (half never reach Azurite, half lose their
// answer after Azurite applied them), --partition-limit answers what is over a partition's budget 503 ServerBusy itself.
// Requests are framed by http-parser-js and forwarded whole (a transaction's partition and entities are in its body);
// an answer is the next thing the server sends (keep-alive, no pipelining). Its own process (startProxy) counts its
// CPU with the store's and keeps its timers from competing with the bench's.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HTTPParser } from 'http-parser-js';
import { attempt } from '../system.mjs';
import { PartitionLimiter, partitionCost, serverBusyAnswer } from './partitionLimit.mjs';

const [END, RESET] = [Symbol('end'), Symbol('reset')];
/** setTimeout fires up to a millisecond late: a delay line sleeps until this long before an item is due, then polls. */
const TIMER_SLACK_MS = 1.5;
/** After a clean close, how long past the delay queued bytes still get through. */
const CLOSE_GRACE_MS = 5;

/** Hands items to `sink` `ms` after they were pushed, in order (at once when ms is 0); close() drops the rest. */
function delayLine(ms, sink) {
  const queue = [];
  let [armed, closed] = [false, false];
  const arm = () => {
    armed = queue.length > 0;
    const left = armed ? queue[0].due - performance.now() : 0;
    if (armed && left <= TIMER_SLACK_MS) setImmediate(flush);
    else if (armed) setTimeout(flush, Math.floor(left - 1));
  };
  const flush = () => {
    while (queue.length > 0 && queue[0].due <= performance.now()) sink(queue.shift().item);
    arm();
  };
  return {
    push(item) {
      if (closed || ms <= 0) return closed || sink(item);
      queue.push({ due: performance.now() + ms, item });
      if (!armed) arm();
    },
    close: () => ((closed = true), (queue.length = 0)),
  };
}

const kindOf = (method, target) => (method === 'POST' && target.includes('$batch') ? 'transaction' : method === 'GET' ? 'read' : 'other');
const byKind = () => ({ transaction: 0, read: 0, other: 0 });

/** Listens on a free loopback port and relays every connection to targetPort; partitionLimit: entities/s (0: none). */
export async function createProxy({ targetPort, latencyMs = 0, faultRate = 0, random = Math.random, partitionLimit = 0, now = () => performance.now() }) {
  const limiter = partitionLimit > 0 ? new PartitionLimiter({ limit: partitionLimit, now }) : null;
  // limited: answered 503 by the proxy; unframed: requests it could not frame, relayed as is from there on, never cut
  const stats = { connections: 0, requests: byKind(), dropped: byKind(), answersLost: byKind(), limited: byKind(), unframed: 0, partitionLimit, partitions: limiter?.partitions ?? {} };
  let rate = faultRate;
  const open = new Set();

  function relay(client) {
    stats.connections++;
    const server = net.connect(targetPort, '127.0.0.1');
    let dead = false;
    /** Ends both sides now: reset (a fault) or destroyed (either side failed or closed). */
    const end = (reset) => {
      open.delete(end);
      if (dead) return;
      dead = true;
      up.close();
      down.close();
      for (const socket of [client, server]) reset ? socket.resetAndDestroy() : socket.destroy();
    };
    open.add(end);
    const sinkTo = (socket) => (item) => {
      if (dead) return;
      if (item === RESET) end(true);
      else if (item === END) socket.end();
      else if (item.answer) down.push(item.answer); // the proxy's own answer, sent down once it got up
      else socket.write(item);
    };
    const up = delayLine(latencyMs, sinkTo(server));
    const down = delayLine(latencyMs, sinkTo(client));

    let awaited = null; // the request whose answer comes next: { kind, lose }
    const forward = ({ kind, target, body }, bytes) => {
      if (dead) return;
      const cost = limiter && partitionCost({ kind, target, body: Buffer.concat(body) });
      if (cost && !limiter.admit(cost.partition, cost.entities, kind)) {
        stats.limited[kind]++;
        return up.push({ answer: serverBusyAnswer() });
      }
      const fault = rate > 0 && random() < rate ? (random() < 0.5 ? 'drop' : 'lose') : null;
      if (fault === 'drop') {
        stats.dropped[kind]++;
        return end(true);
      }
      awaited = { kind, lose: fault === 'lose' };
      up.push(bytes);
    };

    const parser = new HTTPParser(HTTPParser.REQUEST);
    // the request being received ({ kind, target, body }), its bytes in earlier chunks, where it starts in this one
    let [request, held, chunk, from, unframed] = [null, [], null, 0, false];
    parser[HTTPParser.kOnHeadersComplete] = ({ method, url, headers }) => {
      // http-parser-js takes only 'chunked' alone as chunked, and would read such a body as the next request
      const te = headers.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'transfer-encoding');
      if (te >= 0 && headers[te + 1].trim().toLowerCase() !== 'chunked') throw new Error('a transfer encoding the parser cannot frame');
      request = { kind: kindOf(HTTPParser.methods[method], url), target: url, body: [] };
      stats.requests[request.kind]++;
    };
    parser[HTTPParser.kOnBody] = (bytes) => request.body.push(bytes);
    parser[HTTPParser.kOnMessageComplete] = () => {
      // parser.offset: where the (pinned) parser stands in the chunk, the request's end
      const bytes = Buffer.concat([...held, chunk.subarray(from, parser.offset)]);
      [held, from] = [[], parser.offset];
      forward(request, bytes);
    };
    client.on('data', (data) => {
      if (unframed) return up.push(data);
      [chunk, from] = [data, 0];
      // an Error: returned by the parser, or thrown by a callback above
      if (!(attempt(() => parser.execute(data), (error) => error) instanceof Error)) return from < data.length && held.push(data.subarray(from));
      stats.unframed++;
      unframed = true;
      awaited = { kind: request?.kind ?? 'other', lose: false };
      for (const bytes of [...held, data.subarray(from)]) up.push(bytes);
    });

    server.on('data', (data) => {
      if (dead) return;
      const answer = awaited;
      awaited = null;
      if (!answer?.lose) return down.push(data);
      // Azurite handled it: the status line gets through, then a reset, so the client knows the request went out
      // and cannot quietly send it again on a new connection.
      stats.answersLost[answer.kind]++;
      const lineFeed = data.indexOf(10);
      down.push(lineFeed < 0 ? data : data.subarray(0, lineFeed + 1));
      down.push(RESET);
      server.pause();
    });
    client.on('end', () => up.push(END));
    server.on('end', () => down.push(END));
    for (const socket of [client, server]) {
      socket.setNoDelay(true);
      socket.on('error', () => end(false));
      socket.on('close', () => (latencyMs <= 0 || dead ? end(false) : setTimeout(() => end(false), latencyMs + CLOSE_GRACE_MS)));
    }
  }

  const listener = net.createServer(relay).listen(0, '127.0.0.1');
  await once(listener, 'listening');
  return {
    port: listener.address().port,
    setFaultRate: (value) => void (rate = value),
    stats: () => structuredClone(stats),
    close: () => (open.forEach((end) => end(true)), new Promise((done) => listener.close(() => done()))),
  };
}

/** Forks the proxy's process (this file as a script) and returns its port and controls over IPC. */
export async function startProxy({ targetPort, latencyMs, partitionLimit = 0 }) {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify({ targetPort, latencyMs, partitionLimit })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = []; // the child answers every message, in order
  const answer = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const call = (message) => (child.connected ? (child.send(message), answer()) : Promise.reject(new Error('store proxy exited')));
  child.on('message', (result) => waiting.shift().resolve(result));
  const exited = once(child, 'exit');
  exited.then(([code]) => waiting.splice(0).forEach((w) => w.reject(new Error(`store proxy exited (${code ?? child.signalCode})`))));
  const { port } = await answer();
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid,
    port,
    setFaultRate: (rate) => call({ rate }),
    stats: () => call({}),
    stop: () => (alive() && child.kill('SIGTERM'), exited),
    kill: () => alive() && child.kill('SIGKILL'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const proxy = await createProxy(JSON.parse(process.argv[2]));
  process.on('message', ({ rate }) => process.send(rate === undefined ? proxy.stats() : (proxy.setFaultRate(rate), true)));
  process.on('disconnect', () => process.exit(0)); // gone with the bench
  process.send({ port: proxy.port });
}
