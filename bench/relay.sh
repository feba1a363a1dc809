#!/usr/bin/env bash
# Relay throughput to Kinesis on moto, beside the JSON-lines sink (see bench/relay.py). Starts
# moto_server on a free port and stops it by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/background.sh
port=$(free_port)
work=$(mktemp -d)
serve_in_background "$port" "$work/moto.log" .venv/bin/moto_server -H 127.0.0.1 -p "$port"
AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench uv run python bench/relay.py --endpoint-url "http://127.0.0.1:$port" "$@"
