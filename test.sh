#!/usr/bin/env bash
# Runs every LiveCounter test: the web unit tests (the azd hooks under PowerShell included), the bench's own tests, the
# Bicep build and lint of infra/, then the .NET test projects
# (Azurite and browser tests included). Two gaps of some NuGet mirrors are tolerated, each with one SKIPPED line:
# the Azure Functions worker packages (Functions and Functions.Tests are skipped), and the Functions host's SignalR
# extension that the worker SDK's build step restores (Functions is compiled and tested without that step).
# Any other restore or build error fails the run.
set -euo pipefail
cd "$(dirname "$0")"

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0 failed=0 skipped_projects=()
declare -A test_args=()

step() { printf '\n==> %s\n' "$*"; }
errors_in() { grep -E ': error ' "$1" | sed 's/ \[[^]]*\]$//' | sort -u || true; }

# --- PowerShell: the azd hooks' .ps1 is run by the web tests under pwsh (7.x) and scanned for Windows PowerShell 5.1 ---
# Where no pwsh is installed, the PowerShell .NET tool (NuGet) goes to .tools/, ignored by git, so no test is skipped.
pwsh_version=7.6.9
if [ -z "${LIVECOUNTER_PWSH:-}" ] && ! command -v pwsh >/dev/null 2>&1; then
  if [ ! -x .tools/pwsh/pwsh ]; then
    step "PowerShell $pwsh_version (dotnet tool) into .tools/pwsh"
    dotnet tool install --tool-path .tools/pwsh PowerShell --version "$pwsh_version" >/dev/null
  fi
  LIVECOUNTER_PWSH="$PWD/.tools/pwsh/pwsh"
  export LIVECOUNTER_PWSH
fi

