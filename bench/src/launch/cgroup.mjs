// --instance-cpus: a cgroup per Standalone with a CFS quota, as an Azure instance has cores of its own. cgroup v2
// (cpu.max) where its cpu controller can be used, else v1 (cpu.cfs_quota_us); neither: a clear error before anything
// starts. The process joins its group before .NET runs (inGroup), so its start-up is held too. Every path is under
// `root` and every file operation goes through `io`, so tests can use a directory made to look like either layout.
import * as fs from 'node:fs';
import path from 'node:path';
import { attempt } from '../system.mjs';

/** The kernel's default CFS period, 100 ms: 0.15 core is 15 ms of CPU per period. */
const PERIOD_US = 100_000;
export const realIo = { exists: fs.existsSync, read: (p) => fs.readFileSync(p, 'utf8'), write: fs.writeFileSync, mkdir: fs.mkdirSync, rmdir: fs.rmdirSync };

/** The quota for `cores` cores per period in µs; the kernel refuses less than 1 ms. */
export const quotaUs = (cores) => Math.max(1000, Math.round(cores * PERIOD_US));
const words = (text) => text.trim().split(/\s+/).filter(Boolean);

/**
 * { kind: 'v2' | 'v1', base: where groups are made }: v2 at root or root/unified with its cpu controller available
 * (enabled for child groups here if need be), else the v1 cpu hierarchy; throws what each lacked when neither.
 */
export function chooseController({ root = '/sys/fs/cgroup', io = realIo } = {}) {
  const tried = [];
  const v2 = [root, path.join(root, 'unified')].find((base) => io.exists(path.join(base, 'cgroup.controllers')));
  const controllers = v2 && io.read(path.join(v2, 'cgroup.controllers')).trim();
  if (!v2) tried.push(`cgroup v2: no cgroup.controllers under ${root} or ${path.join(root, 'unified')}`);
  else if (!words(controllers).includes('cpu')) tried.push(`cgroup v2 at ${v2}: its cpu controller is not available there (cgroup.controllers: '${controllers}')`);
  else {
    try {
      const subtree = path.join(v2, 'cgroup.subtree_control');
      if (!words(io.read(subtree)).includes('cpu')) io.write(subtree, '+cpu');
      return { kind: 'v2', base: v2 };
    } catch (error) {
      tried.push(`cgroup v2 at ${v2}: cannot enable the cpu controller for child groups (${error.code ?? error.message})`);
    }
  }
  const v1 = ['cpu', 'cpu,cpuacct', 'cpuacct,cpu'].map((name) => path.join(root, name)).find((base) => io.exists(path.join(base, 'cpu.cfs_quota_us')));
  if (v1) return { kind: 'v1', base: v1 };
  tried.push(`cgroup v1: no cpu hierarchy with cpu.cfs_quota_us under ${root}`);
  throw new Error(`--instance-cpus needs a cgroup cpu controller this user can write, and there is none: ${tried.join('; ')}. Run as root on Linux with /sys/fs/cgroup mounted read-write, or leave --instance-cpus out.`);
}

/**
 * The groups of one bench run: create(cores) returns { dir, procs, cores, quotaUs, periodUs, kind, remove() };
 * removeAll() removes those left and returns the ones it could not. A process still in a group is moved to the base
 * group first (it is being stopped anyway), which empties the group so that it can be removed synchronously.
 */
export function cpuGroups({ root, io = realIo, prefix = `livecounter-bench-${process.pid}` } = {}) {
  const { kind, base } = chooseController({ root, io });
  const groups = new Set();
  let next = 0;
  const remove = (dir) => {
    groups.delete(dir);
    const procs = path.join(dir, 'cgroup.procs');
    // a pid gone meanwhile cannot be moved, and needs not be
    for (const pid of attempt(() => (io.exists(procs) ? words(io.read(procs)) : [])) ?? []) attempt(() => io.write(path.join(base, 'cgroup.procs'), pid));
    return attempt(() => (io.rmdir(dir), true), () => false);
  };
  return {
    kind,
    base,
    create(cores) {
      if (!(cores > 0)) throw new Error(`a cgroup needs more than 0 cores, not ${cores}`);
      const dir = path.join(base, `${prefix}-${next++}`);
      io.mkdir(dir);
      groups.add(dir);
      const quota = quotaUs(cores);
      try {
        if (kind === 'v2') io.write(path.join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
        else [['cpu.cfs_period_us', PERIOD_US], ['cpu.cfs_quota_us', quota]].forEach(([file, value]) => io.write(path.join(dir, file), String(value)));
      } catch (error) {
        remove(dir);
        throw new Error(`could not set the CPU quota of ${dir} (${error.code ?? error.message})`);
      }
      return { dir, procs: path.join(dir, 'cgroup.procs'), cores, quotaUs: quota, periodUs: PERIOD_US, kind, remove: () => remove(dir) };
    },
    removeAll: () => [...groups].filter((dir) => !remove(dir)),
  };
}

/** `command args…` started in a group: a shell writes its pid to cgroup.procs, then execs the command, which keeps it. */
export const inGroup = (procsFile, command, args) => ({ command: 'sh', args: ['-c', 'echo $$ > "$0" && exec "$@"', procsFile, command, ...args] });
