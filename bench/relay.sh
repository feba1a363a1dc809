#!/usr/bin/env bash
# Relay throughput to Kinesis on moto, beside the JSON-lines sink (see bench/relay.py). Starts
# moto_server on a free port and stops it by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(uv run python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 400); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$work/moto.log" >&2; exit 1; }
  sleep 0.05
done
AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench uv run python bench/relay.py --endpoint-url "http://127.0.0.1:$port" "$@"
