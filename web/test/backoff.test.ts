import { describe, expect, it } from 'vitest';
import { backoffDelay, RECONNECT_BACKOFF } from '../src/client/backoff';

const lowest = () => 0;
const highest = () => 0.999999;

describe('backoffDelay', () => {
  it('doubles per attempt from the base', () => {
    const ceilings = [0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, highest));
    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('is capped at 30 s however many attempts failed', () => {
    for (const attempt of [5, 6, 10, 50, 1100, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffDelay(attempt, highest);
      expect(delay).toBeLessThanOrEqual(30_000);
      expect(delay).toBeGreaterThanOrEqual(29_999);
    }
    expect(RECONNECT_BACKOFF.capMs).toBe(30_000);
  });

  it('jitters within the upper half of each step', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 1000 * 2 ** attempt);
      expect(backoffDelay(attempt, lowest)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, () => 0.5)).toBe(Math.round(ceiling * 0.75));
      const delay = backoffDelay(attempt, highest);
      expect(delay).toBeGreaterThan(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it('uses the random source it is given', () => {
    expect(backoffDelay(3, () => 0.1)).not.toBe(backoffDelay(3, () => 0.9));
  });

  it('stays within bounds when the random source misbehaves', () => {
    expect(backoffDelay(0, () => -5)).toBe(500);
    expect(backoffDelay(0, () => 7)).toBe(1000);
    expect(backoffDelay(-3, lowest)).toBe(500);
    expect(backoffDelay(Number.NaN, lowest)).toBe(500);
  });

  it('honours a custom schedule', () => {
    expect(backoffDelay(0, highest, { baseMs: 100, capMs: 250 })).toBe(100);
    expect(backoffDelay(5, highest, { baseMs: 100, capMs: 250 })).toBe(250);
  });
});
