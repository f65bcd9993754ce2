import { describe, expect, it } from 'vitest';
import { newUuid } from '../src/client/uuid';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newUuid', () => {
  it('uses crypto.randomUUID where the browser has it', () => {
    expect(newUuid()).toMatch(V4);
    expect(newUuid()).not.toBe(newUuid());
  });

  it('builds a version 4 UUID from getRandomValues outside secure contexts', () => {
    const insecure = { getRandomValues: <T extends ArrayBufferView>(a: T) => crypto.getRandomValues(a) } as unknown as Crypto;
    const ids = Array.from({ length: 200 }, () => newUuid(insecure));
    for (const id of ids) expect(id).toMatch(V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sets the version and variant bits whatever the random bytes are', () => {
    const allOnes = { getRandomValues: <T extends ArrayBufferView>(a: T) => ((a as unknown as Uint8Array).fill(0xff), a) } as unknown as Crypto;
    expect(newUuid(allOnes)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});
