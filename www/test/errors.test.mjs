// Errors as a JavaScript caller sees them: real `Error` objects with a stable `code` and the `path` of the
// offending field, thrown for bad models, requests, events and states; and after any of them the same engine
// (and the module) keeps answering exactly as before.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Engine, evalCondition } from "nextoffer";
import { goldenDecideCases, plain, throwsNextofferError } from "./support.mjs";
import { readFileSync } from "node:fs";

const modelText = readFileSync(new URL("../../tests/spec/models/coffee-shop.json", import.meta.url), "utf8");
const goodCase = goldenDecideCases().find((c) => c.expected && c.expected.offerIds.length > 0);
const request = goodCase.request;


function withOffer(patch) {
  const model = JSON.parse(modelText);
  Object.assign(model.offers[0], patch);
  return model;
}

describe("model errors", () => {
  test("model bytes that are not UTF-8 are invalid-json", () => {
    const bytes = new TextEncoder().encode('{"offers": [], "x": "caf\u00e9"}');
    const bad = bytes.slice();
    bad[bad.indexOf(0xc3)] = 0xff; // the first byte of "é"
    const err = throwsNextofferError(() => Engine.fromBytes(bad), "invalid-json");
    assert.match(err.message, /model: is not UTF-8 text/);
  });

  test("model bytes with a byte order mark load like the text without it", () => {
    const text = readFileSync(new URL("../../tests/spec/models/coffee-shop.json", import.meta.url), "utf8");
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    const engine = Engine.fromBytes(bytes);
    const reference = new Engine(text);
    assert.equal(engine.offerCount, reference.offerCount);
    assert.deepEqual(plain(engine.decide(request)), plain(reference.decide(request)));
    engine.free();
    reference.free();
  });

  test("malformed model JSON text is invalid-json", () => {
    throwsNextofferError(() => new Engine('{"offers": ['), "invalid-json");
  });

  test("an unknown condition operator names its JSON path", () => {
    const err = throwsNextofferError(
      () => new Engine(withOffer({ condition: { plan: { $regx: "pro" } } })),
      "invalid-model",
      "offers[0].condition.plan.$regx",
    );
    assert.match(err.message, /\$regx/);
  });

  test("a negative price names the offer's price", () => {
    throwsNextofferError(() => new Engine(withOffer({ price: -1 })), "invalid-model", "offers[0].price");
  });

  test("a duplicate offer id is rejected", () => {
    const model = JSON.parse(modelText);
    model.offers[1].id = model.offers[0].id;
    const err = throwsNextofferError(() => new Engine(model), "invalid-model");
    assert.match(err.path, /^offers\[1\]/);
  });

  test("a missing model is an error, not a crash", () => {
    throwsNextofferError(() => new Engine(undefined), "invalid-json");
  });
});

describe("an engine keeps working after an error", () => {
  test("a bad request throws, and the next good request gets the same decision as before", () => {
    const engine = new Engine(modelText);
    const before = plain(engine.decide(request));
    throwsNextofferError(() => engine.decide({ ...request, context: { ...request.context, now: "yesterday" } }), "invalid-request", "context.now");
    throwsNextofferError(() => engine.decideJson("{not json"), "invalid-json");
    throwsNextofferError(() => engine.decide({ ...request, limit: -5 }), "invalid-request", "limit");
    assert.deepEqual(plain(engine.decide(request)), before);
    engine.free();
  });

  test("a bad event or state throws and changes nothing that was learned", () => {
    const engine = new Engine(modelText);
    const offerId = goodCase.expected.offerIds[0];
    engine.record({ type: "click", offerId });
    const state = engine.exportState();
    throwsNextofferError(() => engine.record({ type: "click", offerId: "no-such-offer" }), "unknown-offer");
    throwsNextofferError(() => engine.record({ type: "stare", offerId }), "invalid-event");
    throwsNextofferError(() => engine.importState({ format: "something-else" }), "invalid-state");
    assert.deepEqual(engine.exportState(), state);
    engine.free();
  });

  test("other engines and functions of the module still work after errors", () => {
    assert.throws(() => new Engine("[]"));
    const engine = new Engine(modelText);
    assert.ok(engine.decide(request).offers.length > 0);
    assert.equal(evalCondition({ plan: "pro" }, { plan: "pro" }), true);
    engine.free();
  });
});

describe("handles", () => {
  test("an engine frees through Symbol.dispose as well as free()", () => {
    const engine = new Engine(modelText);
    assert.equal(typeof engine[Symbol.dispose], "function");
    engine[Symbol.dispose]();
    assert.throws(() => engine.decide(request));
  });
});
