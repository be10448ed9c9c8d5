// The golden decide cases of tests/spec/decide/ through the built Wasm package. tests/wasm_node.rs runs the
// same files natively (under cargo test) and in Wasm, so every build must give the same decisions. Each case
// names a model of tests/spec/models/ and holds a request and either `expected` (offer ids in rank order, and
// optionally scores, suppressed offers with their rule, group, candidates, ineligibleCount, blocked rule) or
// `expectedError` (code and path).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Engine } from "nextoffer";
import { goldenDecideCases, plain } from "./support.mjs";

const cases = goldenDecideCases();
const modelText = (name) => readFileSync(new URL(`../../tests/spec/models/${name}.json`, import.meta.url), "utf8");
const recommenderBytes = (name) => readFileSync(new URL(`../../tests/spec/models/${name}.nxrc`, import.meta.url));

function checkDecision(decision, expected) {
  assert.deepEqual(
    decision.offers.map((o) => o.id),
    expected.offerIds,
    "offer ids in rank order",
  );
  decision.offers.forEach((offer, i) => assert.equal(offer.rank, i + 1, `rank of ${offer.id}`));
  for (const [id, want] of Object.entries(expected.scores ?? {})) {
    const offer = decision.offers.find((o) => o.id === id);
    assert.ok(offer, `${id} is ranked`);
    assert.ok(Math.abs(offer.score - want) <= 1e-9 * Math.max(Math.abs(want), 1), `score of ${id}: ${offer.score}`);
    const { propensity, contextWeight, value, lever } = offer.factors;
    const product = propensity * contextWeight * value * lever;
    assert.ok(Math.abs(product - offer.score) <= 1e-9 * Math.max(product, 1), `factors of ${id} multiply to its score`);
  }
  if (expected.suppressed) {
    const got = decision.suppressed.map((s) => [s.id, s.rule]).sort();
    assert.deepEqual(got, Object.entries(expected.suppressed).sort(), "suppressed offers and their rules");
  }
  for (const key of ["group", "candidates", "ineligibleCount"]) {
    if (key in expected) assert.deepEqual(decision[key], expected[key], key);
  }
  if ("blocked" in expected) assert.equal(decision.blocked?.rule, expected.blocked, "blocking rule");
  for (const [id, want] of Object.entries(expected.reasons ?? {})) {
    const got = (decision.offers.find((o) => o.id === id)?.reasons ?? []).map((r) => `${r.code}: ${r.text}`);
    for (const w of want) assert.ok(got.includes(w), `${id} has the reason ${w} (got ${got.join(" | ")})`);
  }
}

describe("golden decide cases through Wasm", () => {
  test("the shared golden cases exist", () => {
    assert.ok(cases.length >= 10, `found ${cases.length} cases in tests/spec/decide/`);
  });
  for (const c of cases) {
    test(c.name.replace(/\.json$/, "").replaceAll("-", " "), () => {
      const engine = new Engine(modelText(c.model));
      try {
        if (c.recommender) engine.attachRecommender(recommenderBytes(c.recommender), c.recommenderOptions);
        if (c.expectedError) {
          assert.throws(
            () => engine.decide(c.request),
            (err) =>
              err instanceof Error && err.code === c.expectedError.code && err.path === c.expectedError.path,
          );
          assert.throws(() => engine.decideJson(JSON.stringify(c.request)), (err) => err.code === c.expectedError.code);
          return;
        }
        const decision = engine.decide(c.request);
        checkDecision(decision, c.expected);
        // The JSON-text entry gives the very same decision, and deciding again changes nothing.
        assert.deepEqual(JSON.parse(engine.decideJson(JSON.stringify(c.request))), plain(decision));
        assert.deepEqual(plain(engine.decide(c.request)), plain(decision));
        // The model given as UTF-8 bytes (a fetched body, a data module) decides exactly the same.
        const fromBytes = Engine.fromBytes(new TextEncoder().encode(modelText(c.model)));
        try {
          if (c.recommender) fromBytes.attachRecommender(recommenderBytes(c.recommender), c.recommenderOptions);
          assert.deepEqual(plain(fromBytes.decide(c.request)), plain(decision));
        } finally {
          fromBytes.free();
        }
      } finally {
        engine.free();
      }
    });
  }
});
