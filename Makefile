# Each target is a thin call into scripts/; the scripts say what they do.
.DEFAULT_GOAL := help
.PHONY: help run test check demo bench

help: ## list the targets
	@echo "make targets:"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## (.*)/  \1\t\2/' | expand -t 10

run: ## install what running needs, load demo data, say how to log in, serve on http://127.0.0.1:8000 (PORT=...)
	@scripts/run.sh

test: ## the whole suite: ruff, mypy, lint-imports, pytest on SQLite and on PostgreSQL
	@scripts/test.sh

check: ## only ruff, mypy and lint-imports
	@scripts/test.sh --checks-only

demo: ## migrate and load the starter guides and demo data (idempotent), without serving
	@scripts/run.sh demo

bench: ## the benchmark (bench/) on SQLite, then PostgreSQL: JSON results (BENCH="--sales 100000" for a smaller run)
	@scripts/venv.sh run && scripts/bench.sh $(BENCH)
