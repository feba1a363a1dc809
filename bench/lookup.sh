#!/usr/bin/env bash
# Lookup-by-domain throughput against bare Litestar baselines (see bench/lookup.py).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
exec uv run python bench/lookup.py "$@"
