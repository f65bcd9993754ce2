// --partition-limit (src/launch/partitionLimit.mjs): the token bucket of entities per partition, which partition a request is for
// and what it costs, and the answer Table Storage gives over a partition's target. Run with `node --test bench/test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartitionLimiter, partitionCost, serverBusyAnswer } from '../src/launch/partitionLimit.mjs';

/** A clock the test moves by hand, in ms. */
function clock() {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** A $batch body as Azure.Data.Tables writes it: one changeset, one application/http part per entity. */
function batchBody(partition, rowKeys, { replaceFirst = false } = {}) {
  const parts = rowKeys.map((rowKey, i) => {
    const line =
      replaceFirst && i === 0
        ? `PUT http://127.0.0.1:1/acct/counters(PartitionKey='${encodeURIComponent(partition).replaceAll("'", "''")}',RowKey='${rowKey}') HTTP/1.1`
        : 'POST http://127.0.0.1:1/acct/counters HTTP/1.1';
    return (
      '--changeset_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n' +
      `${line}\r\nAccept: application/json;odata=minimalmetadata\r\nContent-Type: application/json\r\nPrefer: return-no-content\r\n\r\n` +
      `${JSON.stringify({ PartitionKey: partition, RowKey: rowKey, Value: 1 })}\r\n`
    );
  });
  return Buffer.from(
    '--batch_1\r\nContent-Type: multipart/mixed; boundary=changeset_1\r\n\r\n' + parts.join('') + '--changeset_1--\r\n--batch_1--\r\n',
  );
}

test('a partition starts with one second of entities, refuses what it does not hold, and refills at the limit per second', () => {
  const c = clock();
  const limiter = new PartitionLimiter({ limit: 100, now: c.now });
  const take = (n) => limiter.admit('p', n, 'transaction');
  assert.deepEqual([take(60), take(40), take(1)], [true, true, false]);
  c.advance(100); // 10 entities back
  assert.deepEqual([take(11), take(10)], [false, true]);
  c.advance(60_000); // never more than one second's worth
  assert.deepEqual([take(100), take(1)], [true, false]);
});

test('a refused request takes nothing from the bucket', () => {
  const c = clock();
  const limiter = new PartitionLimiter({ limit: 100, now: c.now });
  const take = (n) => limiter.admit('p', n, 'transaction');
  assert.deepEqual([take(90), take(20), take(20), take(10)], [true, false, false, true]);
});

test('a transaction larger than the bucket goes when the bucket is full, and the bucket then owes the difference', () => {
  const c = clock();
  const limiter = new PartitionLimiter({ limit: 50, now: c.now });
  const take = (n) => limiter.admit('p', n, 'transaction');
  assert.equal(take(100), true);
  c.advance(1000); // from -50 back to 0
  assert.equal(take(1), false);
  c.advance(20);
  assert.equal(take(1), true);
});

test('each partition has its own bucket, and the limiter counts what it let through and refused per partition', () => {
  const c = clock();
  const limiter = new PartitionLimiter({ limit: 10, now: c.now });
  assert.equal(limiter.admit('a', 7, 'transaction'), true);
  assert.equal(limiter.admit('a', 1, 'read'), true);
  assert.equal(limiter.admit('a', 3, 'transaction'), false);
  assert.equal(limiter.admit('b', 10, 'transaction'), true);
  assert.deepEqual(limiter.partitions, {
    a: { entities: 8, transactionEntities: 7, readEntities: 1, requests: 2, limited: 1, limitedEntities: 3 },
    b: { entities: 10, transactionEntities: 10, readEntities: 0, requests: 1, limited: 0, limitedEntities: 0 },
  });
});

test('a transaction is of the partition of its entities and costs one per entity', () => {
  assert.deepEqual(partitionCost({ kind: 'transaction', target: '/acct/$batch', body: batchBody('hot', ['key:a', 'key:b', 'lane-03', 'visitor:x']) }), { partition: 'hot', entities: 4 });
  // a replace names the partition in its URL (escaped, a quote doubled)
  assert.deepEqual(partitionCost({ kind: 'transaction', target: '/acct/$batch', body: batchBody("it's", ['lane-03'], { replaceFirst: true }) }), { partition: "it's", entities: 1 });
});

test('a read is of the PartitionKey in its URL and costs one, a point read or a query', () => {
  const point = "/acct/counters(PartitionKey='hot',RowKey='lane-03')?$format=application%2Fjson";
  const escaped = '/acct/counters(PartitionKey=%27hot%27,RowKey=%27lane-03%27)';
  const query = "/acct/counters()?$format=application%2Fjson%3Bodata%3Dminimalmetadata&$filter=PartitionKey%20eq%20%27hot%27%20and%20RowKey%20ge%20%27lane-%27";
  for (const target of [point, escaped, query]) assert.deepEqual(partitionCost({ kind: 'read', target, body: Buffer.alloc(0) }), { partition: 'hot', entities: 1 }, target);
});

test('a request whose partition cannot be told is not limited', () => {
  assert.equal(partitionCost({ kind: 'other', target: '/acct/Tables', body: Buffer.from('{"TableName":"counters"}') }), null);
  assert.equal(partitionCost({ kind: 'read', target: "/acct/counters()?$filter=ExpiresAt%20lt%20datetime'2026-01-01T00:00:00Z'", body: Buffer.alloc(0) }), null);
  assert.equal(partitionCost({ kind: 'transaction', target: '/acct/$batch', body: Buffer.from('--batch_1--\r\n') }), null);
});

test('the answer over the limit is Table Storage\'s: 503, x-ms-error-code ServerBusy, an OData JSON error of that code', () => {
  const text = serverBusyAnswer(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))).toString('latin1');
  const [head, body] = text.split('\r\n\r\n');
  const [status, ...headers] = head.split('\r\n');
  assert.equal(status, 'HTTP/1.1 503 Server Busy');
  const header = (name) => headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  assert.equal(header('x-ms-error-code'), 'ServerBusy');
  assert.match(header('content-type'), /^application\/json/);
  assert.equal(Number(header('content-length')), Buffer.byteLength(body));
  const error = JSON.parse(body)['odata.error'];
  assert.equal(error.code, 'ServerBusy');
  assert.equal(error.message.lang, 'en-US');
  assert.match(error.message.value, /^The server is busy\./);
});

