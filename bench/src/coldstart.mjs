// A fresh process's first seconds (--cold-start): what the load saw second by second, from the moment it began.
// Three clocks meet here, all on the bench's monotonic clock (stats.now) in the end:
// - the answers: each increment's first send + latency (the writers' records);
// - the server's CPU: /proc/<pid>/stat read by the bench every SAMPLE_MS while the load runs;
// - its commits: the LiveCounter meter's cumulative `livecounter.commits`, which the process prints to its log every
//   second with the export's wall-clock time (launch/metrics.mjs), moved onto the monotonic clock by the offset
//   between Date.now() and now() taken when the phase ends.
// Each per-second value of a cumulative quantity is the difference of its values at the second's two ends, each
// interpolated linearly between the two readings around it: the samples do not fall on the seconds.
import { readFileSync } from 'node:fs';
import { EXPORT_INTERVAL_MS, exportHistory } from './launch/metrics.mjs';
import { cpuSeconds } from './system.mjs';
import { now, round } from './stats.mjs';

export const SAMPLE_MS = 1000;
/** The figure's windows: the first WINDOWS x WINDOW_SECONDS of load. */
export const WINDOW_SECONDS = 5;
export const WINDOWS = 5;
/** "Warm" is reached when a span of REACHED_SPAN_SECONDS runs at this fraction of the warm run's rate. */
export const WARM_FRACTION = 0.8;
export const REACHED_SPAN_SECONDS = 2;

/** Reads the servers' CPU seconds now and every intervalMs until stop(), which returns [{ t, cpu: [seconds per pid] }]. */
export function startSampler(pids, intervalMs = SAMPLE_MS) {
  const samples = [];
  const take = () => samples.push({ t: now(), cpu: pids().map((pid) => cpuSeconds(pid) ?? NaN) });
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** A cumulative quantity's value at time t, interpolated between the readings [{ t, value }] around it (clamped at the ends). */
export function valueAt(readings, t) {
  if (!readings.length) return 0;
  if (t <= readings[0].t) return readings[0].value;
  for (let i = 1; i < readings.length; i++) {
    const a = readings[i - 1];
    const b = readings[i];
    if (t <= b.t) return a.value + ((b.value - a.value) * (t - a.t)) / (b.t - a.t || 1);
  }
  return readings[readings.length - 1].value;
}

/** The log's `livecounter.commits` over time, on the monotonic clock ([{ t, value }]), from 0. */
export function commitsOf(logFile, wallMinusMonotonic) {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    // no log: no commits known
  }
  const points = exportHistory(text, 'livecounter.commits').map((p) => ({ t: p.at - wallMinusMonotonic, value: p.value }));
  // The exporter prints the counter from its first commit on: one export earlier it was 0.
  return points.length ? [{ t: points[0].t - EXPORT_INTERVAL_MS, value: 0 }, ...points] : points;
}

/**
 * Per second of load from t0: increments answered (200) in it, commits, server CPU seconds, CPU per commit and per
 * increment (ms). `answers` are answer times (monotonic ms); `cpu` and `commits` are cumulative readings [{ t, value }]
 * summed over the instances.
 */
export function perSecond({ t0, seconds, answers, cpu, commits }) {
  const rows = [];
  const sorted = Float64Array.from(answers).sort();
  let at = 0;
  for (let s = 0; s < seconds; s++) {
    const from = t0 + s * 1000;
    const to = from + 1000;
    while (at < sorted.length && sorted[at] < from) at++;
    let n = 0;
    while (at + n < sorted.length && sorted[at + n] < to) n++;
    at += n;
    const c = valueAt(commits, to) - valueAt(commits, from);
    const busy = valueAt(cpu, to) - valueAt(cpu, from);
    rows.push(figures({ second: s, seconds: 1, increments: n, commits: c, cpuSeconds: busy }));
  }
  return rows;
}

function figures({ second, seconds, increments, commits, cpuSeconds }) {
  return {
    second,
    seconds,
    increments,
    incrementsPerSecond: round(increments / seconds, 1),
    commits: round(commits, 1),
    cpuSeconds: round(cpuSeconds, 3),
    cpuCores: round(cpuSeconds / seconds, 3),
    cpuMsPerCommit: commits > 0 ? round((cpuSeconds * 1000) / commits, 3) : null,
    cpuMsPerIncrement: increments > 0 ? round((cpuSeconds * 1000) / increments, 3) : null,
  };
}

