#!/usr/bin/env bash
# Runs `uv run python SCRIPT --mongo-url URL ARGS...` against CAMPAIGNS_TEST_MONGO_URL when set, else against an
# nx-27017 stand-in started here and stopped by PID. Sourced by the store and read benchmarks.
set -euo pipefail
script=$1
shift
if [[ -n "${CAMPAIGNS_TEST_MONGO_URL:-}" ]]; then
  exec uv run python "$script" --mongo-url "$CAMPAIGNS_TEST_MONGO_URL" "$@"
fi
port=$(uv run python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
.venv/bin/nx-27017 --db memory --host 127.0.0.1 -p "$port" --log-file "$work/nx.log" --pid-file "$work/nx.pid" \
  >"$work/stdout.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 200); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$work/stdout.log" >&2; exit 1; }
  sleep 0.05
done
uv run python "$script" --mongo-url "mongodb://127.0.0.1:$port" "$@"
