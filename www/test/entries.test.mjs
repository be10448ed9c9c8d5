// The package's entries resolve as an installed copy would: `nextoffer` in Node picks the `node` condition of
// the exports map, which is ready at import; its `init` only resolves, so code written for the browser entry
// runs unchanged; and it is the same module as the web entry, not a second instance with its own memory.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import init, { Engine, version, initSync } from "nextoffer";
import * as web from "nextoffer/web";

test("nextoffer resolves to the node entry in Node", () => {
  const resolved = fileURLToPath(import.meta.resolve("nextoffer"));
  assert.match(resolved, /pkg\/node\/index\.js$/);
  assert.match(fileURLToPath(import.meta.resolve("nextoffer/web")), /pkg\/web\/nextoffer\.js$/);
});

test("the node entry is ready at import and its init resolves to the same exports", async () => {
  const exports = await init();
  assert.equal(exports, initSync());
  assert.ok(exports.memory instanceof WebAssembly.Memory);
  assert.equal(typeof new Engine('{"offers":[]}').offerCount, "number");
});

test("the node and web entries share one module instance", () => {
  assert.equal(web.Engine, Engine);
  assert.equal(web.version(), version());
});

test("the package version is Cargo's", () => {
  const require = createRequire(import.meta.url);
  const pkg = require("nextoffer/package.json");
  assert.equal(version(), pkg.version);
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
});
