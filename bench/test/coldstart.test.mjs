// A fresh process's first seconds (src/coldstart.mjs): the meter's commits over time from the log, the per-second
// and per-5 s figures from answers, CPU readings and commits that do not fall on the seconds, and when the rate
// reached the warm run's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportHistory } from '../src/launch/metrics.mjs';
import { compare, perSecond, secondsToReach, valueAt, windows } from '../src/coldstart.mjs';

const commitsExport = (end, lanes) => `Metric Name: livecounter.commits, Description: Commits that applied a batch of increments of one counter., Unit: {commit}, Metric Type: LongSum
Instrumentation scope (Meter):
	Name: LiveCounter
${lanes.map((value, i) => `(2026-12-02T06:05:48.5832987Z, ${end}] lane: ${i} \nValue: ${value}`).join('\n')}

Metric Name: livecounter.commits, Description: another meter's instrument of the same name, Unit: {commit}, Metric Type: LongSum
Instrumentation scope (Meter):
	Name: Somebody.Else
(2026-12-02T06:05:48.5832987Z, ${end}] 
Value: 1000
`;

test('the commits over time are every export of the LiveCounter meter, summed over the series, in order', () => {
  const text = [commitsExport('2026-12-02T06:05:50.0000000Z', [3, 4]), '06:05:50 info: a log line', commitsExport('2026-12-02T06:05:51.0000000Z', [10, 12])].join('\n');
  assert.deepEqual(exportHistory(text, 'livecounter.commits'), [
    { at: Date.parse('2026-12-02T06:05:50Z'), value: 7 },
    { at: Date.parse('2026-12-02T06:05:51Z'), value: 22 },
  ]);
});

test('a cumulative value between two readings is interpolated, and held at the ends', () => {
  const readings = [{ t: 1000, value: 0 }, { t: 2000, value: 10 }, { t: 4000, value: 30 }];
  assert.equal(valueAt(readings, 1500), 5);
  assert.equal(valueAt(readings, 3000), 20);
  assert.equal(valueAt(readings, 500), 0);
  assert.equal(valueAt(readings, 9000), 30);
  assert.equal(valueAt([], 10), 0);
});

test('each second counts the answers in it and the CPU and commits between its two ends', () => {
  const t0 = 10_000;
  const answers = [t0 + 10, t0 + 500, t0 + 999, t0 + 1000, t0 + 1999, t0 + 2500, t0 - 5];
  // CPU read half-way through the seconds: 0.1 s per second, steadily
  const cpu = [{ t: t0 - 500, value: 1.0 }, { t: t0 + 500, value: 1.1 }, { t: t0 + 1500, value: 1.2 }, { t: t0 + 2500, value: 1.3 }, { t: t0 + 3500, value: 1.4 }];
  const commits = [{ t: t0, value: 0 }, { t: t0 + 1000, value: 2 }, { t: t0 + 2000, value: 4 }, { t: t0 + 3000, value: 5 }];
  const rows = perSecond({ t0, seconds: 3, answers, cpu, commits });
  assert.deepEqual(rows.map((r) => r.increments), [3, 2, 1]);
  assert.deepEqual(rows.map((r) => r.commits), [2, 2, 1]);
  assert.deepEqual(rows.map((r) => r.cpuMsPerCommit), [50, 50, 100]);
  assert.deepEqual(rows.map((r) => r.cpuMsPerIncrement), [33.333, 50, 100]);
});

test('5 s windows add up their seconds, and a window not complete is left out', () => {
  const rows = Array.from({ length: 12 }, (_, s) => ({ second: s, seconds: 1, increments: s < 5 ? 10 : 20, commits: 2, cpuSeconds: 0.1 }));
  const w = windows(rows);
  assert.equal(w.length, 2);
  assert.deepEqual(w.map((x) => [x.second, x.seconds, x.incrementsPerSecond, x.cpuMsPerCommit]), [[0, 5, 10, 50], [5, 5, 20, 50]]);
});

test('warm is reached at the end of the first 2 s that run at 80 % of the warm rate', () => {
  const rows = [10, 50, 70, 90, 85, 100].map((increments, second) => ({ second, increments }));
  assert.equal(secondsToReach(rows, 100), 4); // seconds 2-3: 80/s
  assert.equal(secondsToReach(rows, 200), null);
});

test('each cold window is set against the warm run: its share of the rate and of the CPU per commit', () => {
  const cold = { windows: [{ second: 0, seconds: 5, incrementsPerSecond: 50, cpuMsPerCommit: 6 }], perSecond: [] };
  const warm = { whole: { incrementsPerSecond: 100, cpuMsPerCommit: 3, cpuMsPerIncrement: 0.3, cpuCores: 0.25 } };
  const c = compare(cold, warm);
  assert.equal(c.windows[0].rateOfWarm, 0.5);
  assert.equal(c.windows[0].cpuPerCommitOfWarm, 2);
  assert.equal(c.warmRate, 100);
});
