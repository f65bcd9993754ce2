#!/usr/bin/env bash
# The LiveCounter benchmark in one command (see docs/performance.md):
#   ./bench/run.sh [options]            npm ci in bench/ if needed, publish Standalone (Release, ReadyToRun: what
#                                       ships, see Standalone.csproj), then run every
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
# The published build, as a user deploys it: ReadyToRun for this machine and the runtime settings of the csproj, so
# that the bench measures what ships (a `dotnet build` of the same code starts in the JIT).
echo "bench: publishing Standalone (Release, ReadyToRun, without the web pages)" >&2
publish="$PWD/Standalone/bin/Release/bench-publish"
dotnet publish Standalone -c Release -p:SkipWebBuild=true -o "$publish" -nologo -v q -clp:ErrorsOnly >&2
app="$publish/LiveCounter.Standalone.dll"
[ -f "$app" ] || { echo "bench: $app was not published" >&2; exit 2; }

# main.mjs starts the app as `dotnet run --project Standalone -c Release` would (content root Standalone/), directly,
# so that its child's pid is the server's, whose VmRSS and CPU the bench reads; it stops it at the end.
exec node bench/src/main.mjs --app "$app" "$@"
