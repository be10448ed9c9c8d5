// The edge Worker in real workerd (www/edge/launch.mjs: the demo config, free loopback ports): the decide API
// against the Node build for the engine's golden cases, the events API and the state merge across two Worker
// instances, the HTML rewrite with HTMLRewriter (an offer title that must stay escaped), every bad request,
// and a model that cannot load degrading to the origin page unchanged.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { Engine } from "nextoffer";
import { getKv, putKv, startEdge } from "../edge/launch.mjs";
import { goldenDecideCases, plain } from "./support.mjs";

const NOW = "2026-11-23T10:00:00Z";
const demoPage = readFileSync(new URL("../edge/demo.html", import.meta.url), "utf8");
const coffeeText = readFileSync(new URL("../../tests/spec/models/coffee-shop.json", import.meta.url), "utf8");
// The demo model with a hostile title, link and description on the offer that wins the hero slot.
const evil = JSON.parse(coffeeText);
Object.assign(evil.offers.find((o) => o.id === "grinder-pro"), {
  title: "<img src=x onerror=alert(1)>",
  link: "javascript:alert(1)",
  description: '"><script>alert(2)</script>',
});
const modelText = JSON.stringify(evil);

const work = mkdtempSync(join(tmpdir(), "nextoffer-edge-test-"));
writeFileSync(join(work, "model.json"), modelText);
writeFileSync(join(work, "broken.json"), "{ this is not a model");

const cases = goldenDecideCases();
// The golden cases of the other models each get a Worker of their own (the coffee-shop ones use `edge`).
// A case with a recommender needs a Worker with that recommender bound: one Worker per model and recommender.
const workerKey = (c) => [c.model, c.recommender ?? "", JSON.stringify(c.recommenderOptions ?? null)].join("|");
const otherWorkers = [...new Map(cases.map((c) => [workerKey(c), c])).values()].filter((c) => workerKey(c) !== "coffee-shop||null");
const specModelText = (name) => readFileSync(new URL(`../../tests/spec/models/${name}.json`, import.meta.url), "utf8");

/** @type {Awaited<ReturnType<typeof startEdge>>} */
let edge;
/** @type {Awaited<ReturnType<typeof startEdge>>} */
let broken;
/** Workers by model and recommender. @type {Map<string, { edge: Awaited<ReturnType<typeof startEdge>>, text: string }>} */
const byModel = new Map();

before(async () => {
  const others = otherWorkers.map(async (c, i) => {
    const file = join(work, `${c.model}-${i}.json`);
    writeFileSync(file, specModelText(c.model));
    const recommender = c.recommender
      ? { file: fileURLToPath(new URL(`../../tests/spec/models/${c.recommender}.nxrc`, import.meta.url)), options: c.recommenderOptions }
      : undefined;
    // These Workers parse their model as the isolate starts (a plain module); the coffee-shop one (`edge`) takes
    // it from a module pre-initialized at build time: the golden cases go through both ways.
    const started = await startEdge({ model: file, recommender, preinit: false });
    byModel.set(workerKey(c), { edge: started, text: specModelText(c.model) });
  });
  [edge, broken] = await Promise.all([
    startEdge({ model: join(work, "model.json") }),
    startEdge({ model: join(work, "broken.json"), preinit: false }),
    ...others,
  ]);
  byModel.set("coffee-shop||null", { edge, text: modelText });
});

after(async () => {
  await Promise.all([edge?.close(), broken?.close(), ...[...byModel.values()].map((m) => m.edge.close())]);
  rmSync(work, { recursive: true, force: true });
});

