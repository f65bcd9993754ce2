// The request framing of the store proxy (src/launch/framing.mjs), fed one byte at a time and all at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_HEAD_BYTES, RequestFramer, parseHead } from '../src/launch/framing.mjs';

function frame(text, { split = 'whole', refuse = () => false } = {}) {
  const heads = [];
  const forwarded = [];
  const ends = [];
  let unframed = 0;
  const framer = new RequestFramer({
    onHead(head) {
      heads.push(`${head.method} ${head.target}`);
      forwarded.push(head.bytes.toString('latin1'));
      return !refuse(head);
    },
    forward: (bytes) => forwarded.push(bytes.toString('latin1')),
    onUnframed: () => unframed++,
    onEnd: () => ends.push(forwarded.join('').length),
  });
  const bytes = Buffer.from(text, 'latin1');
  if (split === 'bytes') for (let i = 0; i < bytes.length; i++) framer.push(bytes.subarray(i, i + 1));
  else framer.push(bytes);
  return { heads, relayed: forwarded.join(''), unframed, ends };
}

const three =
  'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' +
  'POST /$batch HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwxyz\r\na;x=y\r\n0123456789\r\n0\r\nT: 1\r\n\r\n' +
  'PUT /c HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc';

for (const split of ['whole', 'bytes']) {
  test(`three requests on one connection, fed ${split === 'whole' ? 'at once' : 'a byte at a time'}: each head found, every byte relayed in order`, () => {
    const { heads, relayed, unframed, ends } = frame(three, { split });
    assert.deepEqual(heads, ['GET /a', 'POST /$batch', 'PUT /c']);
    assert.equal(relayed, three);
    assert.equal(unframed, 0);
    // each request ends right after its last byte was relayed: the GET's head, the chunked body's trailer, the 3 bytes
    const endOf = (request) => three.indexOf(request) + request.length;
    assert.deepEqual(ends, [endOf('Host: x\r\n\r\n'), endOf('T: 1\r\n\r\n'), three.length]);
  });
}

test('a head refused by onHead stops the framer: nothing after it is looked at', () => {
  const { heads, relayed } = frame(three, { refuse: (head) => head.method === 'POST' });
  assert.deepEqual(heads, ['GET /a', 'POST /$batch']);
  assert.ok(!relayed.includes('wxyz'));
});

test('another Transfer-Encoding, or a head longer than the limit, is relayed unframed', () => {
  const gzip = 'POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nGET /hidden HTTP/1.1\r\n\r\n';
  assert.deepEqual(frame(gzip), { heads: ['POST /x'], relayed: gzip, unframed: 1, ends: [] });
  const long = `GET /${'x'.repeat(MAX_HEAD_BYTES + 1)}`;
  const result = frame(long);
  assert.deepEqual([result.heads, result.unframed, result.relayed.length], [[], 1, long.length]);
});

test('parseHead lower-cases header names and trims values', () => {
  const { method, target, headers } = parseHead(Buffer.from('POST /t HTTP/1.1\r\nContent-Length:  12 \r\nX-A: b:c\r\n\r\n'));
  assert.deepEqual([method, target, headers.get('content-length'), headers.get('x-a')], ['POST', '/t', '12', 'b:c']);
});
