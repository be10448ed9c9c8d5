// `Recommender.fromOrders(orders)` on an array of order objects: the binding walks the objects in JavaScript
// and hands Wasm their columns (src/wasm/order_columns.rs) unless it cannot be sure to read them as
// `JSON.stringify` would, in which case they cross as JSON text as before. Both paths must give the same model
// or the same error (code, path, message) for any input: each case below is built once as it is and once
// through an array whose `toJSON` returns the orders, which the walk always leaves to the text path.
// Needs `make build`.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Recommender } from "nextoffer/insight";

/** The orders as the text path reads them: an array whose `toJSON` returns them. */
const viaText = (orders) => Object.assign([], { toJSON: () => orders });

/** What building from `orders` gives: the saved model's bytes, or the error as data. */
function outcome(orders, options) {
  let rec;
  try {
    rec = Recommender.fromOrders(orders, options);
  } catch (err) {
    assert.ok(!(err instanceof WebAssembly.RuntimeError), `not a Wasm trap: ${err.message}`);
    return { name: err.name, code: err.code, path: err.path, message: err.message };
  }
  try {
    return { bytes: Buffer.from(rec.save()).toString("base64"), items: rec.itemCount, baskets: rec.basketCount };
  } finally {
    rec.free();
  }
}

/** Asserts that both paths agree on `orders` and returns the outcome. */
function same(orders, options) {
  const fast = outcome(orders, options);
  assert.deepEqual(fast, outcome(viaText(orders), options));
  return fast;
}

const ok = { customerId: "a", date: "2024-01-01", productId: "tea" };

