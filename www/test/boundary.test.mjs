// The object boundary of the engine: what a JavaScript value becomes when it is handed to `decide`,
// `decideFor`, `customer` or `new Engine`, and what comes back. The object entries are a faster road to the
// same place as the JSON text entries: whatever `JSON.stringify` makes of a value (a Date becomes its ISO
// text, `undefined` and functions vanish, NaN becomes null, a Map becomes {}, a lone surrogate becomes
// U+FFFD), the object entry answers exactly what the text entry answers for that text, the same result object
// (strictly deep-equal: number types, absent fields) or the same error (code, path, message). Values that
// `JSON.stringify` refuses (a BigInt, a cycle) are refused with `invalid-json` at path "".

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Engine } from "nextoffer";
import { goldenDecideCases, throwsNextofferError } from "./support.mjs";

const modelFile = (name) => readFileSync(new URL(`../../tests/spec/models/${name}.json`, import.meta.url), "utf8");
const modelText = modelFile("coffee-shop");
const goodCase = goldenDecideCases().find((c) => c.expected && c.expected.offerIds.length > 0);
const NOW = goodCase.request.context.now;
const engine = new Engine(modelText);

/** Runs `fn`: `{ value }` or `{ error }` with the error's name, code, path and message. */
function outcome(fn) {
  try {
    return { value: fn() };
  } catch (err) {
    assert.ok(!(err instanceof WebAssembly.RuntimeError), `not a Wasm trap: ${err.message}`);
    return { error: { name: err.name, code: err.code, path: err.path, message: err.message } };
  }
}

/** Asserts that the object entry answers exactly what the text entry answers for `JSON.stringify(input)`. */
function sameAsText(objectCall, textCall, input) {
  const fromObject = outcome(() => objectCall(input));
  const fromText = outcome(() => JSON.parse(textCall(JSON.stringify(input))));
  assert.deepStrictEqual(fromObject, fromText);
  return fromObject;
}

/** A request whose customer and context are changed by `edit`. */
function withRequest(edit) {
  const r = structuredClone(goodCase.request);
  edit(r);
  return r;
}

class Visitor {
  constructor() {
    this.plan = "pro";
    this.visits = 3;
  }
  get ignored() {
    return "a getter on the prototype is not an own property";
  }
}

// Attribute values as a page might hold them, each with what JSON.stringify makes of it.
const attributeValues = {
  "a Date": new Date("2026-01-02T03:04:05.678Z"),
  "NaN": NaN,
  "Infinity": -Infinity,
  "undefined": undefined,
  "a function": () => 1,
  "a symbol": Symbol("s"),
  "a Map": new Map([["a", 1]]),
  "a Set": new Set([1]),
  "a class instance": new Visitor(),
  "a boxed string": new String("pro"),
  "a boxed number": new Number(4),
  "an object with toJSON": { toJSON: () => ({ plan: "pro" }) },
  "an array with holes": [1, , 3], // eslint-disable-line no-sparse-arrays
  "an array with undefined": [1, undefined, () => 2],
  "negative zero": -0,
  "a lone surrogate": "p\uD800ro",
  "a null-prototype object": Object.assign(Object.create(null), { plan: "pro" }),
  "a typed array": new Uint8Array([1, 2]),
};

