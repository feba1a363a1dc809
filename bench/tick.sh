#!/usr/bin/env bash
# Lifecycle tick over a large embedded SQLite store with few campaigns due (see bench/tick.py).
set -euo pipefail
cd "$(dirname "$0")/.."
exec uv run python bench/tick.py "$@"
