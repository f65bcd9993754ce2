// Subscribers judged against the table's truth (src/truth.mjs): on it, off it, never reached, and the time to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeSubscriber, lastAnswerAt, reachedTruthAt, summarizeTruth } from '../src/truth.mjs';

const truth = { value: 100, version: 100 };
/** A view that ended on its last triple of [at, value, version, …]. */
const viewOf = (history) => ({ value: history.at(-2) ?? 0, version: history.at(-1) ?? 0, history });

test('a subscriber whose merged view ends on the truth is on it, with the time from the last answer to when it first showed it', () => {
  const judged = judgeSubscriber({ view: viewOf([10, 60, 60, 20, 90, 90, 35, 100, 100]), truth, lastAnswerAt: 25 });
  assert.equal(judged.onTruth, true);
  assert.equal(judged.reachedTruth, true);
  assert.equal(judged.timeToTruthMs, 10);
  assert.deepEqual(judged.behind, { value: 0, version: 0 });
});

test('a subscriber that showed the truth before the last answer arrived has a time to truth of 0', () => {
  const judged = judgeSubscriber({ view: viewOf([10, 60, 60, 20, 100, 100]), truth, lastAnswerAt: 25 });
  assert.equal(judged.timeToTruthMs, 0);
  assert.equal(judged.reachedTruthRelativeMs, -5);
});

test('a subscriber that ends behind the truth is off it, and never reached it, by how much', () => {
  const judged = judgeSubscriber({ view: viewOf([10, 60, 60, 20, 97, 97]), truth, lastAnswerAt: 25 });
  assert.equal(judged.onTruth, false);
  assert.equal(judged.reachedTruth, false);
  assert.equal(judged.timeToTruthMs, null);
  assert.deepEqual(judged.behind, { value: 3, version: 3 });
});

test('the value alone is not the truth: the version must match too', () => {
  const judged = judgeSubscriber({ view: viewOf([10, 100, 99]), truth, lastAnswerAt: 0 });
  assert.equal(judged.onTruth, false);
  assert.equal(judged.reachedTruth, false);
});

test('a subscriber that showed the truth and then moved past it is off it at the end', () => {
  const judged = judgeSubscriber({ view: viewOf([10, 100, 100, 20, 101, 101]), truth, lastAnswerAt: 0 });
  assert.equal(judged.onTruth, false);
  assert.equal(judged.reachedTruth, true);
});

test('a subscriber that received nothing never reached a truth above 0', () => {
  const judged = judgeSubscriber({ view: { value: 0, version: 0, history: [] }, truth, lastAnswerAt: 0 });
  assert.equal(judged.onTruth, false);
  assert.equal(reachedTruthAt([], truth), null);
});

test('the time to truth is when the truth first showed, not a later change', () => {
  assert.equal(reachedTruthAt([5, 50, 50, 7, 100, 100, 9, 100, 100], truth), 7);
});

test('the summary counts subscribers on the truth and those that never showed it; times only of those that did', () => {
  const judged = [
    judgeSubscriber({ view: viewOf([30, 100, 100]), truth, lastAnswerAt: 20 }),
    judgeSubscriber({ view: viewOf([50, 100, 100]), truth, lastAnswerAt: 20 }),
    judgeSubscriber({ view: viewOf([15, 100, 100]), truth, lastAnswerAt: 20 }),
    judgeSubscriber({ view: viewOf([40, 80, 80]), truth, lastAnswerAt: 20 }),
    judgeSubscriber({ view: viewOf([25, 100, 100, 45, 101, 101]), truth, lastAnswerAt: 20 }),
  ];
  const summary = summarizeTruth(judged);
  assert.equal(summary.subscribers, 5);
  assert.equal(summary.onTruth, 3);
  assert.equal(summary.neverReached, 1);
  assert.equal(summary.timeToTruthMs.count, 4);
  assert.equal(summary.timeToTruthMs.p50, 5);
  assert.equal(summary.timeToTruthMs.max, 30);
});

test('the last answer is the latest first send + latency of a 200, over every driver run', () => {
  const run = (send, latency, status) => ({ send, latency, status });
  assert.equal(lastAnswerAt([run([0, 5], [10, 30], [200, 200]), run([20], [100], [0]), run([1], [20], [200])]), 35);
  assert.equal(lastAnswerAt([run([0], [10], [503])]), null);
});

test('the hot scenario fails the run, naming the subscriber, when one ends off the truth; passes when all are on it', async () => {
  const { checkSubscribers } = await import('../src/scenarios/hot.mjs');
  const subscriber = (history) => ({ ...judgeSubscriber({ view: viewOf(history), truth, lastAnswerAt: 0 }), duplicates: 0, wrongValues: 0, lanesWrong: 0 });
  const variant = (subscribers) => ({
    instances: subscribers.length,
    truth: { ...truth, source: 'the table', ...summarizeTruth(subscribers) },
    perInstance: subscribers.map((s, instance) => ({ instance, subscriber: s })),
    subscriber: { misdelivered: 0 },
  });
  const failuresOf = (h) => {
    const failures = [];
    checkSubscribers({ check: (scenario, name, ok) => ok || failures.push(name) }, 'hot', h);
    return failures;
  };
  assert.deepEqual(failuresOf(variant([subscriber([5, 100, 100]), subscriber([6, 100, 100])])), []);
  assert.deepEqual(failuresOf(variant([subscriber([5, 100, 100]), subscriber([6, 79, 79])])), ['subscribers on the truth: 1 of 2', "instance 1's subscriber on the truth"]);
  // one that showed the truth and went past it ends off it all the same
  assert.deepEqual(failuresOf(variant([subscriber([5, 100, 100, 6, 101, 101]), subscriber([6, 100, 100])])), ['subscribers on the truth: 1 of 2', "instance 0's subscriber on the truth"]);
});
