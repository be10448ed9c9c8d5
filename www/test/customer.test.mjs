// Prepared customers through the built Wasm package: `engine.customer(profile)` then
// `engine.decideFor(customer, request)` must decide exactly as `engine.decide(fullRequest)` on every golden case,
// and refuse what it cannot honour with coded errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Engine } from "nextoffer";
import { goldenDecideCases, plain } from "./support.mjs";

const modelText = (name) => readFileSync(new URL(`../../tests/spec/models/${name}.json`, import.meta.url), "utf8");

test("decideFor with a prepared customer equals decide on every golden case", () => {
  const cases = goldenDecideCases().filter((c) => !c.expectedError);
  assert.ok(cases.length >= 7, "golden cases present");
  for (const c of cases) {
    const engine = new Engine(modelText(c.model));
    const { contacts, ...profile } = c.request.customer ?? {};
    const customer = engine.customer(profile);
    const { customer: _whole, ...rest } = c.request;
    const perCall = contacts ? { ...rest, customer: { contacts } } : rest;
    assert.deepEqual(plain(engine.decideFor(customer, perCall)), plain(engine.decide(c.request)), c.name);
    assert.equal(engine.decideForJson(customer, JSON.stringify(perCall)), engine.decideJson(JSON.stringify(c.request)));
    assert.equal(customer.purchaseCount, (profile.purchases ?? []).length);
    customer.free();
    engine.free();
  }
});

test("decideFor refuses a repeated profile field and a customer of another engine, then keeps working", () => {
  const engine = new Engine(modelText("coffee-shop"));
  const other = new Engine(modelText("coffee-shop"));
  const customer = engine.customer({ id: "c-7", attributes: { plan: "pro" } });
  assert.equal(customer.id, "c-7");
  const context = { now: "2026-11-23T10:00:00Z", placement: "cart" };
  assert.throws(
    () => engine.decideFor(customer, { customer: { attributes: { plan: "free" } }, context }),
    (err) => err instanceof Error && err.code === "invalid-request" && err.path === "customer.attributes",
  );
  assert.throws(
    () => other.decideFor(customer, { context }),
    (err) => err instanceof Error && err.code === "invalid-request" && err.path === "customer",
  );
  assert.throws(
    () => engine.customer({ purchases: [{ date: "yesterday" }] }),
    (err) => err instanceof Error && err.code === "invalid-request" && err.path === "purchases[0].date",
  );
  assert.equal(engine.decideFor(customer, { context }).offers[0].id, "grinder-pro");
});
