// The store proxy (src/launch/proxy.mjs): how it finds requests on a keep-alive connection (a head, then a body
// framed by Content-Length or by chunks), counts them by kind, and cuts the ones it is told to, before they reach
// the server or once the server's answer starts. Run with `node --test bench/test`.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createProxy, startProxy } from '../src/launch/proxy.mjs';

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

test('requests that arrive in one piece (pipelined) are each relayed whole, in order', async () => {
  seen = [];
  const proxy = await createProxy({ targetPort: server.address().port });
  const three = withLength('GET', '/a', '') + chunkedHead('/$batch') + '3\r\nabc\r\n0\r\n\r\n' + withLength('PUT', '/c', 'xyz');
  await exchange(proxy.port, [three], { expectAnswers: 3 });
  assert.deepEqual(seen, ['GET /a ', 'POST /$batch abc', 'PUT /c xyz']);
  assert.deepEqual(proxy.stats().requests, { transaction: 1, read: 1, other: 1 });
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

test('a request the parser cannot frame (another Transfer-Encoding, a head too long) is relayed as is and never cut', async () => {
  const proxy = await createProxy({ targetPort: server.address().port, faultRate: 1 });
  const gzip = 'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n';
  // the server's answers come back (its refusal of the long head): the bytes went through
  assert.match((await exchange(proxy.port, [gzip], { expectAnswers: 1 })).received, /^HTTP\/1\.1 200/);
  assert.match((await exchange(proxy.port, [`GET /${'x'.repeat(100 * 1024)}`], { expectAnswers: 1 })).received, /^HTTP\/1\.1 431/);
  assert.equal(proxy.stats().unframed, 2);
  assert.deepEqual(proxy.stats().dropped, { transaction: 0, read: 0, other: 0 });
  await proxy.close();
});

/** Sends requests one after another on one keep-alive connection; each answer: status, error code header, body. */
async function sequential(port, requests) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const answers = [];
  const sockets = new Set();
  for (const { method, path, body = '' } of requests) {
    answers.push(
      await new Promise((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { 'content-length': Buffer.byteLength(body) } }, (response) => {
          sockets.add(response.socket);
          let text = '';
          response.setEncoding('latin1');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode, code: response.headers['x-ms-error-code'] ?? null, text }));
        });
        request.on('error', reject);
        request.end(body);
      }),
    );
  }
  agent.destroy();
  return { answers, connections: sockets.size };
}

/** A $batch body of `entities` changeset requests on one partition, as Azure.Data.Tables writes it. */
const batch = (partition, entities) =>
  '--batch_1\r\nContent-Type: multipart/mixed; boundary=changeset_1\r\n\r\n' +
  Array.from({ length: entities }, (_, i) =>
    '--changeset_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n' +
    `POST http://x/acct/counters HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"PartitionKey":"${partition}","RowKey":"r${i}"}\r\n`,
  ).join('') +
  '--changeset_1--\r\n--batch_1--\r\n';

test('over a partition limit a transaction is answered 503 ServerBusy by the proxy, never reaches the server, and the connection goes on', async () => {
  seen = [];
  let t = 0;
  const proxy = await createProxy({ targetPort: server.address().port, partitionLimit: 10, now: () => t });
  const first = await sequential(proxy.port, [
    { method: 'POST', path: '/acct/$batch', body: batch('hot', 8) },
    { method: 'POST', path: '/acct/$batch', body: batch('hot', 3) }, // 2 left: over
    { method: 'GET', path: "/acct/counters(PartitionKey='hot',RowKey='lane-03')" }, // 1 of the 2 left
    { method: 'POST', path: '/acct/$batch', body: batch('cold', 10) }, // its own bucket
    { method: 'POST', path: '/acct/Tables', body: '{"TableName":"counters"}' }, // no partition: never limited
  ]);
  assert.deepEqual(first.answers.map((a) => [a.status, a.code]), [[200, null], [503, 'ServerBusy'], [200, null], [200, null], [200, null]]);
  assert.equal(JSON.parse(first.answers[1].text)['odata.error'].code, 'ServerBusy');
  assert.equal(first.connections, 1);
  // the server saw the first transaction, the read, the other partition's transaction and the table's creation only
  const firstLine = (s) => `${s.slice(0, s.indexOf(' ', 5))} ${(s.match(/"PartitionKey":"(\w+)"/g) ?? []).length}`;
  assert.deepEqual(seen.map(firstLine), ['POST /acct/$batch 8', "GET /acct/counters(PartitionKey='hot',RowKey='lane-03') 0", 'POST /acct/$batch 10', 'POST /acct/Tables 0']);

  t += 300; // 3 entities back in 'hot' (1 was left)
  const later = await sequential(proxy.port, [{ method: 'POST', path: '/acct/$batch', body: batch('hot', 3) }]);
  assert.equal(later.answers[0].status, 200);

  const stats = proxy.stats();
  assert.deepEqual(stats.limited, { transaction: 1, read: 0, other: 0 });
  assert.deepEqual(stats.requests, { transaction: 4, read: 1, other: 1 });
  assert.deepEqual(stats.partitions.hot, { entities: 12, transactionEntities: 11, readEntities: 1, requests: 3, limited: 1, limitedEntities: 3 });
  assert.equal(stats.partitions.cold.entities, 10);
  await proxy.close();
});

test('a limited request is answered after the round trip the service\'s answer would take', async () => {
  const proxy = await createProxy({ targetPort: server.address().port, partitionLimit: 1, latencyMs: 40 });
  const started = performance.now();
  const { answers } = await sequential(proxy.port, [{ method: 'POST', path: '/acct/$batch', body: batch('hot', 1) }, { method: 'POST', path: '/acct/$batch', body: batch('hot', 1) }]);
  const took = performance.now() - started;
  assert.deepEqual(answers.map((a) => a.status), [200, 503]);
  assert.ok(took >= 4 * 40, `two round trips of 2 × 40 ms took ${took.toFixed(0)} ms`);
  await proxy.close();
});

test('the proxy in a process of its own relays, counts, takes a fault rate and stops', async () => {
  const proxy = await startProxy({ targetPort: server.address().port, latencyMs: 0 });
  await sequential(proxy.port, [{ method: 'GET', path: '/a' }]);
  await proxy.setFaultRate(0.5);
  assert.deepEqual((await proxy.stats()).requests, { transaction: 0, read: 1, other: 0 });
  await proxy.stop();
  await assert.rejects(proxy.stats());
});
