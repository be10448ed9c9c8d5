# nextoffer: build, run, test and benchmark.
#
#   make run     build the Wasm package and serve the demo pages on 127.0.0.1
#   make test    everything CI runs, in order, stopping at the first failure
#
# Every install step below skips itself when its tool is already there, so the targets work on a fresh
# machine (Debian, rustup, Node 20) and cost nothing on a prepared one.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# `make test` is a sequence: later steps use what earlier ones built, and the first failure stops it.
.NOTPARALLEL:

WASM_BINDGEN_VERSION := 0.2.130
WASM_TARGET := wasm32-unknown-unknown
HOST ?= 127.0.0.1
PORT ?= 8080
# The edge Worker (workerd) of `make run`; its second instance and KV store take the next two ports.
EDGE_PORT ?= 8787

export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# wasm-bindgen tests: `cargo test --target wasm32-unknown-unknown` hands each test .wasm to this runner,
# which runs it in Node, or in headless Chromium through ChromeDriver for `run_in_browser` tests
# (the browser's flags are in webdriver.json).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTHON ?= python3
VENV := .venv
VALIDATE_SCRIPTS := $(sort $(wildcard tests/validate/*.py))

.PHONY: fuzz deps-fuzz soak screenshots
.PHONY: help deps deps-apt deps-rust deps-wasm-bindgen deps-npm build run test lint clean data validate bench \
	test-fmt test-clippy test-cargo test-wasm-node test-wasm-browser test-tsc test-node

help:
	@echo "make run       build the Wasm package and serve the demo pages on http://$(HOST):$(PORT)/ and the edge Worker on http://$(HOST):$(EDGE_PORT)/"
	@echo "make test      fmt, clippy, cargo test, wasm tests (Node, Chromium), build, tsc, Node tests, validation"
	@echo "make build     the npm package into pkg/ (prints the .wasm sizes against the 80 KB gzip budget; SIZE_BUDGET=enforce fails over it)"
	@echo "make bench     benchmarks (native and Wasm in Node, GrowthBook peer); writes BENCHMARKS.md"
	@echo "make lint      cargo fmt --check, cargo clippy -D warnings, tsc --noEmit"
	@echo "make data      download the test data sets into .cache/ (never committed)"
	@echo "make validate  run tests/validate/*.py against peer libraries in .venv"
	@echo "make fuzz      run every fuzz target FUZZ_SECONDS (default 600) each, nightly cargo-fuzz; reports exec/s"
	@echo "make soak      the memory test over 1,000,000 decide calls and 100,000 events (a few minutes)"
	@echo "make deps      install what is missing (chromium, wasm32 target, wasm-bindgen-cli, npm packages)"
	@echo "make clean     remove build outputs"

# ---------------------------------------------------------------------------------------------- installs

deps: deps-apt deps-rust deps-wasm-bindgen deps-npm

deps-apt:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "deps: chromium and chromedriver present"; \
	else \
		echo "deps: installing chromium and chromium-driver from Debian"; \
		$(SUDO) apt-get update -q; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium chromium-driver; \
	fi
	@# A Japanese font, for the demo shop's screenshots (docs/screenshots/) to show its text, not empty boxes.
	@if fc-list :lang=ja 2>/dev/null | grep -q .; then \
		echo "deps: a Japanese font present"; \
	else \
		echo "deps: installing fonts-ipafont-gothic from Debian"; \
		$(SUDO) apt-get update -q; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q fonts-ipafont-gothic; \
	fi

deps-rust:
	@if rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
		echo "deps: rust target $(WASM_TARGET) present"; \
	else \
		rustup target add $(WASM_TARGET); \
	fi
	@if cargo fmt --version >/dev/null 2>&1 && cargo clippy --version >/dev/null 2>&1; then \
		echo "deps: rustfmt and clippy present"; \
	else \
		rustup component add rustfmt clippy; \
	fi

# The CLI must match the `wasm-bindgen = "=0.2.130"` pin of Cargo.toml exactly. It installs from source
# (about six minutes); `--locked` fails on this registry, so it is left out on purpose.
deps-wasm-bindgen:
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] \
		&& command -v wasm-bindgen-test-runner >/dev/null; then \
		echo "deps: wasm-bindgen $(WASM_BINDGEN_VERSION) present"; \
	else \
		echo "deps: installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (from source, several minutes)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi

# The registry this machine reaches lacks workerd's macOS and Windows binaries (optional dependencies), so
# `npm install` leaves them out of package-lock.json and `npm ci` then refuses the lock. Their entries were added
# by hand (version, os, cpu, no integrity; npm skips them on Linux): keep them when the lock is regenerated.
deps-npm: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# -------------------------------------------------------------------------------------------- build, run

build: deps-rust deps-wasm-bindgen deps-npm
	scripts/build-pkg.sh

# The edge Worker runs in workerd beside the page server; Ctrl-C (or either one failing to start) stops both.
run: deps-rust deps-wasm-bindgen deps-npm
	SIZE_BUDGET=warn scripts/build-pkg.sh
	node www/edge/launch.mjs --host $(HOST) --port $(EDGE_PORT) & edge=$$!; \
	trap 'kill $$edge 2>/dev/null; wait $$edge 2>/dev/null' EXIT; \
	node www/serve.mjs --host $(HOST) --port $(PORT)

# ------------------------------------------------------------------------------------------------- tests

# The order is the order of cost: the cheap checks fail first.
test: deps
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-fmt test-clippy data test-cargo test-wasm-node test-wasm-browser \
		build test-tsc test-node validate; \
	echo "make test: all steps passed in $$(( $$(date +%s) - start )) s"

test-fmt:
	@echo "== cargo fmt --check"
	cargo fmt --all -- --check
	@echo "cargo fmt: ok"

test-clippy:
	@echo "== cargo clippy --all-targets -- -D warnings"
	cargo clippy --all-targets -- -D warnings
	@echo "== cargo clippy for the browser build (wasm32, without the recommender feature)"
	cargo clippy --lib --target $(WASM_TARGET) --no-default-features -- -D warnings

test-cargo:
	@echo "== cargo test (native unit and integration tests)"
	cargo test

test-wasm-node: deps-rust deps-wasm-bindgen
	@echo "== wasm-bindgen tests in Node"
	cargo test --target $(WASM_TARGET) --test wasm_node

test-wasm-browser: deps-apt deps-rust deps-wasm-bindgen
	@echo "== wasm-bindgen tests in headless Chromium"
	cargo test --target $(WASM_TARGET) --test wasm_browser

test-tsc: deps-npm
	@echo "== tsc --noEmit (www/test/consumer.ts against pkg/)"
	tsc --noEmit -p www/test/tsconfig.json
	tsc --noEmit -p www/dashboard/tsconfig.json
	tsc --noEmit -p pkg-template/widget
	@echo "tsc: ok"

# The glob, not the folder: node 20 would also run www/test/support.mjs as a test file.
test-node: deps-npm
	@echo "== node --test www/test/ (the built package)"
	node --test www/test/*.test.mjs

# The browser tests write their screenshots to a temporary folder; this refreshes the README's in docs/screenshots/.
screenshots: build
	UPDATE_SCREENSHOTS=1 node --test www/test/widget.test.mjs www/test/dashboard.test.mjs

lint: deps-npm
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	@if [ -d pkg/web ]; then tsc --noEmit -p www/test/tsconfig.json && echo "tsc: ok"; \
	else echo "lint: pkg/ not built, run make build to type-check the consumer file"; exit 1; fi

# ------------------------------------------------------------------------------- data sets and validation

data:
	scripts/fetch-data.sh

# Each tests/validate/NAME.py runs in one shared venv with tests/validate/NAME.requirements.txt installed.
validate:
	@if [ -z "$(VALIDATE_SCRIPTS)" ]; then \
		echo "validate: no scripts in tests/validate/, nothing to do"; \
	else \
		scripts/validate.sh $(VALIDATE_SCRIPTS); \
	fi

# ----------------------------------------------------------------------------------------------- benches

# The benchmarks report the .wasm size against its budget rather than stop on it.
bench: deps-rust deps-wasm-bindgen deps-npm data
	SIZE_BUDGET=warn scripts/build-pkg.sh
	scripts/bench.sh

# -------------------------------------------------------------------------------------------------- fuzz

# cargo-fuzz drives libFuzzer, which needs the nightly toolchain; `make test` replays the committed corpus
# and past crashers on stable instead (tests/fuzz_replay.rs).
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 1

deps-fuzz:
	@if ! rustup toolchain list | grep -q '^nightly'; then rustup toolchain install nightly --profile minimal; fi
	@if cargo fuzz --version >/dev/null 2>&1; then \
		echo "deps: cargo-fuzz present"; \
	else \
		cargo install cargo-fuzz; \
	fi

fuzz: deps-fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz.sh

# make test runs www/test/memory.test.mjs with 100,000 decide calls; the soak run takes a million.
soak: build
	MEMORY_CALLS=1000000 MEMORY_EVENTS=100000 node --test www/test/memory.test.mjs

# ------------------------------------------------------------------------------------------------- clean

clean:
	cargo clean
	rm -rf pkg bench-out