describe("order objects read by the walk and as JSON text give the same models and errors", () => {
  test("valid orders: camelCase and snake_case keys, numeric ids, amounts and quantities, unknown keys", () => {
    const orders = [
      { customer_id: 1, date: "2024-01-01", product_id: 'te"a', extra: "x", flag: true, nothing: null },
      { customerId: "1", date: "2024-01-01T12:00:00Z", productId: "cup\u00e9", amount: "2.5", quantity: 2 },
      { customerId: 2, date: "2024-01-02", productId: 'te"a', customer_id: "ignored", orderId: 7, category: "kitchen" },
      { customerId: 2, date: "2024-01-02", productId: "cup\u00e9", category: "kitchen", amount: 12.5, order_id: "o-1" },
      { customerId: 3, date: "2024-01-02", productId: "\u{1F600}", quantity: 0 },
      { customerId: 1e21, date: "2024-01-03", productId: -0, amount: -0 },
      Object.assign(Object.create(null), { customerId: "n", date: "2024-01-03", productId: "tea" }),
    ];
    const got = same(orders);
    assert.ok(got.bytes, JSON.stringify(got));
    assert.equal(got.items, 4);
    assert.deepEqual(same(orders, { basket: "customer", neighbours: 1 }).items, 4);
    assert.deepEqual(same([]), same(viaText([])));
  });

  test("bad rows are named by index and key on both paths", () => {
    const cases = [
      [[ok, { ...ok, date: "someday" }], "orders[1].date"],
      [[ok, { ...ok, amount: "ten" }], "orders[1].amount"],
      [[{ ...ok, customerId: null, customer_id: "b" }], "orders[0].customerId"],
      [[{ ...ok, customerId: undefined, customer_id: "b" }], undefined],
      [[{ ...ok, productId: () => "x" }], "orders[0].productId"],
      [[{ ...ok, customerId: Symbol("s"), customer_id: "c" }], undefined],
      [[{ ...ok, quantity: NaN, amount: Infinity }], undefined],
      [[{ ...ok, customerId: "" }], "orders[0].customerId"],
      [[{ ...ok, date: 20240101 }], "orders[0].date"],
      [[{ ...ok, customerId: true }], "orders[0].customerId"],
      [[{ ...ok, quantity: [1] }], "orders[0].quantity"],
      [[{ ...ok, date: new Date(Date.UTC(2024, 0, 2)) }], undefined],
      [[ok, 5], "orders[1]"],
      [[ok, null], "orders[1]"],
      [[ok, [ok]], "orders[1]"],
      [[ok, "a,b"], "orders[1]"],
      [[{ ...ok, n: 1n }], ""],
      [[{ ...ok, n: { deep: [1, { k: 2n }] } }], ""],
      [[{ ...ok, n: { deep: [1, { k: null }] } }], undefined],
      [[ok, { ...ok, date: "someday" }, { ...ok, n: 1n }], ""],
      [[{ ...ok, toJSON: () => ({ ...ok, productId: "swapped" }) }], undefined],
      [[{ ...ok, get productId() { throw new Error("getter"); } }], ""],
    ];
    for (const [orders, path] of cases) {
      const got = same(orders);
      if (path === undefined) assert.ok(got.bytes, JSON.stringify(got));
      else assert.equal(got.path, path, JSON.stringify(got));
    }
    const cyclic = { ...ok };
    cyclic.self = cyclic;
    assert.equal(same([cyclic]).code, "invalid-json");
    class Order {
      constructor() {
        Object.assign(this, ok);
      }
    }
    assert.ok(same([new Order()]).bytes);
  });

  test("plain orders are walked, each key read once, and never written as text", () => {
    const reads = new Map();
    let walked = 0;
    const counted = (target) =>
      new Proxy(target, {
        get(t, key, receiver) {
          if (typeof key === "string") reads.set(key, (reads.get(key) ?? 0) + 1);
          return Reflect.get(t, key, receiver);
        },
        // JSON.stringify never asks for an order's prototype; the walk does.
        getPrototypeOf(t) {
          walked += 1;
          return Reflect.getPrototypeOf(t);
        },
      });
    const rec = Recommender.fromOrders([counted({ ...ok }), counted({ ...ok, productId: "cup" })]);
    assert.ok(walked >= 2);
    // One read per key and order (text would have read them a second time), plus the walk's toJSON check.
    assert.deepEqual(Object.fromEntries(reads), { toJSON: 2, customerId: 2, date: 2, productId: 2 });
    assert.deepEqual(rec.similar("tea", 5).map((s) => s.item), ["cup"]);
    rec.free();
  });

  test("lone surrogates become U+FFFD on both paths, also when two of them would pair across names", () => {
    const orders = [
      { customerId: "a\ud83d", date: "2024-01-01", productId: "\ude00b" },
      { customerId: "a\ud83d", date: "2024-01-01", productId: "x\ud800" },
      { customerId: "\udfff", date: "2024-01-01", productId: "\ude00b" },
      { customerId: "\udfff", date: "2024-01-01", productId: "\ufffdb" },
    ];
    const got = same(orders, { basket: "customer" });
    const rec = Recommender.fromOrders(orders, { basket: "customer" });
    assert.deepEqual(rec.similar("\ufffdb", 5).map((s) => s.item), ["x\ufffd"]);
    assert.equal(rec.itemCount, 2);
    rec.free();
    assert.ok(got.bytes);
    assert.equal(same([{ ...ok, date: "2024-01-0\ud800" }]).path, "orders[0].date");
  });

  test("sparse, huge and array-like inputs", () => {
    assert.equal(same(new Array(1_000_000)).path, "orders[0]");
    const sparse = [ok];
    sparse[5] = ok;
    assert.equal(same(sparse).path, "orders[1]");
    assert.equal(same({ length: 1, 0: ok }).path, "orders");
    // 200,000 valid rows over 5,000 customers and 300 items.
    const many = Array.from({ length: 200_000 }, (_, i) => ({
      customerId: `c${i % 5000}`,
      date: `2024-01-${String(1 + (i % 28)).padStart(2, "0")}`,
      productId: `p${(i * 7919) % 300}`,
      quantity: 1 + (i % 3),
      amount: 10 + (i % 7),
    }));
    const got = same(many, { neighbours: 5 });
    assert.equal(got.items, 300);
  });

  test("generated orders, hostile values included", () => {
    const text = fc.oneof(
      fc.constantFrom("a", "b", "tea", "", "2024-01-02", "2024-01-03T10:00:00Z", "someday", "2.5", "ten", "-1", "1e3", " 7 "),
      fc.string({ unit: "binary", maxLength: 4 }),
    );
    const value = fc.oneof(
      { weight: 6, arbitrary: text },
      { weight: 3, arbitrary: fc.constantFrom(0, -0, 1, 2.5, -3, 1e21, 20000, NaN, Infinity, -Infinity, 2 ** 53 + 2) },
      { weight: 2, arbitrary: fc.constantFrom(null, undefined, true, false) },
      { weight: 1, arbitrary: fc.constantFrom([], [1], {}, { a: 1 }, () => 1, Symbol.iterator, 5n, new Date(0)) },
    );
    const keys = ["customerId", "customer_id", "date", "productId", "product_id", "orderId", "order_id", "quantity", "amount", "category", "note"];
    const valid = fc.record({
      customerId: fc.constantFrom("a", "b", "c", 1, 2),
      date: fc.constantFrom("2024-01-02", "2024-01-05"),
      productId: fc.constantFrom("tea", "cup", "pot", 3),
    });
    const order = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(valid, fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 3 })).map(([v, d]) => ({ ...v, ...d })) },
      { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 }) },
      { weight: 1, arbitrary: value },
    );
    const options = fc.constantFrom(undefined, { basket: "customer", neighbours: 2 }, { neighbours: 0 }, { basket: "week" });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 8 }), options, (orders, opts) => {
        same(orders, opts);
      }),
      { numRuns: 1500, seed: 2026 },
    );
  });
});
