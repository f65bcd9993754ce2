#!/usr/bin/env bash
# The LiveCounter benchmark in one command (see docs/performance.md):
#   ./bench/run.sh [options]            npm ci in bench/ if needed, build Standalone (Release), then run every
#                                       scenario; bench/src/main.mjs starts Standalone on a free loopback port with
#                                       request logging off (with --store tables: Azurite first, and the store proxy
#                                       for --store-latency / --store-faults) and stops everything it started
#   ./bench/run.sh --url <base> [...]   drive a server that is already running; nothing is built or started
# Options are those of bench/src/main.mjs: ./bench/run.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null 2>&1 || { echo "bench: Node.js 20.18+ is required" >&2; exit 2; }

if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  echo "bench: npm ci in bench/" >&2
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

for arg in "$@"; do
  case "$arg" in
    --url | --url=* | -h | --help) exec node bench/src/main.mjs "$@" ;;
  esac
done

command -v dotnet >/dev/null 2>&1 || { echo "bench: the .NET 10 SDK is required to build Standalone" >&2; exit 2; }
echo "bench: building Standalone (Release, without the web pages)" >&2
dotnet build Standalone -c Release -p:SkipWebBuild=true -nologo -v q -clp:ErrorsOnly >&2
app="$PWD/Standalone/bin/Release/net10.0/LiveCounter.Standalone.dll"
[ -f "$app" ] || { echo "bench: $app was not built" >&2; exit 2; }

# main.mjs starts the app as `dotnet run --project Standalone -c Release` would (content root Standalone/), directly,
# so that its child's pid is the server's, whose VmRSS and CPU the bench reads; it stops it at the end.
exec node bench/src/main.mjs --app "$app" "$@"
