import { vi } from 'vitest';
import type { CounterApi } from '../src/client/api';
import type { NetworkStatus } from '../src/client/connectionState';
import type { HubLike } from '../src/client/hub';
import type { CounterSnapshot } from '../src/client/messages';

type Callback<T> = (arg?: T) => void;

/** A SignalR connection driven by the test: which starts fail, when it is lost, messages. */
export class FakeHub implements HubLike {
  connectionId: string | null = null;
  readonly #handlers = new Map<string, Array<(...args: unknown[]) => void>>();
  readonly #closed: Array<Callback<Error>> = [];
  /** Outcome of each start(): a connection id, or an Error to reject with. */
  readonly startOutcomes: Array<string | Error> = [];
  /** A flapping server: every start succeeds, and the server closes that connection straight after. */
  closesEveryConnection = false;
  #accepted = 0;

  readonly start = vi.fn(async () => {
    if (this.closesEveryConnection) {
      this.connectionId = `flap-${++this.#accepted}`;
      setTimeout(() => this.close(), 0);
      return;
    }
    const outcome = this.startOutcomes.shift() ?? new Error('server down');
    if (outcome instanceof Error) throw outcome;
    this.connectionId = outcome;
  });

  readonly stop = vi.fn(async () => {
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
    this.connectionId = null;
    for (const callback of this.#closed) callback(new Error('closed'));
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

export const snapshot = (version: number, value = version, name = 'votes'): CounterSnapshot => ({
  name,
  value,
  version,
  updatedAt: `2026-01-01T00:00:${String(version % 60).padStart(2, '0')}Z`,
});

export function fakeApi() {
  return {
    subscribe: vi.fn<CounterApi['subscribe']>(async () => {}),
    getCounter: vi.fn<CounterApi['getCounter']>(async () => snapshot(0)),
  };
}
