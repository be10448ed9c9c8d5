// The `nextoffer/edge` handler in Node (its `node` entry), with the in-memory store: the decide and events
// APIs against the engine called directly, every error answer, learned state shared through the store
// (convergence, no double counting, a flush interrupted at each write), and the streaming HTML fallback.
// The same handler runs in workerd in edge.test.mjs.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Engine } from "nextoffer";
import { createHandler, keys, memoryStore, rewriteSlots } from "nextoffer/edge";
import { plain } from "./support.mjs";

const modelText = readFileSync(new URL("../../tests/spec/models/coffee-shop.json", import.meta.url), "utf8");
const NOW = "2026-11-23T10:00:00Z";
const profile = {
  id: "c-1001",
  attributes: { plan: "pro", visits: 5, segment: "gold" },
  purchases: [
    { productId: "espresso-machine", category: "coffee", date: "2026-03-02", amount: 89000 },
    { productId: "beans-dark", category: "coffee", date: "2026-09-14", amount: 2400 },
  ],
  owned: ["espresso-machine"],
};
const page = `<!doctype html><html><head><title>Shop <div data-nextoffer-slot="hero"></title>
<script>const s = '<div data-nextoffer-slot="hero">';</script></head><body>
<div class="slot" data-nextoffer-slot="hero"><p class="fallback">Fresh beans <div>nested</div></p></div>
<!-- <div data-nextoffer-slot="hero">in a comment</div> -->
<section data-nextoffer-slot="nowhere"><p>kept: no such slot</p></section>
<p>after</p></body></html>`;

/** A store with the demo profile, and a handler over it. */
function setup(overrides = {}) {
  const store = memoryStore([[keys.profile("c-1001"), JSON.stringify(profile)]]);
  const handler = createHandler({
    model: modelText,
    profiles: store,
    origin: async () => new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } }),
    slots: { hero: { placement: "home", limit: 1 } },
    adminToken: "t",
    ...overrides,
  });
  return { store, handler };
}

