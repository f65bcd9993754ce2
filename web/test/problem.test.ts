import { describe, expect, it } from 'vitest';
import { parseRetryAfter, readProblem } from '../src/client/problem';

describe('readProblem', () => {
  it('prefers detail, then title', async () => {
    const withDetail = new Response(JSON.stringify({ title: 'Bad Request', detail: 'by must be 1-1000.' }), {
      status: 400,
      headers: { 'Content-Type': 'application/problem+json; charset=utf-8' },
    });
    await expect(readProblem(withDetail)).resolves.toMatchObject({ status: 400, detail: 'by must be 1-1000.' });

    const titleOnly = new Response(JSON.stringify({ title: 'Payload Too Large' }), {
      status: 413,
      headers: { 'Content-Type': 'application/problem+json' },
    });
    await expect(readProblem(titleOnly)).resolves.toMatchObject({ detail: 'Payload Too Large' });
  });

  it('survives a body that is not JSON', async () => {
    const response = new Response('<html>', { status: 502, headers: { 'Content-Type': 'application/json' } });
    await expect(readProblem(response)).resolves.toMatchObject({ status: 502, detail: expect.stringContaining('502') });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [null, undefined],
    ['1', 1000],
    [' 3 ', 3000],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
  ])('%j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
