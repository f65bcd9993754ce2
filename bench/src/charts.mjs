// Pictures of a run, as SVG files: Vega-Lite specifications compiled to Vega and rendered by Vega's headless View
// (no browser, no canvas: text is measured by estimate, which is why the fonts are plain sans-serif).
// - the cold-start curve (--cold-start): increments/s and server CPU per commit, second by second over the load,
//   of each phase (a fresh process, and the same process warm after it) or of several runs side by side;
// - the scale-out figure (--instances): increments/s against the number of instances, one line per way of running
//   (a fixed crowd on shared cores, a crowd growing with instances of their own), warm and cold.
//
// main.mjs writes the run's own pictures to bench/results/; as a command it draws several result files on one
// picture (the before/after figures of docs/performance.md):
//   node bench/src/charts.mjs cold-start --out docs/x.svg 'before, 0.25 core=bench/results/a.json' 'after=…b.json#cold'
//   node bench/src/charts.mjs scale-out --out docs/y.svg bench/results/c.json bench/results/d.json
// A file's label is what stands before '='; '#cold' or '#warm' takes one phase of a cold-start run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const WIDTH = 560;
const HEIGHT = 190;
const FONT = 'sans-serif';

const config = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'vertical', labelLimit: 0 },
  title: { fontSize: 14, anchor: 'start' },
};

/** A Vega-Lite specification rendered to an SVG document. */
export async function toSvg(spec) {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** The phase label of a hot result (cold: a fresh process; warm: the same processes after a warm-up). */
const phaseName = (h) => (h.phase === 'cold' ? 'cold (fresh process)' : 'warm (same process, after)');

/**
 * The cold-start picture's rows from hot results that carry per-second series: [{ run, second, rate, cpuPerCommit }],
 * `run` being `label` and the phase.
 */
export function coldStartRows(results, label = '') {
  return results
    .filter((h) => h.series?.perSecond)
    .flatMap((h) => {
      const run = [label, phaseName(h)].filter(Boolean).join(', ');
      return h.series.perSecond.map((s) => ({ run, second: s.second + 1, rate: s.incrementsPerSecond, cpuPerCommit: s.cpuMsPerCommit }));
    });
}

export function coldStartSpec(rows, { title = 'A fresh Standalone, second by second' } = {}) {
  const color = { field: 'run', type: 'nominal', title: null, sort: null };
  const x = { field: 'second', type: 'quantitative', title: 'seconds of load (from the first increment sent)', axis: { tickMinStep: 5 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config,
    data: { values: rows },
    vconcat: [
      {
        width: WIDTH,
        height: HEIGHT,
        mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.5 },
        encoding: { x: { ...x, title: null }, y: { field: 'rate', type: 'quantitative', title: 'increments/s' }, color },
      },
      {
        width: WIDTH,
        height: HEIGHT,
        transform: [{ filter: 'datum.cpuPerCommit != null' }],
        mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.5 },
        encoding: { x, y: { field: 'cpuPerCommit', type: 'quantitative', title: 'server CPU per commit, ms', scale: { zero: true } }, color },
      },
    ],
  };
}

/** How a hot result's instances were run: their CPU and their crowd. */
export function wayOf(h, options = {}) {
  const cores = h.instanceCpus ?? options.instanceCpus ?? null;
  const perInstance = options.writersPerInstance ?? null;
  const cpu = cores != null ? `${cores} core each` : 'shared cores';
  const crowd = perInstance != null ? `${perInstance} writers per instance` : `${h.writers} writers in all`;
  return `${cpu}, ${crowd}`;
}

/** The scale-out picture's rows from a run's hot results: [{ way, phase, instances, rate, exact, s503 }]. */
export function scaleOutRows(results, options = {}, label = '') {
  return results
    .filter((h) => h.instances != null && h.variant?.instances != null && !h.stuck)
    .map((h) => ({
      way: label || wayOf(h, options),
      phase: h.phase === 'cold' ? 'dashed: cold (the first 30 s of fresh processes)' : 'solid: warm',
      instances: h.instances,
      rate: h.incrementsPerSecond,
      exact: h.exact,
      s503: h.increments.s503,
    }));
}

