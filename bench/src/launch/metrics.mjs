// The LiveCounter meter of a Standalone, read from its log: run with --LiveCounter:Metrics=console and
// OTEL_METRIC_EXPORT_INTERVAL, OpenTelemetry's console exporter prints every instrument's cumulative value each
// interval ("Metric Name: …", "Instrumentation scope (Meter):", "\tName: LiveCounter", then per series a
// "(start, end] tags" line and a "Value: n" line, or for a histogram "Value: Sum: s Count: c …" and "(lo,hi]:n"
// bucket lines). What a phase did is the difference between an export before it and one after it. Other meters
// and log lines in between are skipped; a point whose value line is not written yet is not taken.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const METER = 'LiveCounter';
/** How often the bench has the processes export (OTEL_METRIC_EXPORT_INTERVAL). */
export const EXPORT_INTERVAL_MS = 1000;

const METRIC_LINE = /^Metric Name: ([^,]+),/;
const SCOPE_LINE = /^\s+Name: (.+?)\s*$/;
const POINT_LINE = /^\((\S+), (\S+)\]\s?(.*)$/;
const HISTOGRAM_VALUE = /^Value: Sum: (\S+) Count: (\d+)/;
const SUM_VALUE = /^Value: (-?[\d.eE+-]+)\s*$/;
const BUCKET_LINE = /^\((\S+),(\S+)\]:(\d+)$/;

/** Every complete point of every meter in the text: { name, meter, at (ms), tags, value: number | { sum, count, buckets } }. */
function* points(text) {
  const lines = text.split('\n');
  let metric = null;
  for (let i = 0; i < lines.length; i++) {
    const header = METRIC_LINE.exec(lines[i]);
    const scope = SCOPE_LINE.exec(lines[i]);
    const point = BUCKET_LINE.test(lines[i]) ? null : POINT_LINE.exec(lines[i]);
    if (header) metric = { name: header[1], meter: null };
    else if (scope && metric?.meter === null && lines[i - 1]?.startsWith('Instrumentation scope')) metric.meter = scope[1];
    if (!metric || !point || !Number.isFinite(Date.parse(point[2]))) continue;
    const [sum, histogram] = [SUM_VALUE.exec(lines[i + 1] ?? ''), HISTOGRAM_VALUE.exec(lines[i + 1] ?? '')];
    let value = sum ? Number(sum[1]) : null;
    if (histogram) {
      const buckets = [];
      for (let j = i + 2, b; (b = BUCKET_LINE.exec(lines[j] ?? '')); j++) buckets.push({ to: b[2], count: Number(b[3]) });
      value = { sum: Number(histogram[1]), count: Number(histogram[2]), buckets };
    }
    const tags = Object.fromEntries([...point[3].matchAll(/(\S+): (\S+)/g)].map((m) => [m[1], m[2]]));
    if (value !== null) yield { ...metric, at: Date.parse(point[2]), tags, value };
  }
}

/**
 * The latest point of every series of the meter, keyed name + tags as JSON, as { name, tags, at, value }; and the time
 * of the latest export of any meter (so an export after a moment can be waited for before the meter has a point).
 */
export function parseExports(text, meter = METER) {
  const series = new Map();
  let lastExportAt = 0;
  for (const { meter: of, ...p } of points(text)) {
    lastExportAt = Math.max(lastExportAt, p.at);
    if (of === meter) series.set(`${p.name}${Object.keys(p.tags).length ? JSON.stringify(p.tags) : ''}`, p);
  }
  return { series, lastExportAt };
}

/** Waits until the log holds an export later than `afterMs` (wall clock), then returns the latest of every series. */
export async function snapshotAfter(logFile, afterMs, { timeoutMs = 5 * EXPORT_INTERVAL_MS + 5000 } = {}) {
  for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
    const parsed = existsSync(logFile) ? parseExports(readFileSync(logFile, 'utf8')) : { lastExportAt: 0 };
    if (parsed.lastExportAt > afterMs) return parsed.series;
    if (Date.now() > deadline) throw new Error(`no metrics export after ${new Date(afterMs).toISOString()} in ${logFile} within ${timeoutMs / 1000} s`);
  }
}

/** What happened between two snapshots: per series the difference (histograms: of sum, count and each bucket). */
export function between(before, after) {
  const delta = new Map();
  for (const [key, { name, tags, value }] of after) {
    const was = before.get(key)?.value;
    const buckets = value.buckets?.map((b, i) => ({ to: b.to, count: b.count - (was?.buckets[i]?.count ?? 0) }));
    const moved = typeof value === 'number' ? value - (was ?? 0) : { sum: value.sum - (was?.sum ?? 0), count: value.count - (was?.count ?? 0), buckets };
    delta.set(key, { name, tags, value: moved });
  }
  return delta;
}

/** The figures the hot scenario reports per instance, from a delta of the meter. */
export function summarizeMeter(delta) {
  const of = (name) => [...delta.values()].filter((p) => p.name === `livecounter.${name}`);
  const sumOf = (name) => of(name).reduce((s, p) => s + p.value, 0);
  const byReason = (name) => of(name).reduce((r, p) => (p.value ? { ...r, [p.tags.reason ?? '(none)']: (r[p.tags.reason ?? '(none)'] ?? 0) + p.value } : r), {});
  const batch = of('batch.size')[0]?.value;
  return {
    ...Object.fromEntries(['increments', 'commits', 'replays', 'conflicts'].map((name) => [name, sumOf(name)])),
    retries: byReason('retries'),
    unavailable: byReason('unavailable'),
    batchSize: batch?.count > 0 ? { commits: batch.count, increments: batch.sum, mean: batch.sum / batch.count, buckets: batch.buckets.filter((b) => b.count > 0) } : null,
  };
}

/**
 * One counter of the meter over time: per export, its time (ms) and the counter's cumulative value summed over its
 * series, in time order. Exports before its first point are absent (the exporter writes an instrument once it has
 * a value): a reader takes the value before as 0.
 */
export function exportHistory(text, name, meter = METER) {
  const totals = new Map();
  for (const p of points(text)) if (p.name === name && p.meter === meter && typeof p.value === 'number') totals.set(p.at, (totals.get(p.at) ?? 0) + p.value);
  return [...totals].map(([at, value]) => ({ at, value })).sort((a, b) => a.at - b.at);
}
