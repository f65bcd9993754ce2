// Reading the LiveCounter meter from a Standalone log written by OpenTelemetry's console exporter
// (src/launch/metrics.mjs). The text is that exporter's format (OpenTelemetry .NET 1.20), with a log line in between.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { between, parseExports, summarizeMeter } from '../src/launch/metrics.mjs';

const exportAt = (end, { conflicts, retries, batch }) => `Resource associated with Metrics:
	telemetry.sdk.name: opentelemetry

Metric Name: kestrel.active_connections, Description: Number of connections that are currently active on the server., Unit: {connection}, Metric Type: LongSumNonMonotonic
Instrumentation scope (Meter):
	Name: Microsoft.AspNetCore.Server.Kestrel
(2026-12-02T06:05:48.5795798Z, ${end}] network.transport: tcp network.type: ipv4 server.address: 127.0.0.1 server.port: 5391 
Value: 9

Metric Name: livecounter.conflicts, Description: Commits refused because another process changed the counter first., Unit: {conflict}, Metric Type: LongSum
Instrumentation scope (Meter):
	Name: LiveCounter
(2026-12-02T06:05:48.5832987Z, ${end}] 
Value: ${conflicts}

06:05:52 warn: LiveCounter.Something[0] a log line in the middle
Metric Name: livecounter.retries, Description: Commits tried again, by reason., Unit: {retry}, Metric Type: LongSum
Instrumentation scope (Meter):
	Name: LiveCounter
(2026-12-02T06:05:48.5832987Z, ${end}] reason: conflict 
Value: ${retries.conflict}
(2026-12-02T06:05:48.5832987Z, ${end}] reason: unconfirmed 
Value: ${retries.unconfirmed}

Metric Name: livecounter.batch.size, Description: Increments applied by one commit., Unit: {increment}, Metric Type: Histogram
Instrumentation scope (Meter):
	Name: LiveCounter
(2026-12-02T06:05:48.5837516Z, ${end}] 
Value: Sum: ${batch.sum} Count: ${batch.count} Min: 1 Max: 8 
(-Infinity,1]:${batch.ones}
(1,2]:0
(2,4]:0
(4,8]:${batch.count - batch.ones}
(8,16]:0

`;

const first = exportAt('2026-12-02T06:05:52.5439788Z', { conflicts: 2, retries: { conflict: 2, unconfirmed: 0 }, batch: { sum: 10, count: 4, ones: 2 } });
const second = exportAt('2026-12-02T06:05:53.5439788Z', { conflicts: 7, retries: { conflict: 6, unconfirmed: 1 }, batch: { sum: 42, count: 8, ones: 2 } });

test('the latest point of every LiveCounter series, and the time of the latest export of any meter', () => {
  const { series, lastExportAt } = parseExports(first + second);
  assert.equal(lastExportAt, Date.parse('2026-12-02T06:05:53.5439788Z'));
  assert.equal(series.get('livecounter.conflicts').value, 7);
  assert.equal(series.get('livecounter.retries{"reason":"unconfirmed"}').value, 1);
  assert.deepEqual(series.get('livecounter.batch.size').value.buckets.map((b) => b.count), [2, 0, 0, 6, 0]);
  assert.equal([...series.keys()].some((k) => k.startsWith('kestrel')), false);
});

test('between two exports: the differences, summed up per reason and as a mean batch size', () => {
  const before = parseExports(first).series;
  const after = parseExports(first + second).series;
  const summary = summarizeMeter(between(before, after));
  assert.equal(summary.conflicts, 5);
  assert.deepEqual(summary.retries, { conflict: 4, unconfirmed: 1 });
  assert.deepEqual(summary.unavailable, {});
  assert.equal(summary.batchSize.commits, 4);
  assert.equal(summary.batchSize.mean, 8);
  assert.deepEqual(summary.batchSize.buckets, [{ to: '8', count: 4 }]);
});

test('a point whose value line is not written yet is not taken', () => {
  const cut = second.slice(0, second.indexOf('Value: 7'));
  const { series } = parseExports(first + cut);
  assert.equal(series.get('livecounter.conflicts').value, 2);
});
