#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md:
# - the native decide bench (benches/decide.rs) and the Wasm bench in Node with the GrowthBook peer
#   (www/bench/decide.mjs), on inputs generated deterministically into bench-out/;
# - every other native bench, benches/NAME.rs, its output kept in bench-out/NAME.txt, and its Python peer
#   www/bench/NAME_peer.py when there is one (run in .venv with tests/validate/*.requirements.txt), its
#   output in bench-out/NAME_peer.txt; the report quotes them;
# - the package's .wasm size;
# - the edge Worker in workerd under autocannon (www/bench/edge.mjs).
# `make bench` builds the package and fetches the data sets first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The release profile aborts on panic (for Wasm size); benches build the library for the host with unwind,
# and a cdylib+rlib crate built both ways in one target dir collides on its file names. One strategy here.
export CARGO_PROFILE_RELEASE_PANIC=unwind

readonly OUT=bench-out
readonly VENV=.venv
PYTHON="${PYTHON:-python3}"
mkdir -p "$OUT"
rm -f "$OUT"/native.json "$OUT"/wasm.json "$OUT"/*.txt

echo "== generating the benchmark inputs"
node www/bench/generate.mjs "$OUT"

echo "== native: cargo bench --bench decide"
cargo bench --bench decide -- "$OUT"

echo "== wasm in Node: www/bench/decide.mjs"
node www/bench/decide.mjs "$OUT"

venv_ready=0
for file in benches/*.rs; do
  name=$(basename "$file" .rs)
  [ "$name" = decide ] && continue
  echo "== native: cargo bench --bench $name"
  cargo bench --bench "$name" | tee "$OUT/$name.txt"
  peer="www/bench/${name}_peer.py"
  if [ -f "$peer" ]; then
    if [ "$venv_ready" = 0 ]; then
      [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
      for requirements in tests/validate/*.requirements.txt; do
        [ -f "$requirements" ] || continue
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
      done
      venv_ready=1
    fi
    echo "== peer: $peer"
    "$VENV/bin/python" "$peer" | tee "$OUT/${name}_peer.txt"
  fi
done

echo "== wasm in Node: www/bench/insight_wasm.mjs" && node www/bench/insight_wasm.mjs "$OUT" | tee "$OUT/insight_wasm.txt"
echo "== wasm in Node: www/bench/recommend_wasm.mjs" && node www/bench/recommend_wasm.mjs "$OUT" | tee "$OUT/recommend_wasm.txt"

echo "== widget in headless Chromium: www/bench/widget.mjs" && node www/bench/widget.mjs "$OUT"

echo "== CRM dashboard in headless Chromium: www/bench/dashboard.mjs" && node www/bench/dashboard.mjs "$OUT"

# The edge Worker in workerd under autocannon; its figures go to bench-out/edge.json (a section of their own).
echo "== edge: www/bench/edge.mjs (workerd + autocannon on loopback)" && node www/bench/edge.mjs "$OUT"

echo "== writing BENCHMARKS.md"
node www/bench/report.mjs "$OUT" BENCHMARKS.md
