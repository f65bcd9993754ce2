// A fresh process's first seconds (--cold-start): what the load saw second by second, from the moment it began.
// Three clocks meet here, all on the bench's monotonic clock (stats.now) in the end: the answers (each increment's
// first send + latency), the server's CPU (/proc/<pid>/stat read every SAMPLE_MS while the load runs), and its
// commits (the meter's cumulative `livecounter.commits`, printed to its log every second with the export's
// wall-clock time, moved onto the monotonic clock by the offset between Date.now() and now() at the phase's end).
// Each per-second value of a cumulative quantity is the difference of its values at the second's two ends, each
// interpolated linearly between the two readings around it: the samples do not fall on the seconds.
import { readFileSync } from 'node:fs';
import { EXPORT_INTERVAL_MS, exportHistory } from './launch/metrics.mjs';
import { attempt, cpuSeconds } from './system.mjs';
import { now, round } from './stats.mjs';

export const SAMPLE_MS = 1000;
/** The figure's windows: the first WINDOWS x WINDOW_SECONDS of load. */
export const [WINDOW_SECONDS, WINDOWS] = [5, 5];
/** "Warm" is reached when a span of REACHED_SPAN_SECONDS runs at this fraction of the warm run's rate. */
export const [WARM_FRACTION, REACHED_SPAN_SECONDS] = [0.8, 2];

/** Reads the servers' CPU seconds now and every intervalMs until stop(), which returns [{ t, cpu: [seconds per pid] }]. */
export function startSampler(pids, intervalMs = SAMPLE_MS) {
  const samples = [];
  const take = () => samples.push({ t: now(), cpu: pids().map((pid) => cpuSeconds(pid) ?? NaN) });
  take();
  const timer = setInterval(take, intervalMs);
  return { stop: () => (clearInterval(timer), take(), samples) };
}

/** A cumulative quantity's value at time t, interpolated between the readings [{ t, value }] around it (held at the ends). */
export function valueAt(readings, t) {
  const i = readings.findIndex((r) => t <= r.t);
  if (i < 0) return readings.at(-1)?.value ?? 0;
  const [a, b] = [readings[Math.max(0, i - 1)], readings[i]];
  return i === 0 ? b.value : a.value + ((b.value - a.value) * (t - a.t)) / (b.t - a.t || 1);
}

/** The log's `livecounter.commits` over time, on the monotonic clock ([{ t, value }]), from 0. */
export function commitsOf(logFile, wallMinusMonotonic) {
  const text = attempt(() => readFileSync(logFile, 'utf8')) ?? ''; // no log: no commits known
  const points = exportHistory(text, 'livecounter.commits').map((p) => ({ t: p.at - wallMinusMonotonic, value: p.value }));
  // The exporter prints the counter from its first commit on: one export earlier it was 0.
  return points.length ? [{ t: points[0].t - EXPORT_INTERVAL_MS, value: 0 }, ...points] : points;
}

function figures({ second, seconds, increments, commits, cpuSeconds }) {
  const per = (n) => (n > 0 ? round((cpuSeconds * 1000) / n, 3) : null);
  return { second, seconds, increments, incrementsPerSecond: round(increments / seconds, 1), commits: round(commits, 1), cpuSeconds: round(cpuSeconds, 3), cpuCores: round(cpuSeconds / seconds, 3), cpuMsPerCommit: per(commits), cpuMsPerIncrement: per(increments) };
}

/**
 * Per second of load from t0: increments answered (200) in it, commits, server CPU seconds, CPU per commit and per
 * increment (ms). `answers` are answer times (monotonic ms); `cpu` and `commits` cumulative readings [{ t, value }].
 */
export function perSecond({ t0, seconds, answers, cpu, commits }) {
  const counts = new Array(seconds).fill(0);
  for (const at of answers) if (at >= t0 && at < t0 + seconds * 1000) counts[Math.floor((at - t0) / 1000)]++;
  const change = (readings, s) => valueAt(readings, t0 + (s + 1) * 1000) - valueAt(readings, t0 + s * 1000);
  return counts.map((increments, s) => figures({ second: s, seconds: 1, increments, commits: change(commits, s), cpuSeconds: change(cpu, s) }));
}

