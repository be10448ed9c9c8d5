// Recommendations in Wasm (`Recommender` and `lift` of `nextoffer/insight`) as a JavaScript caller sees them,
// on the demo orders (www/demo/orders.csv): neighbours, rules, lift and the saved model agree with the native
// CLI (`nextoffer similar|rules|lift`, run through `cargo run`); recommend's reasons carry the real counts;
// saved models load back; bad input throws coded errors. Needs `make build`.

import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Recommender, lift } from "nextoffer/insight";
import { Engine } from "nextoffer";
import { plain, throwsNextofferError } from "./support.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ordersFile = join(root, "www/demo/orders.csv");
const csv = readFileSync(ordersFile, "utf8");

/** Runs the native CLI (built by cargo if needed) and returns its standard output. */
function cli(...args) {
  return execFileSync("cargo", ["run", "--quiet", "--bin", "nextoffer", "--", ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
}

/** The demo CSV as order objects (camelCase keys, numbers as numbers). */
function ordersAsObjects() {
  const [header, ...lines] = csv.trim().split("\n");
  const keys = header.split(",").map((k) => k.replace(/_(\w)/g, (_, c) => c.toUpperCase()));
  return lines.map((line) => {
    const cells = line.split(",");
    const o = Object.fromEntries(keys.map((k, i) => [k, cells[i]]));
    return { ...o, amount: Number(o.amount), quantity: Number(o.quantity) };
  });
}


const close = (a, b, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "nextoffer-recommend-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
});

describe("the demo orders agree with the native CLI", () => {
  const rec = Recommender.fromOrders(csv, { neighbours: 10 });

  test("the saved model is byte for byte the one `similar --top 10 --save` writes, from CSV and from objects", () => {
    const file = join(dir, "demo.nxrc");
    cli("similar", ordersFile, "--top", "10", "--item", "kettle", "--save", file);
    const native = new Uint8Array(readFileSync(file));
    const saved = rec.save();
    assert.ok(saved instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(saved.subarray(0, 4)), "NXRC");
    assert.deepEqual(saved, native);
    const fromObjects = Recommender.fromOrders(ordersAsObjects(), { neighbours: 10 });
    assert.deepEqual(fromObjects.save(), native);
    fromObjects.free();
  });

  test("filter's neighbours have the CLI's scores, counts and reasons", () => {
    const native = JSON.parse(cli("similar", ordersFile, "--item", "filter", "--top", "10"));
    const wasm = rec.similar("filter", 10);
    assert.equal(rec.basketCount, native.baskets);
    assert.equal(rec.itemCount, native.itemCount);
    assert.equal(wasm.length, native.neighbours.length);
    assert.ok(wasm.length >= 5);
    wasm.forEach((n, i) => {
      const want = native.neighbours[i];
      assert.equal(n.item, want.item);
      assert.equal(n.together, want.together);
      assert.equal(n.countB, want.countB);
      close(n.score, want.score);
      close(n.confidence, want.confidence);
      assert.equal(n.reason, want.reason.text);
    });
    assert.equal(wasm[0].reason, `bought together with filter in ${Math.round((100 * wasm[0].together) / wasm[0].countA)}% of orders`);
  });

  test("rules at min support 0.01 and confidence 0.2 are the CLI's, in the same order with the same metrics", () => {
    const native = JSON.parse(cli("rules", ordersFile, "--min-support", "0.01", "--min-confidence", "0.2"));
    const wasm = rec.rules({ minSupport: 0.01, minConfidence: 0.2 });
    assert.ok(native.rules.length >= 10, `${native.rules.length} rules`);
    assert.equal(wasm.length, native.rules.length);
    wasm.forEach((r, i) => {
      const want = native.rules[i];
      assert.deepEqual(r.antecedents, want.antecedents);
      assert.deepEqual(r.consequents, want.consequents);
      assert.equal(r.count, want.count);
      for (const k of ["support", "confidence", "lift", "leverage"]) close(r[k], want[k]);
      if (want.conviction === null) assert.equal(r.conviction, null);
      else close(r.conviction, want.conviction);
    });
    assert.equal(wasm.total, wasm.length);
    const top = rec.rules({ minSupport: 0.01, minConfidence: 0.2, limit: 3 });
    assert.equal(top.total, native.rules.length);
    assert.deepEqual(plain(top), plain(wasm.slice(0, 3)));
    const capped = rec.rules({ minSupport: 0.01, minConfidence: 0.2, maxLength: 2, minLift: 2 });
    assert.ok(capped.length > 0 && capped.length < wasm.length);
    assert.ok(capped.every((r) => r.antecedents.length + r.consequents.length <= 2 && r.lift >= 2));
  });

  test("lift from events matches the CLI's per offer and arm, from CSV text and from objects", () => {
    // Two offers with fixed counts: a (treatment 200 exposed / 30 converted, control 100 / 8), b (50/5 vs 50/5).
    const events = [];
    const add = (offer, variant, exposed, converted) => {
      for (let i = 0; i < exposed; i++) events.push({ offerId: offer, variant, event: "exposure" });
      for (let i = 0; i < converted; i++) events.push({ offerId: offer, variant, event: "conversion" });
    };
    add("a", "treatment", 200, 30);
    add("a", "control", 100, 8);
    add("b", "treatment", 50, 5);
    add("b", "control", 50, 5);
    const text = ["offer_id,variant,event", ...events.map((e) => `${e.offerId},${e.variant},${e.event}`)].join("\n");
    const file = join(dir, "events.csv");
    writeFileSync(file, text);
    const native = JSON.parse(cli("lift", file)).offers;
    const fromCsv = lift(text);
    const fromObjects = lift(events);
    assert.deepEqual(plain(fromCsv), plain(fromObjects));
    assert.deepEqual(plain(fromCsv), plain(native));
    const a = fromCsv[0];
    assert.equal(a.offer, "a");
    assert.deepEqual([a.treatment.exposures, a.treatment.conversions], [200, 30]);
    close(a.treatment.rate.estimate, 0.15);
    close(a.relativeLift.estimate, 0.15 / 0.08 - 1);
    assert.ok(a.relativeLift.low < a.relativeLift.estimate && a.relativeLift.estimate < a.relativeLift.high);
    assert.ok(a.probabilityTreatmentBeatsControl > 0.9 && a.probabilityTreatmentBeatsControl < 1);
    const b = fromCsv[1];
    close(b.relativeLift.estimate, 0);
    close(b.probabilityTreatmentBeatsControl, 0.5, 1e-9);
  });
});

describe("recommend", () => {
  const rec = Recommender.fromOrders(csv);

  test("cross-sell reasons carry the neighbour counts that similar reports", () => {
    const items = rec.recommend({ cart: ["filter"], limit: 5, weights: { affinity: 0, popularity: 0, upsell: 0 } });
    const neighbours = rec.similar("filter", 20);
    assert.equal(items.length, 5);
    for (const it of items) {
      assert.equal(it.source, "cross_sell");
      const n = neighbours.find((x) => x.item === it.item);
      assert.ok(n, `${it.item} is a neighbour of filter`);
      const r = it.reasons[0];
      assert.equal(r.code, "bought_together");
      assert.equal(r.with, "filter");
      assert.equal(r.together, n.together);
      assert.equal(r.withCount, n.countA);
      assert.equal(it.reason, n.reason);
    }
    // Item-to-item only: the best scores 1, the others their cosine relative to it.
    close(items[0].score, 1);
    close(items[1].score, neighbours[1].score / neighbours[0].score);
  });

  test("the next tier up is an upsell with its prices, and owned and carted items are never suggested", () => {
    const items = rec.recommend({ cart: ["kettle"], owned: ["milk-frother"], limit: 20 });
    // The demo's equipment prices (yen): kettle 6800; within the default band (x1.05 to x2.5, 7140 to 17000)
    // the nearest tier up is grinder-basic at 9800. The owned frother's (5400) nearest tier, the kettle, is in
    // the cart, so its step is grinder-basic too: one upsell, at the cart's weight 1 x upsell 0.5.
    const prices = new Map();
    for (const line of csv.trim().split("\n").slice(1)) {
      const [, , , product, category, amount, quantity] = line.split(",");
      if (category === "equipment") prices.set(product, Number(amount) / Number(quantity));
    }
    const base = prices.get("kettle");
    const inBand = [...prices]
      .filter(([p, v]) => p !== "milk-frother" && v >= base * 1.05 && v <= base * 2.5)
      .sort((x, y) => x[1] - y[1]);
    assert.equal(inBand[0][0], "grinder-basic");
    const upsells = items.filter((it) => it.source === "upsell");
    assert.equal(upsells.length, 1, JSON.stringify(items.map((i) => [i.item, i.source])));
    const [upsell] = upsells;
    assert.equal(upsell.item, "grinder-basic");
    assert.equal(upsell.reason, "next tier up from kettle (9800 vs 6800, +44%)");
    const r = upsell.reasons[0];
    assert.equal(r.code, "next_tier_up");
    assert.equal(r.from, "kettle");
    close(r.fromPrice, base, 1e-9);
    close(r.price, inBand[0][1], 1e-9);
    close(upsell.score, 0.5);
    assert.ok(!items.some((it) => it.item === "kettle" || it.item === "milk-frother"));
    assert.deepEqual([...new Set(items.map((it) => it.source))].sort(), ["affinity", "cross_sell", "popular", "upsell"]);
    for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].score >= items[i].score);
    // Without the upsell weight the ladder is silent.
    assert.ok(!rec.recommend({ cart: ["kettle"], limit: 20, weights: { upsell: 0 } }).some((it) => it.source === "upsell"));
  });

  test("a customer with no known items gets the popular items, by segment when one is given", () => {
    const segments = {};
    for (const line of csv.trim().split("\n").slice(1)) {
      const [customer, , , product] = line.split(",");
      if (product === "gift-box") segments[customer] = "gifting";
    }
    const seg = Recommender.fromOrders(csv, { segments });
    const all = seg.recommend({ cart: ["no-such-item"], limit: 3 });
    assert.deepEqual(all.map((i) => i.source), ["popular", "popular", "popular"]);
    assert.equal(all[0].item, "beans-sub");
    assert.match(all[0].reason, /^popular: in \d+% of orders$/);
    const gifting = seg.recommend({ segment: "gifting", limit: 3 });
    assert.equal(gifting[0].reasons[0].segment, "gifting");
    assert.match(gifting[0].reason, /^popular with gifting: in \d+% of their orders$/);
    seg.free();
  });

  test("a saved model loads back and recommends the same items; rules need the orders", () => {
    const request = { cart: ["espresso-machine"], history: [{ item: "beans-dark", date: "2025-01-01" }], now: "2025-03-01", limit: 8 };
    const loaded = Recommender.load(rec.save());
    assert.deepEqual(plain(loaded.recommend(request)), plain(rec.recommend(request)));
    throwsNextofferError(() => loaded.rules(), "no-baskets");
    loaded.free();
  });

  test("history decays with age: an old purchase anchors less than a fresh one", () => {
    const fresh = rec.recommend({ history: [{ item: "kettle", date: "2025-03-01" }], now: "2025-03-01", limit: 3, weights: { upsell: 0 } });
    const old = rec.recommend({ history: [{ item: "kettle", date: "2024-03-01" }], now: "2025-03-01", limit: 3, weights: { upsell: 0 } });
    assert.equal(fresh[0].item, old[0].item);
    assert.ok(old[0].score <= fresh[0].score);
  });
});

