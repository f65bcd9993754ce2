import { describe, expect, it } from 'vitest';
import { MAX_LANES, readCounterSnapshot, readIncrementApplied, readIncrementResult } from '../src/client/messages';

const lanes = { 'lane-07': { value: 5, version: 2 }, state: { value: 1, version: 1 } };
const counter = { name: 'a', value: 6, version: 3, updatedAt: '2026-01-01T00:00:00Z', lanes };

/** `count` lanes of value 1, version 1, with top-level sums that agree. */
function withLanes(count: number) {
  const entries = Array.from({ length: count }, (_, i) => [`lane-${String(i).padStart(2, '0')}`, { value: 1, version: 1 }]);
  return { name: 'a', value: count, version: count, updatedAt: null, lanes: Object.fromEntries(entries) };
}

describe('message readers', () => {
  it('read well-formed payloads, lanes included', () => {
    expect(readCounterSnapshot(counter)).toEqual(counter);
    expect(readIncrementApplied({ name: 'a', value: 6, version: 3, lanes, by: 1, yourTotal: 2 })).toEqual({
      name: 'a',
      value: 6,
      version: 3,
      lanes,
      by: 1,
      yourTotal: 2,
    });
  });

  it('read a counter never incremented: no lanes at all', () => {
    const untouched = { name: 'a', value: 0, version: 0, updatedAt: null, lanes: {} };
    expect(readCounterSnapshot(untouched)).toEqual(untouched);
  });

  it('keep only value and version of a lane, and ignore fields they do not know', () => {
    const read = readCounterSnapshot({ ...counter, lanes: { ...lanes, 'lane-07': { value: 5, version: 2, etag: 'x' } } });
    expect(read?.lanes).toEqual(lanes);
  });

  it('take a lane id that names an Object.prototype member as a plain id', () => {
    const payload = JSON.parse(
      '{"name":"a","value":3,"version":2,"updatedAt":null,"lanes":{"__proto__":{"value":2,"version":1},"constructor":{"value":1,"version":1}}}',
    );
    const read = readCounterSnapshot(payload);
    expect(read).not.toBeNull();
    expect(Object.entries(read!.lanes!)).toEqual([
      ['__proto__', { value: 2, version: 1 }],
      ['constructor', { value: 1, version: 1 }],
    ]);
  });

  it(`accept ${MAX_LANES} lanes`, () => {
    expect(readCounterSnapshot(withLanes(MAX_LANES))?.version).toBe(MAX_LANES);
  });

  it('read a payload without lanes (a server from before lanes on the wire) as lanes null', () => {
    const { lanes: _, ...older } = counter;
    expect(readCounterSnapshot(older)).toEqual({ ...older, lanes: null });
    expect(readCounterSnapshot({ ...older, lanes: null })).toEqual({ ...older, lanes: null });
    expect(readIncrementApplied({ name: 'a', value: 6, version: 3, by: 1, yourTotal: 2 })?.lanes).toBeNull();
  });

  it('make yourTotal optional on an increment result', () => {
    const base = { ...counter, by: 1 };
    expect(readIncrementResult(base)).toEqual(base);
    expect(readIncrementResult({ ...base, yourTotal: 3 })).toEqual({ ...base, yourTotal: 3 });
  });

  it.each([
    null,
    'text',
    [],
    { name: 'a', value: '3', version: 3, updatedAt: null },
    { name: 'a', value: 3, version: -1, updatedAt: null },
    { name: 'a', value: 3, version: 1.5, updatedAt: null },
    { name: 'a', value: 3, version: 3, updatedAt: 5 },
    { value: 3, version: 3, updatedAt: null },
  ])('drop malformed counter payload %j', (payload) => {
    expect(readCounterSnapshot(payload)).toBeNull();
  });

  it.each([
    ['an array', [{ value: 6, version: 3 }]],
    ['a string', 'lane-07'],
    ['a number', 3],
    ['a lane that is not an object', { 'lane-07': 6 }],
    ['a lane without a version', { 'lane-07': { value: 6 } }],
    ['a negative lane value', { 'lane-07': { value: 7, version: 2 }, state: { value: -1, version: 1 } }],
    ['a fractional lane version', { 'lane-07': { value: 6, version: 2.5 }, state: { value: 0, version: 0.5 } }],
    ['a lane value as a string', { 'lane-07': { value: '6', version: 3 } }],
    ['a lane beyond safe integers', { 'lane-07': { value: 2 ** 53, version: 3 } }],
    ['lanes whose values do not sum to the value', { 'lane-07': { value: 5, version: 2 }, state: { value: 2, version: 1 } }],
    ['lanes whose versions do not sum to the version', { 'lane-07': { value: 5, version: 1 }, state: { value: 1, version: 1 } }],
    ['no lanes under a counter that has a value', {}],
  ])('drop a payload whose lanes are malformed: %s', (_, malformed) => {
    expect(readCounterSnapshot({ ...counter, lanes: malformed })).toBeNull();
    expect(readIncrementResult({ ...counter, lanes: malformed, by: 1, yourTotal: 1 })).toBeNull();
    expect(readIncrementApplied({ ...counter, lanes: malformed, by: 1, yourTotal: 1 })).toBeNull();
  });

  it(`drop a payload with more than ${MAX_LANES} lanes`, () => {
    expect(readCounterSnapshot(withLanes(MAX_LANES + 1))).toBeNull();
  });

  it('drop an incrementApplied without yourTotal', () => {
    expect(readIncrementApplied({ name: 'a', value: 6, version: 3, lanes, by: 1 })).toBeNull();
  });
});
