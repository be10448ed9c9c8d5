// The dashboard's data side (www/dashboard/store.js and i18n.js), in Node: the table's sort, filter and
// paging over an insight run; the call list's order; the histogram; CSV fields that stay inert in a
// spreadsheet; the orders CSV read back into purchases; the locale choice.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { insight } from "nextoffer/insight";
import { CustomerStore, csvField, expectedNextDays, histogram, purchasesByCustomer, riskLevel, toCsv } from "../dashboard/store.js";
import { actionReason, pickLocale, t } from "../dashboard/i18n.js";
import { generateEvents } from "../dashboard/generate-events.mjs";

const DEMO = readFileSync(new URL("../demo/orders.csv", import.meta.url), "utf8");
const run = insight(DEMO);
const store = new CustomerStore(run.customers);

test("pages of the table cover every matching customer once, in the chosen order", () => {
  const seen = [];
  for (let page = 0; ; page += 1) {
    const p = store.page({ sort: "lifetimeValue", dir: "desc", segment: "Loyal", page, pageSize: 100 });
    seen.push(...p.rows);
    if (page >= p.pageCount - 1) break;
  }
  const loyal = run.customers.filter((c) => c.segment === "Loyal");
  assert.equal(seen.length, loyal.length);
  assert.equal(new Set(seen.map((c) => c.customerId)).size, loyal.length);
  for (let i = 1; i < seen.length; i += 1) assert.ok((seen[i - 1].lifetimeValue ?? -1) >= (seen[i].lifetimeValue ?? -1));
});

test("a page number past the end gives the last page, and an unknown page size the default", () => {
  const p = store.page({ rank: "A", page: 10_000, pageSize: 7 });
  assert.equal(p.pageSize, 25);
  assert.equal(p.page, p.pageCount - 1);
  assert.equal(p.total, run.customers.filter((c) => c.rank === "A").length);
  assert.ok(p.rows.length > 0 && p.rows.every((c) => c.rank === "A"));
});

test("null values sort last in both directions", () => {
  const s = new CustomerStore([
    { customerId: "a", lifetimeValue: null }, { customerId: "b", lifetimeValue: 5 }, { customerId: "c", lifetimeValue: 9 },
  ].map((c) => /** @type {any} */ (c)));
  assert.deepEqual(s.page({ sort: "lifetimeValue", dir: "desc" }).rows.map((c) => c.customerId), ["c", "b", "a"]);
  assert.deepEqual(s.page({ sort: "lifetimeValue", dir: "asc" }).rows.map((c) => c.customerId), ["b", "c", "a"]);
});

test("risk is high for dormant customers even when the model gives them a probability alive of 1", () => {
  const oneTimer = run.customers.find((c) => c.dormant && c.probabilityAlive === 1);
  assert.ok(oneTimer);
  assert.equal(riskLevel(oneTimer), "high");
  assert.equal(riskLevel(/** @type {any} */ ({ dormant: false, churnRisk: 0.3 })), "medium");
  assert.equal(riskLevel(/** @type {any} */ ({ dormant: false, churnRisk: 0.1 })), "low");
  assert.equal(riskLevel(/** @type {any} */ ({ dormant: false, churnRisk: null })), "unknown");
});

test("a customer the models consider lapsed has no next-purchase date, and sorts after every dated one", () => {
  const lapsed = run.customers.find((c) => c.probabilityAlive !== null && c.probabilityAlive < 0.05 && c.expectedDaysToNext !== null);
  assert.ok(lapsed, "the demo data has lapsed repeat buyers");
  assert.equal(expectedNextDays(lapsed), null);
  const active = run.customers.find((c) => (c.probabilityAlive ?? 0) > 0.5 && c.expectedDaysToNext !== null);
  assert.ok(active);
  assert.equal(expectedNextDays(active), active.expectedDaysToNext);
  const s = new CustomerStore([lapsed, active]);
  assert.deepEqual(s.page({ sort: "expectedDaysToNext", dir: "asc" }).rows.map((c) => c.customerId), [active.customerId, lapsed.customerId]);
});

test("the call order puts every existing customer before every dormant one, each by rank", () => {
  const order = [...store.callOrder()];
  assert.equal(order.length, run.customers.length);
  const firstWake = order.findIndex((x) => x.group === "wake");
  assert.ok(firstWake > 0);
  assert.ok(order.slice(0, firstWake).every((x) => !x.customer.dormant));
  assert.ok(order.slice(firstWake).every((x) => x.customer.dormant));
  const ranks = order.slice(0, firstWake).map((x) => x.customer.rank).join("");
  assert.match(ranks, /^A*B*C*$/);
});

test("the histogram counts every value once, the largest in the open last bin", () => {
  const values = [...Array.from({ length: 200 }, (_, i) => i), 10_000, null];
  const { edges, counts } = histogram(values, 5);
  // The 99th percentile of the 201 values is 198: bins 39.6 wide, the last from 158.4 up, 10,000 included.
  assert.deepEqual(edges.map((e) => Math.round(e * 10) / 10), [0, 39.6, 79.2, 118.8, 158.4]);
  assert.equal(counts.reduce((a, b) => a + b, 0), 201);
  assert.deepEqual(counts, [40, 40, 39, 40, 42]);
});

test("CSV fields are quoted when needed and formulas are defused", () => {
  assert.equal(csvField('a,"b"'), '"a,""b"""');
  assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvField(-5), "-5");
  assert.equal(csvField(null), "");
  assert.equal(toCsv(["x", "y"], [[1, "a\nb"]]), 'x,y\r\n1,"a\nb"\r\n');
});

test("the orders CSV reads back into each customer's purchases, quoted fields included", () => {
  const m = purchasesByCustomer('Customer_ID,date,amount,product_id\r\nc1,2026-01-02T10:00:00Z,"1,200",mug\r\nc1,2026-02-01,500,"be""ans"\r\n\r\nc2,2026-03-01,10,\n');
  assert.deepEqual(m.get("c1")?.map((p) => [p.productId, p.date]), [["mug", "2026-01-02"], ['be"ans', "2026-02-01"]]);
  assert.equal(m.get("c2")?.length, 1);
  const demo = purchasesByCustomer(DEMO);
  assert.equal(demo.size, 3000);
  assert.equal([...demo.values()].reduce((n, l) => n + l.length, 0), 19974);
});

test("the locale comes from the parameter, then the stored choice, then the browser, English by default", () => {
  assert.equal(pickLocale("ja", "en", "en-US"), "ja");
  assert.equal(pickLocale(null, "ja", "en-US"), "ja");
  assert.equal(pickLocale(null, null, "ja-JP"), "ja");
  assert.equal(pickLocale("fr", null, "de-DE"), "en");
  assert.equal(t("ja", "tableCaption", { total: "3,000", page: 1, pages: 120 }), "3,000人中 1/120ページ");
  const dormant = run.customers.find((c) => c.dormant && c.rank === "A");
  assert.ok(dormant);
  assert.match(actionReason("en", "winback-call", dormant), new RegExp(`^Dormant: no purchase for ${dormant.daysSinceLast.toLocaleString("en-US")} days`));
  assert.match(actionReason("ja", "winback-call", dormant), /^休眠中: 最終購入から/);
});

test("the demo campaign events are what their seeded generator writes, byte for byte", () => {
  assert.equal(readFileSync(new URL("../dashboard/demo-events.csv", import.meta.url), "utf8"), generateEvents());
});
