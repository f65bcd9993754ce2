#!/usr/bin/env pwsh
# azd predeploy hook of the "web" service (Windows). It must run under PowerShell 7 (pwsh) and under
# Windows PowerShell 5.1: azd runs a hook declared `shell: pwsh` with `powershell` (5.1) when pwsh is
# not on PATH. So: no PowerShell 6/7-only syntax or parameters (two-path Join-Path, no ?? ?. ternary
# && ||), and ASCII only (5.1 reads a script without a BOM in the ANSI code page).
# web/test/hooks.test.ts checks both and runs this script where pwsh is on PATH.
#
# Writes web/dist/config.json = { "apiBase": "<function app URL>/api" }, byte for byte what
# write-web-config.sh writes, so the built pages call the deployed Functions API. It runs after azd
# has built and packaged web/ and before the Static Web App upload; the JavaScript is not rebuilt.
# The URL comes from the azd environment (API_BASE_URL, an output of infra/main.bicep), which azd
# passes to hooks; run by hand without it, the script asks `azd env get-value API_BASE_URL`.
#
# Usable by hand too:  $env:API_BASE_URL = 'https://<app>.azurewebsites.net/api'; ./infra/hooks/write-web-config.ps1
$ErrorActionPreference = 'Stop'

function Fail([string]$message) {
    [Console]::Error.WriteLine("write-web-config: $message")
    exit 1
}

$repoRoot = (Resolve-Path -LiteralPath (Join-Path (Join-Path $PSScriptRoot '..') '..')).Path
$distDir = Join-Path (Join-Path $repoRoot 'web') 'dist'

$apiBase = $env:API_BASE_URL
if ([string]::IsNullOrEmpty($apiBase) -and (Get-Command azd -ErrorAction SilentlyContinue)) {
    # Windows PowerShell 5.1 turns a native command's stderr into error records, which 'Stop' would
    # make fatal (an update notice from azd would lose the value), so only the exit code decides here.
    $ErrorActionPreference = 'Continue'
    try {
        $answer = & azd env get-value API_BASE_URL 2>$null
        if ($LASTEXITCODE -eq 0 -and $null -ne $answer) {
            $apiBase = (@($answer) -join "`n").TrimEnd("`r", "`n")
        }
        else {
            $apiBase = ''
        }
    }
    catch {
        $apiBase = ''
    }
    $ErrorActionPreference = 'Stop'
}

if ([string]::IsNullOrEmpty($apiBase)) {
    Fail "API_BASE_URL is not set. Run 'azd provision' (or 'azd up') first."
}

# A URL never needs these; refusing them keeps the JSON below well formed.
if ($apiBase -match '["\\\s\p{Cc}]') {
    Fail "API_BASE_URL contains a quote, backslash, whitespace or control character (got '$apiBase')."
}

$apiBase = $apiBase.TrimEnd('/')

if ($apiBase -cnotmatch '^https://[^/]') {
    Fail "API_BASE_URL must start with https:// and name a host (got '$apiBase')."
}

if (-not (Test-Path -LiteralPath $distDir -PathType Container)) {
    Fail "$distDir does not exist; the web service must be built first."
}

# Built by hand rather than with ConvertTo-Json, whose spacing and escaping differ between 5.1 and 7.
$json = '{ "apiBase": "' + $apiBase + '" }' + "`n"
$target = Join-Path $distDir 'config.json'
$tmp = "$target.tmp"
[System.IO.File]::WriteAllText($tmp, $json, (New-Object System.Text.UTF8Encoding -ArgumentList $false))
Move-Item -LiteralPath $tmp -Destination $target -Force

Write-Host "write-web-config: wrote $target with apiBase $apiBase"
exit 0
