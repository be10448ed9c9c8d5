// Memory of a long-lived engine, as an edge isolate or a long-open page holds one: after a warm-up, the Wasm
// memory does not grow over many decide calls and feedback events, and handles released with `free()` or
// `[Symbol.dispose]()` give their memory back. A leak per call (a result never freed, a per-customer cache
// that only grows) shows up here as growth.
//
// `make test` runs 100,000 decide calls and 100,000 events; `make soak` runs the same test with
// MEMORY_CALLS=1000000 (one million decide calls, a few minutes).
//
// Each call decides for a different customer id, through every entry: objects, JSON text, and a prepared
// customer (made, used and freed); every tenth decision's first offer is recorded as an impression.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine } from "nextoffer";
import { generateModel, generateRequest } from "../bench/generate.mjs";
import { wasmMemory } from "./support.mjs";

const CALLS = Number(process.env.MEMORY_CALLS ?? 100_000);
const EVENTS = Number(process.env.MEMORY_EVENTS ?? 100_000);
const WARMUP = 1_000;
const EVENT_TYPES = ["impression", "click", "accept", "dismiss", "purchase"];
const SEGMENTS = Array.from({ length: 20 }, (_, i) => `segment-${i}`);

test(`wasm memory does not grow over ${CALLS.toLocaleString("en")} decide calls after warm-up`, () => {
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

test(`wasm memory does not grow over ${EVENTS.toLocaleString("en")} feedback events after warm-up`, () => {
  const model = generateModel({ offers: 60 });
  const engine = new Engine(JSON.stringify(model));
  const ids = model.offers.map((o) => o.id);
  const memory = wasmMemory();
  // Every (offer, segment) pair the run uses appears within the warm-up; after it, events only add to counts.
  const event = (i) => ({
    type: EVENT_TYPES[i % EVENT_TYPES.length],
    offerId: ids[i % ids.length],
    segment: SEGMENTS[i % SEGMENTS.length],
    decisionId: `d${i}`,
    at: "2026-11-23T10:00:00Z",
  });
  for (let i = 0; i < WARMUP; i++) engine.record(event(i));
  // Exporting and merging state is part of an isolate's life too: do it in the warm-up as well.
  const state = engine.exportState();
  engine.mergeState(state);
  const afterWarmup = memory.buffer.byteLength;
  for (let i = WARMUP; i < EVENTS; i++) {
    engine.record(event(i));
    if (i % 10_000 === 0) engine.mergeState(engine.exportState());
  }
  const atEnd = memory.buffer.byteLength;
  const counted = Object.values(engine.exportState().offers).reduce((sum, o) => sum + Object.values(o.total).reduce((a, b) => a + b, 0), 0);
  engine.free();
  assert.ok(counted >= EVENTS, `every event was counted (${counted})`);
  assert.equal(atEnd, afterWarmup, `memory grew from ${afterWarmup} to ${atEnd} bytes`);
});

test("engines and customers released with free() or Symbol.dispose give their memory back", () => {
  const modelText = JSON.stringify(generateModel({ offers: 60 }));
  const request = generateRequest({ purchases: 30, contacts: 10, offers: 60 });
  const { contacts, ...profile } = request.customer;
  const memory = wasmMemory();
  assert.equal(typeof Engine.prototype[Symbol.dispose], "function", "Engine has Symbol.dispose");
  const cycle = (i) => {
    const engine = new Engine(modelText);
    const customer = engine.customer(profile);
    const decision = engine.decideFor(customer, { customer: { contacts }, context: request.context, seed: i });
    assert.ok(Array.isArray(decision.offers));
    if (i % 2 === 0) {
      customer.free();
      engine.free();
    } else {
      customer[Symbol.dispose]();
      engine[Symbol.dispose]();
    }
  };
  for (let i = 0; i < 100; i++) cycle(i);
  const afterWarmup = memory.buffer.byteLength;
  for (let i = 100; i < 1_000; i++) cycle(i);
  assert.equal(memory.buffer.byteLength, afterWarmup, "freed handles were reused, memory did not grow");

  // The control: the same cycle without releasing the handles does grow the memory, so the check above can
  // fail. (This runs last: what it leaks stays until the garbage collector's finalizers free it.)
  const before = memory.buffer.byteLength;
  const kept = [];
  for (let i = 0; i < 3_000 && memory.buffer.byteLength === before; i++) {
    const engine = new Engine(modelText);
    kept.push(engine, engine.customer(profile));
  }
  assert.ok(memory.buffer.byteLength > before, "handles not released do hold memory");
  for (const handle of kept) handle.free();
});
