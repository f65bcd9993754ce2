import { describe, expect, it } from 'vitest';
import { Replica, type Semilattice } from '../src/client/replica';

// The simplest grow-only state: a number that only rises (a visitor's total is one).
const highest: Semilattice<number> = { join: Math.max, equals: (a, b) => a === b };
const replica = () => new Replica(highest);

describe('Replica within one epoch', () => {
  it('takes the first value', () => {
    const r = replica();
    expect(r.current).toBeUndefined();
    expect(r.offer(3)).toBe(true);
    expect(r.current).toBe(3);
  });

  it('joins each offer in and says whether that changed anything', () => {
    const r = replica();
    r.offer(5);
    expect(r.offer(4)).toBe(false);
    expect(r.offer(5)).toBe(false);
    expect(r.current).toBe(5);
    expect(r.offer(6)).toBe(true);
    expect(r.current).toBe(6);
  });

  it('ends at the same state whatever order offers arrive in', () => {
    const r = replica();
    for (const n of [2, 7, 3, 7, 1, 6, 5]) r.offer(n);
    expect(r.current).toBe(7);
  });
});

describe('Replica epochs', () => {
  it('lets the catch-up read of a new epoch go below the previous epoch (server restarted)', () => {
    const r = replica();
    r.offer(40);
    const epoch = r.beginEpoch();
    expect(r.settle(epoch, 2)).toBe(true);
    expect(r.current).toBe(2);
  });

  it('does not let a late catch-up read undo a newer offer of the same epoch', () => {
    const r = replica();
    r.offer(10);
    const epoch = r.beginEpoch();
    expect(r.offer(12)).toBe(true); // counterUpdated overtook the read's response
    expect(r.settle(epoch, 11)).toBe(false);
    expect(r.current).toBe(12);
  });

  it('after a restart, joins the read with an offer of the epoch that was not shown', () => {
    const r = replica();
    r.offer(40);
    const epoch = r.beginEpoch();
    // The new server's first update: lower than the old display, so not shown yet...
    expect(r.offer(1)).toBe(false);
    expect(r.current).toBe(40);
    // ...and the read, served before that increment, must not win over it.
    expect(r.settle(epoch, 0)).toBe(true);
    expect(r.current).toBe(1);
  });

  it('keeps the old display until the epoch settles (no flicker back from late responses)', () => {
    const r = replica();
    r.offer(50);
    const epoch = r.beginEpoch();
    expect(r.offer(48)).toBe(false);
    expect(r.current).toBe(50);
    expect(r.settle(epoch, 50)).toBe(false);
    expect(r.current).toBe(50);
  });

  it('after settling, ignores anything lower again', () => {
    const r = replica();
    r.offer(40);
    const epoch = r.beginEpoch();
    r.settle(epoch, 2);
    expect(r.offer(1)).toBe(false);
    expect(r.offer(39)).toBe(true);
    expect(r.offer(5)).toBe(false);
    expect(r.current).toBe(39);
  });

  it('drops what the epoch offered before it settled once it has settled: the next epoch starts empty', () => {
    const r = replica();
    const first = r.beginEpoch();
    r.offer(30);
    r.settle(first, 20);
    r.offer(35); // after the settle: not part of any epoch's offers
    const second = r.beginEpoch();
    expect(r.settle(second, 3)).toBe(true);
    expect(r.current).toBe(3);
  });

  it('treats a second read in the same epoch as an ordinary offer', () => {
    const r = replica();
    r.offer(40);
    const epoch = r.beginEpoch();
    r.settle(epoch, 10);
    expect(r.settle(epoch, 3)).toBe(false);
    expect(r.current).toBe(10);
  });

  it('treats the read of a superseded epoch as an ordinary offer', () => {
    const r = replica();
    r.offer(40);
    const first = r.beginEpoch();
    const second = r.beginEpoch();
    expect(r.settle(first, 3)).toBe(false); // the connection it belonged to is gone
    expect(r.current).toBe(40);
    expect(r.settle(second, 4)).toBe(true);
    expect(r.current).toBe(4);
  });

  it('forgets what a superseded epoch offered: only the epoch being settled counts', () => {
    const r = replica();
    r.offer(40);
    r.beginEpoch();
    r.offer(41); // offered while the first reconnection was still catching up
    const second = r.beginEpoch();
    expect(r.settle(second, 2)).toBe(true);
    expect(r.current).toBe(2);
  });

  it('settles the very first epoch with nothing seen before', () => {
    const r = replica();
    const epoch = r.beginEpoch();
    expect(r.settle(epoch, 0)).toBe(true);
    expect(r.current).toBe(0);
  });
});

describe('Replica epochs without a catch-up read', () => {
  it('keeps only what the epoch offered: nothing vouches for older epochs', () => {
    const r = replica();
    r.offer(6);
    const epoch = r.beginEpoch();
    expect(r.settle(epoch)).toBe(true);
    expect(r.current).toBeUndefined();
  });

  it("keeps the epoch's offers even when they are lower than the previous epoch's", () => {
    const r = replica();
    r.offer(6);
    const epoch = r.beginEpoch();
    expect(r.offer(1)).toBe(false);
    expect(r.settle(epoch)).toBe(true);
    expect(r.current).toBe(1);
  });

  it('changes nothing when there was nothing before and the epoch offered nothing', () => {
    const r = replica();
    const epoch = r.beginEpoch();
    expect(r.settle(epoch)).toBe(false);
    expect(r.current).toBeUndefined();
  });
});
