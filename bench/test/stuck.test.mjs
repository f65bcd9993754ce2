// The stuck subscriber's hand-written WebSocket pieces (src/driver/stuck.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptFor, maskedFrame } from '../src/driver/stuck.mjs';

test('Sec-WebSocket-Accept for the key of RFC 6455 section 1.3', () => {
  assert.equal(acceptFor('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('a masked text frame: FIN and opcode 1, the mask bit and length, the mask, the payload xor the mask', () => {
  const handshake = '{"protocol":"json","version":1}\u001e';
  const mask = Buffer.from([1, 2, 3, 4]);
  const frame = maskedFrame(handshake, 1, mask);
  assert.equal(frame[0], 0x81);
  assert.equal(frame[1], 0x80 | Buffer.byteLength(handshake));
  assert.deepEqual(frame.subarray(2, 6), mask);
  const payload = Buffer.from(frame.subarray(6).map((byte, i) => byte ^ mask[i % 4]));
  assert.equal(payload.toString('utf8'), handshake);
  assert.throws(() => maskedFrame('x'.repeat(126)));
});
