import { describe, expect, it } from 'vitest';
import { VersionGuard } from '../src/client/versionGuard';

interface State {
  readonly version: number;
  readonly value: number;
}

const at = (version: number, value = version): State => ({ version, value });

describe('VersionGuard within one epoch', () => {
  it('takes the first value', () => {
    const guard = new VersionGuard<State>();
    expect(guard.current).toBeUndefined();
    expect(guard.offer(at(3))).toBe(true);
    expect(guard.current).toEqual(at(3));
  });

  it('keeps the highest version and ignores older or equal ones', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(5));
    expect(guard.offer(at(4))).toBe(false);
    expect(guard.offer(at(5, 999))).toBe(false);
    expect(guard.current).toEqual(at(5));
    expect(guard.offer(at(6))).toBe(true);
    expect(guard.current).toEqual(at(6));
  });

  it('ends at the newest whatever order messages arrive in', () => {
    const guard = new VersionGuard<State>();
    for (const version of [2, 7, 3, 7, 1, 6, 5]) guard.offer(at(version));
    expect(guard.current).toEqual(at(7));
  });
});

describe('VersionGuard epochs', () => {
  it('lets the catch-up read of a new epoch go below the previous epoch (server restarted)', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(40));
    const epoch = guard.beginEpoch();
    expect(guard.settle(epoch, at(2))).toBe(true);
    expect(guard.current).toEqual(at(2));
  });

  it('replaces an equal version from before the restart: same version, different counter', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(3, 300));
    const epoch = guard.beginEpoch();
    expect(guard.settle(epoch, at(3, 3))).toBe(true);
    expect(guard.current).toEqual(at(3, 3));
  });

  it('does not let a late catch-up read undo a newer message of the same epoch', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(10));
    const epoch = guard.beginEpoch();
    expect(guard.offer(at(12))).toBe(true); // counterUpdated overtook the read's response
    expect(guard.settle(epoch, at(11))).toBe(false);
    expect(guard.current).toEqual(at(12));
  });

  it('after a restart, prefers a newer message that arrived before the read even though it was not shown', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(40));
    const epoch = guard.beginEpoch();
    // The new server's first update: lower than the old display, so not shown yet...
    expect(guard.offer(at(1))).toBe(false);
    expect(guard.current).toEqual(at(40));
    // ...and the read, started before that increment, must not win over it.
    expect(guard.settle(epoch, at(0))).toBe(true);
    expect(guard.current).toEqual(at(1));
  });

  it('keeps the old display until the epoch settles (no flicker back from late responses)', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(50));
    const epoch = guard.beginEpoch();
    expect(guard.offer(at(48))).toBe(false);
    expect(guard.current).toEqual(at(50));
    guard.settle(epoch, at(50));
    expect(guard.current).toEqual(at(50));
  });

  it('after settling, ignores anything older again', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(40));
    const epoch = guard.beginEpoch();
    guard.settle(epoch, at(2));
    expect(guard.offer(at(1))).toBe(false);
    expect(guard.offer(at(39))).toBe(true);
    expect(guard.current).toEqual(at(39));
    expect(guard.offer(at(5))).toBe(false);
  });

  it('treats a second read in the same epoch as an ordinary value', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(40));
    const epoch = guard.beginEpoch();
    guard.settle(epoch, at(10));
    expect(guard.settle(epoch, at(3))).toBe(false);
    expect(guard.current).toEqual(at(10));
  });

  it('treats the read of a superseded epoch as an ordinary value', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(40));
    const first = guard.beginEpoch();
    const second = guard.beginEpoch();
    expect(guard.settle(first, at(3))).toBe(false); // the connection it belonged to is gone
    expect(guard.current).toEqual(at(40));
    expect(guard.settle(second, at(4))).toBe(true);
    expect(guard.current).toEqual(at(4));
  });

  it('settles the very first epoch with nothing seen before', () => {
    const guard = new VersionGuard<State>();
    const epoch = guard.beginEpoch();
    expect(guard.settle(epoch, at(0))).toBe(true);
    expect(guard.current).toEqual(at(0));
  });
});

describe('VersionGuard epochs without a catch-up read', () => {
  it('keeps only what the epoch offered: nothing vouches for older values', () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(6));
    const epoch = guard.beginEpoch();
    expect(guard.settle(epoch)).toBe(true);
    expect(guard.current).toBeUndefined();
  });

  it("keeps the epoch's newest value even when it is lower than the previous epoch's", () => {
    const guard = new VersionGuard<State>();
    guard.offer(at(6));
    const epoch = guard.beginEpoch();
    expect(guard.offer(at(1))).toBe(false);
    expect(guard.settle(epoch)).toBe(true);
    expect(guard.current).toEqual(at(1));
  });
});