export function scaleOutSpec(rows, { title = 'Increments/s on one hot counter against the number of instances' } = {}) {
  const instances = [...new Set(rows.map((r) => r.instances))].sort((a, b) => a - b);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config,
    width: WIDTH,
    height: 260,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'line', point: { size: 50, filled: true }, strokeWidth: 2 },
        encoding: {
          x: { field: 'instances', type: 'quantitative', title: 'instances (Standalone processes)', scale: { domain: [0, Math.max(...instances) + 0.5] }, axis: { values: instances, format: 'd' } },
          y: { field: 'rate', type: 'quantitative', title: 'increments/s', scale: { zero: true } },
          color: { field: 'way', type: 'nominal', title: null },
          strokeDash: { field: 'phase', type: 'nominal', title: null, sort: ['solid: warm'], legend: { symbolType: 'stroke', symbolStrokeColor: '#555', symbolStrokeWidth: 2, symbolSize: 400 } },
        },
      },
      {
        // the warm rates written beside their points (the cold ones would overlap them)
        transform: [{ filter: "datum.phase === 'solid: warm'" }],
        mark: { type: 'text', dx: 8, align: 'left', fontSize: 11, font: FONT },
        encoding: {
          x: { field: 'instances', type: 'quantitative' },
          y: { field: 'rate', type: 'quantitative' },
          text: { field: 'rate', type: 'quantitative', format: ',.0f' },
          color: { field: 'way', type: 'nominal' },
        },
      },
    ],
  };
}

/**
 * The run's own pictures: { file: svg text } for those its results can draw (the cold-start curve with --cold-start,
 * the scale-out figure with two numbers of instances or more).
 */
export async function runPictures(report, stamp) {
  const hot = report.results?.hot ?? [];
  const pictures = {};
  const cold = coldStartRows(hot);
  if (cold.length) pictures[`${stamp}-cold-start.svg`] = await toSvg(coldStartSpec(cold, { title: `A fresh Standalone, second by second${instanceNote(report.options)}` }));
  const scale = scaleOutRows(hot, report.options);
  if (new Set(scale.map((r) => r.instances)).size > 1) pictures[`${stamp}-scale-out.svg`] = await toSvg(scaleOutSpec(scale));
  return pictures;
}

const instanceNote = (options) => (options?.instanceCpus != null ? ` (held to ${options.instanceCpus} core)` : ' (unthrottled)');

/** 'label=file#phase' → { label, file, phase }. */
export function parseSource(text) {
  const eq = text.indexOf('=');
  const label = eq > 0 ? text.slice(0, eq) : '';
  const rest = eq > 0 ? text.slice(eq + 1) : text;
  const hash = rest.lastIndexOf('#');
  const phase = hash > 0 ? rest.slice(hash + 1) : null;
  if (phase != null && !['cold', 'warm'].includes(phase)) throw new Error(`'#${phase}': a phase is #cold or #warm`);
  return { label, file: hash > 0 ? rest.slice(0, hash) : rest, phase };
}

async function main(argv) {
  const [kind, ...rest] = argv;
  const outAt = rest.indexOf('--out');
  if (!['cold-start', 'scale-out'].includes(kind) || outAt < 0 || !rest[outAt + 1]) {
    console.error('usage: node bench/src/charts.mjs cold-start|scale-out --out <file.svg> [--title <text>] [label=]<results.json>[#cold|#warm] ...');
    return 2;
  }
  const out = rest[outAt + 1];
  const titleAt = rest.indexOf('--title');
  const title = titleAt >= 0 ? rest[titleAt + 1] : undefined;
  const sources = rest.filter((_, i) => ![outAt, outAt + 1, titleAt, titleAt + 1].includes(i)).map(parseSource);
  const rows = sources.flatMap(({ label, file, phase }) => {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const hot = (report.results?.hot ?? []).filter((h) => phase == null || h.phase === phase);
    return kind === 'cold-start' ? coldStartRows(hot, label) : scaleOutRows(hot, report.options, label);
  });
  if (!rows.length) {
    console.error(`charts: nothing to draw: the files hold no ${kind === 'cold-start' ? '--cold-start series' : 'hot results with --instances'}`);
    return 1;
  }
  const spec = kind === 'cold-start' ? coldStartSpec(rows, title ? { title } : {}) : scaleOutSpec(rows, title ? { title } : {});
  writeFileSync(out, await toSvg(spec));
  console.log(`charts: ${out}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
