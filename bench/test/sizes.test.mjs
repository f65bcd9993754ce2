// The size of each counterUpdated as received (src/driver/sizes.mjs) and by lanes (scenarios/hot.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeasuringJsonHubProtocol, SIZE, recordSizes } from '../src/driver/sizes.mjs';
import { messageSizes } from '../src/scenarios/hot.mjs';

const argument = '{"name":"c","value":2,"version":2,"updatedAt":"2026-12-07T18:00:00+00:00","lanes":{"lane-07":{"value":2,"version":2}}}';
const record = `{"type":1,"target":"counterUpdated","arguments":[${argument}]}`;

test('a record\'s size is its UTF-8 bytes and its separator; its argument\'s, the text the server wrote between the brackets', () => {
  assert.deepEqual(recordSizes(record), { messageBytes: record.length + 1, argumentBytes: argument.length });
  assert.deepEqual(recordSizes(`{"type":1,"target":"x","arguments":["é"]}`), { messageBytes: 43, argumentBytes: 4 });
  assert.equal(recordSizes('{"type":6}').argumentBytes, null);
  assert.equal(recordSizes('{"type":1,"target":"x","arguments":[1,2]}', 2).argumentBytes, null);
});

test('the measuring protocol parses several records of one frame as the client does, each argument carrying its own size', () => {
  const other = record.replace('"value":2,"version":2,"updatedAt"', '"value":10,"version":10,"updatedAt"');
  const messages = new MeasuringJsonHubProtocol().parseMessages(`${record}\x1e{"type":6}\x1e${other}\x1e`, null);
  assert.deepEqual(messages.map((m) => m.type), [1, 6, 1]);
  assert.equal(messages[0].arguments[0].value, 2);
  assert.equal(messages[0].arguments[0][SIZE].messageBytes, record.length + 1);
  assert.equal(messages[2].arguments[0][SIZE].messageBytes, record.length + 3);
  assert.equal(messages[2].arguments[0][SIZE].argumentBytes, argument.length + 2);
  assert.throws(() => new MeasuringJsonHubProtocol().parseMessages(record, null), /incomplete/);
  const two = new MeasuringJsonHubProtocol().parseMessages('{"type":1,"target":"x","arguments":[{"a":1},{"b":2}]}\x1e', null);
  assert.equal(two[0].arguments[0][SIZE].argumentBytes, null);
});

test('message sizes are grouped by the lanes each message carried, only for the counter asked about', () => {
  const fromWorker = {
    names: ['hot', 'other'],
    updated: { conn: [0, 0, 0, 0], name: [0, 0, 0, 1], lanes: [1, 4, 4, 4], messageBytes: [200, 300, 310, 999], argumentBytes: [150, 250, -1, 900] },
  };
  assert.deepEqual(messageSizes([fromWorker], 'hot'), [
    { lanes: 1, messages: 1, messageBytes: { mean: 200, min: 200, max: 200 }, argumentBytes: { mean: 150, min: 150, max: 150 } },
    { lanes: 4, messages: 2, messageBytes: { mean: 305, min: 300, max: 310 }, argumentBytes: { mean: 250, min: 250, max: 250 } },
  ]);
});
