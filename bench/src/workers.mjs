// Worker processes (worker.mjs) and how work is spread over them.
import { fork } from 'node:child_process';

export function startWorker(role) {
  const child = fork(new URL('./worker.mjs', import.meta.url), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  const worker = {
    role,
    pid: child.pid,
    progress: { received: 0, sent: 0, answered: 0, connections: 0 },
    call(op, args) {
      const id = nextId++;
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject, op }) && child.send({ id, op, args }));
    },
    stop: () => child.connected && child.disconnect(),
  };
  child.on('message', (message) => {
    if (message.progress) return void (worker.progress = message.progress);
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${role} worker, ${waiter.op}: ${message.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${role} worker exited (${code ?? signal}) during ${waiter.op}`));
    pending.clear();
  });
  return worker;
}

/** Spreads n items over k buckets as evenly as possible. */
export const shares = (n, k) => Array.from({ length: k }, (_, w) => Math.floor(n / k) + (w < n % k ? 1 : 0));

/** A connection's key across processes: its worker and its index there (fewer than this many per worker). */
const KEYS_PER_WORKER = 1_000_000;
export const keyOf = (w, conn) => w * KEYS_PER_WORKER + conn;
export const workerOf = (key) => Math.floor(key / KEYS_PER_WORKER);
export const connOf = (key) => key % KEYS_PER_WORKER;
