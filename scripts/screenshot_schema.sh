#!/usr/bin/env bash
# Takes a screenshot of the OpenAPI page (/schema) in headless Chromium with every host but the
# service unreachable, to see that the page renders offline. Not part of CI.
# Usage: scripts/screenshot_schema.sh [OUT.png]   (default var/schema.png)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/uv.sh
source scripts/uv.sh
out=${1:-var/schema.png}
mkdir -p "$(dirname "$out")"
if ! command -v chromium >/dev/null 2>&1; then
    echo "==> installing chromium" >&2
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
profile=$(mktemp -d)
port=${SCREENSHOT_PORT:-8096}
# shellcheck source=scripts/scratch_service.sh
source scripts/scratch_service.sh
start_scratch_service "$port" "$profile"
# --host-resolver-rules: every name but the service's address fails to resolve, so a page that
# needed a CDN would come out blank.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
    --window-size=1280,1600 --virtual-time-budget=10000 --hide-scrollbars \
    --screenshot="$(realpath "$out")" "http://127.0.0.1:$port/schema" 2>/dev/null
echo "screenshot: $out"
