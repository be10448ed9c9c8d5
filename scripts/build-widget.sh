#!/usr/bin/env bash
# Builds the widget into pkg/widget/ from pkg-template/widget/ with esbuild:
#   pkg/widget/index.js             the ES module of `nextoffer/widget` (minified, no side effects; it imports
#                                   ../web/nextoffer.js lazily, so bundlers pick up the engine and its .wasm)
#   pkg/widget/nextoffer-widget.js  the classic script-tag build (minified IIFE: data- attributes, the
#                                   window.nextoffer command queue, registration of <nextoffer-offers>)
#   pkg/widget/index.d.ts           the declarations
# and prints their gzipped sizes against the budget (10 KB). Called at the end of scripts/build-pkg.sh; run it
# alone after editing the widget (the engine's build output in pkg/web/ is left as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

readonly SRC=pkg-template/widget
readonly OUT=pkg/widget
readonly BUDGET_GZIP_BYTES=10240
version=$(node -p 'require("./pkg/package.json").version' 2>/dev/null || echo 0.0.0)

rm -rf "$OUT"
mkdir -p "$OUT"
common=(--bundle --minify --target=es2022 --external:../web/nextoffer.js --legal-comments=none --log-level=warning)
esbuild "$SRC/index.js" "${common[@]}" --format=esm --outfile="$OUT/index.js"
esbuild "$SRC/embed.js" "${common[@]}" --format=iife --define:__WIDGET_VERSION__="\"$version\"" \
  --outfile="$OUT/nextoffer-widget.js"
cp "$SRC/index.d.ts" "$OUT/index.d.ts"

for file in "$OUT/index.js" "$OUT/nextoffer-widget.js"; do
  raw=$(wc -c <"$file")
  gz=$(gzip -9 -c <"$file" | wc -c)
  echo "widget size: $file raw $raw bytes, gzip -9 $gz bytes, budget $BUDGET_GZIP_BYTES bytes"
  if [ "$gz" -gt "$BUDGET_GZIP_BYTES" ]; then echo "build: WARNING: $file is over the widget budget" >&2; fi
done
