// The package as a user gets it: `npm pack pkg/` installed into a fresh folder, where the TypeScript consumers
// (the files of www/test/tsconfig.json: consumer.ts with the engine and the widget, and the others) type-check
// in strict mode; and a fresh Vite project importing the widget and the engine from the tarball, built, served
// and opened in Chromium, where the widget renders offers.
//
// Vite comes from the npm registry, installed once into .cache/vite-consumer-VERSION/ (about 15 s the first
// time); later runs install only the tarball into it, offline.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./browser-support.mjs";

const VITE_VERSION = "8.3.8";
const root = fileURLToPath(new URL("../../", import.meta.url));
const tsc = join(root, "node_modules/typescript/bin/tsc");
const npm = (args, cwd) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8" });

let work;
let tarball;
let packed;

before(() => {
  work = mkdtempSync(join(tmpdir(), "nextoffer-pack-"));
  const [info] = JSON.parse(npm(["pack", join(root, "pkg"), "--pack-destination", work, "--json"], work));
  tarball = join(work, info.filename);
  packed = info.files.map((f) => f.path).sort();
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the tarball carries the widget's builds and declarations, not its sources", () => {
  for (const file of ["widget/index.js", "widget/index.d.ts", "widget/nextoffer-widget.js", "web/nextoffer.js", "web/nextoffer_bg.wasm"]) {
    assert.ok(packed.includes(file), `${file} is packed`);
  }
  assert.deepEqual(packed.filter((f) => f.startsWith("widget/")), ["widget/index.d.ts", "widget/index.js", "widget/nextoffer-widget.js"]);
  const manifest = JSON.parse(readFileSync(join(root, "pkg/package.json"), "utf8"));
  assert.deepEqual(manifest.exports["./widget"], { types: "./widget/index.d.ts", default: "./widget/index.js" });
  assert.ok(manifest.sideEffects.includes("./widget/nextoffer-widget.js"), "the script-tag build registers the element");
  assert.ok(!manifest.sideEffects.includes("./widget/index.js"), "the module entry has no side effects");
  const declarations = readFileSync(join(root, "pkg/widget/index.d.ts"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  assert.doesNotMatch(declarations, /\bany\b/, "no any in the widget's declarations");
});

test("a strict TypeScript consumer of the engine and the widget compiles against the installed tarball", () => {
  const dir = join(work, "consumer");
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  npm(["install", "--offline", "--no-package-lock", tarball], dir);
  // The same tsconfig and consumer files as `make test-tsc`, which checks them against pkg/ in place.
  const tsconfig = JSON.parse(readFileSync(join(root, "www/test/tsconfig.json"), "utf8"));
  for (const file of ["tsconfig.json", ...tsconfig.files]) copyFileSync(join(root, "www/test", file), join(dir, file));
  try {
    execFileSync(process.execPath, [tsc, "--noEmit", "-p", dir], { encoding: "utf8" });
  } catch (err) {
    assert.fail(`tsc reported:\n${err.stdout}`);
  }
});

/** Serves a folder on a free loopback port, with the .wasm MIME type. */
function serveFolder(dir) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
  const server = createServer((req, res) => {
    const path = normalize(join(dir, new URL(req.url ?? "/", "http://x").pathname));
    const file = path.endsWith("/") ? join(path, "index.html") : path;
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("a fresh Vite project builds with the tarball, and its page renders the widget's offers", async () => {
  const dir = join(root, `.cache/vite-consumer-${VITE_VERSION}`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, "node_modules/vite/package.json"))) {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "vite-consumer", private: true, type: "module" }));
    npm(["install", "--save-exact", `vite@${VITE_VERSION}`], dir);
  }
  npm(["install", "--offline", "--no-save", tarball], dir);
  rmSync(join(dir, "dist"), { recursive: true, force: true });
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vite consumer</title></head>
<body><main><nextoffer-offers placement="cart" limit="2"><p>fallback</p></nextoffer-offers></main>
<script type="module" src="/main.js"></script></body></html>\n`,
  );
  copyFileSync(join(root, "www/demo/model.json"), join(dir, "model.json"));
  writeFileSync(
    join(dir, "main.js"),
    `import { define } from "nextoffer/widget";
import model from "./model.json";
define();
document.querySelector("nextoffer-offers").model = model;
`,
  );
  execFileSync(process.execPath, [join(dir, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: dir, encoding: "utf8" });
  const assets = readdirRecursive(join(dir, "dist"));
  const wasm = assets.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `one .wasm among ${assets.join(", ")}`);
  assert.ok(readFileSync(join(dir, "dist", wasm[0])).equals(readFileSync(join(root, "pkg/web/nextoffer_bg.wasm"))));

  const server = await serveFolder(join(dir, "dist"));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForSelector("nextoffer-offers[state=ready]", { timeout: 10000 });
    const ids = await page.evaluate(() => document.querySelector("nextoffer-offers").decision.offers.map((o) => o.id));
    assert.deepEqual(ids, ["espresso-machine", "grinder-pro"]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

/** Paths of the files under a folder, relative to it. */
function readdirRecursive(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((p) => statSync(join(dir, p)).isFile())
    .sort();
}
