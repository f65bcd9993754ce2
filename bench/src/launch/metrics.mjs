// The LiveCounter meter of a Standalone process, read from its log: the bench starts it with
// --LiveCounter:Metrics=console (Standalone/Hosting/MetricsExport.cs: OpenTelemetry's console exporter) and
// OTEL_METRIC_EXPORT_INTERVAL, so every interval the process prints each instrument's cumulative value:
//
//   Metric Name: livecounter.retries, Description: …, Unit: {retry}, Metric Type: LongSum
//   Instrumentation scope (Meter):
//   	Name: LiveCounter
//   (2026-12-02T06:05:48.5832987Z, 2026-12-02T06:05:52.5439788Z] reason: conflict
//   Value: 3
//
// (a histogram's value line is "Value: Sum: 3 Count: 3 Min: 1 Max: 1" followed by one "(lo,hi]:count" line per
// bucket). The values are cumulative since the process started, so what a phase did is the difference between
// the last export before it began and the first export after it ended: snapshotAfter() waits for an export later
// than a given time and returns the latest value of every series. Lines of other meters, and log lines in between,
// are skipped; only complete points (a time line followed by its value line) are taken.
import { readFileSync } from 'node:fs';
import { sleep } from '../stats.mjs';

export const METER = 'LiveCounter';
/** How often the bench has the processes export (OTEL_METRIC_EXPORT_INTERVAL). */
export const EXPORT_INTERVAL_MS = 1000;
const POLL_MS = 100;

const METRIC_LINE = /^Metric Name: ([^,]+),.*Metric Type: (\w+)/;
const SCOPE_LINE = /^\s+Name: (.+?)\s*$/;
const POINT_LINE = /^\((\S+), (\S+)\]\s?(.*)$/;
const HISTOGRAM_VALUE = /^Value: Sum: (\S+) Count: (\d+)(?: Min: (\S+) Max: (\S+))?/;
const SUM_VALUE = /^Value: (-?[\d.eE+-]+)\s*$/;
const BUCKET_LINE = /^\((\S+),(\S+)\]:(\d+)$/;

/** `key: value` pairs of a point's line (tag values here are single words). */
function tagsOf(text) {
  const tags = {};
  for (const match of text.matchAll(/(\S+): (\S+)/g)) tags[match[1]] = match[2];
  return tags;
}

const seriesKey = (name, tags) => `${name}${Object.keys(tags).length ? JSON.stringify(tags) : ''}`;

/**
 * Every point of the meter in a log's text, the latest per series: Map key -> { name, tags, at (ms), value } where
 * value is a number (sums) or { sum, count, buckets: [{ to, count }] } (histograms); and the time of the latest
 * export of any meter (so an export after a moment can be waited for even before the meter has a point).
 */
export function parseExports(text, meter = METER) {
  const series = new Map();
  let lastExportAt = 0;
  let metric = null; // { name, type, meter }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const header = METRIC_LINE.exec(line);
    if (header) {
      metric = { name: header[1], type: header[2], meter: null };
      continue;
    }
    if (!metric) continue;
    const scope = SCOPE_LINE.exec(line);
    if (scope && metric.meter === null && lines[i - 1]?.startsWith('Instrumentation scope')) {
      metric.meter = scope[1];
      continue;
    }
    const point = POINT_LINE.exec(line);
    if (!point || BUCKET_LINE.test(line)) continue;
    const at = Date.parse(point[2]);
    if (!Number.isFinite(at)) continue;
    const valueLine = lines[i + 1] ?? '';
    let value = null;
    const histogram = HISTOGRAM_VALUE.exec(valueLine);
    if (histogram) {
      const buckets = [];
      for (let j = i + 2; j < lines.length; j++) {
        const bucket = BUCKET_LINE.exec(lines[j]);
        if (!bucket) break;
        buckets.push({ to: bucket[2], count: Number(bucket[3]) });
      }
      value = { sum: Number(histogram[1]), count: Number(histogram[2]), buckets };
    } else {
      const sum = SUM_VALUE.exec(valueLine);
      if (sum) value = Number(sum[1]);
    }
    if (value === null) continue; // the value line has not been written yet
    lastExportAt = Math.max(lastExportAt, at);
    if (metric.meter !== meter) continue;
    const tags = tagsOf(point[3]);
    series.set(seriesKey(metric.name, tags), { name: metric.name, tags, at, value });
  }
  return { series, lastExportAt };
}