describe("decide(object) answers what decideJson answers for the object's JSON text", () => {
  const decide = (r) => engine.decide(r);
  const decideJson = (t) => engine.decideJson(t);

  test("the golden requests give strictly deep-equal results", () => {
    for (const c of goldenDecideCases()) {
      const e = new Engine(modelFile(c.model));
      const { value } = sameAsText((r) => e.decide(r), (t) => e.decideJson(t), c.request);
      assert.ok(value === undefined || Array.isArray(value.offers), c.name);
      e.free();
    }
  });

  for (const [name, value] of Object.entries(attributeValues)) {
    test(`an attribute holding ${name}`, () => {
      sameAsText(decide, decideJson, withRequest((r) => (r.customer.attributes.probe = value)));
      sameAsText(decide, decideJson, withRequest((r) => (r.customer.attributes = { ...r.customer.attributes, probe: [value] })));
    });
  }

  test("a class instance, a Map or a null-prototype object as the attributes", () => {
    for (const value of [new Visitor(), new Map([["plan", "pro"]]), Object.assign(Object.create(null), { plan: "pro" })]) {
      sameAsText(decide, decideJson, withRequest((r) => (r.customer.attributes = value)));
    }
  });

  test("a Date as the context's now is read as its ISO text", () => {
    const { value } = sameAsText(decide, decideJson, withRequest((r) => (r.context.now = new Date(NOW))));
    assert.ok(value, "a Date's ISO text is a valid now");
  });

  test("NaN, Infinity and undefined in number fields are refused as JSON text refuses null or absence", () => {
    for (const bad of [NaN, Infinity, undefined, "3"]) {
      sameAsText(decide, decideJson, withRequest((r) => (r.limit = bad)));
      sameAsText(decide, decideJson, withRequest((r) => (r.customer.purchases = [{ date: NOW, amount: bad }])));
    }
  });

  test("undefined fields are absent fields", () => {
    sameAsText(decide, decideJson, withRequest((r) => Object.assign(r.customer, { id: undefined, owned: undefined })));
    sameAsText(decide, decideJson, withRequest((r) => (r.context.placement = undefined)));
  });

  test("a lone surrogate in the customer id comes back as U+FFFD", () => {
    const { value } = sameAsText(decide, decideJson, withRequest((r) => (r.customer.id = "c\uDC00")));
    assert.equal(value.customerId, "c\uFFFD");
  });

  test("JSON text given to decide is read as decideJson reads it, lone surrogates included", () => {
    for (const r of [goodCase.request, withRequest((x) => (x.customer.id = "c\uD800"))]) {
      const text = JSON.stringify(r).replace("\\ud800", "\uD800");
      assert.deepStrictEqual(outcome(() => engine.decide(text)), outcome(() => JSON.parse(engine.decideJson(text))));
    }
    assert.equal(engine.decide(JSON.stringify(withRequest((x) => (x.customer.id = "c\uD800")))).customerId, "c\uFFFD");
  });

  test("a boxed string is an object to JSON.stringify, not JSON text", () => {
    sameAsText(decide, decideJson, new String(JSON.stringify(goodCase.request)));
  });

  test("a BigInt or a cycle anywhere is refused as invalid JSON at path \"\"", () => {
    const cyclic = {};
    cyclic.self = cyclic;
    for (const value of [10n, cyclic, { deep: [{ n: 1n }] }]) {
      const err = throwsNextofferError(() => engine.decide(withRequest((r) => (r.customer.attributes.probe = value))), "invalid-json", "");
      assert.match(err.message, /^request: cannot be serialised to JSON: /);
    }
  });

  test("undefined, a function or a symbol as the whole request is refused as invalid JSON", () => {
    assert.match(throwsNextofferError(() => engine.decide(undefined), "invalid-json", "").message, /^request: is required$/);
    for (const value of [() => 1, Symbol("s")]) {
      assert.match(throwsNextofferError(() => engine.decide(value), "invalid-json", "").message, /^request: cannot be serialised to JSON$/);
    }
  });

  test("a result holds plain objects and arrays, as JSON.parse builds them", () => {
    const d = engine.decide(goodCase.request);
    assert.equal(Object.getPrototypeOf(d), Object.prototype);
    assert.ok(Array.isArray(d.offers) && Array.isArray(d.suppressed));
    assert.equal(Object.getPrototypeOf(d.offers[0].factors), Object.prototype);
    assert.deepStrictEqual(Object.keys(d), Object.keys(JSON.parse(engine.decideJson(JSON.stringify(goodCase.request)))));
  });
});

describe("decideFor(customer, object) and customer(object) answer what their text entries answer", () => {
  const { contacts = [], ...profile } = goodCase.request.customer;
  const perCall = () => ({ customer: { contacts }, context: { ...goodCase.request.context }, limit: goodCase.request.limit });

  test("a prepared customer decides as decideForJson with the same text", () => {
    const customer = engine.customer(profile);
    const { value } = sameAsText((r) => engine.decideFor(customer, r), (t) => engine.decideForJson(customer, t), perCall());
    assert.deepStrictEqual(value, JSON.parse(engine.decideJson(JSON.stringify(goodCase.request))));
    customer.free();
  });

  for (const [name, value] of Object.entries(attributeValues)) {
    test(`a profile attribute holding ${name}, and a context field holding it`, () => {
      const fromObject = engine.customer({ ...profile, attributes: { ...profile.attributes, probe: value } });
      const fromText = engine.customer(JSON.stringify({ ...profile, attributes: { ...profile.attributes, probe: value } }));
      const request = perCall();
      assert.deepStrictEqual(outcome(() => engine.decideFor(fromObject, request)), outcome(() => engine.decideFor(fromText, request)));
      fromObject.free();
      fromText.free();
      const customer = engine.customer(profile);
      sameAsText((r) => engine.decideFor(customer, r), (t) => engine.decideForJson(customer, t), { ...perCall(), context: { ...perCall().context, page: value } });
      customer.free();
    });
  }

  test("a lone surrogate in a prepared customer's id comes back as U+FFFD", () => {
    const customer = engine.customer({ ...profile, id: "c\uD800" });
    assert.equal(customer.id, "c\uFFFD");
    assert.equal(engine.decideFor(customer, perCall()).customerId, "c\uFFFD");
    customer.free();
  });

  test("bad profiles and bad per-call requests are refused with the text entry's code, path and message", () => {
    const cyclic = {};
    cyclic.self = cyclic;
    for (const value of [10n, cyclic]) {
      assert.match(throwsNextofferError(() => engine.customer({ ...profile, attributes: { x: value } }), "invalid-json", "").message, /^customer: cannot be serialised to JSON: /);
    }
    const customer = engine.customer(profile);
    for (const bad of [NaN, undefined, new Date(NOW)]) {
      sameAsText((r) => engine.decideFor(customer, r), (t) => engine.decideForJson(customer, t), { ...perCall(), limit: bad });
    }
    sameAsText((r) => engine.decideFor(customer, r), (t) => engine.decideForJson(customer, t), { ...perCall(), customer: { id: "again" } });
    customer.free();
  });
});

describe("new Engine(object) loads what new Engine(text) loads", () => {
  test("a model object with a Date, undefined fields and a lone surrogate in an id", () => {
    const model = JSON.parse(modelText);
    model.offers[0].startDate = new Date("2020-01-01T00:00:00Z");
    model.offers[0].title = undefined;
    model.offers[1].id = "o\uDC00";
    const a = new Engine(model);
    const b = new Engine(JSON.stringify(model));
    assert.equal(a.offerCount, b.offerCount);
    assert.deepStrictEqual(a.decide(goodCase.request), b.decide(goodCase.request));
    a.free();
    b.free();
  });
});
