// Tests of azd's predeploy hook for the web service (infra/hooks/write-web-config.sh and .ps1).
//
// Each script runs in a scratch copy of the layout it expects (infra/hooks/<script>, web/dist/), never on
// this repository's own web/dist, with a stand-in `azd` on PATH that answers `azd env get-value API_BASE_URL`.
// - The POSIX script runs with `sh` (wherever sh exists, so in CI).
// - The PowerShell script is scanned for syntax that Windows PowerShell 5.1 lacks (azd falls back to 5.1 when
//   pwsh is missing); where `pwsh` is on PATH (or LIVECOUNTER_PWSH names it) it also runs through the same
//   cases, and PowerShell's own parser double-checks the scan. Without pwsh those tests are skipped.
import { spawnSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { nonAsciiWithoutBom, powerShell51Findings } from './powershell51';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hooksDir = path.join(repoRoot, 'infra', 'hooks');
const isWindows = process.platform === 'win32';

function findOnPath(name: string): string | undefined {
  if (isWindows) return undefined;
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

const shPath = findOnPath('sh');
const pwshPath = process.env.LIVECOUNTER_PWSH || findOnPath('pwsh');

// ---- a scratch layout for one run ----

interface Sandbox {
  readonly root: string;
  readonly dist: string;
  readonly config: string;
  /** PATH without azd: only the few programs the scripts need. */
  readonly toolsPath: string;
  /** PATH with the stand-in azd in front. */
  readonly azdPath: string;
}

const sandboxes: string[] = [];
afterEach(() => {
  for (const dir of sandboxes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const fakeAzd = `#!/bin/sh
# Stand-in for azd: answers only "azd env get-value API_BASE_URL".
[ "$1 $2 $3" = "env get-value API_BASE_URL" ] || { echo "fake azd: unexpected: $*" >&2; exit 2; }
if [ -n "\${FAKE_AZD_STDERR:-}" ]; then echo "$FAKE_AZD_STDERR" >&2; fi
if [ "\${FAKE_AZD_EXIT:-0}" != 0 ]; then echo "ERROR: key 'API_BASE_URL' not found in the environment values" >&2; exit "$FAKE_AZD_EXIT"; fi
printf '%s\\n' "\${FAKE_AZD_VALUE:-}"
`;

function sandbox(script: string, opts: { dist?: boolean } = {}): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'livecounter-hook-'));
  sandboxes.push(root);
  mkdirSync(path.join(root, 'infra', 'hooks'), { recursive: true });
  copyFileSync(path.join(hooksDir, script), path.join(root, 'infra', 'hooks', script));
  const dist = path.join(root, 'web', 'dist');
  mkdirSync(path.join(root, 'web'), { recursive: true });
  if (opts.dist !== false) {
    mkdirSync(dist);
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html>\n');
  }

  const tools = path.join(root, 'tools');
  mkdirSync(tools);
  // dirname and mv for the POSIX script; dotnet for a pwsh installed as a .NET tool (its launcher runs dotnet).
  for (const tool of ['dirname', 'mv', 'dotnet']) {
    const real = findOnPath(tool);
    if (real !== undefined) symlinkSync(real, path.join(tools, tool));
  }
  const azdBin = path.join(root, 'azd-bin');
  mkdirSync(azdBin);
  writeFileSync(path.join(azdBin, 'azd'), fakeAzd);
  chmodSync(path.join(azdBin, 'azd'), 0o755);

  return {
    root,
    dist,
    config: path.join(dist, 'config.json'),
    toolsPath: tools,
    azdPath: `${azdBin}${path.delimiter}${tools}`,
  };
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

type Runner = (box: Sandbox, env: Record<string, string>) => Run;

function baseEnv(box: Sandbox, env: Record<string, string>, pathValue: string): NodeJS.ProcessEnv {
  const pass: NodeJS.ProcessEnv = {};
  for (const name of ['DOTNET_ROOT', 'LANG', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) pass[name] = value;
  }
  return {
    ...pass,
    HOME: box.root,
    PATH: pathValue,
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    POWERSHELL_UPDATECHECK: 'Off',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    ...env,
  };
}

/** `env.PATH` picks the PATH: 'azd' (stand-in azd + tools) or 'none' (tools only). */
function pathFor(box: Sandbox, env: Record<string, string>): string {
  return env.PATH === 'none' ? box.toolsPath : box.azdPath;
}

function withoutPath(env: Record<string, string>): Record<string, string> {
  const rest = { ...env };
  delete rest.PATH;
  return rest;
}

const runSh: Runner = (box, env) => {
  const result = spawnSync(shPath!, [path.join(box.root, 'infra', 'hooks', 'write-web-config.sh')], {
    cwd: path.join(box.root, 'web'), // azd runs service hooks in the service folder
    env: baseEnv(box, withoutPath(env), pathFor(box, env)),
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

const runPwsh: Runner = (box, env) => {
  const result = spawnSync(
    pwshPath!,
    ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', path.join(box.root, 'infra', 'hooks', 'write-web-config.ps1')],
    {
      cwd: path.join(box.root, 'web'),
      env: baseEnv(box, withoutPath(env), pathFor(box, env)),
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

const expectedConfig = (apiBase: string) => `{ "apiBase": "${apiBase}" }\n`;
const api = 'https://func-api-abc123.azurewebsites.net/api';

// ---- the same behaviour from both scripts ----

const variants: Array<{ name: string; script: string; run: Runner; available: boolean; timeout: number }> = [
  { name: 'write-web-config.sh (sh)', script: 'write-web-config.sh', run: runSh, available: shPath !== undefined, timeout: 20_000 },
  // The stand-in azd is a sh script, so the .ps1 runs only where sh does too.
  { name: 'write-web-config.ps1 (pwsh)', script: 'write-web-config.ps1', run: runPwsh, available: pwshPath !== undefined && shPath !== undefined, timeout: 60_000 },
];

for (const variant of variants) {
  describe.skipIf(!variant.available)(`${variant.name}: writes web/dist/config.json`, () => {
    const go = (env: Record<string, string>, opts: { dist?: boolean } = {}) => {
      const box = sandbox(variant.script, opts);
      return { box, run: variant.run(box, env) };
    };
    const it2 = (title: string, fn: () => void) => it(title, fn, variant.timeout);

    it2('from API_BASE_URL, as { "apiBase": … } plus a newline, and says so', () => {
      const { box, run } = go({ API_BASE_URL: api });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(box.config, 'utf8')).toBe(expectedConfig(api));
      expect(JSON.parse(readFileSync(box.config, 'utf8'))).toEqual({ apiBase: api });
      expect(run.stdout).toContain(`apiBase ${api}`);
    });

    it2('without the trailing slashes of API_BASE_URL', () => {
      const { box, run } = go({ API_BASE_URL: `${api}//` });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(box.config, 'utf8')).toBe(expectedConfig(api));
    });

    it2('replacing the config.json of the build, and leaving no temporary file', () => {
      const box = sandbox(variant.script);
      writeFileSync(box.config, '{ "apiBase": "/api" }\n');
      const run = variant.run(box, { API_BASE_URL: api });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(box.config, 'utf8')).toBe(expectedConfig(api));
      expect(readdirSync(box.dist).sort()).toEqual(['config.json', 'index.html']);
    });

    it2('from `azd env get-value API_BASE_URL` when API_BASE_URL is not set', () => {
      const { box, run } = go({ FAKE_AZD_VALUE: api });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(box.config, 'utf8')).toBe(expectedConfig(api));
    });

    it2('from azd even when azd also writes a warning on stderr', () => {
      const { box, run } = go({ FAKE_AZD_VALUE: api, FAKE_AZD_STDERR: 'WARNING: a newer version of azd is available' });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(box.config, 'utf8')).toBe(expectedConfig(api));
    });

    it2('preferring API_BASE_URL over azd', () => {
      const { box, run } = go({ API_BASE_URL: api, FAKE_AZD_VALUE: 'https://other.example/api' });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(box.config, 'utf8')).toBe(expectedConfig(api));
    });
  });

  describe.skipIf(!variant.available)(`${variant.name}: refuses, exit 1, config.json untouched`, () => {
    const refuses = (title: string, env: Record<string, string>, message: RegExp, opts: { dist?: boolean } = {}) =>
      it(
        title,
        () => {
          const box = sandbox(variant.script, opts);
          if (opts.dist !== false) writeFileSync(box.config, '{ "apiBase": "/api" }\n');
          const run = variant.run(box, env);
          expect(run.status, `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(1);
          expect(run.stderr).toMatch(message);
          if (opts.dist !== false) {
            expect(readFileSync(box.config, 'utf8')).toBe('{ "apiBase": "/api" }\n');
            expect(readdirSync(box.dist).sort()).toEqual(['config.json', 'index.html']);
          } else {
            expect(existsSync(box.dist)).toBe(false);
          }
        },
        variant.timeout,
      );

    refuses('when API_BASE_URL is unset and azd has no value', { FAKE_AZD_EXIT: '1' }, /API_BASE_URL is not set/);
    refuses('when API_BASE_URL is unset and azd answers empty', { FAKE_AZD_VALUE: '' }, /API_BASE_URL is not set/);
    refuses('when API_BASE_URL is unset and azd is not on PATH', { PATH: 'none' }, /API_BASE_URL is not set/);
    refuses('a URL that is not https', { API_BASE_URL: 'http://func-api-abc123.azurewebsites.net/api' }, /must start with https:\/\//);
    refuses('https:// without a host', { API_BASE_URL: 'https://' }, /must start with https:\/\//);
    refuses('https:/// without a host', { API_BASE_URL: 'https:///' }, /must start with https:\/\//);
    refuses('https:///api without a host', { API_BASE_URL: 'https:///api' }, /must start with https:\/\//);
    refuses('HTTPS:// in capitals (both scripts compare case-sensitively)', { API_BASE_URL: 'HTTPS://func-api.azurewebsites.net/api' }, /must start with https:\/\//);
    refuses('a quote', { API_BASE_URL: `${api}"` }, /quote, backslash, whitespace or control character/);
    refuses('a backslash', { API_BASE_URL: `${api}\\` }, /quote, backslash, whitespace or control character/);
    refuses('a space', { API_BASE_URL: 'https://func api.azurewebsites.net/api' }, /quote, backslash, whitespace or control character/);
    refuses('a tab', { API_BASE_URL: 'https://func\tapi.azurewebsites.net/api' }, /quote, backslash, whitespace or control character/);
    refuses('a newline', { API_BASE_URL: 'https://func-api.azurewebsites.net/api\nx' }, /quote, backslash, whitespace or control character/);
    refuses('a control character', { API_BASE_URL: 'https://func-api.azurewebsites.net/api\u0001' }, /quote, backslash, whitespace or control character/);
    refuses('when web/dist does not exist (the build has not run)', { API_BASE_URL: api }, /does not exist/, { dist: false });
  });
}

// ---- Windows PowerShell 5.1 ----

const ps1Files = readdirSync(hooksDir).filter((f) => f.toLowerCase().endsWith('.ps1'));

describe('the PowerShell hooks run under Windows PowerShell 5.1 (static check)', () => {
  it('there is at least one PowerShell hook to check', () => {
    expect(ps1Files).toContain('write-web-config.ps1');
  });

  it.each(ps1Files)('%s uses nothing that PowerShell 6 or 7 added', (file) => {
    const findings = powerShell51Findings(readFileSync(path.join(hooksDir, file), 'utf8'));
    expect(findings.map((f) => `${file}:${f.line}: ${f.rule}: ${f.text}`)).toEqual([]);
  });

  it.each(ps1Files)('%s is ASCII or has a byte-order mark (5.1 reads BOM-less scripts as ANSI)', (file) => {
    expect(nonAsciiWithoutBom(readFileSync(path.join(hooksDir, file)))).toEqual([]);
  });
});

describe('the 5.1 scanner itself', () => {
  const flagged = (snippet: string) => powerShell51Findings(snippet).map((f) => f.rule);

  it.each([
    ["$root = Join-Path $PSScriptRoot '..' '..'", /Join-Path with 3 paths/],
    ["(Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path", /Join-Path with 3 paths/],
    ['Join-Path $a b c d', /Join-Path with 4 paths/],
    ["Join-Path -Path $a -ChildPath 'b' 'c'", /Join-Path with 3 paths/],
    ["Join-Path $a 'b' `\n  'c'", /Join-Path with 3 paths/],
    ["Join-Path $a 'b' -AdditionalChildPath 'c'", /AdditionalChildPath/],
    ['$x = $env:A ?? "default"', /\?\? \/ \?\?=/],
    ['$x ??= 1', /\?\? \/ \?\?=/],
    ['${obj}?.Name', /null-conditional/],
    ['${arr}?[0]', /null-conditional/],
    ["$y = $ok ? 'yes' : 'no'", /ternary/],
    ['npm ci && npm run build', /pipeline chain/],
    ['Test-Path x || exit 1', /pipeline chain/],
    ['$o = $text | ConvertFrom-Json -AsHashtable', /AsHashtable/],
    ['$o = ConvertFrom-Json $text -Depth 5', /ConvertFrom-Json -Depth/],
    ['if ($IsWindows) { }', /IsWindows/],
    ["Set-Content -Path a -Value b -Encoding 'utf8NoBOM'", /utf8NoBOM/],
    ['Get-Content a -AsByteStream', /AsByteStream/],
    ['1..3 | ForEach-Object -Parallel { $_ }', /Parallel/],
  ])('flags %s', (snippet, rule) => {
    expect(flagged(snippet).some((r) => rule.test(r)), flagged(snippet).join('; ')).toBe(true);
  });

  it.each([
    "$root = Join-Path (Join-Path $PSScriptRoot '..') '..'",
    "Join-Path -Path $a -ChildPath 'b'",
    "Join-Path $a 'b' -Resolve",
    "Join-Path -Path $a -ChildPath 'b' -ErrorAction Stop",
    "Get-ChildItem | ? { $_.Length -gt 0 }",
    "Get-ChildItem |\n  ? { $_.Length -gt 0 }",
    "Write-Host 'a ?? b, a && b, $x ? 1 : 2, Join-Path a b c'",
    'Write-Host "a ?? b and $($items.Count) && more"',
    "# Join-Path a b c, $a ?? $b && $c\n$x = 1",
    "<# block: $a ?? $b\n Join-Path a b c #>\n$x = 1",
    "$text = @'\nJoin-Path a b c && x\n'@\n$y = 2",
    "$h = @{ a = 1 }; $h['a']",
    "if ($a -and $b) { exit 0 }",
    "$x = $text | ConvertFrom-Json",
    "Set-Content -Path a -Value b -Encoding ascii",
  ])('passes %s', (snippet) => {
    expect(powerShell51Findings(snippet)).toEqual([]);
  });
});

// PowerShell's own parser (7.x) parses 7-only syntax into node types 5.1 does not have, so where pwsh exists
// it finds these constructs for certain, whatever the scanner above misses.
describe.skipIf(pwshPath === undefined)('the PowerShell hooks, parsed by PowerShell itself', () => {
  const astCheck = `
param([string]$Path)
$tokens = $null; $errors = $null
$ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
$found = New-Object System.Collections.Generic.List[string]
foreach ($e in $errors) { $found.Add("parse error: " + $e.Message) }
$nodes = $ast.FindAll({ $true }, $true)
foreach ($n in $nodes) {
  $kind = $n.GetType().Name
  $line = $n.Extent.StartLineNumber
  if ($kind -eq 'TernaryExpressionAst' -or $kind -eq 'PipelineChainAst') { $found.Add("line $line" + ': ' + $kind) }
  if ($kind -eq 'BinaryExpressionAst' -and $n.Operator -eq 'QuestionQuestion') { $found.Add("line $line" + ': ??') }
  if ($kind -eq 'AssignmentStatementAst' -and $n.Operator -eq 'QuestionQuestionEquals') { $found.Add("line $line" + ': ??=') }
  if (($kind -eq 'MemberExpressionAst' -or $kind -eq 'InvokeMemberExpressionAst' -or $kind -eq 'IndexExpressionAst') -and $n.NullConditional) { $found.Add("line $line" + ': null-conditional') }
  if ($kind -eq 'CommandAst' -and $n.GetCommandName() -eq 'Join-Path') {
    $positional = 0; $named = 0
    for ($i = 1; $i -lt $n.CommandElements.Count; $i++) {
      $el = $n.CommandElements[$i]
      if ($el -is [System.Management.Automation.Language.CommandParameterAst]) {
        $p = $el.ParameterName.ToLowerInvariant()
        if ('additionalchildpath'.StartsWith($p)) { $found.Add("line $line" + ': Join-Path -AdditionalChildPath') }
        if ($p -eq 'path' -or $p -eq 'childpath') { $named++; if ($el.Argument -eq $null) { $i++ } }
        elseif ($p -eq 'credential' -or $p -eq 'erroraction') { if ($el.Argument -eq $null) { $i++ } }
      } else { $positional++ }
    }
    if ($positional + $named -gt 2) { $found.Add("line $line" + ': Join-Path with ' + ($positional + $named) + ' paths') }
  }
}
$found | ForEach-Object { Write-Output $_ }
`;

  it.each(ps1Files)('%s parses without errors and has no 7-only syntax tree nodes', (file) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'livecounter-ast-'));
    sandboxes.push(dir);
    const checker = path.join(dir, 'check.ps1');
    writeFileSync(checker, astCheck);
    const result = spawnSync(pwshPath!, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', checker, path.join(hooksDir, file)], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off' },
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split(/\r?\n/).filter((l) => l.trim() !== '')).toEqual([]);
  }, 60_000);

  it('the parser check does find a three-path Join-Path and a ternary (it is not blind)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'livecounter-ast-'));
    sandboxes.push(dir);
    const checker = path.join(dir, 'check.ps1');
    const sample = path.join(dir, 'sample.ps1');
    writeFileSync(checker, astCheck);
    writeFileSync(sample, "$r = Join-Path $PSScriptRoot '..' '..'\n$y = $true ? 1 : 2\n");
    const result = spawnSync(pwshPath!, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', checker, sample], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off' },
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Join-Path with 3 paths/);
    expect(result.stdout).toMatch(/TernaryExpressionAst/);
  }, 60_000);
});
