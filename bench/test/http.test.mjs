// The HTTP driver (src/driver/http.mjs) against a local server that misbehaves on purpose: a 2xx whose body cannot
// be read whole is a network error, and the increment is sent again with the same key and body, whose answer is
// then the replay. Run with `node --test bench/test`.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { Client } from 'undici';
import { closePool, increment, readCounter } from '../src/driver/http.mjs';

const ANSWER = { name: 'c', value: 7, version: 7, updatedAt: '2026-12-01T00:00:00Z', by: 1, yourTotal: 3 };
const full = JSON.stringify(ANSWER);

let server;
let base;
let seen = []; // per request: { method, url, key, visitor, body }
let plan = []; // how to answer the next requests, in turn: 'length' | 'chunked' | 'close-delimited' | 'unparsable' | 'ok'

/** Sends 200 and its headers, a part of the body, then destroys the socket, in one of three framings. */
function breakOff(request, response, how) {
  const part = full.slice(0, 12);
  const socket = response.socket;
  if (how === 'length') {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${full.length}\r\n\r\n${part}`);
  } else if (how === 'chunked') {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${part.length.toString(16)}\r\n${part}\r\n`);
  } else {
    // no length, no chunks: the body ends when the connection closes, so a cut body looks complete but is not JSON
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${part}`);
  }
  setTimeout(() => socket.destroy(), 10);
}

before(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, key: request.headers['idempotency-key'], visitor: request.headers['x-visitor-id'], body });
      const how = plan.shift() ?? 'ok';
      if (how === 'ok' || how === 'replay') {
        const headers = { 'content-type': 'application/json' };
        if (how === 'replay') headers['idempotent-replayed'] = 'true';
        response.writeHead(200, headers);
        response.end(full);
      } else if (how === 'full') {
        response.writeHead(507, { 'content-type': 'application/problem+json' });
        response.end('{"title":"Insufficient Storage","status":507}');
      } else if (how === 'unparsable') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"name":"c","value":');
      } else {
        breakOff(request, response, how);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await closePool();
  await new Promise((resolve) => server.close(resolve));
});

for (const how of ['length', 'chunked', 'close-delimited', 'unparsable']) {
  test(`a 200 whose body breaks off (${how}) is retried with the same key and body, and the replay is the answer`, async () => {
    seen = [];
    plan = [how, 'replay'];
    const client = new Client(base, { pipelining: 1 });
    const x = await increment(client, '/api/counters/c/increment', { key: 'k-1', visitorId: 'v-1', giveUpAt: Infinity });
    await client.close();
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[1], seen[0]);
    assert.equal(seen[0].key, 'k-1');
    assert.equal(x.status, 200);
    assert.equal(x.replayed, true);
    assert.equal(x.uncertain, true, 'the first try may have been applied: a replay is explained');
    assert.deepEqual([x.attempts, x.errors, x.unreadable], [2, 1, 1]);
    assert.deepEqual([x.version, x.value, x.yourTotal], [7, 7, 3]);
  });
}

test('without a key a broken 200 is sent once and reported as no answer', async () => {
  seen = [];
  plan = ['length'];
  const client = new Client(base, { pipelining: 1 });
  const x = await increment(client, '/api/counters/c/increment', {});
  await client.close();
  assert.equal(seen.length, 1);
  assert.deepEqual([x.status, x.errors, x.unreadable], [0, 1, 1]);
  assert.match(x.error, /200 whose the body/);
});

test('a counter read whose 200 breaks off is read again', async () => {
  seen = [];
  plan = ['chunked', 'ok'];
  const counter = await readCounter(base, 'c');
  assert.equal(seen.length, 2);
  assert.deepEqual(counter, ANSWER);
});

test('a 507 (a store cap reached) is final: not retried, even with a key', async () => {
  seen = [];
  plan = ['full', 'ok'];
  const client = new Client(base, { pipelining: 1 });
  const x = await increment(client, '/api/counters/c/increment', { key: 'k-2', giveUpAt: Infinity });
  await client.close();
  assert.equal(seen.length, 1);
  assert.deepEqual([x.status, x.attempts, x.uncertain], [507, 1, false]);
  plan = [];
});
