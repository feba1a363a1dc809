#!/usr/bin/env bash
# Runs `uv run python SCRIPT --mongo-url URL ARGS...` against CAMPAIGNS_TEST_MONGO_URL when set, else against an
# nx-27017 stand-in started here and stopped by PID. Sourced by the store and read benchmarks.
set -euo pipefail
script=$1
shift
if [[ -n "${CAMPAIGNS_TEST_MONGO_URL:-}" ]]; then
  exec uv run python "$script" --mongo-url "$CAMPAIGNS_TEST_MONGO_URL" "$@"
fi
source bench/background.sh
port=$(free_port)
work=$(mktemp -d)
serve_in_background "$port" "$work/stdout.log" \
  .venv/bin/nx-27017 --db memory --host 127.0.0.1 -p "$port" --log-file "$work/nx.log" --pid-file "$work/nx.pid"
uv run python "$script" --mongo-url "mongodb://127.0.0.1:$port" "$@"
