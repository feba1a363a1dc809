# Single entry point for day-to-day tasks. CI runs `scripts/test.sh` (the same checks as `lint` + the tests).

.PHONY: run test lint format bench bench-lookup bench-tick bench-password bench-store fuzz deep-properties

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	uv run ruff check .
	uv run ruff format --check .
	uv run lint-imports --no-logo
	uv run mypy

format:
	uv run ruff format .
	uv run ruff check --fix .

bench: bench-lookup bench-tick bench-password bench-store

bench-lookup:
	bash bench/lookup.sh

bench-tick:
	bash bench/tick.sh

bench-password:
	bash bench/password_flood.sh

bench-store:
	bash bench/store.sh

fuzz:
	bash scripts/fuzz.sh

deep-properties:
	HYPOTHESIS_PROFILE=deep uv run pytest -q -p no:cacheprovider $$(grep -rl "from hypothesis import" tests)
