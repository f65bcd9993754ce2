// connections: the server's resident memory before and after n idle connections, opened in four steps. It runs
// first, on a server that has not handled load yet: a heap grown by earlier load has free space that new
// connections fill without raising RSS, which would understate the cost.
import { residentBytes } from '../system.mjs';
import { progress } from '../progress.mjs';
import { int, kib, sleep, table } from '../stats.mjs';
import { verdict } from '../format.mjs';

export async function run(bench) {
  const pid = bench.serverPid;
  const n = bench.options.connections;
  if (!pid || residentBytes(pid) == null) {
    return { measurable: false, reason: 'the server is not a local process of known pid (--url without --server-pid)' };
  }
  const settle = async () => {
    await sleep(1200);
    const samples = [];
    for (let i = 0; i < 3; i++) {
      samples.push(residentBytes(pid));
      await sleep(150);
    }
    return samples.sort((a, b) => a - b)[1];
  };
  progress.set('connections: baseline');
  const opened0 = bench.general.reduce((a, b) => a + b, 0);
  const before = await settle();
  const steps = [{ connections: 0, rss: before }];
  for (const quarter of [1, 2, 3, 4]) {
    const target = Math.round((n * quarter) / 4);
    progress.set(`connections: ${target} open`);
    await bench.ensureGeneral(opened0 + target);
    steps.push({ connections: target, rss: await settle() });
  }
  const after = steps.at(-1).rss;
  const perConnection = (after - before) / n;
  // Least-squares slope over the five points: less sensitive to one step that caught a GC.
  const mx = steps.reduce((s, p) => s + p.connections, 0) / steps.length;
  const my = steps.reduce((s, p) => s + p.rss, 0) / steps.length;
  const slope = steps.reduce((s, p) => s + (p.connections - mx) * (p.rss - my), 0) / steps.reduce((s, p) => s + (p.connections - mx) ** 2, 0);
  const max = bench.targets.bytesPerConnection;
  return {
    measurable: true,
    connections: n,
    rssBeforeBytes: before,
    rssAfterBytes: after,
    bytesPerConnection: Math.round(perConnection),
    slopeBytesPerConnection: Math.round(slope),
    steps,
    target: { maxBytesPerConnection: max },
    meetsTarget: perConnection <= max,
  };
}

export function render(c) {
  if (!c.measurable) return `connections: not measured: ${c.reason}`;
  return table([
    ['connections', 'RSS before', 'RSS after', 'per connection', 'slope over 5 steps', 'target'],
    [`${int(c.connections)} idle`, `${(c.rssBeforeBytes / 1024 ** 2).toFixed(1)} MiB`, `${(c.rssAfterBytes / 1024 ** 2).toFixed(1)} MiB`, kib(c.bytesPerConnection), kib(c.slopeBytesPerConnection), `<= ${kib(c.target.maxBytesPerConnection)} ${verdict(c.meetsTarget)}`],
  ]);
}
