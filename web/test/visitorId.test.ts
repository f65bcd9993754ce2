// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { isVisitorId, loadVisitorId, VISITOR_ID_STORAGE_KEY } from '../src/client/visitorId';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('loadVisitorId', () => {
  beforeEach(() => localStorage.clear());

  it('creates a lower-case UUID and stores it in localStorage', () => {
    const id = loadVisitorId();
    expect(id).toMatch(UUID);
    expect(localStorage.getItem(VISITOR_ID_STORAGE_KEY)).toBe(id);
  });

  it('returns the same id on the next page load', () => {
    const first = loadVisitorId();
    const second = loadVisitorId(localStorage, () => 'must-not-be-called');
    expect(second).toBe(first);
  });

  it.each([
    ['garbage', 'not-a-uuid'],
    ['upper case', 'A3BB189E-8BF9-3888-9912-ACE4E6543002'],
    ['braces', '{a3bb189e-8bf9-3888-9912-ace4e6543002}'],
    ['nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ['empty', ''],
  ])('replaces an invalid stored value (%s)', (_, stored) => {
    localStorage.setItem(VISITOR_ID_STORAGE_KEY, stored);
    const fresh = '0b7c2a8e-35f1-4d8e-9a55-2f1f6c0e9d11';
    expect(loadVisitorId(localStorage, () => fresh)).toBe(fresh);
    expect(localStorage.getItem(VISITOR_ID_STORAGE_KEY)).toBe(fresh);
  });

  it('still has an id, the same one all page long, when storage is unusable', () => {
    const broken = {
      getItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
    };
    let made = 0;
    const make = () => `0b7c2a8e-35f1-4d8e-9a55-2f1f6c0e9d1${made++}`;
    const first = loadVisitorId(broken, make);
    expect(first).toMatch(UUID);
    expect(loadVisitorId(broken, make)).toBe(first);
  });
});

describe('isVisitorId', () => {
  it('accepts canonical lower-case UUIDs only', () => {
    expect(isVisitorId('0b7c2a8e-35f1-4d8e-9a55-2f1f6c0e9d11')).toBe(true);
    expect(isVisitorId('0B7C2A8E-35F1-4D8E-9A55-2F1F6C0E9D11')).toBe(false);
    expect(isVisitorId('0b7c2a8e35f14d8e9a552f1f6c0e9d11')).toBe(false);
    expect(isVisitorId(42)).toBe(false);
    expect(isVisitorId(null)).toBe(false);
  });
});
