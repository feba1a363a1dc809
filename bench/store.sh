#!/usr/bin/env bash
# Each store under load (see bench/store.py): the embedded SQLite file, and MongoDB (bench/with_mongo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash bench/with_mongo.sh bench/store.py "$@"
