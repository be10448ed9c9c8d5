// Copies the dashboard's one third-party browser library, uPlot (charts), from node_modules into
// www/dashboard/vendor/, where the dev server serves it with the page. The copy is build output (git-ignored):
// package-lock.json pins the version, so committing the file would only duplicate it and let it drift from
// the lock. `scripts/build-pkg.sh` runs this; the dashboard's tests and benchmark run it too, so they never
// depend on a stale copy.
//
//   node www/dashboard/vendor.mjs

import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../../", import.meta.url);
const out = new URL("./vendor/", import.meta.url);
const FILES = [
  ["node_modules/uplot/dist/uPlot.esm.js", "uPlot.esm.js"],
  ["node_modules/uplot/dist/uPlot.min.css", "uPlot.min.css"],
  // Its types, beside the module, for the dashboard's type check (tsc -p www/dashboard/tsconfig.json).
  ["node_modules/uplot/dist/uPlot.d.ts", "uPlot.esm.d.ts"],
  ["node_modules/uplot/LICENSE", "uPlot.LICENSE"],
];

mkdirSync(out, { recursive: true });
for (const [from, to] of FILES) copyFileSync(new URL(from, root), new URL(to, out));
const { version } = JSON.parse(readFileSync(new URL("node_modules/uplot/package.json", root), "utf8"));
console.log(`dashboard vendor: uPlot ${version} -> ${fileURLToPath(out)}`);
