// CPU of its own for each Standalone (--instance-cpus): a cgroup per process with a CFS quota, as an instance in
// Azure has cores of its own. cgroup v2 (`cpu.max`) where its cpu controller can be used, else cgroup v1
// (`cpu.cfs_quota_us` / `cpu.cfs_period_us` in the cpu hierarchy); neither: a clear error before anything starts.
//
// The process is put in its group before it runs a single instruction of .NET: it is started as
// `sh -c 'echo $$ > <group>/cgroup.procs && exec dotnet …'` (exec keeps the pid), so its start-up is held too.
// Groups are named livecounter-bench-<bench pid>-<n> and removed at the end (stack.stop, also on Ctrl-C and
// SIGTERM); on an exit of any other kind the remaining processes are moved back to the hierarchy's root group,
// which empties the groups so that they can be removed synchronously.
//
// Every path is under `root` (/sys/fs/cgroup) and every file operation goes through `io`, so that the choice and
// the files written can be tested on a directory made to look like either hierarchy.
import * as fs from 'node:fs';
import path from 'node:path';

export const CGROUP_ROOT = '/sys/fs/cgroup';
/** The CFS period: 100 ms, the kernel's default; a quota of 0.15 core is then 15 ms of CPU per 100 ms. */
export const PERIOD_US = 100_000;
/** The kernel refuses quotas under 1 ms. */
const MIN_QUOTA_US = 1000;

export const realIo = {
  exists: (p) => fs.existsSync(p),
  read: (p) => fs.readFileSync(p, 'utf8'),
  write: (p, text) => fs.writeFileSync(p, text),
  mkdir: (p) => fs.mkdirSync(p),
  rmdir: (p) => fs.rmdirSync(p),
};

/** The quota for `cores` cores per PERIOD_US, in µs. */
export function quotaUs(cores) {
  return Math.max(MIN_QUOTA_US, Math.round(cores * PERIOD_US));
}

const words = (text) => text.trim().split(/\s+/).filter(Boolean);

/** Where the v2 hierarchy is mounted: the root itself (v2 only), or root/unified (the hybrid layout); null when absent. */
function unifiedBase(root, io) {
  for (const base of [root, path.join(root, 'unified')]) if (io.exists(path.join(base, 'cgroup.controllers'))) return base;
  return null;
}

/** The v1 cpu hierarchy: root/cpu, or root/cpu,cpuacct where the two are mounted together; null when absent. */
function v1Base(root, io) {
  for (const name of ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']) {
    const base = path.join(root, name);
    if (io.exists(path.join(base, 'cpu.cfs_quota_us'))) return base;
  }
  return null;
}

/**
 * Which controller holds the processes: { kind: 'v2' | 'v1', base } where base is the directory the groups are made
 * in. Tries v2 first (its cpu controller available and enabled for children, or enabled here by writing `+cpu` to
 * the base's cgroup.subtree_control), then v1; throws an Error naming what each lacked when neither can be used.
 */
export function chooseController({ root = CGROUP_ROOT, io = realIo } = {}) {
  const tried = [];
  const v2 = unifiedBase(root, io);
  if (!v2) tried.push(`cgroup v2: no cgroup.controllers under ${root} or ${path.join(root, 'unified')}`);
  else if (!words(io.read(path.join(v2, 'cgroup.controllers'))).includes('cpu')) {
    tried.push(`cgroup v2 at ${v2}: its cpu controller is not available there (cgroup.controllers: '${io.read(path.join(v2, 'cgroup.controllers')).trim()}')`);
  } else {
    const subtree = path.join(v2, 'cgroup.subtree_control');
    try {
      if (!words(io.read(subtree)).includes('cpu')) io.write(subtree, '+cpu');
      return { kind: 'v2', base: v2 };
    } catch (error) {
      tried.push(`cgroup v2 at ${v2}: cannot enable the cpu controller for child groups (${error.code ?? error.message})`);
    }
  }
  const v1 = v1Base(root, io);
  if (v1) return { kind: 'v1', base: v1 };
  tried.push(`cgroup v1: no cpu hierarchy with cpu.cfs_quota_us under ${root}`);
  throw new Error(`--instance-cpus needs a cgroup cpu controller this user can write, and there is none: ${tried.join('; ')}. Run as root on Linux with /sys/fs/cgroup mounted read-write, or leave --instance-cpus out.`);
}

/**
 * The groups of one bench run. create(cores) makes a group holding its processes to `cores` cores and returns
 * { dir, procs (the cgroup.procs file to write a pid to), cores, quotaUs, periodUs, kind, remove() }; removeAll()
 * removes those not removed yet. Removing moves any process still in a group to the base group first.
 */
export function cpuGroups({ root = CGROUP_ROOT, io = realIo, prefix = `livecounter-bench-${process.pid}` } = {}) {
  const controller = chooseController({ root, io });
  const groups = [];
  let next = 0;
  return {
    kind: controller.kind,
    base: controller.base,
    create(cores) {
      if (!(cores > 0)) throw new Error(`a cgroup needs more than 0 cores, not ${cores}`);
      const dir = path.join(controller.base, `${prefix}-${next++}`);
      io.mkdir(dir);
      groups.push(dir);
      const quota = quotaUs(cores);
      try {
        if (controller.kind === 'v2') io.write(path.join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
        else {
          io.write(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
          io.write(path.join(dir, 'cpu.cfs_quota_us'), String(quota));
        }
      } catch (error) {
        remove(dir);
        throw new Error(`could not set the CPU quota of ${dir} (${error.code ?? error.message})`);
      }
      return {
        dir,
        procs: path.join(dir, 'cgroup.procs'),
        cores,
        quotaUs: quota,
        periodUs: PERIOD_US,
        kind: controller.kind,
        /** Removes this group (its processes stopped, or moved to the base group); false when it could not be. */
        remove() {
          const at = groups.indexOf(dir);
          if (at >= 0) groups.splice(at, 1);
          return remove(dir);
        },
      };
    },
    /** Removes every group made here; a process still in one is moved to the base group (it is being stopped anyway). */
    removeAll() {
      const failed = [];
      for (const dir of groups.splice(0)) if (!remove(dir)) failed.push(dir);
      return failed;
    },
  };

  function remove(dir) {
    try {
      const procs = path.join(dir, 'cgroup.procs');
      const pids = io.exists(procs) ? words(io.read(procs)) : [];
      for (const pid of pids) {
        try {
          io.write(path.join(controller.base, 'cgroup.procs'), pid);
        } catch {
          // gone meanwhile
        }
      }
      io.rmdir(dir);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * The command that starts `command args…` inside a group: a shell writes its own pid to the group's cgroup.procs,
 * then execs the command, which keeps that pid (so the caller's child pid is the server's).
 */
export function inGroup(procsFile, command, args) {
  return { command: 'sh', args: ['-c', 'echo $$ > "$0" && exec "$@"', procsFile, command, ...args] };
}
