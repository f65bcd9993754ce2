// A subscriber that never reads (issue 17): it negotiates, opens the hub's WebSocket with a hand-written upgrade,
// sends the SignalR JSON handshake in one masked frame, subscribes its connection id to a counter, and from then on
// never reads its socket again (socket.pause()), not even the handshake's answer. What fills up is the server's side:
// SignalR's and Kestrel's pipes and the server socket's send buffer, then the client's receive buffer (Node cannot
// shrink it as Standalone.Tests/Hostile/StuckSubscriber.cs does to 4 KiB; since nothing is read it stays at the
// kernel's initial size, net.ipv4.tcp_rmem's middle value, 128 KiB here).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { Client } from 'undici';
import { INCREMENT_BODY, call, counterPath, pool } from './http.mjs';
import { now, sleep } from '../stats.mjs';
import { tcpQueues } from '../system.mjs';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HANDSHAKE = '{"protocol":"json","version":1}\u001e';
const OPCODE_TEXT = 0x1;
const FIN = 0x80;
const MASKED = 0x80;
const MAX_SHORT_PAYLOAD = 125;
const MASK_BYTES = 4;
const UPGRADE_TIMEOUT_MS = 10_000;
/** The hub registers a connection once its handshake is read: a subscription sent before that is retried. */
const SUBSCRIBE_ATTEMPTS = 20;
const SUBSCRIBE_RETRY_MS = 50;

/** One client-to-server WebSocket frame: FIN, the opcode, a masked payload of at most 125 bytes. */
export function maskedFrame(payload, opcode = OPCODE_TEXT, mask = randomBytes(MASK_BYTES)) {
  const data = Buffer.from(payload, 'utf8');
  if (data.length > MAX_SHORT_PAYLOAD) throw new Error('maskedFrame writes short frames only');
  const frame = Buffer.alloc(2 + MASK_BYTES + data.length);
  frame[0] = FIN | opcode;
  frame[1] = MASKED | data.length;
  mask.copy(frame, 2);
  for (let i = 0; i < data.length; i++) frame[2 + MASK_BYTES + i] = data[i] ^ mask[i % MASK_BYTES];
  return frame;
}

export const acceptFor = (key) => createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');