const post = (url, body, headers = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const admin = () => ({ authorization: `Bearer ${edge.adminToken}` });

describe("workerd: POST /v1/decide", () => {
  test("the Worker answers from workerd with the model loaded", async () => {
    const response = await fetch(`${edge.url}/v1/health`);
    assert.equal(response.status, 200);
    const health = await response.json();
    assert.equal(health.ok, true);
    assert.equal(health.offers, evil.offers.length);
  });

  test("decides for a profile in the KV namespace as the Node build does", async () => {
    const profile = JSON.parse(readFileSync(new URL("../edge/profiles.json", import.meta.url), "utf8"))["profile:c-1001"];
    const request = { context: { placement: "cart", now: NOW, device: "mobile" }, limit: 3, seed: 7 };
    const response = await post(`${edge.url}/v1/decide`, { customer: { id: "c-1001" }, ...request });
    assert.equal(response.status, 200);
    const engine = new Engine(modelText);
    assert.deepEqual(await response.json(), plain(engine.decide({ customer: profile, ...request })));
    engine.free();
  });

  test("the golden cases exist", () => assert.ok(cases.length >= 10));
  for (const [index, c] of cases.entries()) {
    test(`golden case through workerd: ${c.name.replace(/\.json$/, "").replaceAll("-", " ")}`, async () => {
      const target = byModel.get(workerKey(c));
      assert.ok(target, `a Worker for the model ${c.model}`);
      // Each case gets its own customer id: the cases reuse ids with different profiles.
      const { contacts, ...profile } = c.request.customer ?? {};
      const id = c.request.customer ? `golden-${index}` : undefined;
      const nodeRequest = id ? { ...c.request, customer: { ...c.request.customer, id } } : c.request;
      const { customer: _, ...rest } = c.request;
      if (id) {
        await putKv(target.edge.storeUrl, `profile:${id}`, { ...profile, id });
        await putKv(target.edge.storeUrl, `contacts:${id}`, contacts ?? []);
      }
      const response = await post(`${target.edge.url}/v1/decide`, id ? { customer: { id }, ...rest } : rest);
      const body = await response.json();
      const engine = new Engine(target.text);
      if (c.recommender) {
        const bytes = readFileSync(new URL(`../../tests/spec/models/${c.recommender}.nxrc`, import.meta.url));
        engine.attachRecommender(bytes, c.recommenderOptions);
      }
      try {
        if (c.expectedError) {
          assert.throws(() => engine.decide(nodeRequest), (err) => err.code === c.expectedError.code);
          const [status, code] = c.expectedError.path === "context.placement" ? [400, "unknown-placement"]
            : c.expectedError.path.startsWith("customer.") ? [422, "invalid-profile"] : [400, c.expectedError.code];
          assert.equal(response.status, status);
          assert.equal(body.error.code, code);
          assert.equal(body.error.path, c.expectedError.path.replace(/^customer\./, ""));
          return;
        }
        assert.equal(response.status, 200);
        assert.deepEqual(body, plain(engine.decide(nodeRequest)));
        assert.deepEqual(body.offers.map((o) => o.id), c.expected.offerIds);
      } finally {
        engine.free();
      }
    });
  }
});

describe("workerd: POST /v1/events and the state shared by two Worker instances", () => {
  test("events recorded in two isolates converge after a merge, with the same counts in both", async () => {
    const events = (offerId, n, segment) => Array.from({ length: n }, () => ({ type: "click", offerId, ...(segment ? { segment } : {}) }));
    const a = await post(`${edge.url}/v1/events`, { events: events("mug", 3, "gold") });
    const b = await post(`${edge.urlB}/v1/events`, { events: [...events("mug", 2), ...events("guide", 4)] });
    assert.deepEqual([a.status, b.status], [200, 200]);
    const [ia, ib] = [(await a.json()).isolate, (await b.json()).isolate];
    assert.notEqual(ia, ib, "two isolates");
    for (const url of [edge.url, edge.urlB, edge.url]) {
      const synced = await post(`${url}/v1/state/sync`, "", admin());
      assert.equal(synced.status, 200);
    }
    const state = async (url) => (await (await fetch(`${url}/v1/state`, { headers: admin() })).json()).state;
    const [sa, sb] = [await state(edge.url), await state(edge.urlB)];
    assert.deepEqual(sa, sb);
    const engine = new Engine(modelText);
    for (const e of [...events("mug", 3, "gold"), ...events("mug", 2), ...events("guide", 4)]) engine.record(e);
    assert.deepEqual(sa, plain(engine.exportState()));
    engine.free();
    // The store holds each isolate's head, pointing at a complete snapshot.
    for (const isolate of [ia, ib]) {
      const head = JSON.parse((await getKv(edge.storeUrl, `state-head:${isolate}`)) ?? "null");
      assert.ok(head, `a head for ${isolate}`);
      assert.notEqual(await getKv(edge.storeUrl, head.key), null);
    }
  });

  test("an event with a customer id lands in the contact history and caps the offer", async () => {
    await putKv(edge.storeUrl, "profile:cap-1", { attributes: { plan: "pro", visits: 5 } });
    const impression = (day) => ({ type: "impression", offerId: "beans-sub", customerId: "cap-1", placement: "cart", at: `2026-11-${day}T09:00:00Z` });
    const response = await post(`${edge.url}/v1/events`, [impression(20), impression(21), impression(22)]);
    assert.equal((await response.json()).recorded, 3);
    const history = JSON.parse((await getKv(edge.storeUrl, "contacts:cap-1")) ?? "[]");
    assert.deepEqual(history.map((c) => c.at), ["2026-11-20T09:00:00Z", "2026-11-21T09:00:00Z", "2026-11-22T09:00:00Z"]);
    const decision = await (await post(`${edge.url}/v1/decide`, { customer: { id: "cap-1" }, context: { placement: "cart", now: NOW } })).json();
    assert.equal(decision.suppressed.find((s) => s.id === "beans-sub")?.rule, "offer-cap");
  });
});

describe("workerd: bad requests", () => {
  const cases = [
    ["bad JSON", "/v1/decide", "{ nope", {}, 400, "invalid-json"],
    ["an oversized body", "/v1/decide", JSON.stringify({ pad: "x".repeat(70_000) }), {}, 413, "body-too-large"],
    ["an unknown placement", "/v1/decide", { context: { placement: "checkout", now: NOW } }, {}, 400, "unknown-placement"],
    ["a missing profile", "/v1/decide", { customer: { id: "nobody" }, context: { now: NOW } }, {}, 404, "unknown-customer"],
    ["profile fields in the request", "/v1/decide", { customer: { id: "c-1001", owned: [] }, context: { now: NOW } }, {}, 400, "invalid-request"],
    ["a form body", "/v1/decide", "a=1", { "content-type": "application/x-www-form-urlencoded" }, 415, "unsupported-media-type"],
    ["an invalid event", "/v1/events", { events: [{ type: "click", offerId: "mug", at: "yesterday" }] }, {}, 400, "invalid-event"],
    ["an event for an unknown offer", "/v1/events", { type: "click", offerId: "nope" }, {}, 400, "unknown-offer"],
    ["too many events", "/v1/events", Array.from({ length: 101 }, () => ({ type: "click", offerId: "mug" })), {}, 413, "too-many-events"],
    ["an unknown API route", "/v1/unknown", {}, {}, 404, "not-found"],
    ["a sync without the admin token", "/v1/state/sync", "", {}, 404, "not-found"],
  ];
  for (const [name, path, body, headers, status, code] of cases) {
    test(`${name} is a ${status} ${code}`, async () => {
      const response = await post(`${edge.url}${path}`, body, headers);
      assert.equal(response.status, status);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      assert.equal((await response.json()).error.code, code);
    });
  }

  test("a chunked oversized body is refused while it is read", async () => {
    // node:http, not fetch: the Worker answers before the body ends and the client's late writes may fail.
    const { status, body } = await new Promise((done, fail) => {
      const request = httpRequest(`${edge.url}/v1/decide`, { method: "POST", headers: { "content-type": "application/json" } });
      request.on("response", (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => done({ status: response.statusCode, body: JSON.parse(text) }));
      });
      request.on("error", (err) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : fail(err)));
      assert.equal(request.getHeader("content-length"), undefined);
      const chunk = " ".repeat(10_000);
      let sent = 0;
      const write = () => {
        if (sent++ >= 10) return request.end();
        request.write(chunk, () => setImmediate(write));
      };
      write();
    });
    assert.equal(status, 413);
    assert.equal(body.error.code, "body-too-large");
  });

  test("after every bad request the isolate still decides", async () => {
    const response = await post(`${edge.url}/v1/decide`, { customer: { id: "c-1001" }, context: { placement: "cart", now: NOW } });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).customerId, "c-1001");
  });
});

