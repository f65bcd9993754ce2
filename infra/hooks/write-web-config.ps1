#!/usr/bin/env pwsh
# azd predeploy hook of the "web" service (Windows, PowerShell 7).
#
# Writes web/dist/config.json = { "apiBase": "<function app URL>/api" } so the built pages
# call the deployed Functions API. It runs after azd has built and packaged web/ and before
# the Static Web App upload; the JavaScript is not rebuilt. The URL comes from the azd
# environment (API_BASE_URL, an output of infra/main.bicep), which azd passes to hooks.
#
# Usable by hand too:  $env:API_BASE_URL = 'https://<app>.azurewebsites.net/api'; ./infra/hooks/write-web-config.ps1
$ErrorActionPreference = 'Stop'

$repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$distDir = Join-Path $repoRoot 'web' 'dist'

$apiBase = $env:API_BASE_URL
if ([string]::IsNullOrWhiteSpace($apiBase) -and (Get-Command azd -ErrorAction SilentlyContinue)) {
    try {
        $apiBase = (& azd env get-value API_BASE_URL 2>$null | Out-String).Trim()
        if ($LASTEXITCODE -ne 0) { $apiBase = '' }
    }
    catch {
        $apiBase = ''
    }
}

if ([string]::IsNullOrWhiteSpace($apiBase)) {
    Write-Error "write-web-config: API_BASE_URL is not set. Run 'azd provision' (or 'azd up') first."
    exit 1
}

$apiBase = $apiBase.Trim()
if (-not $apiBase.StartsWith('https://', [System.StringComparison]::Ordinal)) {
    Write-Error "write-web-config: API_BASE_URL must start with https:// (got '$apiBase')."
    exit 1
}
if ($apiBase -match '["\\\s]') {
    Write-Error "write-web-config: API_BASE_URL contains a quote, backslash or whitespace (got '$apiBase')."
    exit 1
}
$apiBase = $apiBase.TrimEnd('/')

if (-not (Test-Path -LiteralPath $distDir -PathType Container)) {
    Write-Error "write-web-config: $distDir does not exist; the web service must be built first."
    exit 1
}

$json = [ordered]@{ apiBase = $apiBase } | ConvertTo-Json -Compress
$target = Join-Path $distDir 'config.json'
$tmp = "$target.tmp"
[System.IO.File]::WriteAllText($tmp, $json + "`n", [System.Text.UTF8Encoding]::new($false))
Move-Item -LiteralPath $tmp -Destination $target -Force

Write-Host "write-web-config: wrote $target with apiBase $apiBase"
exit 0