describe("bad input throws coded errors, never a trap", () => {
  const rec = Recommender.fromOrders(csv.split("\n").slice(0, 400).join("\n"));

  test("orders", () => {
    throwsNextofferError(() => Recommender.fromOrders("customer_id,date\nc1,2024-01-01\n"), "invalid-orders", "product_id");
    throwsNextofferError(() => Recommender.fromOrders("customer_id,date,product_id\nc1,nope,tea\n"), "invalid-orders", "line 2, column 2 (date)");
    throwsNextofferError(() => Recommender.fromOrders([{ customerId: "a", date: "2024-01-01" }]), "invalid-orders", "orders[0].productId");
    throwsNextofferError(() => Recommender.fromOrders(""), "invalid-orders");
    const empty = Recommender.fromOrders("customer_id,date,product_id\n");
    assert.deepEqual(empty.recommend({ cart: ["x"] }), []);
    empty.free();
  });

  test("order objects: each bad row is named by its index and key, as the JSON text is read row by row", () => {
    const ok = { customerId: "a", date: "2024-01-01", productId: "tea" };
    const message = (fn) => {
      try {
        fn();
      } catch (err) {
        return `${err.code} ${err.path}: ${err.message}`;
      }
      return "no error";
    };
    const cases = [
      [[ok, 5], "invalid-orders orders[1]: orders[1]: must be an object, not number"],
      [[ok, { ...ok, customerId: true }], "invalid-orders orders[1].customerId: orders[1].customerId: must be a string or a number, not boolean"],
      [[{ ...ok, date: "someday" }], 'invalid-orders orders[0].date: orders[0].date: "someday" is not an ISO date or date-time'],
      [[{ ...ok, amount: "ten" }], 'invalid-orders orders[0].amount: orders[0].amount: "ten" is not a number'],
      [[{ ...ok, quantity: [1] }], "invalid-orders orders[0].quantity: orders[0].quantity: [1] is not a number"],
      // A null camelCase key hides its snake_case twin; an undefined one is dropped by JSON.stringify.
      [[{ ...ok, customerId: null, customer_id: "b" }], "invalid-orders orders[0].customerId: orders[0].customerId: is required"],
      [{ length: 1 }, "invalid-orders orders: orders: must be CSV text or an array of orders, not object"],
      [[{ n: 1n }], "invalid-json : orders: cannot be serialised to JSON: Do not know how to serialize a BigInt"],
    ];
    for (const [orders, expected] of cases) assert.equal(message(() => Recommender.fromOrders(orders)), expected);
  });

  test("order objects: snake_case keys, numeric ids, escaped text and unknown nested keys read as in the CSV", () => {
    const objects = [
      { customer_id: 1, date: "2024-01-01", product_id: 'te"a', extra: { deep: [1, { k: null }] } },
      { customerId: "1", date: "2024-01-01T12:00:00Z", productId: "cup\u00e9", amount: "2.5", quantity: 2 },
      { customerId: 2, date: "2024-01-02", productId: 'te"a', customer_id: "ignored" },
      { customerId: 2, date: "2024-01-02", productId: "cup\u00e9", category: "kitchen" },
    ];
    const text = 'customer_id,date,product_id,amount,quantity,category\n1,2024-01-01,"te""a",,,\n1,2024-01-01,cup\u00e9,2.5,2,\n2,2024-01-02,"te""a",,,\n2,2024-01-02,cup\u00e9,,,kitchen\n';
    const a = Recommender.fromOrders(objects);
    const b = Recommender.fromOrders(text);
    assert.deepEqual(plain(a.similar('te"a', 5)), plain(b.similar('te"a', 5)));
    assert.equal(a.similar('te"a', 5)[0].item, "cup\u00e9");
    assert.deepEqual([...a.save()], [...b.save()]);
    a.free();
    b.free();
  });

  test("options and requests", () => {
    throwsNextofferError(() => Recommender.fromOrders(csv, { basket: "week" }), "invalid-options", "basket");
    throwsNextofferError(() => Recommender.fromOrders(csv, { neigbours: 5 }), "invalid-options", "neigbours");
    throwsNextofferError(() => rec.recommend({ limit: -1 }), "invalid-request", "limit");
    throwsNextofferError(() => rec.recommend({ weights: { upsell: -1 } }), "invalid-request", "weights.upsell");
    throwsNextofferError(() => rec.rules({ minSupport: 1.5 }), "invalid-options", "minSupport");
    throwsNextofferError(() => rec.rules({ minSupport: 0 }), "invalid-options", "minSupport");
    throwsNextofferError(() => rec.similar("no-such-item"), "unknown-item", "item");
    throwsNextofferError(() => lift([{ offerId: "a", variant: "test", event: "exposure" }]), "invalid-events", "events[0].variant");
    throwsNextofferError(() => lift([{ offerId: "a", variant: "control", event: "conversion" }]), "invalid-events");
  });

  test("models of another version or truncated", () => {
    const bytes = rec.save();
    const other = bytes.slice();
    other[4] = 9;
    assert.match(throwsNextofferError(() => Recommender.load(other), "invalid-model").message, /version 9/);
    throwsNextofferError(() => Recommender.load(bytes.subarray(0, bytes.length - 3)), "invalid-model");
    throwsNextofferError(() => Recommender.load(new Uint8Array([1, 2, 3])), "invalid-model");
    // Still usable after the failures.
    assert.ok(rec.recommend({ cart: ["kettle"], limit: 2 }).length > 0);
  });
});