# --- web: type-check, unit tests, build (the build is what Standalone serves and the browser tests open) ---
step "web: npm ci, npm test, npm run build"
(cd web && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi)
set +e
(cd web && npm test) 2>&1 | tee "$log/web.txt"
web_status=${PIPESTATUS[0]}
set -e
web_summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log/web.txt" | grep -E '^ *Tests +[0-9]' | tail -1 || true)
web_passed=$(printf '%s' "$web_summary" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p')
web_failed=$(printf '%s' "$web_summary" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) failed.*/\1/p')
passed=$((passed + ${web_passed:-0})); failed=$((failed + ${web_failed:-0}))
if [ "$web_status" -ne 0 ] && [ "${web_failed:-0}" -eq 0 ]; then
  echo "test.sh: npm test exited $web_status" >&2
  failed=$((failed + 1))
fi
(cd web && npm run build)

# --- bench: the load generator's own tests (node:test): the store proxy, storage checks, the stuck subscriber, options ---
step "bench: npm ci, node --test"
(cd bench && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; fi)
set +e
(cd bench && node --test test/) 2>&1 | tee "$log/bench.txt"
bench_status=${PIPESTATUS[0]}
set -e
bench_passed=$(sed -n 's/^# pass \([0-9][0-9]*\)$/\1/p' "$log/bench.txt" | tail -1)
bench_failed=$(sed -n 's/^# fail \([0-9][0-9]*\)$/\1/p' "$log/bench.txt" | tail -1)
passed=$((passed + ${bench_passed:-0})); failed=$((failed + ${bench_failed:-0}))
if [ "$bench_status" -ne 0 ] && [ "${bench_failed:-0}" -eq 0 ]; then
  echo "test.sh: node --test in bench/ exited $bench_status" >&2
  failed=$((failed + 1))
fi

# --- infra: the Bicep CLI (a NuGet package) builds and lints infra/main.bicep; any warning fails ---
step "infra: bicep build and lint"
if bash tools/bicep/lint.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# --- Functions: restorable only where NuGet has the Azure Functions worker packages ---
# Exactly these may be missing; anything else failing to restore is a real error.
azure_only='^(Microsoft\.Azure\.Functions\.Worker(\..+)?|Microsoft\.Azure\.WebJobs(\..+)?)$'
test_projects=(Counters.Tests Tables.Tests)
step "Functions: restore"
if dotnet restore Functions.Tests/Functions.Tests.csproj >"$log/functions-restore.txt" 2>&1; then
  step "Functions: build"
  if ! dotnet build Functions.Tests/Functions.Tests.csproj >"$log/functions-build.txt" 2>&1; then
    # The worker SDK's WorkerExtensions step restores the host's SignalR extension; where exactly that package is
    # missing, build again without that step (the project's own switch, off by default).
    errors=$(errors_in "$log/functions-build.txt")
    if [ -n "$errors" ] && ! printf '%s\n' "$errors" \
        | grep -v -E '/WorkerExtensions/WorkerExtensions\.csproj : error NU1101: Unable to find package Microsoft\.Azure\.WebJobs\.Extensions\.SignalRService\.' \
        | grep -q .; then
      echo "SKIPPED worker extensions: NuGet here lacks Microsoft.Azure.WebJobs.Extensions.SignalRService; Functions compiled and tested, its output is not runnable by func"
      test_args[Functions.Tests]="-p:LiveCounterSkipWorkerExtensions=true"
      dotnet build Functions.Tests/Functions.Tests.csproj ${test_args[Functions.Tests]} >"$log/functions-build.txt" 2>&1 \
        || { cat "$log/functions-build.txt"; echo "test.sh: Functions does not build even without the worker-extensions step." >&2; exit 1; }
    else
      cat "$log/functions-build.txt"
      echo "test.sh: Functions failed to build." >&2
      exit 1
    fi
  fi
  test_projects+=(Functions.Tests)
else
  errors=$(errors_in "$log/functions-restore.txt")
  missing=$(printf '%s\n' "$errors" | sed -n 's/.*error NU110[12]: Unable to find package \([A-Za-z0-9._-]*[A-Za-z0-9_-]\).*/\1/p' | sort -u)
  other=$(printf '%s\n' "$errors" | grep -v -E 'error NU110[12]: ' | grep -v '^$' || true)
  unknown=$(printf '%s\n' "$missing" | grep -v -E "$azure_only" | grep -v '^$' || true)
  if [ -z "$errors" ] || [ -n "$other" ] || [ -n "$unknown" ] || [ -z "$missing" ]; then
    cat "$log/functions-restore.txt"
    echo "test.sh: Functions restore failed for a reason other than the known Azure packages missing." >&2
    exit 1
  fi
  echo "SKIPPED Functions: NuGet here lacks $(printf '%s' "$missing" | paste -sd, - | sed 's/,/, /g'); Functions and Functions.Tests build and run where these restore."
  skipped_projects+=(Functions Functions.Tests)
fi
test_projects+=(Standalone.Tests)

# --- .NET: build and test each project, showing each project's pass count ---
for project in "${test_projects[@]}"; do
  step "dotnet test $project"
  set +e
  # shellcheck disable=SC2086 # the extra arguments are words
  dotnet test "$project/$project.csproj" ${test_args[$project]:-} 2>&1 | tee "$log/$project.txt"
  status=${PIPESTATUS[0]}
  set -e
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log/$project.txt" | grep -E '(Passed|Failed)! +- +Failed: ' | tail -1 || true)
  p=$(printf '%s' "$summary" | sed -n 's/.*Passed: *\([0-9]*\).*/\1/p')
  f=$(printf '%s' "$summary" | sed -n 's/.*Failed: *\([0-9]*\), Passed.*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
    echo "test.sh: dotnet test $project exited $status" >&2
    failed=$((failed + 1))
  fi
done

echo
if [ ${#skipped_projects[@]} -gt 0 ]; then
  echo "SKIPPED projects: ${skipped_projects[*]} (see the SKIPPED line above)"
fi
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
