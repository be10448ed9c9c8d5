#!/usr/bin/env bash
# Builds the npm package `nextoffer` into pkg/:
#   pkg/web/      wasm-bindgen's `--target web` output: the module and the only .wasm file of the package
#                 (browsers, bundlers through `new URL(..., import.meta.url)`, Deno)
#   pkg/node/     an ESM wrapper that initializes that module at import from the .wasm file, read with `fs`
#   pkg/workerd/  an ESM wrapper that initializes it from the precompiled `WebAssembly.Module` workerd hands it
#   pkg/package.json, README.md, LICENSE
# then shrinks the .wasm with binaryen's `wasm-opt -Oz` and prints its raw and gzipped size against the budget
# (80 KB gzipped). Over it, the build warns by default: size is a target measured and recorded in BENCHMARKS.md,
# not a gate on the tests. SIZE_BUDGET=enforce makes it fail instead (for when the budget is met).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly NAME=nextoffer
readonly BUDGET_GZIP_BYTES=81920
readonly TARGET_DIR="${CARGO_TARGET_DIR:-target}"
readonly PKG=pkg
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

start=$(date +%s)

# Without the default `recommender` feature: `attachRecommender` is the server build's (see Cargo.toml).
cargo build --lib --profile wasm --target wasm32-unknown-unknown --no-default-features
raw_wasm="$TARGET_DIR/wasm32-unknown-unknown/wasm/$NAME.wasm"

rm -rf "$PKG"
mkdir -p "$PKG"
wasm-bindgen --target web --out-dir "$PKG/web" --out-name "$NAME" "$raw_wasm"
cp -R pkg-template/. "$PKG/"

# Run wasm-opt with exactly the features rustc used (read from the module's target_features section), so it
# neither rejects the module nor introduces instructions the runtimes we target lack.
# --low-memory-unused: Rust puts the stack first (growing down from 1 MiB) and the data above it, so the
# lowest kilobyte is never addressed and wasm-opt may fold constant offsets into loads and stores (-570 B
# gzipped); --converge repeats -Oz until it stops shrinking the module (-30 B).
readonly SIZE_PASSES=(-Oz --low-memory-unused --converge)
for wasm in "$PKG"/web/*.wasm; do
  mapfile -t features < <(wasm-opt --print-features "$wasm" -o /dev/null)
  before=$(wc -c <"$wasm")
  wasm-opt "${SIZE_PASSES[@]}" "${features[@]}" --strip-debug --strip-producers "$wasm" -o "$wasm.opt"
  # Smallest functions first (scripts/order-functions.mjs says why): same code, about 1 KB less gzipped.
  node scripts/order-functions.mjs "$wasm.opt" "$wasm.named"
  wasm-opt "${features[@]}" --reorder-functions-by-name --strip-debug --strip-producers "$wasm.named" -o "$wasm"
  rm -f "$wasm.opt" "$wasm.named"
  echo "wasm-opt ${SIZE_PASSES[*]} ${features[*]}, functions by size: $wasm $before -> $(wc -c <"$wasm") bytes"
done

# Servers (Node, workerd) load the same module built for speed: a few more kilobytes cost them nothing, while
# CPU time per request is what an edge function pays for. The browser build above is the one the size budget
# applies to. Measured on the bench model: decideFor about 1.7x, full-request decide about 3x, load about 2x faster.
# -ocimfs=100: wasm-opt inlines every function that has one caller, whatever its size, undoing the crate's
# `#[inline(never)]`; this keeps the large ones apart. A fresh isolate (an edge cold start) runs new Wasm on V8's
# baseline compiler, charging each loop iteration and call by the size of the function's code, and recompiles a
# function with TurboFan once that budget is spent; on a small machine those background compiles slow the first
# request. Fused, `decide_view` was a 29 KB function recompiled during the first decision (issue 6).
# What the cap costs warm is small (A/B of two builds of the same source, with and without it): at eff73aa
# `decideForJson` on the bench request ran 1.3-2.9% more instructions with it (callgrind of warm Node, 321.8k vs
# 317.5k per call after 4,000 calls), 4k-9k of the 780k instructions of a whole `POST /v1/decide` on workerd's
# thread (callgrind), so at most 1.2% of a request. Cold, it halves the CPU of a fresh isolate's first decision (the edge bench's Node
# probe, medians of 9 interleaved runs: 30.4 vs 56.8 ms of process CPU at cab3b7d, 45.5 vs 75.3 at eff73aa).
readonly SERVER_PASSES=(-O3 --one-caller-inline-max-function-size=100)
cargo build --lib --release --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir "$PKG/server" --out-name "$NAME" "$TARGET_DIR/wasm32-unknown-unknown/release/$NAME.wasm"
for wasm in "$PKG"/server/*.wasm; do
  mapfile -t features < <(wasm-opt --print-features "$wasm" -o /dev/null)
  before=$(wc -c <"$wasm")
  wasm-opt "${SERVER_PASSES[@]}" "${features[@]}" --strip-debug --strip-producers "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  echo "wasm-opt ${SERVER_PASSES[*]}: $wasm $before -> $(wc -c <"$wasm") bytes, gzip -9 $(gzip -9 -c <"$wasm" | wc -c) bytes (no budget: server builds)"
done

scripts/build-insight.sh
node www/dashboard/vendor.mjs # the dashboard's uPlot copy (www/dashboard/vendor/, git-ignored)

version=$(cargo metadata --no-deps --format-version 1 |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).packages.find(p=>p.name==="'"$NAME"'");process.stdout.write(p.version)})')
node -e '
  const fs = require("node:fs");
  const file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = process.argv[2];
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$PKG/package.json" "$version"
for doc in README.md LICENSE; do
  if [ -f "$doc" ]; then cp "$doc" "$PKG/"; else echo "build: note: no $doc at the repository root to copy into $PKG/"; fi
done
# wasm-bindgen writes its own .gitignore ("*") into the output folder; npm pack would honour it.
rm -f "$PKG"/web/.gitignore "$PKG"/web/package.json "$PKG"/server/.gitignore "$PKG"/server/package.json

# Resolve `import "nextoffer"` in this repository (www/test, www/bench, the consumer type check) to the
# package just built, through its exports map, as an installed copy would be.
if [ -d node_modules ]; then ln -sfn ../pkg node_modules/nextoffer; fi

status=0
for wasm in "$PKG"/web/*.wasm; do
  raw=$(wc -c <"$wasm")
  gz=$(gzip -9 -c <"$wasm" | wc -c)
  awk -v f="$wasm" -v r="$raw" -v g="$gz" -v b="$BUDGET_GZIP_BYTES" 'BEGIN {
    printf "wasm size: %s raw %d bytes (%.1f KB), gzip -9 %d bytes (%.1f KB), budget %d bytes\n", f, r, r / 1024, g, g / 1024, b }'
  if [ "$gz" -gt "$BUDGET_GZIP_BYTES" ]; then
    if [ "${SIZE_BUDGET:-warn}" = warn ]; then
      echo "build: WARNING: $wasm is $gz bytes gzipped, over the budget of $BUDGET_GZIP_BYTES bytes" >&2
    else
      echo "build: FAILED: $wasm is $gz bytes gzipped, over the budget of $BUDGET_GZIP_BYTES bytes" >&2
      status=1
    fi
  fi
done
scripts/build-widget.sh
echo "build: $PKG/ (nextoffer $version) in $(($(date +%s) - start)) s"
exit "$status"
