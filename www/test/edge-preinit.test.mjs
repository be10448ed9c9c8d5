// `nextoffer/edge/preinit`: a module pre-initialized with a model hands out an engine that decides exactly as
// one loaded from the same bytes, only for those bytes and only once; the handler of `nextoffer/edge` takes it;
// the memory rewrite keeps every byte and refuses modules it cannot rewrite safely.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
// The handler over an engine module of the caller's choosing (each entry of `nextoffer/edge` passes its own).
import { createEdgeHandler } from "../../node_modules/nextoffer/edge/handler.js";
import { keys, memoryStore } from "nextoffer/edge";
import { preinitialize, withMemory } from "nextoffer/edge/preinit";
import { goldenDecideCases } from "./support.mjs";

const serverGlue = new URL("../../node_modules/nextoffer/server/nextoffer.js", import.meta.url).href;
const plainWasm = readFileSync(new URL("../../node_modules/nextoffer/server/nextoffer_bg.wasm", import.meta.url));
const modelBytes = (name) => new Uint8Array(readFileSync(new URL(`../../tests/spec/models/${name}.json`, import.meta.url)));
const coffee = modelBytes("coffee-shop");
let instances = 0;

/**
 * The server glue over its own instance of `wasm`, as a fresh isolate would have it.
 * @param {Uint8Array} wasm
 * @returns {Promise<typeof import("nextoffer/full")>}
 */
async function isolate(wasm) {
  const glue = await import(`${serverGlue}?test-isolate=${++instances}`);
  glue.initSync({ module: new WebAssembly.Module(wasm) });
  return glue;
}

const preinitialized = await preinitialize(coffee);

describe("preinitialize", () => {
  test("the preloaded engine decides every golden case of its model as an engine loaded from the bytes", async () => {
    const cases = goldenDecideCases().filter((c) => c.model === "coffee-shop" && !c.recommender && !c.expectedError);
    assert.ok(cases.length >= 5, "coffee-shop golden cases");
    const fresh = await isolate(preinitialized);
    const engine = fresh.Engine.preloaded(coffee);
    assert.ok(engine, "a preloaded engine");
    const loaded = fresh.Engine.fromBytes(coffee);
    assert.equal(engine.offerCount, loaded.offerCount);
    for (const c of cases) {
      const request = JSON.stringify(c.request);
      assert.equal(engine.decideJson(request), loaded.decideJson(request), c.name);
      assert.deepEqual(JSON.parse(engine.decideJson(request)).offers.map((o) => o.id), c.expected.offerIds, c.name);
    }
    engine.free();
    loaded.free();
  });

  test("a preloaded engine with a recommender attached decides the recommender's golden cases as a loaded one", async () => {
    const cases = goldenDecideCases().filter((c) => c.recommender && !c.expectedError);
    assert.ok(cases.length >= 2, "golden cases with a recommender");
    for (const c of cases) {
      const model = modelBytes(c.model);
      const recommender = readFileSync(new URL(`../../tests/spec/models/${c.recommender}.nxrc`, import.meta.url));
      const fresh = await isolate(await preinitialize(model));
      const engine = fresh.Engine.preloaded(model);
      assert.ok(engine, c.name);
      const loaded = fresh.Engine.fromBytes(model);
      engine.attachRecommender(recommender, c.recommenderOptions);
      loaded.attachRecommender(recommender, c.recommenderOptions);
      const request = JSON.stringify(c.request);
      assert.equal(engine.decideJson(request), loaded.decideJson(request), c.name);
      assert.deepEqual(JSON.parse(engine.decideJson(request)).offers.map((o) => o.id), c.expected.offerIds, c.name);
      engine.free();
      loaded.free();
    }
  });

  test("other bytes get no engine and leave it for the right ones, which get it once", async () => {
    const fresh = await isolate(preinitialized);
    const other = coffee.slice();
    other[other.length - 2] = 0x20; // the same length, one byte changed (whitespace before the closing brace)
    assert.equal(fresh.Engine.preloaded(other), undefined);
    assert.equal(fresh.Engine.preloaded(modelBytes("demo-shop")), undefined);
    const engine = fresh.Engine.preloaded(coffee);
    assert.ok(engine);
    assert.equal(engine.offerCount, JSON.parse(new TextDecoder().decode(coffee)).offers.length);
    assert.equal(fresh.Engine.preloaded(coffee), undefined, "handed out once");
    engine.free();
  });

  test("a plain module has no preloaded engine", async () => {
    const fresh = await isolate(plainWasm);
    assert.equal(fresh.Engine.preloaded(coffee), undefined);
  });

  test("a model the engine rejects is the engine's error", async () => {
    await assert.rejects(preinitialize(new TextEncoder().encode("{ not json")), (err) => err instanceof Error && err.code === "invalid-json");
    await assert.rejects(preinitialize(new TextEncoder().encode('{"offers": 3}')), (err) => err instanceof Error && err.code === "invalid-model");
  });

  test("the handler takes the preloaded engine for the same bytes and decides with it", async () => {
    const fresh = await isolate(preinitialized);
    const store = memoryStore([[keys.profile("c-1"), JSON.stringify({ id: "c-1", attributes: { country: "DE" } })]]);
    const handler = createEdgeHandler(fresh, { model: coffee, profiles: store, state: false });
    assert.equal(fresh.Engine.preloaded(coffee), undefined, "the handler took it");
    const body = { customer: { id: "c-1" }, context: { placement: "cart", now: "2026-11-23T10:00:00Z" }, limit: 2, seed: 7 };
    const response = await handler.fetch(new Request("http://edge/v1/decide", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), {});
    assert.equal(response.status, 200);
    const reference = fresh.Engine.fromBytes(coffee);
    const { customer: _, ...rest } = body;
    const expected = reference.decideJson(JSON.stringify({ ...rest, customer: { id: "c-1", attributes: { country: "DE" } } }));
    assert.equal(await response.text(), expected);
    reference.free();
  });
});

describe("withMemory", () => {
  // (module (memory (export "memory") 1) (data (i32.const 8) "ab"))
  const tiny = Uint8Array.of(
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    5, 3, 1, 0, 1, // memory section: one memory, min 1 page
    7, 10, 1, 6, ...new TextEncoder().encode("memory"), 2, 0, // export "memory"
    11, 8, 1, 0, 0x41, 8, 0x0b, 2, 0x61, 0x62, // data: active, offset 8, "ab"
  );

  test("writes the memory's bytes into the module and its size into the memory's minimum", () => {
    const memory = new Uint8Array(2 * 65_536);
    memory[8] = 0x61; // kept from the original segment
    memory[100] = 7;
    memory[130] = 9; // 29 zero bytes after 100: a segment of its own
    memory[70_000] = 255; // on the second page
    const out = withMemory(tiny, memory);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(out));
    const copy = new Uint8Array(/** @type {WebAssembly.Memory} */ (instance.exports.memory).buffer);
    assert.equal(copy.length, memory.length);
    assert.deepEqual(copy, memory);
  });

  test("refuses a module with a passive data segment, which code may name by index", () => {
    const passive = tiny.slice();
    const at = passive.length - 7; // the segment's flag byte
    assert.equal(passive[at], 0);
    const rewritten = Uint8Array.of(...passive.subarray(0, at - 3), 11, 5, 1, 1, 2, 0x61, 0x62);
    new WebAssembly.Module(rewritten); // a valid module: one passive segment
    assert.throws(() => withMemory(rewritten, new Uint8Array(65_536)), /data segment 0 is not an active segment/);
  });
});
