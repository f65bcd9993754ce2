// --instance-cpus (src/launch/cgroup.mjs): which cgroup controller holds each Standalone, and what is written, on a
// directory made to look like /sys/fs/cgroup of each layout. A real cgroupfs creates a group's files itself and lets
// rmdir remove a group with files in it; the fake's io does the second by removing the directory whole.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chooseController, cpuGroups, inGroup, quotaUs, realIo } from '../src/launch/cgroup.mjs';

const fakeIo = { ...realIo, rmdir: (p) => rmSync(p, { recursive: true }) };

/** A fake /sys/fs/cgroup: files given as { 'relative/path': 'content' }. */
function fakeRoot(files) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cgroup-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const V2 = { 'cgroup.controllers': 'cpuset cpu io memory pids\n', 'cgroup.subtree_control': 'cpu memory\n', 'cgroup.procs': '' };
const V1 = { 'cpu/cpu.cfs_quota_us': '-1\n', 'cpu/cpu.cfs_period_us': '100000\n', 'cpu/cgroup.procs': '' };
// This machine's layout: v1 controllers, and a v2 hierarchy at unified/ without the cpu controller.
const HYBRID = { ...V1, 'unified/cgroup.controllers': 'hugetlb\n', 'unified/cgroup.subtree_control': '' };

test('cgroup v2 with its cpu controller is chosen first, even where v1 is mounted too', () => {
  const root = fakeRoot({ ...V2, ...V1 });
  assert.deepEqual(chooseController({ root, io: fakeIo }), { kind: 'v2', base: root });
});

test('cgroup v2 whose cpu controller is not yet enabled for child groups gets it enabled', () => {
  const root = fakeRoot({ ...V2, 'cgroup.subtree_control': 'memory\n' });
  assert.equal(chooseController({ root, io: fakeIo }).kind, 'v2');
  assert.equal(readFileSync(path.join(root, 'cgroup.subtree_control'), 'utf8'), '+cpu');
});

test('a v2 hierarchy without the cpu controller (the hybrid layout) falls back to v1', () => {
  const root = fakeRoot(HYBRID);
  assert.deepEqual(chooseController({ root, io: fakeIo }), { kind: 'v1', base: path.join(root, 'cpu') });
});

test('v1 mounted as cpu,cpuacct is found', () => {
  const root = fakeRoot({ 'cpu,cpuacct/cpu.cfs_quota_us': '-1\n' });
  assert.deepEqual(chooseController({ root, io: fakeIo }), { kind: 'v1', base: path.join(root, 'cpu,cpuacct') });
});

test('a v2 cpu controller that cannot be enabled falls back to v1', () => {
  const root = fakeRoot({ ...V2, ...V1, 'cgroup.subtree_control': '' });
  const refusing = {
    ...fakeIo,
    write(file, text) {
      if (file.endsWith('cgroup.subtree_control')) throw Object.assign(new Error('Device or resource busy'), { code: 'EBUSY' });
      realIo.write(file, text);
    },
  };
  assert.equal(chooseController({ root, io: refusing }).kind, 'v1');
});

test('neither controller: a clear error that says what each lacked', () => {
  const root = fakeRoot({ 'unified/cgroup.controllers': 'hugetlb\n', 'memory/memory.limit_in_bytes': '0' });
  assert.throws(() => chooseController({ root, io: fakeIo }), (error) => {
    assert.match(error.message, /^--instance-cpus needs a cgroup cpu controller/);
    assert.match(error.message, /cgroup v2 at .*unified: its cpu controller is not available there/);
    assert.match(error.message, /cgroup v1: no cpu hierarchy with cpu\.cfs_quota_us/);
    return true;
  });
});

test('a v2 group holds its processes to the cores asked for through cpu.max', () => {
  const root = fakeRoot(V2);
  const groups = cpuGroups({ root, io: fakeIo, prefix: 'bench-test' });
  const group = groups.create(0.15);
  assert.equal(group.dir, path.join(root, 'bench-test-0'));
  assert.equal(readFileSync(path.join(group.dir, 'cpu.max'), 'utf8'), '15000 100000');
  assert.equal(group.procs, path.join(group.dir, 'cgroup.procs'));
});

test('a v1 group holds its processes to the cores asked for through cfs_period_us and cfs_quota_us', () => {
  const root = fakeRoot(HYBRID);
  const groups = cpuGroups({ root, io: fakeIo, prefix: 'bench-test' });
  const a = groups.create(0.25);
  const b = groups.create(2);
  assert.equal(a.dir, path.join(root, 'cpu', 'bench-test-0'));
  assert.equal(readFileSync(path.join(a.dir, 'cpu.cfs_period_us'), 'utf8'), '100000');
  assert.equal(readFileSync(path.join(a.dir, 'cpu.cfs_quota_us'), 'utf8'), '25000');
  assert.equal(readFileSync(path.join(b.dir, 'cpu.cfs_quota_us'), 'utf8'), '200000');
});

test('removing the groups moves the processes still in them to the base group, then removes every group', () => {
  const root = fakeRoot(HYBRID);
  const groups = cpuGroups({ root, io: fakeIo, prefix: 'bench-test' });
  const a = groups.create(0.15);
  const b = groups.create(0.15);
  writeFileSync(a.procs, '4242\n');
  assert.equal(a.remove(), true);
  assert.equal(existsSync(a.dir), false);
  assert.equal(readFileSync(path.join(root, 'cpu', 'cgroup.procs'), 'utf8'), '4242');
  assert.deepEqual(groups.removeAll(), []);
  assert.equal(existsSync(b.dir), false);
});

test('a quota is cores x 100 ms per 100 ms, never under the kernel\'s 1 ms', () => {
  assert.equal(quotaUs(0.15), 15000);
  assert.equal(quotaUs(1.5), 150000);
  assert.equal(quotaUs(0.001), 1000);
});

test('the command joins the group before it execs the server, which keeps the pid', () => {
  const { command, args } = inGroup('/g/cgroup.procs', 'dotnet', ['app.dll', '--urls', 'http://127.0.0.1:1']);
  assert.equal(command, 'sh');
  assert.deepEqual(args, ['-c', 'echo $$ > "$0" && exec "$@"', '/g/cgroup.procs', 'dotnet', 'app.dll', '--urls', 'http://127.0.0.1:1']);
});
