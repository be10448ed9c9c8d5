// GrowthBook's SDK conformance cases (tests/spec/growthbook-cases.json) through the built Wasm package:
// every `evalCondition` case and every `hash` case, as a JavaScript caller sees them.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { evalCondition, hash } from "nextoffer";
import { growthbookCases } from "./support.mjs";

const cases = growthbookCases();

describe("evalCondition agrees with GrowthBook", () => {
  test("the suite holds all 248 evalCondition cases", () => {
    assert.equal(cases.evalCondition.length, 248);
  });
  cases.evalCondition.forEach(([name, condition, attributes, expected, savedGroups], i) => {
    test(`evalCondition case ${i}: ${name}`, () => {
      const actual =
        savedGroups === undefined
          ? evalCondition(condition, attributes)
          : evalCondition(condition, attributes, savedGroups);
      assert.equal(actual, expected);
    });
  });
});

describe("hash agrees with GrowthBook", () => {
  cases.hash.forEach(([seed, value, version, expected], i) => {
    test(`hash case ${i}: seed ${JSON.stringify(seed)}, value ${JSON.stringify(value)}, v${version}`, () => {
      const actual = hash(seed, value, version);
      if (expected === null) {
        assert.equal(actual, undefined);
      } else {
        assert.equal(typeof actual, "number");
        assert.ok(Math.abs(actual - expected) < 1e-9, `hash gave ${actual}, expected ${expected}`);
      }
    });
  });
});
