#!/usr/bin/env bash
# Runs the whole check suite: lint, format, import contracts, types, tests.
# Works on a fresh machine with Python 3.11 and pip; installs uv if it is missing.
# Extra arguments are passed to pytest (e.g. `scripts/test.sh -k lifecycle`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

# shellcheck source=scripts/uv.sh
source scripts/uv.sh

# Never re-resolve dependencies here: the lock file is the contract.
export UV_LOCKED=1

if [[ -n "${CI:-}" ]]; then
    export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
fi

step "uv sync --locked"
uv sync --locked

# The Redis tests start their own redis-server (a primary and a replica) and stop it by PID.
if ! command -v redis-server >/dev/null 2>&1; then
    step "apt-get install redis-server"
    sudo_if_needed=()
    [[ "$(id -u)" -eq 0 ]] || sudo_if_needed=(sudo)
    "${sudo_if_needed[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_if_needed[@]}" apt-get install -y -qq redis-server
fi

step "ruff check"
uv run ruff check .

step "ruff format --check"
uv run ruff format --check .

step "lint-imports"
uv run lint-imports --no-logo

step "mypy"
uv run mypy

step "pytest${HYPOTHESIS_PROFILE:+ (HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE})}"
# Two workers (this is a 2-core machine), each test file kept on one worker with its module fixtures.
uv run pytest -n "${CAMPAIGNS_TEST_WORKERS:-2}" --dist loadfile "$@"
