// Loopback ports: a free one to give a child process, and waiting until a child listens on its port.
import net from 'node:net';
import { sleep } from '../stats.mjs';

/** A loopback port nobody listens on now (Azurite and Kestrel cannot report the one they would pick for 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function connects(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once something accepts connections on the port; rejects when `exited()` says the child is gone, or after `timeoutMs`. */
export async function waitUntilListening(port, { exited, timeoutMs = 30_000, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error(`${what} exited before it listened on port ${port}`);
    if (await connects(port)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on port ${port} within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** Asks a child to stop (SIGTERM), then kills it when it has not exited within `graceMs`. */
export async function stopChild(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
