// The shared numbers (src/stats.mjs): percentiles on hdr-histogram-js, and eachLimited's bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachLimited, sleep, summarize } from '../src/stats.mjs';

test('percentiles of whole numbers are exact: the nearest rank, the max and the mean', () => {
  const sizes = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(summarize(sizes), { count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  assert.deepEqual(summarize([7]), { count: 1, p50: 7, p95: 7, p99: 7, max: 7, mean: 7 });
  assert.deepEqual(summarize([]), { count: 0, p50: null, p95: null, p99: null, max: null, mean: null });
});

test('percentiles of milliseconds keep 3 significant digits, below 0 too (a message can beat its answer)', () => {
  const latencies = Array.from({ length: 1000 }, (_, i) => (i + 1) * 0.1234); // 0.1234 ms to 123.4 ms
  const s = summarize(latencies);
  for (const [p, exact] of [[s.p50, 61.7], [s.p95, 117.23], [s.p99, 122.166]]) assert.ok(Math.abs(p - exact) / exact < 0.002, `${p} vs ${exact}`);
  assert.equal(s.max, latencies.at(-1)); // the max as it was, not a bucket's edge
  const signed = summarize([-2.5, -1, 0.5, 3]);
  assert.ok(Math.abs(signed.p50 - -1) < 0.01 && signed.max === 3 && signed.mean === 0, JSON.stringify(signed));
});

test('eachLimited runs every item, never more than the limit at once', async () => {
  let [inFlight, most] = [0, 0];
  const seen = [];
  await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item, i) => {
    most = Math.max(most, ++inFlight);
    await sleep(5);
    seen[i] = item;
    inFlight--;
  });
  assert.deepEqual([seen, most], [[1, 2, 3, 4, 5, 6, 7], 3]);
});