/** Rows of `size` seconds each (the last may be shorter: left out when it is), with the same figures. */
export function windows(rows, size = WINDOW_SECONDS, count = WINDOWS) {
  const out = [];
  for (let w = 0; w < count; w++) {
    const part = rows.slice(w * size, (w + 1) * size);
    if (part.length < size) break;
    out.push(total(part, w * size));
  }
  return out;
}

/** The figures over a run of seconds. */
export function total(rows, second = rows[0]?.second ?? 0) {
  const sum = (key) => rows.reduce((s, r) => s + r[key], 0);
  return figures({ second, seconds: rows.length, increments: sum('increments'), commits: sum('commits'), cpuSeconds: sum('cpuSeconds') });
}

/**
 * The end (in seconds of load) of the first span of REACHED_SPAN_SECONDS seconds whose rate is at least `fraction`
 * of `rate`; null when none is.
 */
export function secondsToReach(rows, rate, fraction = WARM_FRACTION, span = REACHED_SPAN_SECONDS) {
  if (!(rate > 0)) return null;
  for (let end = span; end <= rows.length; end++) {
    const part = rows.slice(end - span, end);
    if (part.reduce((s, r) => s + r.increments, 0) / span >= fraction * rate) return end;
  }
  return null;
}

/**
 * What one phase's load saw per second and in total: `servers` are the stack's processes (pid, startedAt, readyAt,
 * logFile), `samples` the sampler's readings, `runs` the writers' records.
 */
export function phaseSeries({ servers, samples, runs, wallMinusMonotonic, seconds }) {
  const t0 = Math.min(...runs.map((r) => r.started));
  const answers = [];
  const firstAnswer = servers.map(() => Infinity);
  for (const r of runs) {
    for (let i = 0; i < r.status.length; i++) {
      if (r.status[i] !== 200) continue;
      const at = r.send[i] + r.latency[i];
      answers.push(at);
      const instance = r.instance[i];
      if (at < firstAnswer[instance]) firstAnswer[instance] = at;
    }
  }
  const cpu = samples.map((s) => ({ t: s.t, value: s.cpu.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) }));
  const perInstanceCommits = servers.map((s) => commitsOf(s.logFile, wallMinusMonotonic));
  const commitTimes = [...new Set(perInstanceCommits.flatMap((list) => list.map((p) => p.t)))].sort((a, b) => a - b);
  const commits = commitTimes.map((t) => ({ t, value: perInstanceCommits.reduce((s, list) => s + (list.length ? valueAt(list, t) : 0), 0) }));
  const whole = Math.max(1, Math.floor(seconds));
  const rows = perSecond({ t0, seconds: whole, answers, cpu, commits });
  return {
    loadStartedAt: t0,
    processes: servers.map((s, i) => ({
      pid: s.pid,
      startToReadyMs: s.startedAt != null && s.readyAt != null ? round(s.readyAt - s.startedAt, 0) : null,
      startToFirstIncrementMs: s.startedAt != null && Number.isFinite(firstAnswer[i]) ? round(firstAnswer[i] - s.startedAt, 0) : null,
      startToLoadMs: s.startedAt != null ? round(t0 - s.startedAt, 0) : null,
    })),
    perSecond: rows,
    windows: windows(rows),
    whole: total(rows),
  };
}

/** The cold phase against the warm one: each window's rate and CPU per commit as a share of the warm run's. */
export function compare(cold, warm) {
  const rate = warm.whole.incrementsPerSecond;
  const perCommit = warm.whole.cpuMsPerCommit;
  return {
    fraction: WARM_FRACTION,
    warmRate: rate,
    warmCores: warm.whole.cpuCores,
    warmCpuMsPerCommit: perCommit,
    warmCpuMsPerIncrement: warm.whole.cpuMsPerIncrement,
    windows: cold.windows.map((w) => ({
      ...w,
      rateOfWarm: rate > 0 ? round(w.incrementsPerSecond / rate, 3) : null,
      cpuPerCommitOfWarm: perCommit > 0 && w.cpuMsPerCommit != null ? round(w.cpuMsPerCommit / perCommit, 3) : null,
    })),
    secondsTo80PercentOfWarm: secondsToReach(cold.perSecond, rate),
  };
}
