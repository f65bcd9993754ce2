// The run's pictures (src/charts.mjs): which results they draw, and that Vega renders them to SVG in Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coldStartRows, coldStartSpec, parseSource, runPictures, scaleOutRows, scaleOutSpec, toSvg } from '../src/charts.mjs';

const second = (s, rate, cpu) => ({ second: s, incrementsPerSecond: rate, cpuMsPerCommit: cpu });
const coldRun = { phase: 'cold', series: { perSecond: [second(0, 100, 9), second(1, 300, 4)] } };
const warmRun = { phase: 'warm', series: { perSecond: [second(0, 420, 3), second(1, 410, 3.1)] } };
const hot = (instances, phase, rate, extra = {}) => ({ instances, variant: { instances }, phase, incrementsPerSecond: rate, writers: 16 * instances, exact: true, increments: { s503: 0 }, ...extra });

test('the cold-start curve has one line per phase, each second at its end', () => {
  const rows = coldStartRows([coldRun, warmRun, { phase: null }], 'after');
  assert.deepEqual(
    rows.map((r) => [r.run, r.second, r.rate, r.cpuPerCommit]),
    [
      ['after, cold (fresh process)', 1, 100, 9],
      ['after, cold (fresh process)', 2, 300, 4],
      ['after, warm (same process, after)', 1, 420, 3],
      ['after, warm (same process, after)', 2, 410, 3.1],
    ],
  );
});

test('the scale-out figure takes the hot results run on N instances, named by their CPU and crowd', () => {
  const results = [hot(1, 'cold', 90, { instanceCpus: 0.15 }), hot(1, 'warm', 96, { instanceCpus: 0.15 }), hot(4, 'warm', 389, { instanceCpus: 0.15 }), { instances: 1, variant: { instances: null }, incrementsPerSecond: 1 }];
  const rows = scaleOutRows(results, { writersPerInstance: 16 });
  assert.deepEqual(
    rows.map((r) => [r.way, r.phase, r.instances, r.rate]),
    [
      ['0.15 core each, 16 writers per instance', 'dashed: cold (the first 30 s of fresh processes)', 1, 90],
      ['0.15 core each, 16 writers per instance', 'solid: warm', 1, 96],
      ['0.15 core each, 16 writers per instance', 'solid: warm', 4, 389],
    ],
  );
  assert.equal(scaleOutRows([hot(4, null, 300)], {})[0].way, 'shared cores, 64 writers in all');
});

test('Vega renders both pictures to SVG without a browser', async () => {
  const cold = await toSvg(coldStartSpec(coldStartRows([coldRun, warmRun])));
  assert.match(cold, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(cold, /server CPU per commit, ms/);
  assert.match(cold, /cold \(fresh process\)/);
  const scale = await toSvg(scaleOutSpec(scaleOutRows([hot(1, 'warm', 96), hot(4, 'warm', 389)], {})));
  assert.match(scale, /instances \(Standalone processes\)/);
  assert.match(scale, />389</);
});

test('a run draws the cold-start curve when it has series, and the scale-out figure with two numbers of instances or more', async () => {
  const both = await runPictures({ options: {}, results: { hot: [{ ...coldRun, ...hot(1, 'cold', 100) }, hot(4, 'warm', 380)] } }, 'T');
  assert.deepEqual(Object.keys(both), ['T-cold-start.svg', 'T-scale-out.svg']);
  const none = await runPictures({ options: {}, results: { hot: [hot(4, 'warm', 380)] } }, 'T');
  assert.deepEqual(Object.keys(none), []);
});

test('a source is a file, optionally labelled and limited to one phase', () => {
  assert.deepEqual(parseSource('before, 0.25 core=a/b.json#cold'), { label: 'before, 0.25 core', file: 'a/b.json', phase: 'cold' });
  assert.deepEqual(parseSource('a/b.json'), { label: '', file: 'a/b.json', phase: null });
  assert.throws(() => parseSource('x=a.json#hot'), /#cold or #warm/);
});
