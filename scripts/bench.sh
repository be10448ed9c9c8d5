#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md: the native Rust bench (benches/decide.rs), the Wasm bench in
# Node with the GrowthBook peer (www/bench/decide.mjs), and the package's .wasm size. `make bench` builds the
# package first. Inputs are generated deterministically into bench-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

readonly OUT=bench-out
mkdir -p "$OUT"

echo "== generating the benchmark inputs"
node www/bench/generate.mjs "$OUT"

echo "== native: cargo bench --bench decide"
cargo bench --bench decide -- "$OUT"

echo "== wasm in Node: www/bench/decide.mjs"
node www/bench/decide.mjs "$OUT"

echo "== writing BENCHMARKS.md"
node www/bench/report.mjs "$OUT" BENCHMARKS.md
