#!/usr/bin/env bash
# Runs the service on the embedded profile (SQLite under ./var, no other server needed) on :8080.
# Works on a fresh machine with Python 3.11 and pip; installs uv if it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/uv.sh
source scripts/uv.sh
exec uv run --locked campaigns serve "$@"