/** @param {unknown} body @param {Record<string, string>} [headers] */
const post = (path, body, headers = {}) =>
  new Request(`http://edge.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const decideBody = (placement = "cart") => ({ customer: { id: "c-1001" }, context: { placement, now: NOW }, limit: 3 });

async function expectError(response, status, code, path) {
  assert.equal(response.status, status);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  const body = await response.json();
  assert.equal(body.error.code, code);
  if (path !== undefined) assert.equal(body.error.path, path);
  assert.equal(typeof body.error.message, "string");
  return body;
}

describe("POST /v1/decide", () => {
  test("decides for a stored profile exactly as the engine does with the profile in the request", async () => {
    const { handler } = setup();
    const response = await handler.fetch(post("/v1/decide", decideBody()));
    assert.equal(response.status, 200);
    const engine = new Engine(modelText);
    const expected = engine.decide({ customer: profile, context: { placement: "cart", now: NOW }, limit: 3 });
    assert.deepEqual(await response.json(), plain(expected));
    assert.deepEqual(expected.offers.map((o) => o.id), ["grinder-pro", "beans-sub", "mug"]);
    engine.free();
  });

  test("answers an anonymous request without touching the store", async () => {
    const { handler } = setup({ profiles: undefined });
    const response = await handler.fetch(post("/v1/decide", { context: { placement: "cart", now: NOW } }));
    assert.equal(response.status, 200);
    const decision = await response.json();
    assert.equal(decision.customerId, undefined);
    assert.ok(decision.offers.length > 0);
  });

  test("applies the contact history that events stored: three impressions cap the offer", async () => {
    const { handler, store } = setup();
    const impression = (at) => ({ type: "impression", offerId: "grinder-pro", customerId: "c-1001", placement: "cart", at });
    const events = [impression("2026-11-20T09:00:00Z"), impression("2026-11-21T09:00:00Z"), impression("2026-11-22T09:00:00Z")];
    const recorded = await handler.fetch(post("/v1/events", { events }));
    assert.deepEqual((await recorded.json()).recorded, 3);
    assert.equal(JSON.parse((await store.get(keys.contacts("c-1001"))) ?? "[]").length, 3);
    const decision = await (await handler.fetch(post("/v1/decide", decideBody()))).json();
    assert.ok(!decision.offers.some((o) => o.id === "grinder-pro"));
    assert.deepEqual(decision.suppressed.find((s) => s.id === "grinder-pro")?.rule, "offer-cap");
  });
});

describe("stored contact histories", () => {
  const impression = (at, offerId = "grinder-pro") => ({ offerId, event: "impression", at, placement: "cart" });
  const stored = [impression("2026-11-20T09:00:00Z"), impression("2026-11-21T09:00:00Z"), impression("2026-11-21T09:00:00Z", "mug")];
  /** The engine's decision with the profile and these contacts in the request. */
  const expected = (contacts, placement = "cart") => {
    const engine = new Engine(modelText);
    try {
      return plain(engine.decide({ customer: { ...profile, contacts }, context: { placement, now: NOW }, limit: 3 }));
    } finally {
      engine.free();
    }
  };

  test("stored before the first decision, they decide as in the request, the first time and the next ones", async () => {
    const three = [...stored, impression("2026-11-22T09:00:00Z")];
    const { handler, store } = setup();
    await store.put(keys.contacts("c-1001"), JSON.stringify(three));
    const want = expected(three);
    assert.deepEqual(want.suppressed.find((s) => s.id === "grinder-pro")?.rule, "offer-cap");
    for (let i = 0; i < 3; i++) assert.deepEqual(await (await handler.fetch(post("/v1/decide", decideBody()))).json(), want);
    // Another placement of the same customer, from the same prepared handles.
    assert.deepEqual(await (await handler.fetch(post("/v1/decide", decideBody("home")))).json(), expected(three, "home"));
  });

  test("concurrent first requests, and the requests after a history is read again unchanged, decide the same", async () => {
    const { handler, store } = setup({ cacheTtlMs: 0 });
    await store.put(keys.contacts("c-1001"), JSON.stringify(stored));
    const want = expected(stored);
    const first = await Promise.all(Array.from({ length: 4 }, () => handler.fetch(post("/v1/decide", decideBody()))));
    for (const response of first) assert.deepEqual(await response.json(), want);
    for (let i = 0; i < 3; i++) assert.deepEqual(await (await handler.fetch(post("/v1/decide", decideBody()))).json(), want);
  });

  test("contacts in the request are added after the stored ones", async () => {
    const { handler, store } = setup();
    await store.put(keys.contacts("c-1001"), JSON.stringify(stored));
    await handler.fetch(post("/v1/decide", decideBody()));
    const extra = [impression("2026-11-22T09:00:00Z")];
    const body = { ...decideBody(), customer: { id: "c-1001", contacts: extra } };
    const decision = await (await handler.fetch(post("/v1/decide", body))).json();
    assert.deepEqual(decision, expected([...stored, ...extra]));
    assert.deepEqual(decision.suppressed.find((s) => s.id === "grinder-pro")?.rule, "offer-cap");
    // Without them, the stored history alone: two impressions, under the cap of three.
    const alone = await (await handler.fetch(post("/v1/decide", decideBody()))).json();
    assert.deepEqual(alone, expected(stored));
    assert.notEqual(alone.suppressed.find((s) => s.id === "grinder-pro")?.rule, "offer-cap");
  });

  test("a history that events changed after the customer was prepared decides with the new history", async () => {
    const { handler, store } = setup();
    await store.put(keys.contacts("c-1001"), JSON.stringify(stored));
    assert.deepEqual(await (await handler.fetch(post("/v1/decide", decideBody()))).json(), expected(stored));
    const event = { type: "impression", offerId: "grinder-pro", customerId: "c-1001", placement: "cart", at: "2026-11-22T09:00:00Z" };
    assert.equal((await (await handler.fetch(post("/v1/events", [event]))).json()).recorded, 1);
    const now = JSON.parse((await store.get(keys.contacts("c-1001"))) ?? "[]");
    assert.equal(now.length, 4);
    const decision = await (await handler.fetch(post("/v1/decide", decideBody()))).json();
    assert.deepEqual(decision, expected(now));
    assert.deepEqual(decision.suppressed.find((s) => s.id === "grinder-pro")?.rule, "offer-cap");
  });

  test("a first decision prepares the customer once, with its history; the profile alone only when a request needs it", async () => {
    // The handler over the engine class of the Node entry, counting what it prepares (the handler module itself:
    // the package's entries pass it their engine the same way).
    const { createEdgeHandler } = await import("../../pkg/edge/handler.js");
    /** @type {unknown[]} */
    const prepared = [];
    class Counting extends Engine {
      /** @param {any} customer */
      customer(customer) {
        prepared.push(customer.contacts?.length ?? 0);
        return super.customer(customer);
      }
    }
    const store = memoryStore([[keys.profile("c-1001"), JSON.stringify(profile)], [keys.contacts("c-1001"), JSON.stringify(stored)]]);
    const handler = createEdgeHandler({ Engine: Counting }, { model: modelText, profiles: store });
    assert.deepEqual(await (await handler.fetch(post("/v1/decide", decideBody()))).json(), expected(stored));
    assert.deepEqual(await (await handler.fetch(post("/v1/decide", decideBody("home")))).json(), expected(stored, "home"));
    assert.deepEqual(prepared, [stored.length]);
    const extra = [impression("2026-11-22T09:00:00Z")];
    const body = { ...decideBody(), customer: { id: "c-1001", contacts: extra } };
    assert.deepEqual(await (await handler.fetch(post("/v1/decide", body))).json(), expected([...stored, ...extra]));
    await handler.fetch(post("/v1/decide", body));
    assert.deepEqual(prepared, [stored.length, 0]);
  });

  test("a stored contact the engine rejects is the same 400 as in the request", async () => {
    const { handler, store } = setup();
    await store.put(keys.contacts("c-1001"), JSON.stringify([{ offerId: "mug", event: "impression", at: "yesterday" }]));
    for (let i = 0; i < 2; i++) {
      await expectError(await handler.fetch(post("/v1/decide", decideBody())), 400, "invalid-request", "customer.contacts[0].at");
    }
  });
});

describe("bad requests get a 4xx JSON error with a code", () => {
  const cases = [
    ["bad JSON", () => post("/v1/decide", "{ not json"), 400, "invalid-json"],
    ["an empty body", () => post("/v1/decide", ""), 400, "invalid-json"],
    ["a body that is not an object", () => post("/v1/decide", "[1,2]"), 400, "invalid-request"],
    ["an unknown placement", () => post("/v1/decide", decideBody("checkout")), 400, "unknown-placement", "context.placement"],
    ["a missing now", () => post("/v1/decide", { customer: { id: "c-1001" }, context: { placement: "cart" } }), 400, "invalid-request", "context.now"],
    ["a customer without a profile", () => post("/v1/decide", { customer: { id: "c-404" }, context: { now: NOW } }), 404, "unknown-customer", "customer.id"],
    ["profile fields in the request", () => post("/v1/decide", { customer: { id: "c-1001", attributes: {} }, context: { now: NOW } }), 400, "invalid-request", "customer.attributes"],
    ["an unknown request field", () => post("/v1/decide", { customer: { id: "c-1001" }, context: { now: NOW }, limt: 3 }), 400, "invalid-request"],
    ["a declared oversized body", () => post("/v1/decide", JSON.stringify({ pad: "x".repeat(70_000) })), 413, "body-too-large"],
    ["a form body", () => post("/v1/decide", "a=1", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported-media-type"],
    ["GET on the decide route", () => new Request("http://edge.test/v1/decide"), 405, "method-not-allowed"],
    ["an unknown API route", () => post("/v1/nothing", {}), 404, "not-found"],
    ["an unknown event type", () => post("/v1/events", { events: [{ type: "clik", offerId: "mug" }] }), 400, "invalid-event", "events[0].type"],
    ["an event for an unknown offer", () => post("/v1/events", [{ type: "click", offerId: "nope" }]), 400, "unknown-offer", "[0].offerId"],
    ["too many events", () => post("/v1/events", { events: Array.from({ length: 101 }, () => ({ type: "click", offerId: "mug" })) }), 413, "too-many-events"],
    ["the state route without the admin token", () => new Request("http://edge.test/v1/state"), 404, "not-found"],
  ];
  for (const [name, request, status, code, path] of cases) {
    test(`${name} is a ${status} ${code}`, async () => {
      const { handler } = setup();
      await expectError(await handler.fetch(request()), status, code, path);
    });
  }

  test("an oversized chunked body is refused while it is read", async () => {
    const { handler } = setup({ limits: { bodyBytes: 1000 } });
    const chunks = Array.from({ length: 20 }, () => new TextEncoder().encode(" ".repeat(100)));
    const body = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request("http://edge.test/v1/decide", { method: "POST", body, duplex: "half", headers: { "content-type": "application/json" } });
    assert.equal(request.headers.get("content-length"), null);
    await expectError(await handler.fetch(request), 413, "body-too-large");
    assert.ok(chunks.length > 0, "the rest of the body was never read");
  });

  test("an invalid event stops the batch and says how many were recorded", async () => {
    const { handler } = setup();
    const events = [{ type: "click", offerId: "mug" }, { type: "click", offerId: "mug", count: -1 }, { type: "click", offerId: "mug" }];
    const body = await expectError(await handler.fetch(post("/v1/events", { events })), 400, "invalid-event", "events[1].count");
    assert.equal(body.recorded, 1);
  });

  test("a stored profile the engine rejects is a 422 naming the field", async () => {
    const { handler, store } = setup();
    await store.put(keys.profile("bad"), JSON.stringify({ purchases: [{ date: "yesterday" }] }));
    await expectError(await handler.fetch(post("/v1/decide", { customer: { id: "bad" }, context: { now: NOW } })), 422, "invalid-profile", "purchases[0].date");
  });

  test("a model that cannot load is a 503 for the API, and the load is retried later", async () => {
    const { handler } = setup({ model: "{ broken" });
    await expectError(await handler.fetch(post("/v1/decide", decideBody())), 503, "engine-unavailable");
    await expectError(await handler.fetch(new Request("http://edge.test/v1/health")), 503, "engine-unavailable");
  });
});

describe("learned state through the store", () => {
  const clicks = (offerId, n, segment) => Array.from({ length: n }, () => ({ type: "click", offerId, ...(segment ? { segment } : {}) }));

  test("the counts an isolate publishes are the engine's own export for the same events", async () => {
    const { handler, store } = setup({ state: { isolateId: "a" } });
    const events = [...clicks("mug", 2, "gold"), { type: "impression", offerId: "guide", count: 5 }, { type: "purchase", offerId: "mug" }];
    assert.equal((await handler.fetch(post("/v1/events", { events }))).status, 200);
    await handler.sync();
    const engine = new Engine(modelText);
    for (const event of events) engine.record(event);
    const head = JSON.parse((await store.get(keys.head("a"))) ?? "null");
    const snapshot = JSON.parse((await store.get(head.key)) ?? "null");
    assert.deepEqual(snapshot.offers, plain(engine.exportState()).offers);
    engine.free();
  });

  test("two isolates converge to the same counts after one merge each, and syncing again adds nothing", async () => {
    const store = memoryStore([[keys.profile("c-1001"), JSON.stringify(profile)]]);
    const a = createHandler({ model: modelText, profiles: store, adminToken: "t", state: { isolateId: "a" } });
    const b = createHandler({ model: modelText, profiles: store, adminToken: "t", state: { isolateId: "b" } });
    await a.fetch(post("/v1/events", { events: clicks("mug", 3, "gold") }));
    await b.fetch(post("/v1/events", { events: [...clicks("mug", 2), ...clicks("guide", 4)] }));
    await a.sync(); // a publishes; b has not yet
    await b.sync(); // b publishes and merges a
    await a.sync(); // a merges b
    await a.sync();
    await b.sync();
    const state = async (h) => (await (await h.fetch(new Request("http://edge.test/v1/state", { headers: { authorization: "Bearer t" } }))).json()).state;
    const [sa, sb] = [await state(a), await state(b)];
    assert.deepEqual(sa, sb);
    assert.equal(sa.offers.mug.total.clicks, 5);
    assert.equal(sa.offers.mug.segments.gold.clicks, 3);
    assert.equal(sa.offers.guide.total.clicks, 4);
    // Propensity uses the merged counts: both isolates rank with 5 clicks of the mug.
    const da = await (await a.fetch(post("/v1/decide", decideBody()))).json();
    const db = await (await b.fetch(post("/v1/decide", decideBody()))).json();
    assert.deepEqual(da.offers.map((o) => [o.id, o.score]), db.offers.map((o) => [o.id, o.score]));
  });

  /** A store whose put fails once for keys matching `pattern`, as a crash between two writes would. */
  function failingOnce(store, pattern) {
    let armed = true;
    return {
      ...store,
      async put(key, value) {
        if (armed && pattern.test(key)) {
          armed = false;
          throw new Error(`simulated crash writing ${key}`);
        }
        return store.put(key, value);
      },
    };
  }

  test("a peer snapshot the engine rejects is left out, and the other peers still merge", async () => {
    const store = memoryStore();
    await store.put(keys.snapshot("bad", 1), JSON.stringify({ format: "nextoffer-state", version: 2, offers: {} }));
    await store.put(keys.head("bad"), JSON.stringify({ key: keys.snapshot("bad", 1), seq: 1 }));
    const a = createHandler({ model: modelText, profiles: store, state: { isolateId: "a" } });
    const b = createHandler({ model: modelText, profiles: store, adminToken: "t", state: { isolateId: "b" } });
    await a.fetch(post("/v1/events", { events: clicks("mug", 4) }));
    await a.sync();
    await b.sync();
    const report = await (await b.fetch(new Request("http://edge.test/v1/state", { headers: { authorization: "Bearer t" } }))).json();
    assert.equal(report.peers, 1);
    assert.equal(report.state.offers.mug.total.clicks, 4);
  });

  test("a crash after the snapshot but before the pointer leaves readers on the previous snapshot", async () => {
    const base = memoryStore();
    const a = createHandler({ model: modelText, profiles: base, state: { isolateId: "a", store: failingOnce(base, /$^/) } });
    await a.fetch(post("/v1/events", { events: clicks("mug", 2) }));
    await a.sync();
    // The isolate restarts under the same id (it resumes from its published snapshot: 2 + 7 clicks), and its
    // flush crashes writing the pointer: the store holds the new snapshot, the head still the old one.
    const crash = createHandler({ model: modelText, profiles: base, state: { isolateId: "a", store: failingOnce(base, /^state-head:/) } });
    await crash.fetch(post("/v1/events", { events: clicks("mug", 7) }));
    const flushed = crash.sync();
    await assert.rejects(flushed, /simulated crash writing state-head:a/);
    const head = JSON.parse((await base.get(keys.head("a"))) ?? "null");
    assert.equal(head.key, keys.snapshot("a", 1));
    const previous = JSON.parse((await base.get(head.key)) ?? "null");
    assert.equal(previous.offers.mug.total.clicks, 2, "the previous complete state is what readers see");
    // The new snapshot was written (under its own version) and is published by the retry.
    assert.equal(JSON.parse((await base.get(keys.snapshot("a", 2))) ?? "null").offers.mug.total.clicks, 9);
    // No pointer ever named version 2, so the retry may write it again; then the pointer moves and 1 goes.
    await crash.sync();
    assert.equal(JSON.parse((await base.get(keys.head("a"))) ?? "null").key, keys.snapshot("a", 2));
    assert.equal(JSON.parse((await base.get(keys.snapshot("a", 2))) ?? "null").offers.mug.total.clicks, 9);
    assert.equal(await base.get(keys.snapshot("a", 1)), null);
  });

  test("a crash writing the snapshot leaves the head and its snapshot untouched, and the retry publishes everything once", async () => {
    const base = memoryStore();
    const store = failingOnce(base, /^state:a:2$/);
    const a = createHandler({ model: modelText, profiles: base, state: { isolateId: "a", store } });
    await a.fetch(post("/v1/events", { events: clicks("mug", 2) }));
    await a.sync(); // snapshot 1
    await a.fetch(post("/v1/events", { events: clicks("mug", 3) }));
    await assert.rejects(a.sync(), /simulated crash writing state:a:2/);
    assert.equal(JSON.parse((await base.get(keys.head("a"))) ?? "null").key, keys.snapshot("a", 1));
    assert.equal(JSON.parse((await base.get(keys.snapshot("a", 1))) ?? "null").offers.mug.total.clicks, 2);
    await a.sync(); // the retry writes version 2 with all five clicks, and removes version 1
    const head = JSON.parse((await base.get(keys.head("a"))) ?? "null");
    assert.equal(head.key, keys.snapshot("a", 2));
    assert.equal(JSON.parse((await base.get(head.key)) ?? "null").offers.mug.total.clicks, 5);
    assert.equal(await base.get(keys.snapshot("a", 1)), null);
  });
});

describe("HTML personalization (the streaming fallback, as in Node)", () => {
  const evilModel = () => {
    const model = JSON.parse(modelText);
    const grinder = model.offers.find((o) => o.id === "grinder-pro");
    grinder.title = "<img src=x onerror=alert(1)>";
    grinder.link = "javascript:alert(1)";
    grinder.description = `"quoted" & 'single'`;
    return model;
  };
  const get = (path, headers = {}) => new Request(`http://edge.test${path}`, { headers });

  test("fills the hero slot with the escaped offer and leaves everything else as the origin sent it", async () => {
    const { handler } = setup({ model: evilModel() });
    const response = await handler.fetch(get("/", { "x-nextoffer-customer": "c-1001" }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "private, no-store");
    const html = await response.text();
    const expectedSlot =
      '<div class="slot" data-nextoffer-slot="hero"><div class="nextoffer-offers" data-nextoffer-decision="';
    assert.ok(html.includes(expectedSlot), html);
    assert.ok(html.includes('<strong class="nextoffer-title">&#60;img src=x onerror=alert(1)&#62;</strong>'));
    assert.ok(html.includes("&#34;quoted&#34; &#38; &#39;single&#39;"));
    assert.ok(!html.includes("<img src=x"), "the title stays text");
    assert.ok(!html.includes("javascript:"), "an unsafe link is dropped");
    assert.ok(!html.includes("Fresh beans"), "the fallback of a filled slot is replaced");
    // Exactly one slot filled: not the ones in the title, the script or the comment; the unknown slot kept.
    assert.equal(html.split("nextoffer-offers").length - 1, 1);
    for (const kept of ["<title>Shop <div data-nextoffer-slot=\"hero\"></title>", "const s = '<div data-nextoffer-slot=\"hero\">';",
      "<!-- <div data-nextoffer-slot=\"hero\">in a comment</div> -->", "<p>kept: no such slot</p></section>", "<p>after</p></body></html>"]) {
      assert.ok(html.includes(kept), `kept: ${kept}`);
    }
  });

  test("the fallback rewriter gives the same page whatever the chunk boundaries", async () => {
    const fill = async (slot) => (slot === "hero" ? "<b>offer</b>" : null);
    const whole = await rewriteSlots(new Response(page, { headers: { "content-type": "text/html" } }), fill).text();
    const bytes = new TextEncoder().encode(page);
    for (const size of [1, 2, 7, 64]) {
      const body = new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
          controller.close();
        },
      });
      assert.equal(await rewriteSlots(new Response(body), fill).text(), whole, `chunks of ${size}`);
    }
    assert.ok(whole.includes('<div class="slot" data-nextoffer-slot="hero"><b>offer</b></div>\n<!--'));
  });

  test("a slot whose fill throws keeps its fallback", async () => {
    const response = rewriteSlots(new Response(page), async () => {
      throw new Error("boom");
    });
    assert.equal(await response.text(), page);
  });

  test("a model that cannot load leaves the page exactly as the origin sent it", async () => {
    const { handler } = setup({ model: "{ broken" });
    const response = await handler.fetch(get("/", { "x-nextoffer-customer": "c-1001" }));
    assert.equal(response.status, 200);
    assert.equal(await response.text(), page);
    assert.equal(response.headers.get("cache-control"), null);
  });

  test("a visitor without a profile gets an anonymous decision; a broken profile keeps the fallback", async () => {
    const { handler, store } = setup();
    const anonymous = await (await handler.fetch(get("/", { "x-nextoffer-customer": "c-404" }))).text();
    assert.ok(anonymous.includes("nextoffer-offers"));
    await store.put(keys.profile("broken"), "{ not json");
    const broken = await (await handler.fetch(get("/", { cookie: "a=1; nextoffer_id=broken" }))).text();
    assert.equal(broken, page);
  });

  test("non-HTML responses pass through untouched", async () => {
    const { handler } = setup({ origin: async () => new Response('{"a":1}', { headers: { "content-type": "application/json" } }) });
    const response = await handler.fetch(get("/data.json"));
    assert.equal(await response.text(), '{"a":1}');
  });
});