/** The figures over a run of seconds. */
export function total(rows, second = rows[0]?.second ?? 0) {
  const sum = (key) => rows.reduce((s, r) => s + r[key], 0);
  return figures({ second, seconds: rows.length, increments: sum('increments'), commits: sum('commits'), cpuSeconds: sum('cpuSeconds') });
}

/** Windows of `size` seconds (a last one not complete is left out), with the same figures. */
export function windows(rows, size = WINDOW_SECONDS, count = WINDOWS) {
  return Array.from({ length: Math.min(count, Math.floor(rows.length / size)) }, (_, w) => total(rows.slice(w * size, (w + 1) * size), w * size));
}

/** The end (in seconds of load) of the first span of `span` seconds whose rate is at least `fraction` of `rate`; null when none is. */
export function secondsToReach(rows, rate, fraction = WARM_FRACTION, span = REACHED_SPAN_SECONDS) {
  if (!(rate > 0)) return null;
  for (let end = span; end <= rows.length; end++) if (rows.slice(end - span, end).reduce((s, r) => s + r.increments, 0) / span >= fraction * rate) return end;
  return null;
}

/** What one phase's load saw per second and in total: `servers` the stack's processes, `samples` the sampler's readings, `runs` the writers' records. */
export function phaseSeries({ servers, samples, runs, wallMinusMonotonic, seconds }) {
  const t0 = Math.min(...runs.map((r) => r.started));
  const answers = [];
  const firstAnswer = servers.map(() => Infinity);
  for (const r of runs) {
    for (let i = 0; i < r.status.length; i++) {
      if (r.status[i] !== 200) continue;
      answers.push(r.send[i] + r.latency[i]);
      firstAnswer[r.instance[i]] = Math.min(firstAnswer[r.instance[i]], answers.at(-1));
    }
  }
  const cpu = samples.map((s) => ({ t: s.t, value: s.cpu.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) }));
  const each = servers.map((s) => commitsOf(s.logFile, wallMinusMonotonic));
  const commits = [...new Set(each.flat().map((p) => p.t))].sort((a, b) => a - b).map((t) => ({ t, value: each.reduce((s, list) => s + (list.length ? valueAt(list, t) : 0), 0) }));
  const rows = perSecond({ t0, seconds: Math.max(1, Math.floor(seconds)), answers, cpu, commits });
  const since = (s, at) => (s.startedAt != null && at != null && Number.isFinite(at) ? round(at - s.startedAt, 0) : null);
  const processes = servers.map((s, i) => ({ pid: s.pid, startToReadyMs: since(s, s.readyAt), startToFirstIncrementMs: since(s, firstAnswer[i]), startToLoadMs: since(s, t0) }));
  return { loadStartedAt: t0, processes, perSecond: rows, windows: windows(rows), whole: total(rows) };
}

/** The cold phase against the warm one: each window's rate and CPU per commit as a share of the warm run's. */
export function compare(cold, warm) {
  const { incrementsPerSecond: rate, cpuMsPerCommit: perCommit, cpuCores, cpuMsPerIncrement } = warm.whole;
  const share = (x, of) => (of > 0 && x != null ? round(x / of, 3) : null);
  return {
    fraction: WARM_FRACTION, warmRate: rate, warmCores: cpuCores, warmCpuMsPerCommit: perCommit, warmCpuMsPerIncrement: cpuMsPerIncrement,
    windows: cold.windows.map((w) => ({ ...w, rateOfWarm: share(w.incrementsPerSecond, rate), cpuPerCommitOfWarm: share(w.cpuMsPerCommit, perCommit) })),
    secondsTo80PercentOfWarm: secondsToReach(cold.perSecond, rate),
  };
}
