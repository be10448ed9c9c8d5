// Hostile input through the built package, as a page or an edge function could receive it: deeply nested
// conditions, huge strings and arrays, NaN and infinities, wrong types at every field, duplicate ids, lone
// UTF-16 surrogates, regexes built to backtrack, dates out of range. Each case is refused with a
// `NextofferError` carrying a code and a path (or, where the input is valid after all, answered correctly);
// after every case the same engine still gives the baseline decision; and no case takes long. The limits
// involved are listed in the README ("Limits").

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Engine, evalCondition, hash } from "nextoffer";
import { goldenDecideCases, plain, throwsNextofferError } from "./support.mjs";

const modelText = readFileSync(new URL("../../tests/spec/models/coffee-shop.json", import.meta.url), "utf8");
const model = () => JSON.parse(modelText);
const goodCase = goldenDecideCases().find((c) => c.expected && c.expected.offerIds.length > 0);
const request = () => structuredClone(goodCase.request);
const NOW = goodCase.request.context.now;

// Generous: the slowest case (a 10-million-character attribute) takes well under a second on a shared core.
// Hostile input must cost time in proportion to its size, never explode.
const BOUND_MS = 5_000;

const engine = new Engine(modelText);
const baseline = plain(engine.decide(request()));

/** Runs `fn`, expecting a NextofferError with `code` and a path matching `path` (a string or a RegExp), in bounded time. */
function refused(fn, code, path) {
  const start = performance.now();
  const caught = throwsNextofferError(fn, code, path);
  const took = performance.now() - start;
  assert.ok(took < BOUND_MS, `took ${took.toFixed(0)} ms`);
  return caught;
}

/** Runs `fn`, expecting an answer in bounded time; returns it. */
function answered(fn) {
  const start = performance.now();
  const result = fn();
  const took = performance.now() - start;
  assert.ok(took < BOUND_MS, `took ${took.toFixed(0)} ms`);
  return result;
}

/** The shared engine still gives the baseline decision. */
function stillAnswers() {
  assert.deepEqual(plain(engine.decide(request())), baseline);
}

