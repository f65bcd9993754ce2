// The stuck subscriber (src/driver/stuck.mjs) against a fake hub: it sends the SignalR handshake, is subscribed once
// the hub has read it, and never reads again, so what the hub sends it piles up on the hub's side.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { closePool } from '../src/driver/http.mjs';
import { now, sleep } from '../src/stats.mjs';
import { connectStuck } from '../src/driver/stuck.mjs';

test('the stuck subscriber sends the handshake, subscribes, and never reads what the hub sends', async () => {
  let handshake = null;
  let hubSide = null;
  const server = http.createServer((request, response) => {
    if (request.url.startsWith('/api/negotiate')) return response.end(JSON.stringify({ connectionId: 'c-1', connectionToken: 't-1' }));
    response.writeHead(handshake && request.url === '/api/counters/x/subscriptions' ? 204 : 404).end(); // as the hub: known once its handshake is read
  });
  new WebSocketServer({ server, path: '/api' }).on('connection', (socket, request) => {
    assert.match(request.url, /[?&]id=t-1(&|$)/);
    hubSide = socket;
    socket.on('message', (data) => (handshake = String(data)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stuck = await connectStuck(`http://127.0.0.1:${server.address().port}`, 'x');
  assert.equal(handshake, '{"protocol":"json","version":1}\u001e');
  assert.equal(await stuck.isConnected(), true);
  // More than the loopback's buffers hold: a client that reads would take it all.
  for (let i = 0; i < 512; i++) hubSide.send('x'.repeat(64 * 1024));
  let last = { bytes: -1, at: now() };
  for (const deadline = now() + 5000; now() < deadline && now() - last.at < 300; await sleep(20)) {
    if (hubSide.bufferedAmount !== last.bytes) last = { bytes: hubSide.bufferedAmount, at: now() };
  }
  assert.ok(hubSide.bufferedAmount > 0, 'what the hub sent drained: the subscriber read it');
  stuck.close();
  await closePool();
  server.closeAllConnections();
  server.close();
});
