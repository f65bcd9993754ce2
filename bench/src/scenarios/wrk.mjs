// wrk: the hot counter driven by wrk (Debian package) instead of Node: plain increments (no key, no visitor) over
// --writers keep-alive connections for --wrk-seconds.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { readCounter } from '../driver/http.mjs';
import { cpuCell, progress } from '../bench.mjs';
import { int, ms, round, table, verdict, yesNo } from '../stats.mjs';

export async function run(bench, { benchDir }) {
  const { writers, wrkSeconds, wrkThreads } = bench.options;
  const name = `${bench.run}-wrk`;
  progress.set(`wrk -c${writers} ${wrkSeconds}s`);
  const args = [`-t${wrkThreads}`, `-c${writers}`, `-d${wrkSeconds}s`, '--latency', '-s', path.join(benchDir, 'wrk', 'increment.lua'), bench.base, '--', name];
  const { value: out, cpu, store } = await bench.measure(() => new Promise((resolve, reject) => {
    let text = '';
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d) => (text += d));
    child.on('error', (e) => reject(new Error(`wrk could not start (${e.message}); install it with apt-get install wrk`)));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
  }));
  const json = JSON.parse(out.split('\n').find((l) => l.startsWith('WRK_JSON ')).slice('WRK_JSON '.length));
  const final = await readCounter(bench.base, name);
  const inFlightAtStop = final.value - json.ok;
  const seconds = json.durationUs / 1e6;
  const target = bench.targets.hotIncrementsPerSecond;
  const latency = Object.fromEntries(['p50', 'p90', 'p95', 'p99', 'max', 'mean'].map((k) => [k, json[`${k}Us`] / 1000]));
  // wrk abandons the requests in flight when its time is up: the server may still apply those (at most one per
  // connection), so exactness is "every 200 counted, at most `connections` more applied, version = value".
  bench.check('wrk', 'exact', final.version === final.value && inFlightAtStop >= 0 && inFlightAtStop <= writers, `final ${final.value}/${final.version}, 200 responses ${json.ok}`);
  bench.check('wrk', 'no 5xx', json.s5xx === 0 && json.other === 0, `${json.s5xx} 5xx, ${json.other} other non-200`);
  return {
    command: `wrk ${args.join(' ')}`, connections: writers, threads: wrkThreads, seconds: round(seconds, 2), ok: json.ok, s5xx: json.s5xx, other: json.other, socketErrors: json.socketErrors,
    incrementsPerSecond: Math.round(json.ok / seconds), httpLatencyMs: latency, final, abandonedInFlightAtStop: inFlightAtStop,
    target: target == null ? null : { minIncrementsPerSecond: target }, meetsTarget: target == null ? null : json.ok / seconds >= target, store, cpu,
  };
}

export function render(w) {
  return table([
    ['hot counter (wrk)', 'connections', 'incr/s', 'p50', 'p95', 'p99', 'exact (value=version=200s)', '5xx', 'target', 'cpu (cores)'],
    [`wrk -t${w.threads}`, w.connections, int(w.incrementsPerSecond), ms(w.httpLatencyMs.p50), ms(w.httpLatencyMs.p95), ms(w.httpLatencyMs.p99), `${yesNo(w.final.version === w.final.value)} (${int(w.ok)} + ${w.abandonedInFlightAtStop} in flight)`, w.s5xx, w.target ? `>= ${int(w.target.minIncrementsPerSecond)} ${verdict(w.meetsTarget)}` : '', cpuCell(w.cpu)],
  ]);
}
