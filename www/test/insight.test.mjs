// The insight module (`nextoffer/insight`, a second .wasm kept out of the engine's budget) as a JavaScript
// caller sees it: the CDNOW fit gives the published BG/NBD and Gamma-Gamma figures, as natively; bad orders
// and options throw coded `Error`s; the progress callback is throttled and well-formed; and an exception from
// the callback reaches the caller without killing the module. Needs `make build` and `make data`.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { insight } from "nextoffer/insight";
import { throwsNextofferError } from "./support.mjs";

const cdnowFile = new URL("../../.cache/lifetimes/lifetimes/datasets/CDNOW_sample.txt", import.meta.url);
const STAGES = ["import", "rfm", "fitPurchases", "fitSpend", "predict"];

/** The raw CDNOW transactions (sample id, YYYYMMDD date, dollars) as an orders CSV. */
function cdnowCsv() {
  const lines = readFileSync(cdnowFile, "utf8").trim().split("\n");
  const rows = lines.map((line) => {
    const [, id, date, , amount] = line.trim().split(/\s+/);
    return `${Number(id)},${date},${amount}`;
  });
  return `customer_id,date,amount\n${rows.join("\n")}\n`;
}


const near = (got, want, rel) => Math.abs(got - want) <= rel * Math.abs(want);

const small = [
  { customerId: "a", date: "2024-01-02", amount: 30 },
  { customer_id: "a", date: "2024-03-01", amount: "20", category: "tea" },
  { customerId: 7, date: "2024-02-10", amount: 99 },
];

describe("CDNOW in Wasm", { skip: !existsSync(cdnowFile) && "run `make data` first" }, () => {
  const result = insight(cdnowCsv(), { asOf: "1997-09-30", timeUnit: "weeks" });

  test("the BG/NBD fit gives the published log-likelihood and parameters", () => {
    const fit = result.models.purchase;
    assert.equal(fit.model, "bgnbd");
    assert.equal(fit.customers, 2357);
    assert.ok(Math.abs(fit.logLikelihood - -9582.43) < 0.05, `LL ${fit.logLikelihood}`);
    const want = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4258 };
    for (const [name, value] of Object.entries(want)) {
      assert.ok(near(fit.parameters[name], value, 0.005), `${name} ${fit.parameters[name]}`);
    }
    assert.equal(fit.converged, true);
  });

  test("the Gamma-Gamma fit on the 946 repeat buyers gives the published parameters", () => {
    const fit = result.models.spend;
    assert.equal(fit.customers, 946);
    const want = { p: 6.249, q: 3.745, gamma: 15.448 };
    for (const [name, value] of Object.entries(want)) {
      assert.ok(near(fit.parameters[name], value, 0.005), `${name} ${fit.parameters[name]}`);
    }
  });

  test("every customer gets a row with model columns between their bounds", () => {
    assert.equal(result.customers.length, 2357);
    assert.equal(result.asOf, "1997-09-30");
    assert.ok(result.import.rowsAfterAsOf > 0);
    for (const c of result.customers) {
      assert.ok(c.probabilityAlive >= 0 && c.probabilityAlive <= 1, c.customerId);
      assert.ok(Math.abs(c.churnRisk - (1 - c.probabilityAlive)) < 1e-12, c.customerId);
      assert.ok(c.lifetimeValue >= 0, c.customerId);
    }
    const total = Object.values(result.segments).reduce((a, b) => a + b, 0);
    assert.equal(total, 2357);
  });
});

describe("orders input", () => {
  test("order objects with either id key, numeric ids and string amounts are read", () => {
    const r = insight(small, { model: "none" });
    assert.deepEqual(
      r.customers.map((c) => [c.customerId, c.frequency, c.totalSpend, c.categories]),
      [
        ["a", 1, 50, ["tea"]],
        ["7", 0, 99, []],
      ],
    );
    assert.equal(r.models.purchase, null);
  });

  test("CSV text and the same rows as objects give the same result", () => {
    const csv = "customer_id,date,amount,category\na,2024-01-02,30,\na,2024-03-01,20,tea\n7,2024-02-10,99,\n";
    assert.deepEqual(insight(csv, { model: "none" }), insight(small, { model: "none" }));
  });
});

describe("errors", () => {
  test("a bad amount in CSV names its line and column", () => {
    const err = throwsNextofferError(
      () => insight("customer_id,date,amount\na,2024-01-02,30\nb,2024-01-03,abc\n"),
      "invalid-orders",
    );
    assert.equal(err.line, 3);
    assert.equal(err.column, 3);
    assert.match(err.path, /line 3, column 3/);
    assert.match(err.message, /abc/);
  });

  test("a missing column names the column", () => {
    throwsNextofferError(() => insight("customer_id,date\na,2024-01-02\n"), "invalid-orders", "amount");
  });

  test("a bad order object names its index and field", () => {
    throwsNextofferError(
      () => insight([small[0], { customerId: "b", date: "yesterday", amount: 1 }]),
      "invalid-orders",
      "orders[1].date",
    );
  });

  test("an unknown option names the key", () => {
    throwsNextofferError(() => insight(small, { asof: "2024-01-01" }), "invalid-options", "asof");
    throwsNextofferError(() => insight(small, { model: "magic" }), "invalid-options", "model");
  });

  test("lenient mode skips and counts bad rows instead", () => {
    const r = insight("customer_id,date,amount\na,2024-01-02,30\nb,2024-01-03,-5\n", { lenient: true, model: "none" });
    assert.equal(r.import.rowsSkipped, 1);
    assert.equal(r.customers.length, 1);
  });
});

describe("progress", () => {
  // Enough rows that the import reports several times (every 65,536 rows) and takes more than 50 ms.
  const rows = ["customer_id,date,amount"];
  for (let i = 0; i < 400_000; i++) {
    const day = 1 + (i % 28);
    rows.push(`c${i % 5000},2024-${String(1 + (i % 12)).padStart(2, "0")}-${String(day).padStart(2, "0")},${(i % 97) + 1}`);
  }
  const csv = rows.join("\n") + "\n";

  test("is called with a known stage and increasing done, never per row", () => {
    const calls = [];
    const r = insight(csv, {}, (stage, done, total) => calls.push({ stage, done, total }));
    assert.equal(r.import.rowsRead, 400_000);
    assert.ok(calls.length >= 5, `${calls.length} calls`);
    assert.ok(calls.length < 100, `${calls.length} calls: throttled`);
    for (const c of calls) {
      assert.ok(STAGES.includes(c.stage), c.stage);
      assert.equal(typeof c.done, "number");
      assert.equal(typeof c.total, "number");
    }
    assert.deepEqual([...new Set(calls.map((c) => c.stage))], STAGES);
    for (let i = 1; i < calls.length; i++) {
      if (calls[i].stage === calls[i - 1].stage) assert.ok(calls[i].done > calls[i - 1].done, JSON.stringify(calls));
    }
  });

  test("an exception thrown by the callback reaches the caller, and the module keeps working", () => {
    const boom = new Error("callback failed");
    let calls = 0;
    assert.throws(
      () =>
        insight(small, {}, () => {
          calls += 1;
          throw boom;
        }),
      (err) => err === boom,
    );
    assert.equal(calls, 1, "no call after the callback threw");
    const r = insight(small, { model: "none" });
    assert.equal(r.customers.length, 2);
  });
});