test('the hot partition in a phase: what moved between two proxy snapshots, per increment and as a share of limit × (seconds + the full bucket it starts with)', async () => {
  const { proxyDelta } = await import('../src/bench.mjs');
  const { partitionBudget } = await import('../src/scenarios/hot.mjs');
  const counts = (entities, limited) => ({ entities, transactionEntities: entities - 10, readEntities: 10, requests: 100, limited, limitedEntities: limited * 30 });
  const snapshot = (hot, other) => ({
    requests: { transaction: 0, read: 0, other: 0 },
    dropped: { transaction: 0, read: 0, other: 0 },
    answersLost: { transaction: 0, read: 0, other: 0 },
    limited: { transaction: 0, read: 0, other: 0 },
    partitionLimit: 100,
    partitions: { hot, ...(other ? { other } : {}) },
  });
  const phase = proxyDelta(snapshot(counts(500, 2)), snapshot(counts(1500, 7), counts(40, 0)));
  assert.deepEqual(Object.keys(phase.partitions), ['hot', 'other']);
  const p = partitionBudget(phase, 'hot', 480, 9);
  assert.deepEqual(
    [p.entities, p.limited, p.entitiesPerIncrement, p.budgetUsed, p.entitiesPerSecond],
    [1000, 5, 2.083, 1, 111],
  );
  assert.equal(partitionBudget({ ...phase, partitionLimit: 0 }, 'hot', 480, 12.5), null);
});
