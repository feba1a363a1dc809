#!/usr/bin/env bash
# Sourced by the benchmarks that need a server beside them:
#   `free_port` prints a free local port;
#   `serve_in_background PORT LOG COMMAND...` starts COMMAND with its output in LOG, stops it by PID (and
#   removes $work) when the script exits, and returns once PORT accepts connections (shows LOG if it died).
free_port() {
  uv run python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

serve_in_background() {
  local port=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  background_pid=$!
  trap 'kill "$background_pid" 2>/dev/null || true; wait "$background_pid" 2>/dev/null || true; rm -rf "${work:-}"' EXIT
  for _ in $(seq 400); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$background_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.05
  done
}
