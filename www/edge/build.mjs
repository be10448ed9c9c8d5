// Bundles the demo Worker as wrangler does: esbuild resolves `nextoffer/edge` through the package's exports
// map under the `workerd` condition into one ES module, and copies the engine's .wasm beside it (workerd
// compiles it ahead and hands the module a `WebAssembly.Module`). With a model, the copied .wasm is then
// pre-initialized with it (`nextoffer/edge/preinit`): the Worker's isolates start with the engine loaded.
//
//   node www/edge/build.mjs [outDir] [--plain]   (default www/edge/dist/, pre-initialized with the demo model
//                                                  edge.capnp embeds; --plain: not); prints the bundle's sizes

import { build } from "esbuild";
import { preinitialize } from "nextoffer/edge/preinit";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = fileURLToPath(new URL(".", import.meta.url));
/** The model edge.capnp embeds. */
export const DEMO_MODEL = join(here, "../../tests/spec/models/coffee-shop.json");

/**
 * Bundles www/edge/worker.js into outDir/worker.js + outDir/nextoffer_bg.wasm.
 * @param {string} outDir
 * @param {{ preinit?: string | null }} [options] `preinit`: a model file the .wasm is pre-initialized with (the
 *   Worker must be given the same file as its model, as launch.mjs does); `null` keeps the plain module
 * @returns {Promise<{ files: { name: string, bytes: number, gzip: number }[], bytes: number, gzip: number }>}
 */
export async function buildWorker(outDir = join(here, "dist"), options = {}) {
  await build({
    entryPoints: [join(here, "worker.js")],
    outfile: join(outDir, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker"],
    mainFields: ["module", "main"],
    loader: { ".wasm": "copy" },
    // The model is a module of the workerd config (edge.capnp), swapped by the launcher without a rebuild.
    external: ["demo-model.json"],
    assetNames: "[name]",
    minify: true,
    logLevel: "warning",
  });
  if (options.preinit) {
    const wasmFile = join(outDir, "nextoffer_bg.wasm");
    writeFileSync(wasmFile, await preinitialize(readFileSync(options.preinit), { wasm: readFileSync(wasmFile) }));
  }
  const files = readdirSync(outDir)
    .filter((name) => name === "worker.js" || name.endsWith(".wasm"))
    .sort()
    .map((name) => {
      const data = readFileSync(join(outDir, name));
      return { name, bytes: data.length, gzip: gzipSync(data, { level: 9 }).length };
    });
  return {
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    gzip: files.reduce((n, f) => n + f.gzip, 0),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = args.find((a) => !a.startsWith("--")) ?? join(here, "dist");
  const size = await buildWorker(out, { preinit: args.includes("--plain") ? null : DEMO_MODEL });
  for (const f of size.files) console.log(`edge build: ${join(out, f.name)} ${f.bytes} bytes, gzip -9 ${f.gzip} bytes`);
  console.log(`edge build: bundle ${size.bytes} bytes, gzip -9 ${size.gzip} bytes (JS + Wasm)`);
}
