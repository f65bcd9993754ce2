// The bench's options (src/options.mjs): the ones that give instances CPU of their own, grow the crowd with them and
// measure a fresh process, with what they refuse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from '../src/options.mjs';

const app = ['--app', '/x/LiveCounter.Standalone.dll'];

test('--instance-cpus is read as cores and left out it holds nothing', () => {
  assert.equal(parse([...app, '--instance-cpus', '0.15']).instanceCpus, 0.15);
  assert.equal(parse([...app, '--instance-cpus=0.25']).instanceCpus, 0.25);
  assert.equal(parse(app).instanceCpus, null);
});

test('--instance-cpus of 0 or less, or with --url, is refused', () => {
  assert.throws(() => parse([...app, '--instance-cpus', '0']), /more than 0/);
  assert.throws(() => parse([...app, '--instance-cpus', '-1']), /non-negative/);
  assert.throws(() => parse(['--url', 'http://127.0.0.1:5000', '--instance-cpus', '0.5']), /--instance-cpus .*--url/);
});

test('--writers-per-instance gives each hot variant n writers per instance', () => {
  const o = parse([...app, '--store', 'tables', '--scenarios', 'hot', '--instances', '1,4', '--writers-per-instance', '16']);
  assert.deepEqual(o.hotVariants.map((v) => [v.instances, v.writers]), [[1, 16], [4, 64]]);
  // each variant's default increments per writer follows its own crowd (9600 / writers, at least 300)
  assert.deepEqual(o.hotVariants.map((v) => v.increments), [600, 300]);
  // scenarios with one server take n writers
  assert.equal(o.writers, 16);
});

test('without --writers-per-instance the crowd is the same for every number of instances', () => {
  const o = parse([...app, '--store', 'tables', '--scenarios', 'hot', '--instances', '1,4', '--writers', '16']);
  assert.deepEqual(o.hotVariants.map((v) => v.writers), [16, 16]);
});

test('--writers-per-instance and --writers together are refused', () => {
  assert.throws(() => parse([...app, '--writers', '16', '--writers-per-instance', '16']), /give one of them/);
});

test('--writers-per-instance must be a whole number of at least 1', () => {
  assert.throws(() => parse([...app, '--writers-per-instance', '0']), /--writers-per-instance must be a whole number/);
  assert.throws(() => parse([...app, '--writers-per-instance', '1.5']), /--writers-per-instance must be a whole number/);
});

test('--cold-start runs hot for 30 s bounded by time alone, after at most 20 s of warm-up, unless told otherwise', () => {
  const o = parse([...app, '--scenarios', 'hot', '--cold-start']);
  assert.equal(o.coldStart, true);
  assert.equal(o.hotSeconds, 30);
  assert.equal(o.warmupSeconds, 20);
  assert.ok(o.hotVariants.every((v) => v.coldStart && v.increments >= 1_000_000));
  const given = parse([...app, '--scenarios', 'hot', '--cold-start', '--hot-seconds', '12', '--warmup-seconds', '4', '--increments', '50']);
  assert.deepEqual([given.hotSeconds, given.warmupSeconds, given.hotVariants[0].increments], [12, 4, 50]);
});

test('--cold-start needs the hot scenario and a server the bench starts', () => {
  assert.throws(() => parse([...app, '--scenarios', 'fanout', '--cold-start']), /--cold-start is for the hot scenario/);
  assert.throws(() => parse(['--url', 'http://127.0.0.1:5000', '--scenarios', 'hot', '--cold-start']), /--cold-start .*--url/);
});

test('--stuck-subscriber alone means on, and off,on runs hot without and then with it', () => {
  assert.deepEqual(parse([...app, '--stuck-subscriber']).hotVariants.map((v) => v.stuck), [true]);
  assert.deepEqual(parse([...app, '--stuck-subscriber', '--writers', '4']).hotVariants.map((v) => [v.stuck, v.writers]), [[true, 4]]);
  assert.deepEqual(parse([...app, '--stuck-subscriber', 'off,on']).hotVariants.map((v) => v.stuck), [false, true]);
  assert.throws(() => parse([...app, '--stuck-subscriber', 'maybe']), /--stuck-subscriber is on, off or off,on/);
});

test('an unknown option, a value that is not a number and an unknown scenario are refused by name', () => {
  assert.throws(() => parse([...app, '--writer', '4']), /unknown option '--writer'/);
  assert.throws(() => parse([...app, '--writers', 'many']), /--writers <n>.*non-negative number, not 'many'/);
  assert.throws(() => parse([...app, '--scenarios', 'hot,cold']), /unknown scenario 'cold'/);
  assert.throws(() => parse([...app, '--store-latency', '5']), /add --store tables/);
});

test('the defaults: every scenario but wrk and memory, 32 writers, 3000 increments each on memory, no instances', () => {
  const o = parse(app);
  assert.deepEqual(o.scenarioList, ['connections', 'fanout', 'many', 'users', 'hot']);
  assert.deepEqual([o.writers, o.increments, o.instances, o.url, o.coldStart], [32, 3000, null, null, false]);
  assert.deepEqual(o.fanoutList, [{ subscribers: 500, rate: 20 }, { subscribers: 1000, rate: 50 }]);
});

test('--help prints every option with its explanation and asks for nothing to run', (t) => {
  let printed = '';
  t.mock.method(process.stdout, 'write', (text) => (printed += text));
  assert.deepEqual(parse(['--help']), { help: true });
  t.mock.restoreAll();
  for (const option of ['--store-latency <ms>', '--instances <n[,n...]>', '--writers-per-instance <n>', '--partition-limit <n>', '--group-commit <on|off>', '--cold-start', '--url <base>']) assert.ok(printed.includes(option), option);
  assert.match(printed, /Exit status: 0 when every exactness/);
});
