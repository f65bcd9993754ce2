// A subscriber that never reads (issue 17): it negotiates, opens the hub's WebSocket, sends the SignalR JSON
// handshake, subscribes to a counter, and never reads its socket again, not even the handshake's answer. What fills
// up is the server's side (SignalR's and Kestrel's pipes, its socket's send buffer), then the client's receive
// buffer, which stays at the kernel's initial size since nothing is read (net.ipv4.tcp_rmem's middle value; Node
// cannot shrink it as Standalone.Tests/Hostile/StuckSubscriber.cs does).
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Client } from 'undici';
import WebSocket from 'ws';
import { INCREMENT_BODY, call, counterPath, pool } from './http.mjs';
import { now, sleep } from '../stats.mjs';
import { tcpQueues } from '../system.mjs';

/**
 * Connects a subscriber to the hub of `base` that never reads, subscribed to counter `name`. isConnected(): whether
 * the server still knows it (a subscription answers 204 while it does, 404 once it dropped it).
 */
export async function connectStuck(base, name, { visitorId = randomUUID() } = {}) {
  const negotiated = await call(pool(base), 'POST', `/api/negotiate?visitorId=${visitorId}&negotiateVersion=1`);
  if (negotiated.status !== 200) throw new Error(`negotiate answered ${negotiated.status}: ${negotiated.text.slice(0, 200)}`);
  const { connectionId, connectionToken } = JSON.parse(negotiated.text);
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api?visitorId=${visitorId}&id=${encodeURIComponent(connectionToken)}`, { perMessageDeflate: false, handshakeTimeout: 10_000 });
  const [[{ socket }]] = await Promise.all([once(ws, 'upgrade'), once(ws, 'open')]); // 'open' follows 'upgrade' in the same tick
  ws.pause(); // from here on nothing is read
  let socketError = null;
  ws.on('error', (error) => (socketError = error.code ?? error.message));
  ws.send('{"protocol":"json","version":1}\u001e');
  const subscribe = (counter = name) => call(pool(base), 'POST', `${counterPath(counter)}/subscriptions`, { connectionId });
  // The hub registers a connection once it has read its handshake: until then a subscription answers 404.
  for (let attempt = 1, answer; (answer = await subscribe()).status !== 204; attempt++) {
    if (answer.status !== 404 || attempt >= 20) {
      socket.destroy();
      throw new Error(`subscribing the stuck connection answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    }
    await sleep(50);
  }
  return {
    connectionId,
    visitorId,
    localPort: socket.localPort,
    serverPort: socket.remotePort,
    async subscribeTo(other) {
      const answer = await subscribe(other);
      if (answer.status !== 204) throw new Error(`subscribing the stuck connection to ${other} answered ${answer.status}`);
    },
    async isConnected() {
      const { status } = await subscribe();
      if (status !== 204 && status !== 404) throw new Error(`subscription check answered ${status}`);
      return status === 204;
    },
    /** The socket is never read, so a close by the server may show only as an error here. */
    state: () => ({ socketError, destroyed: socket.destroyed }),
    close: () => socket.resetAndDestroy(),
  };
}

/**
 * Increments `fillName` (which the stuck subscriber is subscribed to, as its visitor, so each commit sends it two
 * messages) until the server's socket to it holds at least 256 KiB and has not grown for a second: stuck for good
 * (the server drops it about 10 s later, SignalR's transport send timeout). `stalled: false` after `maxMs`.
 */
export async function fillUntilStalled({ base, stuck, fillName, writers = 8, maxMs = 60_000 }) {
  const clients = Array.from({ length: writers }, () => new Client(base, { pipelining: 1 }));
  const headers = { 'content-type': 'application/json', 'x-visitor-id': stuck.visitorId };
  const started = now();
  let stop = false;
  let sent = 0;
  const loops = clients.map(async (client) => {
    for (; !stop; sent++) await client.request({ method: 'POST', path: `${counterPath(fillName)}/increment`, headers, body: INCREMENT_BODY }).then((r) => r.body.dump(), () => {});
  });
  let stalled = false;
  let grew = { tx: 0, at: now() };
  let queues = null;
  while (!stalled && now() - started < maxMs) {
    await sleep(100);
    queues = tcpQueues(stuck.serverPort, stuck.localPort);
    if (!queues) break; // the server closed it
    if (queues.tx > grew.tx) grew = { tx: queues.tx, at: now() };
    else stalled = queues.tx >= 256 * 1024 && now() - grew.at >= 1000;
  }
  stop = true;
  await Promise.all(loops);
  await Promise.all(clients.map((c) => c.close()));
  return { stalled, seconds: (now() - started) / 1000, increments: sent, serverQueuedBytes: queues?.tx ?? null, clientUnreadBytes: tcpQueues(stuck.localPort, stuck.serverPort)?.rx ?? null };
}