describe("workerd: HTML personalization with HTMLRewriter", () => {
  test("fills both slots, keeps the hostile title as text and drops the unsafe link", async () => {
    const response = await fetch(`${edge.url}/?customer=c-1001`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "private, no-store");
    const html = await response.text();
    assert.ok(html.includes('<strong class="nextoffer-title">&#60;img src=x onerror=alert(1)&#62;</strong>'), html);
    assert.ok(html.includes("&#34;&#62;&#60;script&#62;alert(2)&#60;/script&#62;"));
    assert.ok(!html.includes("<img src=x"));
    assert.ok(!html.includes("alert(2)</script>"));
    assert.ok(!html.includes("javascript:"));
    assert.equal(html.split('class="nextoffer-offers"').length - 1, 2, "hero and cart");
    assert.ok(!html.includes("Fresh beans every week"), "the hero fallback was replaced");
    // The script that mentions a slot is untouched.
    assert.ok(html.includes(`window.slotDemo = '<div data-nextoffer-slot="hero">';`));
    // Outside the slots, the page is the origin's.
    const outside = (text) => text.replace(/<div class="slot" data-nextoffer-slot="(\w+)">[\s\S]*?<\/div>\n/g, "[$1]\n");
    assert.equal(outside(html.replace(/<div class="nextoffer-offers"[\s\S]*?<\/div><\/div><\/div>/g, "</div>")), outside(demoPage));
  });

  test("a customer whose stored profile is broken keeps the fallback content of every slot", async () => {
    await putKv(edge.storeUrl, "profile:broken", "{ not json");
    const response = await fetch(`${edge.url}/`, { headers: { cookie: "nextoffer_id=broken" } });
    assert.equal(await response.text(), demoPage);
  });

  test("a model that cannot load leaves the page exactly as the origin sent it, and the API says 503", async () => {
    const page = await fetch(`${broken.url}/?customer=c-1001`);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), demoPage);
    assert.equal(page.headers.get("cache-control"), null);
    const api = await post(`${broken.url}/v1/decide`, { customer: { id: "c-1001" }, context: { now: NOW } });
    assert.equal(api.status, 503);
    assert.equal((await api.json()).error.code, "engine-unavailable");
  });

  test("paths the origin does not have are its 404, passed through", async () => {
    const response = await fetch(`${edge.url}/missing`);
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "not found\n");
  });
});
