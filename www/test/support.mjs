// Shared helpers of the Node tests of the built package (`make build` first; `import "nextoffer"` resolves to
// pkg/ through node_modules/nextoffer, which the build links, so the tests use the package's exports map).

import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { initSync } from "nextoffer";

const specDir = fileURLToPath(new URL("../../tests/spec/", import.meta.url));

/** The GrowthBook conformance suite (tests/spec/growthbook-cases.json), parsed. */
export function growthbookCases() {
  return JSON.parse(readFileSync(`${specDir}growthbook-cases.json`, "utf8"));
}

/** The golden decide cases, tests/spec/decide/*.json: each `{ model, request, expected }`, sorted by name. */
export function goldenDecideCases() {
  const dir = `${specDir}decide/`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({ name, ...JSON.parse(readFileSync(dir + name, "utf8")) }));
}

/** The engine's linear memory. `initSync()` on an initialized module returns its exports, memory included. */
export function wasmMemory() {
  return initSync().memory;
}

/** A plain-data copy, so that results compare by value whatever objects the binding builds. */
export function plain(value) {
  return JSON.parse(JSON.stringify(value));
}

/**
 * Asserts that `fn` throws the package's error, not a Wasm trap: a NextofferError with that `code` (any code
 * when undefined), a string `path` equal to `path` or matching it when it is a RegExp, and a message; returns
 * the error for further checks.
 * @param {() => unknown} fn
 * @param {string} [code]
 * @param {string | RegExp} [path]
 */
export function throwsNextofferError(fn, code, path) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error, `an Error was thrown (got ${caught})`);
  assert.ok(!(caught instanceof WebAssembly.RuntimeError), `not a Wasm trap: ${caught.message}`);
  assert.equal(caught.name, "NextofferError", caught.message);
  if (code !== undefined) assert.equal(caught.code, code, caught.message);
  assert.equal(typeof caught.code, "string");
  assert.equal(typeof caught.path, "string");
  if (path instanceof RegExp) assert.match(caught.path, path, caught.message);
  else if (path !== undefined) assert.equal(caught.path, path, caught.message);
  assert.ok(caught.message.length > 0, "the message says what is wrong");
  return caught;
}
