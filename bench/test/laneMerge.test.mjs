// The subscribers' merge (src/laneMerge.mjs): what a page shows from the payloads it received, lane by lane.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyView, lanesAddUp, merge, payloadKey } from '../src/laneMerge.mjs';

/** A payload as the server sends it: lanes { id: [value, version] }, the sums at the top level. */
function payload(lanes) {
  const entries = Object.entries(lanes).map(([id, [value, version]]) => [id, { value, version }]);
  return {
    name: 'c',
    value: entries.reduce((s, [, l]) => s + l.value, 0),
    version: entries.reduce((s, [, l]) => s + l.version, 0),
    lanes: Object.fromEntries(entries),
  };
}

const shown = (view) => ({ value: view.value, version: view.version });

function mergeAll(payloads) {
  const view = emptyView();
  for (const p of payloads) merge(view, p);
  return view;
}

// Two instances' last commits overlapped: each counts its own lane exactly and the other as last read.
const a = payload({ 'lane-01': [5, 5], 'lane-02': [3, 3] });
const b = payload({ 'lane-01': [4, 4], 'lane-02': [6, 6] });

test('two payloads that each count one lane exactly merge to the exact total, which neither carried', () => {
  assert.deepEqual(shown(mergeAll([a, b])), { value: 11, version: 11 });
  assert.deepEqual(shown(mergeAll([a])), { value: 8, version: 8 });
});

test('the merge ignores order, duplicates and stale payloads', () => {
  const stale = payload({ 'lane-01': [1, 1] });
  const orders = [
    [a, b, stale],
    [stale, b, a],
    [b, stale, a, b],
    [a, a, stale, b, stale],
  ];
  for (const order of orders) assert.deepEqual(shown(mergeAll(order)), { value: 11, version: 11 });
});

test('a lane the view never heard of adds to the sums', () => {
  const view = mergeAll([a]);
  assert.equal(merge(view, payload({ 'lane-03': [2, 2] })), true);
  assert.deepEqual(shown(view), { value: 10, version: 10 });
});

test('merge says whether the shown sums changed', () => {
  const view = emptyView();
  assert.equal(merge(view, a), true);
  assert.equal(merge(view, a), false);
  assert.equal(merge(view, payload({ 'lane-01': [2, 2] })), false);
});

test('a tie of lane versions goes to the higher value, whatever the order', () => {
  const low = payload({ 'lane-01': [3, 4] });
  const high = payload({ 'lane-01': [7, 4] });
  assert.equal(mergeAll([low, high]).value, 7);
  assert.equal(mergeAll([high, low]).value, 7);
});

test('a payload without lanes (a server from before lanes on the wire) is one pseudo-lane: the newest version wins, never added to lanes', () => {
  const old = (value, version) => ({ name: 'c', value, version });
  assert.deepEqual(shown(mergeAll([old(5, 5), old(3, 3), old(4, 4)])), { value: 5, version: 5 });
  assert.deepEqual(shown(mergeAll([a, old(6, 6)])), { value: 8, version: 8 });
  assert.deepEqual(shown(mergeAll([old(9, 9), a])), { value: 9, version: 9 });
});

test('lanesAddUp: lanes that add up to the sums, lanes that do not, and no lanes', () => {
  assert.equal(lanesAddUp(a), true);
  assert.equal(lanesAddUp({ ...a, value: a.value + 1 }), false);
  assert.equal(lanesAddUp({ ...a, version: a.version - 1 }), false);
  assert.equal(lanesAddUp({ name: 'c', value: 1, version: 1 }), null);
});

test('payloadKey: the same lanes in any key order are one payload; another lane version is another', () => {
  const reordered = { ...a, lanes: { 'lane-02': a.lanes['lane-02'], 'lane-01': a.lanes['lane-01'] } };
  assert.equal(payloadKey(reordered), payloadKey(a));
  assert.notEqual(payloadKey(a), payloadKey(b));
  assert.notEqual(payloadKey({ name: 'c', value: 1, version: 1 }), payloadKey({ name: 'c', value: 2, version: 2 }));
});
