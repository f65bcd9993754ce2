import { describe, expect, it } from 'vitest';
import { readCounterSnapshot, readIncrementApplied, readIncrementResult } from '../src/client/messages';

describe('message readers', () => {
  it('read well-formed payloads', () => {
    expect(readCounterSnapshot({ name: 'a', value: 3, version: 3, updatedAt: '2026-01-01T00:00:00Z' })).toEqual({
      name: 'a',
      value: 3,
      version: 3,
      updatedAt: '2026-01-01T00:00:00Z',
    });
    expect(readIncrementApplied({ name: 'a', value: 3, version: 3, by: 1, yourTotal: 2 })).toEqual({
      name: 'a',
      value: 3,
      version: 3,
      by: 1,
      yourTotal: 2,
    });
  });

  it('make yourTotal optional on an increment result', () => {
    const base = { name: 'a', value: 3, version: 3, updatedAt: null, by: 1 };
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

  it('drop an incrementApplied without yourTotal', () => {
    expect(readIncrementApplied({ name: 'a', value: 3, version: 3, by: 1 })).toBeNull();
  });
});