/** Opens the socket and completes the upgrade; resolves once the 101 has been read, before anything else is. */
function upgrade(base, pathAndQuery) {
  const { hostname, port } = new URL(base);
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    socket.setNoDelay(true);
    const timer = setTimeout(() => fail(new Error(`no answer to the WebSocket upgrade within ${UPGRADE_TIMEOUT_MS / 1000} s`)), UPGRADE_TIMEOUT_MS);
    let head = Buffer.alloc(0);
    const fail = (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const onData = (data) => {
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.pause(); // from here on nothing is read
      socket.off('data', onData);
      clearTimeout(timer);
      const text = head.subarray(0, end).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(text)) return fail(new Error(`the upgrade was answered ${text.split('\r\n')[0]}`));
      const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(text)?.[1];
      if (accept !== acceptFor(key)) return fail(new Error('the upgrade answer has a wrong Sec-WebSocket-Accept'));
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('connect', () =>
      socket.write(
        `GET ${pathAndQuery} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
  });
}

/**
 * Connects a subscriber to the hub of `base` that never reads, subscribed to counter `name`. Returns its connection
 * id, whether the server still knows it (isConnected: a subscription answers 204 while it is connected, 404 once
 * the server dropped it), and close().
 */
export async function connectStuck(base, name, { visitorId = randomUUID() } = {}) {
  const negotiated = await call(pool(base), 'POST', `/api/negotiate?visitorId=${visitorId}&negotiateVersion=1`);
  if (negotiated.status !== 200) throw new Error(`negotiate answered ${negotiated.status}: ${negotiated.text.slice(0, 200)}`);
  const { connectionId, connectionToken } = JSON.parse(negotiated.text);
  const socket = await upgrade(base, `/api?visitorId=${visitorId}&id=${encodeURIComponent(connectionToken)}`);
  let socketError = null;
  socket.on('error', (error) => (socketError = error.code ?? error.message));
  socket.write(maskedFrame(HANDSHAKE));
  const subscribe = () => call(pool(base), 'POST', `${counterPath(name)}/subscriptions`, { connectionId });
  for (let attempt = 1; ; attempt++) {
    const answer = await subscribe();
    if (answer.status === 204) break;
    if (answer.status !== 404 || attempt >= SUBSCRIBE_ATTEMPTS) {
      socket.destroy();
      throw new Error(`subscribing the stuck connection answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    }
    await sleep(SUBSCRIBE_RETRY_MS);
  }
  return {
    connectionId,
    visitorId,
    localPort: socket.localPort,
    serverPort: socket.remotePort,
    /** Subscribes it to one more counter. */
    async subscribeTo(other) {
      const answer = await call(pool(base), 'POST', `${counterPath(other)}/subscriptions`, { connectionId });
      if (answer.status !== 204) throw new Error(`subscribing the stuck connection to ${other} answered ${answer.status}`);
    },
    async isConnected() {
      const answer = await subscribe();
      if (answer.status !== 204 && answer.status !== 404) throw new Error(`subscription check answered ${answer.status}`);
      return answer.status === 204;
    },
    /** A socket error, if one came (the socket is never read, so a close by the server may show only here). */
    state: () => ({ socketError, destroyed: socket.destroyed }),
    close() {
      socket.resetAndDestroy();
    },
  };
}

/** The server's queue to a stuck subscriber counts as full once it holds this much and stops growing for STALL_QUIET_MS. */
const STALL_MIN_BYTES = 256 * 1024;
const STALL_QUIET_MS = 1000;
const STALL_POLL_MS = 100;

/**
 * Sends increments to `fillName` (which the stuck subscriber is subscribed to, as the increments' visitor, so each
 * commit sends it a counterUpdated and an incrementApplied) until the server's socket to it has stopped taking
 * bytes: its send queue holds at least STALL_MIN_BYTES and has not grown for STALL_QUIET_MS. Then the subscriber is
 * stuck for good (the server drops it about 10 s later: SignalR's transport send timeout). Runs in the calling
 * process; returns how long it took, the increments sent and the queues, or `stalled: false` after `maxMs`.
 */
export async function fillUntilStalled({ base, stuck, fillName, writers = 8, maxMs = 60_000 }) {
  const clients = Array.from({ length: writers }, () => new Client(base, { pipelining: 1 }));
  const path = `${counterPath(fillName)}/increment`;
  const headers = { 'content-type': 'application/json', 'x-visitor-id': stuck.visitorId };
  const started = now();
  let stop = false;
  let sent = 0;
  const loops = clients.map(async (client) => {
    while (!stop) {
      await client.request({ method: 'POST', path, headers, body: INCREMENT_BODY }).then((r) => r.body.dump(), () => {});
      sent++;
    }
  });
  let stalled = false;
  let last = { tx: 0, at: now() };
  let queues = null;
  while (now() - started < maxMs) {
    await sleep(STALL_POLL_MS);
    queues = tcpQueues(stuck.serverPort, stuck.localPort);
    if (!queues) break; // the server closed it
    if (queues.tx > last.tx) last = { tx: queues.tx, at: now() };
    else if (queues.tx >= STALL_MIN_BYTES && now() - last.at >= STALL_QUIET_MS) {
      stalled = true;
      break;
    }
  }
  stop = true;
  await Promise.all(loops);
  await Promise.all(clients.map((c) => c.close()));
  return { stalled, seconds: (now() - started) / 1000, increments: sent, serverQueuedBytes: queues?.tx ?? null, clientUnreadBytes: tcpQueues(stuck.localPort, stuck.serverPort)?.rx ?? null };
}
