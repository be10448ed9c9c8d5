// 100,000 decide calls in one engine: after a warm-up of 1,000 calls, the Wasm memory does not grow. A leak
// per call (a result never freed, a per-customer cache that only grows) shows up here as growth. Each call
// decides for a different customer id, through every entry: objects, JSON text, and a prepared customer
// (made, used and freed); every tenth decision's first offer is recorded as an impression.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine } from "nextoffer";
import { generateModel, generateRequest } from "../bench/generate.mjs";
import { wasmMemory } from "./support.mjs";

const CALLS = 100_000;
const WARMUP = 1_000;

test("wasm memory does not grow over 100,000 decide calls after warm-up", () => {
  // A smaller catalog than the benchmark's keeps this test to seconds; the code paths are the same.
  const engine = new Engine(JSON.stringify(generateModel({ offers: 60 })));
  const request = generateRequest({ purchases: 30, contacts: 10, offers: 60 });
  const memory = wasmMemory();
  let offered = 0;
  const { contacts, ...profile } = request.customer;
  const perCall = { customer: { contacts }, context: request.context, limit: request.limit };
  const call = (i) => {
    request.customer.id = `c${i}`;
    request.seed = i;
    let decision;
    if (i % 10 === 0) {
      decision = JSON.parse(engine.decideJson(JSON.stringify(request)));
    } else if (i % 10 === 5) {
      const customer = engine.customer({ ...profile, id: `c${i}` });
      decision = engine.decideFor(customer, { ...perCall, seed: i });
      customer.free();
    } else {
      decision = engine.decide(request);
    }
    const first = decision.offers[0];
    if (i % 10 === 1 && first) engine.record({ type: "impression", offerId: first.id, decisionId: decision.decisionId });
    offered += decision.offers.length;
  };
  for (let i = 0; i < WARMUP; i++) call(i);
  const afterWarmup = memory.buffer.byteLength;
  for (let i = WARMUP; i < CALLS; i++) call(i);
  const atEnd = memory.buffer.byteLength;
  engine.free();
  assert.ok(offered > 0, "the decisions offered something");
  assert.equal(atEnd, afterWarmup, `memory grew from ${afterWarmup} to ${atEnd} bytes`);
});
