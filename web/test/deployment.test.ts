// Static checks of the Azure deployment (azure.yaml and infra/), run with the web tests.
// They read files only: nothing is provisioned, and Bicep is not compiled here.
// This file lives in web/test/, so the repository root is two folders up.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const infraDir = path.join(repoRoot, 'infra');

type Hook = {
  run?: string;
  shell?: string;
  posix?: Hook;
  windows?: Hook;
};
type HookMap = Record<string, Hook | Hook[]>;
type Service = {
  project?: string;
  language?: string;
  host?: string;
  dist?: string;
  hooks?: HookMap;
};
type AzureYaml = {
  name?: string;
  services?: Record<string, Service>;
  hooks?: HookMap;
};

function loadAzureYaml(): AzureYaml {
  return parse(readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8')) as AzureYaml;
}

function service(name: string): Service {
  const svc = loadAzureYaml().services?.[name];
  if (svc === undefined) throw new Error(`azure.yaml has no service '${name}'`);
  return svc;
}

// "./Functions/" and "Functions" name the same folder.
function normalizeProject(project: string | undefined): string {
  return path.normalize(project ?? '').replace(/[\\/]+$/, '');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

// Every `run` value of a hook, including its posix and windows variants.
function runValues(hook: Hook | Hook[]): string[] {
  const hooks = Array.isArray(hook) ? hook : [hook];
  return hooks.flatMap((h) => [
    ...(h.run !== undefined ? [h.run] : []),
    ...(h.posix !== undefined ? runValues(h.posix) : []),
    ...(h.windows !== undefined ? runValues(h.windows) : []),
  ]);
}

// A `run` value names a script file when it is a single token ending in a script extension;
// anything else (e.g. `npm ci`) is an inline command and names no file.
const scriptFile = /^[^\s]+\.(sh|ps1|py|js|mjs|cjs|ts)$/;

// [referencing place, run value, folder it is relative to]
function hookScriptReferences(): Array<[string, string, string]> {
  const config = loadAzureYaml();
  const refs: Array<[string, string, string]> = [];
  for (const [event, hook] of Object.entries(config.hooks ?? {})) {
    for (const run of runValues(hook)) refs.push([`hooks.${event}`, run, repoRoot]);
  }
  for (const [name, svc] of Object.entries(config.services ?? {})) {
    const serviceDir = path.join(repoRoot, normalizeProject(svc.project));
    for (const [event, hook] of Object.entries(svc.hooks ?? {})) {
      for (const run of runValues(hook)) refs.push([`services.${name}.hooks.${event}`, run, serviceDir]);
    }
  }
  return refs;
}

// host.json and the settings template sit at the repository root (README.md, "Layout"); the copies a
// Functions project may keep beside its .csproj are scanned too when present.
const localSettingsSamples = ['local.settings.sample.json', 'Functions/local.settings.sample.json']
  .map((f) => path.join(repoRoot, f))
  .filter((f) => existsSync(f));
const hostJsonFiles = ['host.json', 'Functions/host.json']
  .map((f) => path.join(repoRoot, f))
  .filter((f) => existsSync(f));

// The files whose text is scanned for key material.
function scannedFiles(): string[] {
  return [...filesUnder(infraDir), path.join(repoRoot, 'azure.yaml'), ...hostJsonFiles, ...localSettingsSamples];
}

// The only key material allowed anywhere: connection strings that can reach nothing but a
// local emulator, and only inside local.settings.sample.json. Their keys are the emulators'
// published, well-known constants; they open no Azure resource:
//  - a string whose Endpoint is http://localhost or http://127.0.0.1 (the Azure SignalR local
//    emulator, whose string carries AccessKey=);
//  - a string for AccountName=devstoreaccount1 (Azurite's fixed account, AccountKey=).
// A string naming any other endpoint or account fails the check, wherever it is.
function isLocalEmulatorString(value: string): boolean {
  const signalREmulator = /(^|;)\s*Endpoint=http:\/\/(localhost|127\.0\.0\.1)[:;/]/i.test(value);
  const azurite = /(^|;)\s*AccountName=devstoreaccount1\s*(;|$)/i.test(value);
  return signalREmulator || azurite;
}

// Strings of a settings template that carry key material but are emulator strings.
function allowedSampleStrings(file: string): string[] {
  const collect = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : value !== null && typeof value === 'object'
        ? Object.values(value).flatMap(collect)
        : [];
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return collect(parsed).filter(isLocalEmulatorString);
}

type Finding = { file: string; line: number; text: string };

function findAll(pattern: RegExp, opts: { allowEmulatorStrings: boolean }): Finding[] {
  const findings: Finding[] = [];
  for (const file of scannedFiles()) {
    const allowed =
      opts.allowEmulatorStrings && localSettingsSamples.includes(file) ? allowedSampleStrings(file) : [];
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    lines.forEach((text, index) => {
      if (!pattern.test(text)) return;
      if (allowed.some((s) => text.includes(s))) return;
      findings.push({ file: path.relative(repoRoot, file), line: index + 1, text: text.trim() });
    });
  }
  return findings;
}

function bicepFiles(): Array<{ file: string; text: string }> {
  return filesUnder(infraDir)
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => ({ file: path.relative(repoRoot, f), text: readFileSync(f, 'utf8') }));
}

// Files that declare (not merely reference as `existing`) a resource of the given type.
function filesDeclaring(resourceType: string): Array<{ file: string; text: string }> {
  const escaped = resourceType.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const declaration = new RegExp(`resource\\s+\\w+\\s+'${escaped}@[\\w-]+'\\s*=`);
  return bicepFiles().filter((f) => declaration.test(f.text));
}

describe('azure.yaml', () => {
  it('parses and names the project', () => {
    expect(loadAzureYaml().name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('service api is ./Functions, dotnet, hosted as a function app', () => {
    const api = service('api');
    expect(normalizeProject(api.project)).toBe('Functions');
    expect(api.language).toBe('dotnet');
    expect(api.host).toBe('function');
  });

  it('service web is ./web, js, hosted as a static web app with dist "dist"', () => {
    const web = service('web');
    expect(normalizeProject(web.project)).toBe('web');
    expect(web.language).toBe('js');
    expect(web.host).toBe('staticwebapp');
    expect(web.dist).toBe('dist');
  });

  it.each(['api', 'web'])('project folder of service %s exists in the repository', (name) => {
    const dir = path.join(repoRoot, normalizeProject(service(name).project));
    expect(existsSync(dir) && statSync(dir).isDirectory(), `${dir} is not a folder`).toBe(true);
  });

  it('every hook script it references exists', () => {
    const missing = hookScriptReferences()
      .filter(([, run]) => scriptFile.test(run))
      .filter(([, run, base]) => !existsSync(path.resolve(base, run)))
      .map(([where, run]) => `${where}: ${run}`);
    expect(missing).toEqual([]);
  });

  it('web predeploy runs the config.json writer, sh on POSIX and pwsh on Windows', () => {
    const predeploy = service('web').hooks?.predeploy;
    expect(predeploy).toBeDefined();
    const hook = (Array.isArray(predeploy) ? predeploy[0] : predeploy) as Hook;
    expect(hook.posix?.shell).toBe('sh');
    expect(hook.posix?.run).toMatch(/write-web-config\.sh$/);
    expect(hook.windows?.shell).toBe('pwsh');
    expect(hook.windows?.run).toMatch(/write-web-config\.ps1$/);
  });
});

describe('no key material in infra/, azure.yaml, host.json or local.settings.sample.json', () => {
  it('uses no key-fetching template functions (listKeys, listSecrets, listConnectionStrings)', () => {
    expect(findAll(/\blist(Keys|Secrets|ConnectionStrings)\s*\(/i, { allowEmulatorStrings: false })).toEqual([]);
  });

  it('builds no connection string from keys (primaryKey, secondaryKey, primary/secondaryConnectionString)', () => {
    expect(
      findAll(/\b(primary|secondary)(Key|ConnectionString)\b/i, { allowEmulatorStrings: false }),
    ).toEqual([]);
  });

  it('contains no SharedAccessKey, SharedAccessSignature= or sig= SAS token', () => {
    expect(
      findAll(/SharedAccessKey|SharedAccessSignature=|[?&;]sig=/i, { allowEmulatorStrings: false }),
    ).toEqual([]);
  });

  it('contains no AccountKey= or AccessKey=, except in local-emulator strings of local.settings.sample.json', () => {
    expect(findAll(/Acc(ount|ess)Key=/i, { allowEmulatorStrings: true })).toEqual([]);
  });
});

describe('keyless settings in the Bicep', () => {
  it('the storage account sets allowSharedKeyAccess: false', () => {
    const declaring = filesDeclaring('Microsoft.Storage/storageAccounts');
    expect(declaring.length).toBeGreaterThan(0);
    for (const f of declaring) expect(f.text, f.file).toMatch(/\ballowSharedKeyAccess:\s*false\b/);
  });

  it('the SignalR Service sets disableLocalAuth: true', () => {
    const declaring = filesDeclaring('Microsoft.SignalRService/signalR');
    expect(declaring.length).toBeGreaterThan(0);
    for (const f of declaring) expect(f.text, f.file).toMatch(/\bdisableLocalAuth:\s*true\b/);
  });

  it('Application Insights sets DisableLocalAuth: true', () => {
    const declaring = filesDeclaring('Microsoft.Insights/components');
    expect(declaring.length).toBeGreaterThan(0);
    for (const f of declaring) expect(f.text, f.file).toMatch(/\bDisableLocalAuth:\s*true\b/);
  });

  it('no Bicep file sets allowSharedKeyAccess: true or disableLocalAuth: false', () => {
    const offenders = bicepFiles()
      .filter((f) => /\ballowSharedKeyAccess:\s*true\b|\bdisableLocalAuth:\s*false\b/i.test(f.text))
      .map((f) => f.file);
    expect(offenders).toEqual([]);
  });
});
