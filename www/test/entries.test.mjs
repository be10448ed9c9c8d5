// The package's entries resolve as an installed copy would: `nextoffer` in Node picks the `node` condition of
// the exports map, which is ready at import; its `init` only resolves, so code written for the browser entry
// runs unchanged. Node and workerd load the speed-optimised build (pkg/server/), the browser the size-optimised
// one (pkg/web/): two instances of the same code, which must decide identically.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import init, { Engine, version, initSync } from "nextoffer";
import * as web from "nextoffer/web";
import { goldenDecideCases } from "./support.mjs";

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

test("the node entry runs the server build, a separate instance that decides as the web build does", () => {
  assert.notEqual(web.Engine, Engine);
  web.initSync({ module: readFileSync(new URL("../../pkg/web/nextoffer_bg.wasm", import.meta.url)) });
  assert.equal(web.version(), version());
  const model = readFileSync(new URL("../../tests/spec/models/coffee-shop.json", import.meta.url), "utf8");
  const request = {
    customer: { id: "c-9", attributes: { plan: "pro", visits: 4 }, owned: ["espresso-machine"] },
    context: { placement: "cart", now: "2026-11-23T10:00:00Z", device: "mobile" },
    limit: 5,
    seed: 3,
  };
  const server = new Engine(model);
  const browser = new web.Engine(model);
  const decision = server.decideJson(JSON.stringify(request));
  assert.equal(decision, browser.decideJson(JSON.stringify(request)));
  assert.equal(JSON.parse(decision).offers.length, 4);
  server.free();
  browser.free();
});

// The web build has no tape: its decide and decideFor parse the text of decideJson and decideForJson, while the
// server build builds the same objects from the tape. Same objects (same keys in the same order), same errors.
test("the web build's decide and decideFor objects and errors are the server build's on every golden case", () => {
  web.initSync({ module: readFileSync(new URL("../../pkg/web/nextoffer_bg.wasm", import.meta.url)) });
  const outcome = (fn) => {
    try {
      return JSON.stringify(fn());
    } catch (err) {
      return `${err.name} ${err.code} ${err.path} ${err.message}`;
    }
  };
  const cases = goldenDecideCases();
  assert.ok(cases.some((c) => c.expectedError) && cases.some((c) => !c.expectedError));
  for (const c of cases) {
    const model = readFileSync(new URL(`../../tests/spec/models/${c.model}.json`, import.meta.url), "utf8");
    const server = new Engine(model);
    const browser = new web.Engine(model);
    assert.equal(outcome(() => browser.decide(c.request)), outcome(() => server.decide(c.request)), c.name);
    const { contacts, ...profile } = c.request.customer ?? {};
    const { customer: _whole, ...rest } = c.request;
    const perCall = contacts ? { ...rest, customer: { contacts } } : rest;
    const fromServer = outcome(() => server.decideFor(server.customer(profile), perCall));
    assert.equal(outcome(() => browser.decideFor(browser.customer(profile), perCall)), fromServer, c.name);
    server.free();
    browser.free();
  }
});

test("the package version is Cargo's", () => {
  const require = createRequire(import.meta.url);
  const pkg = require("nextoffer/package.json");
  assert.equal(version(), pkg.version);
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
});
