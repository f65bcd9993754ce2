// Numbers shared by the bench and its workers: the clock, columns of numbers, percentiles, table cells.
import hdr from 'hdr-histogram-js';
import pLimit from 'p-limit';

/** CLOCK_MONOTONIC in ms: Linux shares it between processes, so a send time in one and a receipt in another compare. */
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Named columns of numbers ({ name: TypedArray }): arrays while recording; `typed` hands them over as typed arrays,
 *  compact between processes. */
export const columns = (spec) => Object.fromEntries(Object.keys(spec).map((k) => [k, []]));
export const typed = (spec, cols) => Object.fromEntries(Object.entries(spec).map(([k, Type]) => [k, Type.from(cols[k])]));

/** Percentiles (3 significant digits, integers below 2048 exact) of values in ms or counts; µs kept, negatives shifted. */
export function summarize(values) {
  if (!values.length) return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
  let [low, sum, max, ints] = [0, 0, -Infinity, true];
  for (const v of values) [low, sum, max, ints] = [Math.min(low, v), sum + v, Math.max(max, v), ints && Number.isInteger(v)];
  const h = hdr.build({ numberOfSignificantValueDigits: 3 });
  const scale = ints ? 1 : 1000;
  for (const v of values) h.recordValue(Math.round((v - low) * scale));
  const at = (p) => Math.min(max, h.getValueAtPercentile(p) / scale + low);
  return { count: values.length, p50: at(50), p95: at(95), p99: at(99), max, mean: sum / values.length };
}

export const round = (value, digits = 1) => (value == null ? null : Number(value.toFixed(digits)));
export const ms = (v) => (v == null ? 'n/a' : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ms`);
export const int = (value) => (value == null ? 'n/a' : Math.round(value).toLocaleString('en-US'));
export const kib = (bytes) => (bytes == null ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`);
export const mib = (bytes) => (bytes == null ? 'n/a' : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);
export const fixed = (x, digits) => (x == null ? 'n/a' : x.toFixed(digits));
export const yesNo = (ok) => (ok ? 'yes' : 'NO');
export const verdict = (meets) => (meets == null ? '' : meets ? 'met' : 'MISSED');

/** A plain-text table: the first row is the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));

/** Runs fn over items with at most `limit` in flight. */
export function eachLimited(items, limit, fn) {
  const limited = pLimit(limit);
  return Promise.all(Array.from(items, (item, i) => limited(() => fn(item, i))));
}
