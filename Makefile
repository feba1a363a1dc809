# Single entry point for day-to-day tasks. CI runs `scripts/test.sh` (the same checks as `lint` + the tests).

.PHONY: help run test lint format bench bench-lookup bench-tick bench-password bench-store bench-relay bench-fleet bench-reads stack fuzz deep-properties screenshot-schema
.DEFAULT_GOAL := help
SHELL := /bin/bash
# Every target that runs a tool installs uv first when it is missing, as the scripts do.
UV := source scripts/uv.sh && uv

help: ## List the targets (what `make` alone does)
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{ printf "  make %-18s %s\n", $$1, $$2 }'

run: ## Serve on :8080 with the embedded profile (SQLite under ./var)
	bash scripts/run.sh

test: ## Lint, type-check and run the whole test suite (what CI runs)
	bash scripts/test.sh

lint: ## ruff, ruff format --check, import-linter, mypy
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports --no-logo
	$(UV) run mypy

format: ## Format and auto-fix the whole tree
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: bench-lookup bench-tick bench-password bench-store bench-relay bench-fleet bench-reads ## Every benchmark below

bench-lookup: ## Lookup throughput and latency against bare and verify-only routes
	bash bench/lookup.sh

bench-tick: ## Lifecycle tick over many stored campaigns, some due
	bash bench/tick.sh

bench-password: ## Password-guess flood against a protected campaign
	bash bench/password_flood.sh

bench-store: ## Tick and lookups on SQLite and the MongoDB stand-in
	bash bench/store.sh

bench-relay: ## Outbox relay throughput
	bash bench/relay.sh

bench-fleet: ## Worker scaling, lookups while bodies stall, staleness across instances
	bash bench/fleet.sh

bench-reads: ## Every read path against the bare route, at 10,000 and 100,000 stored
	bash bench/reads.sh

stack: ## The production profile on this machine (Redis, moto, MongoDB stand-in, Fastly stand-in), serving
	bash scripts/stack.sh --serve

fuzz: ## Schema-driven fuzzing of the running service (fails on any 5xx)
	bash scripts/fuzz.sh

deep-properties: ## The property-based tests with many more examples
	$(UV) sync --locked && HYPOTHESIS_PROFILE=deep uv run pytest -q -p no:cacheprovider $$(grep -rl "from hypothesis import" tests)

screenshot-schema: ## Screenshot of /schema in headless Chromium, offline (var/schema.png)
	bash scripts/screenshot_schema.sh
