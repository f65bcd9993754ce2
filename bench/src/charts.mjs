// Pictures of a run as SVG: Vega-Lite compiled to Vega, rendered by Vega's headless View (no browser, no canvas:
// text is measured by estimate, hence plain sans-serif): the cold-start curve (--cold-start: increments/s and server
// CPU per commit, second by second, per phase or per run) and the scale-out figure (--instances: increments/s against
// instances, one line per way of running, warm solid and cold dashed). As a command it draws several result files on
// one picture (docs/performance.md; usage in bench/README.md): [label=]<file>[#cold|#warm] ...
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const [WIDTH, FONT, WARM] = [560, 'sans-serif', 'solid: warm'];
const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  config: { font: FONT, view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' }, legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'vertical', labelLimit: 0 }, title: { fontSize: 14, anchor: 'start' } },
};
const quantity = (field, title, more = {}) => ({ field, type: 'quantitative', title, ...more });

/** A Vega-Lite specification rendered to an SVG document. */
export async function toSvg(spec) {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** The cold-start picture's rows from hot results with per-second series: [{ run, second, rate, cpuPerCommit }], `run` being label and phase. */
export function coldStartRows(results, label = '') {
  return results.filter((h) => h.series?.perSecond).flatMap((h) => {
    const run = [label, h.phase === 'cold' ? 'cold (fresh process)' : 'warm (same process, after)'].filter(Boolean).join(', ');
    return h.series.perSecond.map((s) => ({ run, second: s.second + 1, rate: s.incrementsPerSecond, cpuPerCommit: s.cpuMsPerCommit }));
  });
}

export function coldStartSpec(rows, { title = 'A fresh Standalone, second by second' } = {}) {
  const [color, x] = [{ field: 'run', type: 'nominal', title: null, sort: null }, quantity('second', 'seconds of load (from the first increment sent)', { axis: { tickMinStep: 5 } })];
  const panel = (more, encoding) => ({ width: WIDTH, height: 190, mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.5 }, ...more, encoding: { ...encoding, color } });
  return {
    ...base, title, data: { values: rows },
    vconcat: [
      panel({}, { x: { ...x, title: null }, y: quantity('rate', 'increments/s') }),
      panel({ transform: [{ filter: 'datum.cpuPerCommit != null' }] }, { x, y: quantity('cpuPerCommit', 'server CPU per commit, ms', { scale: { zero: true } }) }),
    ],
  };
}

/** How a hot result's instances were run: their CPU and their crowd. */
export function wayOf(h, options = {}) {
  const cores = h.instanceCpus ?? options.instanceCpus ?? null;
  return `${cores != null ? `${cores} core each` : 'shared cores'}, ${options.writersPerInstance != null ? `${options.writersPerInstance} writers per instance` : `${h.writers} writers in all`}`;
}

/** The scale-out picture's rows from a run's hot results: [{ way, phase, instances, rate, exact, s503 }]. */
export function scaleOutRows(results, options = {}, label = '') {
  return results.filter((h) => h.instances != null && h.variant?.instances != null && !h.stuck).map((h) => ({
    way: label || wayOf(h, options), phase: h.phase === 'cold' ? 'dashed: cold (the first 30 s of fresh processes)' : WARM, instances: h.instances, rate: h.incrementsPerSecond, exact: h.exact, s503: h.increments.s503,
  }));
}

export function scaleOutSpec(rows, { title = 'Increments/s on one hot counter against the number of instances' } = {}) {
  const instances = [...new Set(rows.map((r) => r.instances))].sort((a, b) => a - b);
  const [x, y, color] = [quantity('instances'), quantity('rate'), { field: 'way', type: 'nominal' }];
  return {
    ...base, title, width: WIDTH, height: 260, data: { values: rows },
    layer: [
      {
        mark: { type: 'line', point: { size: 50, filled: true }, strokeWidth: 2 },
        encoding: {
          x: { ...x, title: 'instances (Standalone processes)', scale: { domain: [0, Math.max(...instances) + 0.5] }, axis: { values: instances, format: 'd' } },
          y: { ...y, title: 'increments/s', scale: { zero: true } }, color: { ...color, title: null },
          strokeDash: { field: 'phase', type: 'nominal', title: null, sort: [WARM], legend: { symbolType: 'stroke', symbolStrokeColor: '#555', symbolStrokeWidth: 2, symbolSize: 400 } },
        },
      },
      // the warm rates written beside their points (the cold ones would overlap them)
      { transform: [{ filter: `datum.phase === '${WARM}'` }], mark: { type: 'text', dx: 8, align: 'left', fontSize: 11, font: FONT }, encoding: { x, y, color, text: quantity('rate', undefined, { format: ',.0f' }) } },
    ],
  };
}

/** The run's own pictures, { file: svg }: the cold-start curve with --cold-start, the scale-out figure with two numbers of instances or more. */
export async function runPictures(report, stamp) {
  const hot = report.results?.hot ?? [];
  const pictures = {};
  const cold = coldStartRows(hot);
  if (cold.length) pictures[`${stamp}-cold-start.svg`] = await toSvg(coldStartSpec(cold, { title: `A fresh Standalone, second by second${report.options?.instanceCpus != null ? ` (held to ${report.options.instanceCpus} core)` : ' (unthrottled)'}` }));
  const scale = scaleOutRows(hot, report.options);
  if (new Set(scale.map((r) => r.instances)).size > 1) pictures[`${stamp}-scale-out.svg`] = await toSvg(scaleOutSpec(scale));
  return pictures;
}

/** 'label=file#phase' → { label, file, phase }. */
export function parseSource(text) {
  const [, label = '', file, phase = null] = text.match(/^(?:([^=]+)=)?(.+?)(?:#([^#]*))?$/);
  if (phase != null && !['cold', 'warm'].includes(phase)) throw new Error(`'#${phase}': a phase is #cold or #warm`);
  return { label, file, phase };
}

async function main(argv) {
  const p = new Command('charts.mjs').argument('<kind>', 'cold-start or scale-out').argument('<sources...>', '[label=]<results.json>[#cold|#warm]').requiredOption('--out <file.svg>').option('--title <text>').exitOverride();
  try {
    p.parse(argv, { from: 'user' });
  } catch (error) {
    return error.exitCode === 0 ? 0 : 2; // commander has printed the help or the error
  }
  const [kind, sources] = p.processedArgs;
  const { out, title } = p.opts();
  if (!['cold-start', 'scale-out'].includes(kind)) return console.error(`charts: the kind is cold-start or scale-out, not '${kind}'`) ?? 2;
  const rows = sources.map(parseSource).flatMap(({ label, file, phase }) => {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const hot = (report.results?.hot ?? []).filter((h) => phase == null || h.phase === phase);
    return kind === 'cold-start' ? coldStartRows(hot, label) : scaleOutRows(hot, report.options, label);
  });
  if (!rows.length) return console.error(`charts: nothing to draw: the files hold no ${kind === 'cold-start' ? '--cold-start series' : 'hot results with --instances'}`) ?? 1;
  writeFileSync(out, await toSvg((kind === 'cold-start' ? coldStartSpec : scaleOutSpec)(rows, title ? { title } : {})));
  console.log(`charts: ${out}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
