#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md: the native decide bench (benches/decide.rs), the Wasm bench
# in Node with the GrowthBook peer (www/bench/decide.mjs), every other native bench of benches/ (its output
# kept in bench-out/NAME.txt and quoted in the report), and the package's .wasm size. `make bench` builds the
# package first. Inputs are generated deterministically into bench-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

readonly OUT=bench-out
mkdir -p "$OUT"
rm -f "$OUT"/native.json "$OUT"/wasm.json "$OUT"/*.txt

echo "== generating the benchmark inputs"
node www/bench/generate.mjs "$OUT"

echo "== native: cargo bench --bench decide"
cargo bench --bench decide -- "$OUT"

echo "== wasm in Node: www/bench/decide.mjs"
node www/bench/decide.mjs "$OUT"

for file in benches/*.rs; do
  name=$(basename "$file" .rs)
  [ "$name" = decide ] && continue
  echo "== native: cargo bench --bench $name"
  cargo bench --bench "$name" | tee "$OUT/$name.txt"
done

echo "== writing BENCHMARKS.md"
node www/bench/report.mjs "$OUT" BENCHMARKS.md
