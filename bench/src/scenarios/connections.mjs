// connections: the server's resident memory before and after n idle connections, opened in four steps. It runs
// first, on a server that has not handled load yet: a heap grown by earlier load has free space that new
// connections fill without raising RSS, which would understate the cost.
import { residentBytes } from '../system.mjs';
import { progress } from '../bench.mjs';
import { int, kib, mib, sleep, table, verdict } from '../stats.mjs';

/** The server's RSS once settled: after settleMs, the median of three reads (a GC in one does not move it). */
export async function settledRss(pid, settleMs = 1200, gapMs = 150) {
  await sleep(settleMs);
  const reads = [];
  for (let i = 0; i < 3; i++, await sleep(gapMs)) reads.push(residentBytes(pid));
  return reads.sort((a, b) => a - b)[1];
}

export const unmeasurable = { measurable: false, reason: 'a server the bench did not start (--url)' };

export async function run(bench) {
  const [pid, n] = [bench.serverPid, bench.options.connections];
  if (!pid || residentBytes(pid) == null) return unmeasurable;
  progress.set('connections: baseline');
  const opened = bench.general.reduce((a, b) => a + b, 0);
  const steps = [{ connections: 0, rss: await settledRss(pid) }];
  for (const quarter of [1, 2, 3, 4]) {
    const target = Math.round((n * quarter) / 4);
    progress.set(`connections: ${target} open`);
    await bench.ensureGeneral(opened + target);
    steps.push({ connections: target, rss: await settledRss(pid) });
  }
  const [before, after] = [steps[0].rss, steps.at(-1).rss];
  // Least-squares slope over the five points: less sensitive to one step that caught a GC.
  const mean = (key) => steps.reduce((s, p) => s + p[key], 0) / steps.length;
  const [mx, my] = [mean('connections'), mean('rss')];
  const slope = steps.reduce((s, p) => s + (p.connections - mx) * (p.rss - my), 0) / steps.reduce((s, p) => s + (p.connections - mx) ** 2, 0);
  const max = bench.targets.bytesPerConnection;
  return { measurable: true, connections: n, rssBeforeBytes: before, rssAfterBytes: after, bytesPerConnection: Math.round((after - before) / n), slopeBytesPerConnection: Math.round(slope), steps, target: { maxBytesPerConnection: max }, meetsTarget: (after - before) / n <= max };
}

export function render(c) {
  if (!c.measurable) return `connections: not measured: ${c.reason}`;
  return table([
    ['connections', 'RSS before', 'RSS after', 'per connection', 'slope over 5 steps', 'target'],
    [`${int(c.connections)} idle`, mib(c.rssBeforeBytes), mib(c.rssAfterBytes), kib(c.bytesPerConnection), kib(c.slopeBytesPerConnection), `<= ${kib(c.target.maxBytesPerConnection)} ${verdict(c.meetsTarget)}`],
  ]);
}
