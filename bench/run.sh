#!/usr/bin/env bash
# The LiveCounter benchmark in one command (see docs/performance.md):
#   ./bench/run.sh [options]            npm ci in bench/ if needed, build Standalone (Release), start it on a free
#                                       loopback port with request logging off, run every scenario, stop it
#   ./bench/run.sh --url <base> [...]   drive a server that is already running; nothing is built or started
# Options are those of bench/src/main.mjs: ./bench/run.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null 2>&1 || { echo "bench: Node.js 20.18+ is required" >&2; exit 2; }

if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  echo "bench: npm ci in bench/" >&2
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

external=false
for arg in "$@"; do
  case "$arg" in
    --url | --url=*) external=true ;;
    -h | --help) exec node bench/src/main.mjs --help ;;
  esac
done
if $external; then
  exec node bench/src/main.mjs "$@"
fi

command -v dotnet >/dev/null 2>&1 || { echo "bench: the .NET 10 SDK is required to build Standalone" >&2; exit 2; }
echo "bench: building Standalone (Release, without the web pages)" >&2
dotnet build Standalone -c Release -p:SkipWebBuild=true -nologo -v q -clp:ErrorsOnly >&2
app="$PWD/Standalone/bin/Release/net10.0/LiveCounter.Standalone.dll"
[ -f "$app" ] || { echo "bench: $app was not built" >&2; exit 2; }

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
mkdir -p bench/results
log="bench/results/server-$(date -u +%Y-%m-%dT%H-%M-%SZ).log"

# The same process `dotnet run --project Standalone -c Release` starts (content root Standalone/), run directly so
# that $! is the server's pid, whose VmRSS and CPU the bench reads. The per-request log line is turned off.
(cd Standalone && exec dotnet "$app" --urls "$base" --Logging:LogLevel:LiveCounter.Standalone.Requests=Warning) >"$log" 2>&1 &
server=$!

stop() {
  if kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

echo "bench: Standalone (pid $server) starting at $base, log $log" >&2
ready=false
for _ in $(seq 1 120); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "bench: Standalone exited during startup:" >&2
    cat "$log" >&2
    exit 2
  fi
  if node -e "fetch('$base/api/counters/bench-ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    ready=true
    break
  fi
  sleep 0.5
done
$ready || { echo "bench: Standalone did not answer within 60 s" >&2; exit 2; }

status=0
node bench/src/main.mjs --url "$base" --server-pid "$server" "$@" || status=$?
exit "$status"