describe("the nextoffer/edge entry", () => {
  test("resolves to the node entry in Node, and the exports map gives types for every condition", () => {
    assert.match(import.meta.resolve("nextoffer/edge"), /pkg\/edge\/node\.js$/);
    const pkg = JSON.parse(readFileSync(new URL("../../pkg/package.json", import.meta.url), "utf8"));
    assert.deepEqual(Object.keys(pkg.exports["./edge"]), ["workerd", "node", "default"]);
    for (const target of Object.values(pkg.exports["./edge"])) assert.equal(target.types, "./edge/index.d.ts");
    assert.ok(pkg.files.includes("edge/"));
  });

  test("its JavaScript type-checks against its JSDoc in strict mode", () => {
    const tsc = fileURLToPath(new URL("../../node_modules/.bin/tsc", import.meta.url));
    const files = ["handler.js", "web.js", "workerd.js", "node.js"].map((f) => fileURLToPath(new URL(`../../pkg/edge/${f}`, import.meta.url)));
    const flags = ["--allowJs", "--checkJs", "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext",
      "--moduleResolution", "nodenext", "--lib", "es2022,dom,dom.iterable,esnext.disposable", "--types", ""];
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const result = spawnSync(tsc, [...flags, ...files], { encoding: "utf8", cwd: root });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.stdout.split("\n").filter((line) => line.includes("error")), []);
    assert.equal(result.status, 0);
  });

  test("its declarations have no any type", () => {
    const text = readFileSync(new URL("../../pkg/edge/index.d.ts", import.meta.url), "utf8");
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    assert.deepEqual(code.split("\n").filter((line) => /(:\s*any\b|\bany\s*[|;,)>\]]|<\s*any\b)/.test(line)), []);
  });
});

test("the default entry (the server build's web glue, for Vercel, Netlify and bundlers) initializes from options.wasm and decides as the Node entry", async () => {
  const web = await import("../../pkg/edge/web.js");
  const wasm = readFileSync(new URL("../../pkg/server/nextoffer_bg.wasm", import.meta.url));
  const store = memoryStore([[keys.profile("c-1001"), JSON.stringify(profile)]]);
  const webHandler = web.createHandler({ wasm, model: modelText, profiles: store });
  const nodeHandler = createHandler({ model: modelText, profiles: store });
  const [a, b] = await Promise.all([webHandler.fetch(post("/v1/decide", decideBody())), nodeHandler.fetch(post("/v1/decide", decideBody()))]);
  assert.equal(a.status, 200);
  const decision = await a.json();
  assert.deepEqual(decision, await b.json());
  assert.deepEqual(decision.offers.map((o) => o.id), ["grinder-pro", "beans-sub", "mug"]);
});
