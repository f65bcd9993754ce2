// The printed report: a header (machine, server, store), one table per scenario, the store proxy's cuts, and the
// failed checks.
import { NOISE_MIN_SECONDS, NOISY_OTHER_CORES } from './system.mjs';
import { int, table } from './stats.mjs';
import * as connections from './scenarios/connections.mjs';
import * as fanout from './scenarios/fanout.mjs';
import * as many from './scenarios/many.mjs';
import * as users from './scenarios/users.mjs';
import * as hot from './scenarios/hot.mjs';
import * as wrk from './scenarios/wrk.mjs';
import * as memory from './scenarios/memory.mjs';

export function describeServer(server) {
  if (!server) return 'an external server (--url): its store and settings are its own';
  const s = server.store;
  let text = s.kind === 'tables' ? `Table store on Azurite ${s.azurite.version} (in memory)` : 'in-memory store';
  if (s.proxy) {
    const parts = [];
    if (s.proxy.latencyMsEachWay > 0) parts.push(`+${s.proxy.latencyMsEachWay} ms each way`);
    if (s.proxy.faultRate > 0) parts.push(`${+(s.proxy.faultRate * 100).toFixed(3)} % of store requests cut`);
    if (s.proxy.partitionLimit > 0) parts.push(`each partition held to ${s.proxy.partitionLimit} entities/s, the rest answered 503 ServerBusy`);
    text += ` through the store proxy (${parts.join(', ')})`;
  }
  const processes = s.instances > 1 ? `${s.instances} Standalone processes on one table` : 'Standalone';
  const backplane = s.backplane ? `, SignalR backplane on Redis (${s.backplane.redis})` : '';
  return `${processes} on the ${text}, group commit ${s.groupCommit ? 'on' : 'off'}${backplane}`;
}

function storeRows(report) {
  const rows = [];
  const add = (label, d) => {
    if (!d) return;
    const sum = (x) => x.transaction + x.read + x.other;
    rows.push([
      label,
      `${int(sum(d.requests))} (${int(d.requests.transaction)} / ${int(d.requests.read)} / ${int(d.requests.other)})`,
      `${int(sum(d.dropped))} (${int(d.dropped.transaction)} / ${int(d.dropped.read)} / ${int(d.dropped.other)})`,
      `${int(sum(d.answersLost))} (${int(d.answersLost.transaction)} / ${int(d.answersLost.read)} / ${int(d.answersLost.other)})`,
      d.limited ? `${int(sum(d.limited))} (${int(d.limited.transaction)} / ${int(d.limited.read)} / ${int(d.limited.other)})` : '0',
    ]);
  };
  const r = report.results;
  (r.fanout ?? []).forEach((f) => add(`fanout ${f.subscribers}@${f.rate}`, f.store));
  add('many', r.many?.store);
  add('users', r.users?.store);
  for (const h of r.hot ?? []) add(h.label ? `hot ${h.label}` : 'hot', h.store);
  for (const h of r.hot ?? []) if (h.storeProxyWholeStack) add(`hot ${h.label}: its stack's whole run`, h.storeProxyWholeStack);
  add('wrk', r.wrk?.store);
  add('whole run (warm-up and bookkeeping included)', report.storeProxy);
  return rows;
}

export function render(report) {
  const r = report.results;
  const out = [];
  out.push(`LiveCounter bench  ${report.startedAt}  ${report.url ?? '(every scenario on servers of its own)'}`);
  out.push(`${report.machine.cores} cores (${report.machine.cpuModel}), ${report.machine.memoryGiB} GiB, .NET SDK ${report.machine.dotnet}, Node ${report.machine.node}, @microsoft/signalr ${report.machine.signalrClient}`);
  if (report.server || !(r.hot?.some((h) => h.server) || r.memory?.server)) out.push(`server: ${describeServer(report.server)}`);
  for (const h of (r.hot ?? []).filter((x) => x.server)) out.push(`server of hot ${h.label}: ${h.server.description}`);
  if (r.memory?.server) out.push(`server of memory: ${r.memory.server.description} (${r.memory.server.command})`);
  out.push(`cpu: cores used in the measured phase by the server${report.options.store === 'tables' ? ' / the store (Azurite and the proxy)' : ''}${report.options.instances != null ? ' / Redis (the backplane)' : ''} / all bench processes (the busiest one: each is one Node thread, 1.0 is its limit) / anything else (NOISY when > ${NOISY_OTHER_CORES} in a phase of ${NOISE_MIN_SECONDS} s or more)`);
  if (r.warmup) {
    const w = r.warmup;
    out.push(`Warm-up: ${w.seconds.toFixed(1)} s of increments, ${w.steady ? 'steady' : 'not yet steady (the machine is drifting, or raise --warmup-seconds)'}; per second: ${w.ratesPerSecond.map(int).join(', ')}`);
  }
  if (report.calibrationMs?.length) {
    const c = report.calibrationMs;
    out.push(`Speed check before each phase (fixed single-thread work, lower is faster): ${Math.min(...c)}-${Math.max(...c)} ms`);
  }
  if (r.hot) out.push('', hot.render(r.hot));
  if (r.wrk) out.push('', wrk.render(r.wrk));
  if (r.fanout?.length) out.push('', fanout.render(r.fanout));
  if (r.many) out.push('', many.render(r.many));
  if (r.connections) out.push('', connections.render(r.connections));
  if (r.users) out.push('', users.render(r.users));
  if (r.memory) out.push('', memory.render(r.memory));
  if (report.storeProxy || r.hot?.some((h) => h.store)) {
    out.push('', table([['store proxy', 'requests (transactions / reads / other)', 'cut before reaching Azurite', 'cut when the answer started (answer lost)', 'answered 503 ServerBusy (--partition-limit)'], ...storeRows(report)]));
  }
  out.push('', report.failures.length ? `CHECKS FAILED:\n  ${report.failures.join('\n  ')}` : 'All exactness, missing and misdelivery checks passed.');
  return out.join('\n');
}