/** Waits until the log holds an export later than `afterMs` (wall clock), then returns the latest of every series. */
export async function snapshotAfter(logFile, afterMs, { timeoutMs = 5 * EXPORT_INTERVAL_MS + 5000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let parsed = { series: new Map(), lastExportAt: 0 };
    try {
      parsed = parseExports(readFileSync(logFile, 'utf8'));
    } catch {
      // not written yet
    }
    if (parsed.lastExportAt > afterMs) return parsed.series;
    if (Date.now() > deadline) throw new Error(`no metrics export after ${new Date(afterMs).toISOString()} in ${logFile} within ${timeoutMs / 1000} s`);
    await sleep(POLL_MS);
  }
}

/** What happened between two snapshots: per series the difference (histograms: of sum, count and each bucket). */
export function between(before, after) {
  const delta = new Map();
  for (const [key, point] of after) {
    const earlier = before.get(key)?.value;
    let value;
    if (typeof point.value === 'number') value = point.value - (earlier ?? 0);
    else {
      value = {
        sum: point.value.sum - (earlier?.sum ?? 0),
        count: point.value.count - (earlier?.count ?? 0),
        buckets: point.value.buckets.map((b, i) => ({ to: b.to, count: b.count - (earlier?.buckets[i]?.count ?? 0) })),
      };
    }
    delta.set(key, { name: point.name, tags: point.tags, value });
  }
  return delta;
}

/** The figures the hot scenario reports per instance, from a delta of the LiveCounter meter. */
export function summarizeMeter(delta) {
  const sumOf = (name) => [...delta.values()].filter((p) => p.name === name).reduce((s, p) => s + p.value, 0);
  const byReason = (name) => {
    const reasons = {};
    for (const p of delta.values()) if (p.name === name && p.value) reasons[p.tags.reason ?? '(none)'] = (reasons[p.tags.reason ?? '(none)'] ?? 0) + p.value;
    return reasons;
  };
  const batch = [...delta.values()].find((p) => p.name === 'livecounter.batch.size')?.value ?? null;
  return {
    increments: sumOf('livecounter.increments'),
    commits: sumOf('livecounter.commits'),
    replays: sumOf('livecounter.replays'),
    conflicts: sumOf('livecounter.conflicts'),
    retries: byReason('livecounter.retries'),
    unavailable: byReason('livecounter.unavailable'),
    batchSize: batch && batch.count > 0 ? { commits: batch.count, increments: batch.sum, mean: batch.sum / batch.count, buckets: batch.buckets.filter((b) => b.count > 0) } : null,
  };
}

/**
 * One counter of the meter over time: for every export in the log, its time (ms, wall clock) and the counter's
 * cumulative value summed over its series (tags), in the order written. Exports before the counter's first point
 * are absent (the exporter writes an instrument once it has a value), so a reader takes the value before the first
 * point as 0.
 */
export function exportHistory(text, name, meter = METER) {
  const totals = new Map();
  let metric = null;
  let scope = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const header = METRIC_LINE.exec(line);
    if (header) {
      metric = header[1];
      scope = null;
      continue;
    }
    if (metric !== name) continue;
    const scopeLine = SCOPE_LINE.exec(line);
    if (scopeLine && scope === null && lines[i - 1]?.startsWith('Instrumentation scope')) {
      scope = scopeLine[1];
      continue;
    }
    if (scope !== meter) continue;
    const point = POINT_LINE.exec(line);
    if (!point || BUCKET_LINE.test(line)) continue;
    const at = Date.parse(point[2]);
    const value = SUM_VALUE.exec(lines[i + 1] ?? '');
    if (!Number.isFinite(at) || !value) continue;
    totals.set(at, (totals.get(at) ?? 0) + Number(value[1]));
  }
  return [...totals].map(([at, value]) => ({ at, value })).sort((a, b) => a.at - b.at);
}
