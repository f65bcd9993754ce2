// Small numeric helpers: a growable typed array, percentiles, and formatting for the table.

/** The one clock of the bench: CLOCK_MONOTONIC in milliseconds. Linux shares it between processes, so a
 *  send time taken in one process and a receipt time taken in another are directly comparable. */
export const now = () => Number(process.hrtime.bigint()) / 1e6;

export class Growable {
  constructor(Type = Float64Array, capacity = 1024) {
    this.Type = Type;
    this.data = new Type(capacity);
    this.length = 0;
  }

  push(value) {
    if (this.length === this.data.length) {
      const bigger = new this.Type(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** A right-sized copy, cheap to send to another process. */
  toArray() {
    return this.data.slice(0, this.length);
  }

  clear() {
    this.length = 0;
  }
}

/** Nearest-rank percentiles of a list of numbers (milliseconds, usually). */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) {
    return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
  }
  const at = (p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: at(50), p95: at(95), p99: at(99), max: sorted[n - 1], mean: sum / n };
}

export const round = (value, digits = 1) => (value == null ? null : Number(value.toFixed(digits)));

export function ms(value) {
  if (value == null) return 'n/a';
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

export const int = (value) => (value == null ? 'n/a' : Math.round(value).toLocaleString('en-US'));

export function kib(bytes) {
  return bytes == null ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** A plain-text table: first row is the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));

/** Runs fn over items with at most `limit` in flight. */
export async function eachLimited(items, limit, fn) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
}
