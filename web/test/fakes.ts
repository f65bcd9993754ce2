import { vi } from 'vitest';
import type { CounterApi } from '../src/client/api';
import type { NetworkStatus } from '../src/client/connectionState';
import type { HubLike } from '../src/client/hub';
import type { ShownCounter } from '../src/client/laneMerge';
import type { CounterSnapshot } from '../src/client/messages';

type Callback<T> = (arg?: T) => void;

/**
 * A start() that is left pending until the test settles it, as a negotiate whose body never ends
 * leaves @microsoft/signalr's.
 */
export class StalledStart {
  readonly #settled: Promise<string | Error>;
  #settle!: (outcome: string | Error) => void;
  constructor() {
    this.#settled = new Promise((resolve) => (this.#settle = resolve));
  }
  /** The start completes with this connection id, unless the hub was stopped meanwhile. */
  connect(connectionId: string): void {
    this.#settle(connectionId);
  }
  fail(error = new Error('negotiate failed late')): void {
    this.#settle(error);
  }
  get settled(): Promise<string | Error> {
    return this.#settled;
  }
}

/** A SignalR connection driven by the test: which starts fail or stall, when it is lost, messages. */
export class FakeHub implements HubLike {
  connectionId: string | null = null;
  readonly #handlers = new Map<string, Array<(...args: unknown[]) => void>>();
  readonly #closed: Array<Callback<Error>> = [];
  /** Outcome of each start(): a connection id, an Error to reject with, or a stall (see stallStart). */
  readonly startOutcomes: Array<string | Error | StalledStart> = [];
  /** A flapping server: every start succeeds, and the server closes that connection straight after. */
  closesEveryConnection = false;
  #accepted = 0;
  #stops = 0;
  readonly #open: string[] = [];

  /** Queues a start that does not complete until the test says so. */
  stallStart(): StalledStart {
    const stall = new StalledStart();
    this.startOutcomes.push(stall);
    return stall;
  }

  /** The connections this hub holds to the server: started, and neither stopped nor lost since. */
  get openConnections(): readonly string[] {
    return [...this.#open];
  }

  readonly start = vi.fn(async () => {
    if (this.closesEveryConnection) {
      this.#opened(`flap-${++this.#accepted}`);
      setTimeout(() => this.close(), 0);
      return;
    }
    const stopsBefore = this.#stops;
    const next = this.startOutcomes.shift() ?? new Error('server down');
    const outcome = next instanceof StalledStart ? await next.settled : next;
    // As SignalR's: a start stopped before it completed fails, whatever the server says afterwards.
    if (this.#stops !== stopsBefore) throw new Error('The connection was stopped during negotiation.');
    if (outcome instanceof Error) throw outcome;
    this.#opened(outcome);
  });

  readonly stop = vi.fn(async () => {
    this.#stops += 1;
    this.#open.length = 0;
    this.connectionId = null;
  });

  on(methodName: string, handler: (...args: unknown[]) => void): void {
    this.#handlers.set(methodName, [...(this.#handlers.get(methodName) ?? []), handler]);
  }
  onclose(callback: Callback<Error>): void {
    this.#closed.push(callback);
  }

  send(methodName: string, payload: unknown): void {
    for (const handler of this.#handlers.get(methodName) ?? []) handler(payload);
  }
  /** The connection is lost: the server closed it, or the network dropped it. */
  close(): void {
    const index = this.connectionId === null ? -1 : this.#open.indexOf(this.connectionId);
    if (index >= 0) this.#open.splice(index, 1);
    this.connectionId = null;
    for (const callback of this.#closed) callback(new Error('closed'));
  }

  #opened(connectionId: string): void {
    this.#open.push(connectionId);
    this.connectionId = connectionId;
  }
}

export class FakeNetwork implements NetworkStatus {
  #online = true;
  readonly #listeners = new Set<() => void>();
  isOnline(): boolean {
    return this.#online;
  }
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(online: boolean): void {
    this.#online = online;
    for (const listener of this.#listeners) listener();
  }
}

/** The time of the commit that made `version`: later versions, later times. null for version 0. */
export const timeOf = (version: number): string | null =>
  version === 0 ? null : new Date(Date.UTC(2026, 0, 1) + version * 1000).toISOString();

/**
 * A counter whose increments all went through one lane, as a payload (wire JSON) and as it reads:
 * the same object.
 */
export const snapshot = (version: number, value = version, name = 'votes'): CounterSnapshot => ({
  name,
  value,
  version,
  updatedAt: timeOf(version),
  lanes: version === 0 ? {} : { 'lane-00': { value, version } },
});

/** A well-formed payload of `name` with the given lanes (id → [value, version]) and their sums at the top level. */
export function lanePayload(
  lanes: Record<string, readonly [value: number, version: number]>,
  updatedAt: string | null = null,
  name = 'votes',
): CounterSnapshot {
  const entries = Object.entries(lanes).map(([id, [value, version]]) => [id, { value, version }] as const);
  const sum = (pick: (lane: { value: number; version: number }) => number) => entries.reduce((s, [, lane]) => s + pick(lane), 0);
  return { name, value: sum((l) => l.value), version: sum((l) => l.version), updatedAt, lanes: Object.fromEntries(entries) };
}

/** What a page shows for snapshot(version, value). */
export const shown = (version: number, value = version): ShownCounter => ({ value, version, updatedAt: timeOf(version) });

export function fakeApi() {
  return {
    subscribe: vi.fn<CounterApi['subscribe']>(async () => {}),
    getCounter: vi.fn<CounterApi['getCounter']>(async () => snapshot(0)),
  };
}
