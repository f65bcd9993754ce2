#!/usr/bin/env bash
# Compiles and lints infra/main.bicep (and every module it uses) with the Bicep CLI that
# tools/bicep/Bicep.csproj pins, and fails on any error or warning. Writes nothing into the
# repository except the tools project's obj/ (ignored); the compiled template goes to a temp folder.
#
# Offline: the CLI comes from NuGet (the package carries the self-contained linux-x64 executable),
# and --no-restore keeps Bicep from reaching out: without it, lint/build fetch the public module
# index even when no registry module is used. The Az resource types are bundled in the executable.
# Linter rules: infra/bicepconfig.json.
set -euo pipefail

# The pinned package is the linux-x64 build of the CLI.
if [ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]; then
  echo "lint.sh: needs Linux x86_64 (Azure.Bicep.CommandLine.linux-x64); this is $(uname -s)/$(uname -m)" >&2
  exit 1
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
project="$root/tools/bicep/Bicep.csproj"
entry=infra/main.bicep

# The version is the one Bicep.csproj downloads.
version=$(sed -n 's:.*<BicepVersion>\([^<]*\)</BicepVersion>.*:\1:p' "$project")
if [ -z "$version" ]; then
  echo "lint.sh: no <BicepVersion> in $project" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The Bicep CLI itself sends no telemetry. Its tracing would print TRACE lines on stderr, which
# this script reads as problems, so it is switched off.
unset BICEP_TRACING_ENABLED BICEP_TRACING_VERBOSITY

# A no-op (about a second) when the package is already in the packages folder.
if ! restore_log=$(dotnet restore "$project" 2>&1); then
  printf '%s\n' "$restore_log" >&2
  echo "lint.sh: dotnet restore $project failed" >&2
  exit 1
fi

package_path=azure.bicep.commandline.linux-x64/$version/tools/bicep
bicep="${NUGET_PACKAGES:-$HOME/.nuget/packages}/$package_path"
if [ ! -f "$bicep" ]; then
  # A nuget.config may move the packages folder (globalPackagesFolder): ask NuGet where it is.
  packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')
  bicep="${packages%/}/$package_path"
fi
if [ ! -f "$bicep" ]; then
  echo "lint.sh: restore succeeded but $bicep is missing" >&2
  exit 1
fi
[ -x "$bicep" ] || chmod +x "$bicep"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

problems=0
# Runs one bicep command; diagnostics arrive on stderr as "file(line,col) : Level code: message".
# Bicep exits 0 when there are only warnings, so stderr is what decides: any Error or Warning
# line, or anything else on stderr (a crash, a restore message) fails. Info lines are shown only.
# (Tracing this script with bash -x therefore fails it: the trace lands in the same stderr.)
run() {
  local name=$1; shift
  local status=0
  (cd "$root" && "$bicep" "$@") >"$tmp/$name.out" 2>"$tmp/$name.err" || status=$?
  local bad
  bad=$(grep -v -E '^[^ ].*\([0-9]+,[0-9]+\) : Info ' "$tmp/$name.err" | grep -v '^[[:space:]]*$' || true)
  if [ -s "$tmp/$name.err" ]; then
    sed "s#$root/##" "$tmp/$name.err" >&2
  fi
  if [ "$status" -ne 0 ] || [ -n "$bad" ]; then
    echo "lint.sh: bicep $name failed (exit $status, $(printf '%s' "$bad" | grep -c . || true) problem line(s))" >&2
    problems=$((problems + 1))
  fi
}

run build build --no-restore "$entry" --outdir "$tmp/out"
run lint lint --no-restore "$entry"

if [ "$problems" -ne 0 ]; then
  echo "bicep: build and lint of $entry FAILED ($version)" >&2
  exit 1
fi
if [ ! -s "$tmp/out/main.json" ]; then
  echo "lint.sh: bicep build wrote no ARM template" >&2
  echo "bicep: build and lint of $entry FAILED ($version)" >&2
  exit 1
fi
echo "bicep: build and lint of $entry clean ($version)"
