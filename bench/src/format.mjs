// Cells the scenario tables share.
import { NOISE_MIN_SECONDS, isNoisy } from './system.mjs';

export function cpuCell(cpu) {
  if (!cpu) return 'n/a';
  if (cpu.serverCores == null) return `bench ${cpu.generatorCores} (busiest ${cpu.busiestBenchProcessCores}) / server and other ${cpu.otherCores}`;
  const noisy = isNoisy(cpu) ? ' NOISY' : cpu.seconds < NOISE_MIN_SECONDS ? ' (too short to judge)' : '';
  const store = (cpu.storeCores == null ? '' : ` / store ${cpu.storeCores}`) + (cpu.backplaneCores == null ? '' : ` / redis ${cpu.backplaneCores}`);
  const each = cpu.serverCoresPerInstance ? ` (${cpu.serverCoresPerInstance.join(' + ')})` : '';
  return `server ${cpu.serverCores}${each}${store} / bench ${cpu.generatorCores} (busiest ${cpu.busiestBenchProcessCores}) / other ${cpu.otherCores}${noisy}`;
}

export const verdict = (meets) => (meets == null ? '' : meets ? 'met' : 'MISSED');

export const yesNo = (ok) => (ok ? 'yes' : 'NO');
