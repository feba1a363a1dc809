#!/usr/bin/env bash
# Lookups by domain of other callers while 8 connections guess wrong passwords (see bench/password_flood.py).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
exec uv run python bench/password_flood.py "$@"
