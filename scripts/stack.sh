#!/usr/bin/env bash
# The production profile on this machine in one command: Redis (primary and replica), moto with the
# Kinesis stream and both SQS queues, the MongoDB stand-in (or CAMPAIGNS_STORE when it names a real
# MongoDB), a Fastly stand-in that logs purges; `campaigns db init`; the `export` lines to paste.
# `--serve` also runs `campaigns serve` and `campaigns scheduler`. Ctrl-C or SIGTERM stops it all.
# Works on a fresh machine with Python 3.11 and pip: installs uv, the locked dependencies and redis-server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/uv.sh
source scripts/uv.sh
uv sync --locked --quiet
if ! command -v redis-server >/dev/null 2>&1; then
    echo "==> apt-get install redis-server" >&2
    sudo_if_needed=()
    [[ "$(id -u)" -eq 0 ]] || sudo_if_needed=(sudo)
    "${sudo_if_needed[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_if_needed[@]}" apt-get install -y -qq redis-server >/dev/null
fi
exec uv run --locked python scripts/stack.py "$@"