function nested(depth, leaf, wrap) {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

const withOffer = (patch) => {
  const m = model();
  Object.assign(m.offers[0], patch);
  return m;
};
const withRequest = (edit) => {
  const r = request();
  edit(r);
  return r;
};

describe("deeply nested input", () => {
  test("a condition nested past 32 levels is refused at load, naming where", () => {
    const condition = nested(40, { plan: "pro" }, (c) => ({ $and: [c] }));
    refused(() => new Engine(withOffer({ condition })), "invalid-model", /^offers\[0\]\.condition(\.\$and\[0\])+/);
    stillAnswers();
  });

  test("a condition nested 32 levels loads and evaluates", () => {
    const condition = nested(30, { plan: "pro" }, (c) => ({ $and: [c] }));
    const e = answered(() => new Engine({ offers: [{ id: "o", kind: "content", condition }] }));
    const d = answered(() => e.decide({ customer: { attributes: { plan: "pro" } }, context: { now: NOW } }));
    assert.deepEqual(d.offers.map((o) => o.id), ["o"]);
    e.free();
  });

  test("JSON text nested 100,000 levels is invalid-json, not a stack overflow", () => {
    const text = '{"context":{"now":"' + NOW + '"},"customer":{"attributes":{"a":' + "[".repeat(100_000) + "]".repeat(100_000) + "}}}";
    const err = refused(() => engine.decideJson(text), "invalid-json", "");
    assert.match(err.message, /nesting deeper than 128/);
    stillAnswers();
  });

  test("an attributes object too deep for JSON.stringify is invalid-json", () => {
    const attributes = nested(20_000, 1, (a) => ({ a }));
    refused(() => engine.decide(withRequest((r) => (r.customer.attributes = attributes))), "invalid-json", "");
    stillAnswers();
  });

  test("evalCondition with a condition nested 10,000 levels answers an error, and evaluates after", () => {
    refused(() => evalCondition(nested(10_000, { x: 1 }, (c) => ({ $and: [c] })), { x: 1 }), "invalid-json", "");
    refused(() => evalCondition(nested(200, { x: 1 }, (c) => ({ $and: [c] })), { x: 1 }), "invalid-json", "");
    // Within the JSON limit but past the condition limit: false, as GrowthBook answers a condition it cannot use.
    assert.equal(evalCondition(nested(40, { x: 1 }, (c) => ({ $and: [c] })), { x: 1 }), false);
    assert.equal(evalCondition(nested(20, { x: 1 }, (c) => ({ $and: [c] })), { x: 1 }), true);
  });
});

describe("huge strings and arrays", () => {
  test("an offer id of a million characters is refused", () => {
    refused(() => new Engine(withOffer({ id: "x".repeat(1_000_000) })), "invalid-model", "offers[0].id");
  });

  test("a title over 4,096 bytes is refused", () => {
    refused(() => new Engine(withOffer({ title: "t".repeat(100_000) })), "invalid-model", "offers[0].title");
  });

  for (const [field, edit] of [
    ["customer.purchases", (r) => (r.customer.purchases = Array.from({ length: 100_001 }, () => ({ date: "2026-01-01" })))],
    ["customer.owned", (r) => (r.customer.owned = new Array(100_001).fill("x"))],
    ["customer.contacts", (r) => (r.customer.contacts = Array.from({ length: 100_001 }, () => ({ offerId: "x", event: "click", at: NOW })))],
    ["context.cart", (r) => (r.context.cart = new Array(100_001).fill("x"))],
  ]) {
    test(`${field} past 100,000 entries is refused`, () => {
      refused(() => engine.decide(withRequest(edit)), "invalid-request", field);
      stillAnswers();
    });
  }

  test("a 10-million-character attribute is read and decided in bounded time", () => {
    const d = answered(() => engine.decide(withRequest((r) => (r.customer.attributes.note = "n".repeat(10_000_000)))));
    assert.deepEqual(d.offers.map((o) => o.id), baseline.offers.map((o) => o.id));
    stillAnswers();
  });

  test("more than 100,000 offers in a learned state is refused", () => {
    const offers = {};
    for (let i = 0; i <= 100_000; i++) offers[`o${i}`] = { total: { clicks: 1 } };
    refused(() => engine.mergeState({ format: "nextoffer-state", version: 1, offers }), "invalid-state", "offers");
    stillAnswers();
  });

  test("more than 1,000 segments for one offer is refused, in a state and from events", () => {
    const segments = {};
    for (let i = 0; i <= 1_000; i++) segments[`s${i}`] = { clicks: 1 };
    const state = { format: "nextoffer-state", version: 1, offers: { mug: { total: { clicks: 1001 }, segments } } };
    refused(() => engine.mergeState(state), "invalid-state", "offers.mug.segments");
    const e = new Engine(modelText);
    for (let i = 0; i < 1_000; i++) e.record({ type: "click", offerId: "mug", segment: `s${i}` });
    refused(() => e.record({ type: "click", offerId: "mug", segment: "one-too-many" }), "invalid-event", "segment");
    e.record({ type: "click", offerId: "mug", segment: "s999" }); // a known segment still counts
    assert.equal(e.exportState().offers.mug.total.clicks, 1_001);
    e.free();
    stillAnswers();
  });
});

describe("NaN and infinities", () => {
  // JSON.stringify writes NaN and ±Infinity as null; a null number is refused rather than read as absent.
  for (const value of [NaN, Infinity, -Infinity]) {
    test(`${value} as an offer's price, a request's limit and seed, a purchase amount, an event count is refused`, () => {
      refused(() => new Engine(withOffer({ price: value })), "invalid-model", "offers[0].price");
      refused(() => new Engine(withOffer({ lever: value })), "invalid-model", "offers[0].lever");
      refused(() => engine.decide(withRequest((r) => (r.limit = value))), "invalid-request", "limit");
      refused(() => engine.decide(withRequest((r) => (r.seed = value))), "invalid-request", "seed");
      refused(
        () => engine.decide(withRequest((r) => (r.customer.purchases = [{ date: "2026-01-01", amount: value }]))),
        "invalid-request",
        "customer.purchases[0].amount",
      );
      const e = new Engine(modelText);
      refused(() => e.record({ type: "click", offerId: "mug", count: value }), "invalid-event", "count");
      assert.deepEqual(e.exportState().offers, {}, "nothing was recorded");
      e.free();
      refused(
        () => engine.mergeState({ format: "nextoffer-state", version: 1, offers: { mug: { total: { clicks: value } } } }),
        "invalid-state",
        "offers.mug.total.clicks",
      );
      stillAnswers();
    });
  }

  test("a number too large for a double in JSON text is invalid-json", () => {
    refused(() => engine.decideJson(`{"context":{"now":"${NOW}"},"limit":1e999}`), "invalid-json", "");
    refused(() => new Engine('{"offers":[{"id":"o","kind":"content","price":-1e400}]}'), "invalid-json", "");
    stillAnswers();
  });

  test("evalCondition compares NaN attributes as GrowthBook does (null after JSON)", () => {
    assert.equal(evalCondition({ n: { $gt: 1 } }, { n: NaN }), false);
    assert.equal(evalCondition({ n: { $exists: true } }, { n: Infinity }), false);
    assert.equal(evalCondition({ n: null }, { n: NaN }), true);
  });
});

describe("wrong types at every field", () => {
  const WRONG = [{}, [], "text", 7, true];
  const typeOf = (v) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  const wrongFor = (value) => WRONG.find((w) => typeOf(w) !== typeOf(value) && !(typeof value === "number" && typeof w === "number"));

  test("every field of an offer, given a value of another type, is refused naming that field", () => {
    const offer = model().offers.find((o) => o.condition && o.placements);
    for (const [key, value] of Object.entries(offer)) {
      const wrong = wrongFor(value);
      const m = model();
      const index = m.offers.findIndex((o) => o.id === offer.id);
      m.offers[index][key] = wrong;
      // A condition takes any object; a string or array there is refused at the condition itself.
      refused(() => new Engine(m), "invalid-model", new RegExp(`^offers\\[${index}\\]\\.${key.replace("$", "\\$")}`));
    }
    stillAnswers();
  });

  test("every top-level field of the model, given a value of another type, is refused naming it", () => {
    for (const [key, value] of Object.entries(model())) {
      const m = model();
      m[key] = wrongFor(value);
      refused(() => new Engine(m), "invalid-model", new RegExp(`^${key}`));
    }
  });

  test("every field of a request, given a value of another type, is refused naming it", () => {
    const r = request();
    r.limit = 3;
    r.seed = 1;
    r.explain = true;
    r.context.device = "mobile";
    const paths = [];
    const walk = (value, path) => {
      for (const [key, child] of Object.entries(value)) {
        const here = path ? `${path}.${key}` : key;
        if (here === "customer.attributes") continue; // free-form: any JSON object is valid there
        paths.push(here);
        if (child && typeof child === "object" && !Array.isArray(child)) walk(child, here);
      }
    };
    walk(r, "");
    assert.ok(paths.length >= 8, `fields checked: ${paths}`);
    for (const path of paths) {
      const keys = path.split(".");
      const bad = structuredClone(r);
      const parent = keys.slice(0, -1).reduce((o, k) => o[k], bad);
      const last = keys[keys.length - 1];
      const wrong = wrongFor(parent[last]);
      // An id may be a string or a number.
      parent[last] = path === "customer.id" ? [] : wrong;
      refused(() => engine.decide(bad), "invalid-request", new RegExp(`^${path.replace(/\./g, "\\.")}`));
    }
    stillAnswers();
  });

  test("a request, an event or a state of the wrong type altogether is refused", () => {
    for (const value of [null, 5, "text", [], true]) {
      assert.ok(["invalid-request", "invalid-json"].includes(refused(() => engine.decide(value)).code));
      assert.ok(["invalid-event", "invalid-json"].includes(refused(() => engine.record(value)).code));
      assert.ok(["invalid-state", "invalid-json"].includes(refused(() => engine.mergeState(value)).code));
    }
    for (const value of [undefined, Symbol("s"), () => 1, 10n]) {
      refused(() => engine.decide(value), "invalid-json", "");
    }
    const cyclic = {};
    cyclic.self = cyclic;
    refused(() => engine.decide(withRequest((r) => (r.customer.attributes = cyclic))), "invalid-json", "");
    stillAnswers();
  });
});

describe("duplicate ids", () => {
  test("a duplicate offer id, policy id or JSON key is refused", () => {
    const m = model();
    m.offers[2].id = m.offers[0].id;
    refused(() => new Engine(m), "invalid-model", "offers[2].id");
    const p = model();
    p.policies[1].id = p.policies[0].id;
    refused(() => new Engine(p), "invalid-model", "policies[1].id");
    refused(() => new Engine('{"offers":[],"offers":[]}'), "invalid-json", "");
    refused(() => engine.decideJson(`{"context":{"now":"${NOW}"},"limit":1,"limit":2}`), "invalid-request", "limit");
    refused(
      () => engine.mergeState('{"format":"nextoffer-state","version":1,"offers":{"mug":{"total":{}},"mug":{"total":{}}}}'),
      "invalid-json",
      "",
    );
    stillAnswers();
  });

  test("repeated contacts count once each, the same in every entry", () => {
    const contact = { offerId: "mug", event: "impression", at: NOW };
    const twice = withRequest((r) => (r.customer.contacts = [contact, contact]));
    assert.deepEqual(plain(engine.decide(twice)), JSON.parse(engine.decideJson(JSON.stringify(twice))));
  });
});

describe("invalid UTF-16 from JavaScript", () => {
  // A lone surrogate cannot be UTF-8; the binding turns it into U+FFFD, so it reads as that character.
  test("a lone surrogate in a customer id answers as U+FFFD, identically through every entry", () => {
    const lone = withRequest((r) => (r.customer.id = "c\uD800-1"));
    const replaced = withRequest((r) => (r.customer.id = "c\uFFFD-1"));
    const d = answered(() => plain(engine.decide(lone)));
    assert.equal(d.customerId, "c\uFFFD-1");
    assert.deepEqual(d, plain(engine.decide(replaced)));
    assert.deepEqual(JSON.parse(engine.decideJson(JSON.stringify(lone))), d);
    stillAnswers();
  });

  test("lone surrogates in offer ids, attributes, conditions and hashes never trap", () => {
    const e = answered(() => new Engine(withOffer({ id: "grinder\uDC00", condition: { plan: { $regex: "^p.o$" } } })));
    const d = answered(() => e.decide(withRequest((r) => (r.customer.attributes.plan = "p\uD83Do"))));
    assert.ok(Array.isArray(d.offers));
    assert.ok(d.offers.some((o) => o.id === "grinder\uFFFD"), "the regex matched the replaced character");
    e.free();
    assert.equal(evalCondition({ s: "a\uFFFD" }, { s: "a\uD800" }), true);
    assert.equal(typeof hash("seed\uDFFF", "v\uD800", 2), "number");
    stillAnswers();
  });
});

describe("regexes built to backtrack", () => {
  const attacks = ["^(a+)+$", "^(a|aa)*$", "^(a|a?)+$", "(x+x+)+y", "^(([a-z])+.)+[A-Z]([a-z])+$"];

  for (const pattern of attacks) {
    test(`${pattern} over 100,000 characters answers in linear time`, () => {
      const subject = "a".repeat(100_000) + "!";
      assert.equal(answered(() => evalCondition({ s: { $regex: pattern } }, { s: subject })), false);
      const e = answered(() => new Engine({ offers: [{ id: "o", kind: "content", condition: { s: { $regex: pattern } } }] }));
      const d = answered(() => e.decide({ customer: { attributes: { s: subject } }, context: { now: NOW } }));
      assert.deepEqual(d.offers, []);
      e.free();
    });
  }

  test("a pattern over 1,000 characters, a program too large, or a backreference is refused at load", () => {
    const at = "offers[0].condition.s.$regex";
    for (const pattern of ["a".repeat(1_001), "((a{100}){100}){100}", "(a)\\1", "(?=a)b"]) {
      refused(() => new Engine(withOffer({ condition: { s: { $regex: pattern } } })), "invalid-model", at);
      assert.equal(evalCondition({ s: { $regex: pattern } }, { s: "aaaa" }), false, "false in GrowthBook mode");
    }
    stillAnswers();
  });
});

describe("dates out of range", () => {
  const bad = ["1800-01-01T00:00:00Z", "2201-01-01", "+275760-09-13T00:00:00Z", "2026-02-30", "2026-13-01", "", "yesterday", "2026-11-23T25:00:00Z"];

  test("a decision time out of range or malformed is refused", () => {
    for (const now of bad) refused(() => engine.decide(withRequest((r) => (r.context.now = now))), "invalid-request", "context.now");
    stillAnswers();
  });

  test("purchase and contact dates out of range are refused naming their index", () => {
    for (const date of bad) {
      refused(
        () => engine.decide(withRequest((r) => (r.customer.purchases = [{ date: "2026-01-01" }, { date }]))),
        "invalid-request",
        "customer.purchases[1].date",
      );
      refused(
        () => engine.decide(withRequest((r) => (r.customer.contacts = [{ offerId: "mug", event: "click", at: date }]))),
        "invalid-request",
        "customer.contacts[0].at",
      );
    }
    stillAnswers();
  });

  test("offer windows out of range are refused at load", () => {
    for (const date of bad) {
      refused(() => new Engine(withOffer({ startDate: date })), "invalid-model", "offers[0].startDate");
      refused(() => new Engine(withOffer({ endDate: date })), "invalid-model", "offers[0].endDate");
    }
    refused(() => engine.record({ type: "click", offerId: "mug", at: "1800-01-01" }), "invalid-event", "at");
  });

  test("the edges of the range are accepted", () => {
    for (const now of ["1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z"]) {
      const d = answered(() => engine.decide(withRequest((r) => (r.context.now = now))));
      assert.equal(d.at, now);
    }
  });
});

test("after every hostile case the engine still answers the baseline decision", () => {
  stillAnswers();
  engine.free();
});
