#!/usr/bin/env bash
# Every read path side by side (see bench/reads.py): the embedded SQLite file, and MongoDB (bench/with_mongo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
exec bash bench/with_mongo.sh bench/reads.py "$@"
