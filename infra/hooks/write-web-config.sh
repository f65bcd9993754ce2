#!/bin/sh
# azd predeploy hook of the "web" service (POSIX shells; write-web-config.ps1 is the Windows twin and
# writes the same file).
#
# Writes web/dist/config.json = { "apiBase": "<function app URL>/api" } so the built pages
# call the deployed Functions API. It runs after azd has built and packaged web/ and before
# the Static Web App upload; the JavaScript is not rebuilt. The URL comes from the azd
# environment (API_BASE_URL, an output of infra/main.bicep), which azd passes to hooks; run
# by hand without it, the script asks `azd env get-value API_BASE_URL`.
#
# Usable by hand too:  API_BASE_URL=https://<app>.azurewebsites.net/api sh infra/hooks/write-web-config.sh
# Tested by web/test/hooks.test.ts.
set -eu

script_dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
repo_root=$(CDPATH= cd -- "$script_dir/../.." && pwd)
dist_dir="$repo_root/web/dist"

api_base="${API_BASE_URL:-}"
if [ -z "$api_base" ] && command -v azd >/dev/null 2>&1; then
  api_base=$(azd env get-value API_BASE_URL 2>/dev/null || true)
fi

if [ -z "$api_base" ]; then
  echo "write-web-config: API_BASE_URL is not set. Run 'azd provision' (or 'azd up') first." >&2
  exit 1
fi

# A URL never needs these; refusing them keeps the JSON below well formed.
case "$api_base" in
  *'"'* | *'\'* | *[[:space:][:cntrl:]]*)
    printf "write-web-config: API_BASE_URL contains a quote, backslash, whitespace or control character (got '%s').\n" "$api_base" >&2
    exit 1
    ;;
esac

while :; do
  case "$api_base" in
    */) api_base="${api_base%/}" ;;
    *) break ;;
  esac
done

case "$api_base" in
  https://[!/]*) ;;
  *)
    printf "write-web-config: API_BASE_URL must start with https:// and name a host (got '%s').\n" "$api_base" >&2
    exit 1
    ;;
esac

if [ ! -d "$dist_dir" ]; then
  echo "write-web-config: $dist_dir does not exist; the web service must be built first." >&2
  exit 1
fi

tmp_file="$dist_dir/config.json.tmp"
printf '{ "apiBase": "%s" }\n' "$api_base" > "$tmp_file"
mv -f "$tmp_file" "$dist_dir/config.json"

printf 'write-web-config: wrote %s with apiBase %s\n' "$dist_dir/config.json" "$api_base"
