import { describe, expect, it } from 'vitest';
import { counterNameFromSearch, parseCounterName } from '../src/client/counterName';

// The same table as the server's name tests: the page must refuse exactly what the server refuses.
describe('parseCounterName', () => {
  it.each([
    ['a', 'a'],
    ['default', 'default'],
    ['my-counter-1', 'my-counter-1'],
    ['0', '0'],
    ['9-lives', '9-lives'],
    ['ends-with-', 'ends-with-'],
    ['ABC', 'abc'],
    ['MiXeD-Case', 'mixed-case'],
    ['a'.repeat(63), 'a'.repeat(63)],
  ])('accepts %j as %j', (raw, expected) => {
    expect(parseCounterName(raw)).toEqual({ ok: true, name: expected });
  });

  it.each([
    ['empty', ''],
    ['64 characters', 'a'.repeat(64)],
    ['leading hyphen', '-a'],
    ['underscore', 'a_b'],
    ['space', 'a b'],
    ['surrounding whitespace', ' a'],
    ['trailing newline', 'a\n'],
    ['accented letter', 'é'],
    ['Cyrillic look-alike а (U+0430)', '\u0430'],
    ['Cyrillic look-alike in a word', 'dеfault'],
    ['Kelvin sign (lower-cases to k)', '\u212A'],
    ['dotted capital I (lower-cases to two code points)', '\u0130'],
    ['fullwidth digit', '\uFF11'],
    ['slash', 'a/b'],
    ['dot', 'a.b'],
    ['percent', 'a%20b'],
  ])('rejects %s', (_, raw) => {
    const result = parseCounterName(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
  });

  it('explains an over-long name by its length', () => {
    const result = parseCounterName('a'.repeat(64));
    expect(result).toEqual({ ok: false, message: expect.stringContaining('63') });
  });
});

describe('counterNameFromSearch', () => {
  it('defaults to "default" without ?name=', () => {
    expect(counterNameFromSearch('')).toEqual({ ok: true, name: 'default' });
    expect(counterNameFromSearch('?other=1')).toEqual({ ok: true, name: 'default' });
  });

  it('reads and lower-cases ?name=', () => {
    expect(counterNameFromSearch('?name=Votes-2026')).toEqual({ ok: true, name: 'votes-2026' });
  });

  it('decodes before validating, so an encoded slash or space is still refused', () => {
    expect(counterNameFromSearch('?name=a%2Fb').ok).toBe(false);
    expect(counterNameFromSearch('?name=a+b').ok).toBe(false);
  });

  it('refuses a present but empty name rather than guessing', () => {
    expect(counterNameFromSearch('?name=').ok).toBe(false);
  });
});
