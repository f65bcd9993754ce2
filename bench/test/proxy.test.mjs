// The store proxy (src/launch/proxy.mjs): how it finds requests on a keep-alive connection (a head, then a body
// framed by Content-Length or by chunks), counts them by kind, and cuts the ones it is told to, before they reach
// the server or once the server's answer starts. Run with `node --test bench/test`.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createProxy } from '../src/launch/proxy.mjs';

let server;
let seen = []; // what the server received, in order: `${method} ${url} ${body}`

before(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('latin1');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push(`${request.method} ${request.url} ${body}`);
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      response.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
});

after(() => new Promise((resolve) => server.close(resolve)));

/** Sends the given pieces on one connection through the proxy (each its own write), returns what came back and how it ended. */
function exchange(port, pieces, { expectAnswers, oneAnswerPerPiece = false }) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let ending = 'open';
    socket.setEncoding('latin1');
    socket.on('data', (data) => {
      received += data;
      if ((received.match(/HTTP\/1\.1 200/g) ?? []).length >= expectAnswers && received.endsWith('ok')) socket.end();
    });
    socket.on('error', (error) => (ending = error.code ?? 'error'));
    socket.on('close', () => resolve({ received, ending: ending === 'open' ? 'closed' : ending }));
    const answers = () => (received.match(/HTTP\/1\.1 200/g) ?? []).length;
    socket.on('connect', async () => {
      for (const [i, piece] of pieces.entries()) {
        // A loaded machine can be slow to answer: with oneAnswerPerPiece, piece i waits for the answer to piece i-1.
        while (oneAnswerPerPiece && answers() < i && !socket.destroyed) await new Promise((done) => setTimeout(done, 5));
        socket.write(piece);
        await new Promise((done) => setTimeout(done, 15));
      }
    });
  });
}

const withLength = (method, path, body) => `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const chunkedHead = (path) => `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`;

/** A random() that returns the given values in turn (decide() draws "cut?" then "which kind?"). */
const sequence = (...values) => {
  let i = 0;
  return () => values[i++ % values.length];
};

test('relays requests framed by Content-Length and by chunks, split across writes, and counts them by kind', async () => {
  seen = [];
  const proxy = await createProxy({ targetPort: server.address().port });
  const pieces = [
    withLength('GET', '/t(PartitionKey=%27a%27)', '').slice(0, 10),
    withLength('GET', '/t(PartitionKey=%27a%27)', '').slice(10),
    chunkedHead('/$batch') + '5\r\nhel',
    'lo\r\n6;ext=1\r\n world\r\n0\r\n',
    'Trailer: x\r\n\r\n' + withLength('POST', '/Tables', '{"TableName":"t"}').slice(0, 30),
    withLength('POST', '/Tables', '{"TableName":"t"}').slice(30),
  ];
  const { received } = await exchange(proxy.port, pieces, { expectAnswers: 3 });
  assert.equal((received.match(/HTTP\/1\.1 200/g) ?? []).length, 3);
  assert.deepEqual(seen, ["GET /t(PartitionKey=%27a%27) ", 'POST /$batch hello world', 'POST /Tables {"TableName":"t"}']);
  const stats = proxy.stats();
  assert.deepEqual(stats.requests, { transaction: 1, read: 1, other: 1 });
  assert.deepEqual(stats.dropped, { transaction: 0, read: 0, other: 0 });
  assert.equal(stats.unframed, 0);
  await proxy.close();
});

test('a request cut before it reaches the server is never seen there, and the connection is reset', async () => {
  seen = [];
  // first request: no cut (0.9 ≥ rate 0.5); second: cut (0.1), dropped (0.2 < 0.5)
  const proxy = await createProxy({ targetPort: server.address().port, faultRate: 0.5, random: sequence(0.9, 0.1, 0.2) });
  const { received, ending } = await exchange(proxy.port, [withLength('GET', '/a', ''), withLength('POST', '/$batch', 'xyz')], { expectAnswers: 2, oneAnswerPerPiece: true });
  assert.deepEqual(seen, ['GET /a ']);
  assert.equal((received.match(/HTTP\/1\.1 200/g) ?? []).length, 1);
  assert.equal(ending, 'ECONNRESET');
  assert.deepEqual(proxy.stats().dropped, { transaction: 1, read: 0, other: 0 });
  await proxy.close();
});

test('a request whose answer is lost reaches the server; only the status line comes back, then the connection ends', async () => {
  seen = [];
  // cut (0.1), answer lost (0.7 ≥ 0.5)
  const proxy = await createProxy({ targetPort: server.address().port, faultRate: 0.5, random: sequence(0.1, 0.7) });
  const { received, ending } = await exchange(proxy.port, [chunkedHead('/$batch') + '3\r\nabc\r\n0\r\n\r\n'], { expectAnswers: 1 });
  await new Promise((done) => setTimeout(done, 50));
  assert.deepEqual(seen, ['POST /$batch abc']);
  assert.equal(received, 'HTTP/1.1 200 OK\r\n');
  // The reset follows the status line at once: the client sees the connection end (reset or closed) with no more.
  assert.ok(['ECONNRESET', 'closed'].includes(ending), ending);
  assert.deepEqual(proxy.stats().answersLost, { transaction: 1, read: 0, other: 0 });
  await proxy.close();
});

test('a body with another Transfer-Encoding is relayed as is and never cut', async () => {
  seen = [];
  const proxy = await createProxy({ targetPort: server.address().port, faultRate: 0 });
  const head = 'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n';
  await exchange(proxy.port, [head + '0\r\n\r\n'], { expectAnswers: 0 }).catch(() => {});
  assert.equal(proxy.stats().unframed, 1);
  await proxy.close();
});
