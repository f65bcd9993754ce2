// The progress line on stderr: phase, HTTP requests answered, messages received, connections, server RSS, load.
import os from 'node:os';
import { residentBytes } from './system.mjs';
import { int, now } from './stats.mjs';

export const progress = {
  phase: 'starting',
  since: now(),
  started: now(),
  workers: [],
  serverPid: null,
  timer: null,
  lastPrinted: 0,
  set(phase) {
    this.phase = phase;
    this.since = now();
    this.print(true);
  },
  line() {
    const sum = (key) => this.workers.reduce((s, w) => s + (w.progress[key] ?? 0), 0);
    const rss = residentBytes(typeof this.serverPid === 'function' ? this.serverPid() : this.serverPid);
    return (
      `[${((now() - this.started) / 1000).toFixed(0).padStart(3)}s] ${this.phase.padEnd(26)} ` +
      `${((now() - this.since) / 1000).toFixed(1).padStart(5)}s  http ${int(sum('answered'))}/${int(sum('sent'))}  ` +
      `received ${int(sum('received'))}  connections ${int(sum('connections'))}` +
      (rss ? `  server RSS ${(rss / 1024 ** 2).toFixed(0)} MiB` : '') +
      `  load ${os.loadavg()[0].toFixed(2)}`
    );
  },
  print(force = false) {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[K${this.line()}`);
    } else if (force || now() - this.lastPrinted > 5000) {
      process.stderr.write(`${this.line()}\n`);
      this.lastPrinted = now();
    }
  },
  start(workers, serverPid) {
    this.workers = workers;
    this.serverPid = serverPid;
    this.timer = setInterval(() => this.print(), 1000);
    this.timer.unref();
  },
  stop() {
    clearInterval(this.timer);
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  },
};