describe("a recommender saved in the insight module drives decide in the engine module", () => {
  const specDir = join(root, "tests/spec/");
  const golden = JSON.parse(
    readFileSync(`${specDir}decide/recommender-boosts-and-generates-cross-sell-and-upsell-offers.json`, "utf8"),
  );

  test("the browser-built model is the committed one, and attached it gives the golden decision with its reasons", () => {
    const rec = Recommender.fromOrders(csv, { neighbours: 20 });
    const bytes = rec.save();
    rec.free();
    assert.deepEqual(bytes, new Uint8Array(readFileSync(`${specDir}models/demo-orders.nxrc`)));
    const engine = new Engine(readFileSync(`${specDir}models/demo-shop.json`, "utf8"));
    try {
      assert.equal(engine.attachRecommender(bytes), 17);
      const decision = engine.decide(golden.request);
      assert.deepEqual(decision.offers.map((o) => o.id), golden.expected.offerIds);
      for (const [id, want] of Object.entries(golden.expected.scores)) {
        close(decision.offers.find((o) => o.id === id).score, want, 1e-9 * want);
      }
      const scale = decision.offers.find((o) => o.id === "scale-bundle");
      assert.deepEqual(plain(scale.propensity.boost), {
        code: "cross_sell",
        multiplier: 1 + 107 / 293,
        reason: "bought together with kettle in 37% of orders",
      });
      const generated = decision.offers.find((o) => o.id === "upsell:grinder-basic");
      assert.equal(generated.kind, "upsell");
      assert.equal(generated.price, 9800);
      assert.ok(generated.reasons.some((r) => r.code === "upsell" && r.text.startsWith("next tier up from kettle (9800 vs 6800")));
      // Clicks on a generated offer are learned under its id.
      engine.record({ type: "impression", offerId: "cross-sell:filter", count: 20 });
      engine.record({ type: "click", offerId: "cross-sell:filter", count: 9 });
      const after = engine.decide(golden.request).offers.find((o) => o.id === "cross-sell:filter");
      close(after.score, 5 * golden.expected.scores["cross-sell:filter"], 1e-9);
      assert.equal(engine.exportState().offers["cross-sell:filter"].total.clicks, 9);
    } finally {
      engine.free();
    }
  });

  test("bad bytes and options throw invalid-model naming the field", () => {
    const engine = new Engine(readFileSync(`${specDir}models/demo-shop.json`, "utf8"));
    try {
      throwsNextofferError(() => engine.attachRecommender(new Uint8Array([78, 88, 82, 67, 9, 0])), "invalid-model", "recommender");
      const bytes = new Uint8Array(readFileSync(`${specDir}models/demo-orders.nxrc`));
      throwsNextofferError(() => engine.attachRecommender(bytes, { upsellWieght: 1 }), "invalid-model", "recommender.options.upsellWieght");
      assert.ok(!engine.decide(golden.request).offers.some((o) => o.id.includes(":")), "no recommender attached");
    } finally {
      engine.free();
    }
  });
});
