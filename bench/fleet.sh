#!/usr/bin/env bash
# A fleet's figures: worker scaling, lookups under stalled bodies, staleness across instances (bench/fleet.py).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/uv.sh
source scripts/uv.sh
if ! command -v wrk >/dev/null || ! command -v redis-server >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk redis-server >/dev/null
fi
ulimit -n "$(ulimit -Hn)"  # 2,000 held connections need more descriptors than the usual 1,024
exec uv run --locked python bench/fleet.py "$@"
