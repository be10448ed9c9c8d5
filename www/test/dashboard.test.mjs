// The CRM dashboard (www/dashboard/) in headless Chromium: the demo orders load through the Web Worker into a
// table whose rows and values are those of `insight()` run in Node on the same file; sorting and filtering
// change the rows as they should; the detail view shows the engine's actions for the customer; the call list
// follows the priority rule and its CSV download says the same; axe-core finds no violation; the Japanese
// labels and yen formats appear; a generated 100,000-order file imports into the table and the charts.
// Saves docs/screenshots/dashboard.png under `make screenshots`. Needs `make build` (pkg/insight).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Engine, Recommender, insight, lift } from "nextoffer/insight";
import { CHURN_REDUCTIONS, SEGMENTS, expectedNextDays, purchasesByCustomer, riskLevel } from "../dashboard/store.js";
import { startDashboard } from "../bench/dashboard-browser.mjs";
import { screenshotDir } from "./browser-support.mjs";
import { generateOrders } from "../bench/dashboard-orders.mjs";

const DEMO = readFileSync(new URL("../demo/orders.csv", import.meta.url), "utf8");
const ACTIONS = readFileSync(new URL("../dashboard/actions.json", import.meta.url), "utf8");
const EVENTS = readFileSync(new URL("../dashboard/demo-events.csv", import.meta.url), "utf8");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const yen = new Intl.NumberFormat("en-US", { style: "currency", currency: "JPY", maximumFractionDigits: 0 });
const count = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const pct = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 });
/** @param {number | null} v */
const yenText = (v) => (v === null ? "–" : yen.format(v));
/** @param {number | null} v */
const pctText = (v) => (v === null ? "–" : pct.format(v));

// The same run the page's worker makes, in Node.
const expected = insight(DEMO, { lenient: true, churnReductions: CHURN_REDUCTIONS });
const byId = new Map(expected.customers.map((c) => [c.customerId, c]));

/** The engine's best action for a customer over the dashboard's action model, decided in Node. */
const engine = new Engine(ACTIONS);
/** @param {import("nextoffer/insight").CustomerInsight} c */
function bestAction(c) {
  const request = {
    customer: {
      id: c.customerId,
      attributes: {
        segment: c.segment, rank: c.rank, dormant: c.dormant, churnRisk: c.churnRisk,
        probabilityAlive: c.probabilityAlive, loyaltyTier: c.loyaltyTier, daysSinceLast: c.daysSinceLast,
        totalSpend: c.totalSpend, lifetimeValue: c.lifetimeValue, frequency: c.frequency,
      },
    },
    context: { now: `${expected.asOf}T12:00:00Z`, channel: "crm" },
    limit: 3,
  };
  return engine.decide(request).offers;
}

let dash;
before(async () => {
  dash = await startDashboard();
});
after(async () => {
  await dash?.close();
  engine.free();
  recommender.free();
});

// The recommender the worker builds for the detail view, built here the same way.
const recommender = Recommender.fromOrders(DEMO, { segments: Object.fromEntries(expected.customers.map((c) => [c.customerId, c.segment])) });
const purchases = purchasesByCustomer(DEMO);
/** @param {import("nextoffer/insight").CustomerInsight} c */
function suggestions(c) {
  return recommender.recommend({
    history: (purchases.get(c.customerId) ?? []).filter((p) => p.productId).map((p) => ({ item: p.productId, date: p.date, category: p.category })),
    segment: c.segment,
    now: expected.asOf,
    limit: 6,
  });
}

/** A fresh page with the demo orders loaded. @param {string} [search] */
async function demoPage(search = "") {
  const context = await dash.browser.newContext({ viewport: { width: 1300, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${dash.baseUrl}/dashboard/${search}`);
  await page.click("#demo");
  await page.waitForSelector("#results:not([hidden]) #table-body tr", { timeout: 30000 });
  return { page, context, errors };
}

/** The table's rows as cell texts. @param {import("playwright-core").Page} page */
function tableRows(page) {
  return page.$$eval("#table-body tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
}

describe("the dashboard on the demo orders", () => {
  // One loaded page for the tests that leave it as they found it (the detail view closed, the table unsorted
  // and unfiltered); the sorting, filtering and language tests get pages of their own.
  /** @type {Promise<Awaited<ReturnType<typeof demoPage>>> | null} */
  let shared = null;
  const sharedPage = () => (shared ??= demoPage());
  after(async () => {
    await (await shared)?.context.close();
  });

  test("shows every customer, ranked, with the values insight() computes in Node", async () => {
    const { page, errors } = await sharedPage();
    assert.equal(await page.textContent("#table-caption"), "3,000 customers, page 1 of 120");
    assert.match(await page.textContent("#status") ?? "", /^3,000 customers from 19,974 order lines/);
    const rows = await tableRows(page);
    assert.equal(rows.length, 25);
    const ranked = [...expected.customers].sort((a, b) => a.revenuePosition - b.revenuePosition).slice(0, 25);
    assert.deepEqual(rows.map((r) => r[0]), ranked.map((c) => c.customerId));
    for (const [i, c] of ranked.entries()) {
      const row = /** @type {string[]} */ (rows[i]);
      assert.equal(row[1], c.rank);
      assert.ok(row[2]?.startsWith(c.segment), `${c.customerId}: ${row[2]}`);
      assert.equal(row[3], yenText(c.lifetimeValue));
      assert.equal(row[4], pctText(c.probabilityAlive));
      const days = expectedNextDays(c);
      assert.equal(row[5], days === null ? "unlikely (P(alive) below 5%)" : `in ${count.format(days)} days`);
      assert.equal(row[6], c.loyaltyTier ?? "none");
      const best = bestAction(c)[0];
      assert.equal(row[7], best ? best.title : "no action", c.customerId);
    }
    // The segment chart's numbers are the run's segment counts.
    const segmentData = await page.$$eval("#segments-data tbody tr", (trs) => trs.map((tr) => tr.textContent));
    assert.deepEqual(segmentData, SEGMENTS.map((s) => `${s}${expected.segments[s].toLocaleString("en-US")}`));
    const canvases = await page.$$eval(".chart canvas", (cs) => cs.map((c) => c.width > 0 && c.height > 0));
    assert.deepEqual(canvases, [true, true, true]);
    assert.deepEqual(errors, []);
  });

  test("sorting by lifetime value and filtering by segment, rank and risk change the rows as expected", async () => {
    const { page, context } = await demoPage();
    // From the keyboard: the column's sort button, then Enter; focus stays on it for the next press.
    await page.focus('#table-head button[data-sort="lifetimeValue"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('#table-head th[aria-sort="descending"] button[data-sort="lifetimeValue"]');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-sort")), "lifetimeValue");
    let rows = await tableRows(page);
    const top = expected.customers.map((c) => c.lifetimeValue ?? -1).sort((a, b) => b - a).slice(0, 25);
    assert.deepEqual(rows.map((r) => r[3]), top.map(yenText));
    for (const r of rows) assert.equal(yenText(byId.get(/** @type {string} */ (r[0]))?.lifetimeValue ?? null), r[3]);
    // A second click reverses the order.
    await page.click('#table-head button[data-sort="lifetimeValue"]');
    await page.waitForSelector('#table-head th[aria-sort="ascending"] button[data-sort="lifetimeValue"]');
    rows = await tableRows(page);
    const bottom = expected.customers.map((c) => c.lifetimeValue ?? -1).sort((a, b) => a - b).slice(0, 25);
    assert.deepEqual(rows.map((r) => r[3]), bottom.map(yenText));

    await page.selectOption("#f-segment", "At risk");
    const atRisk = expected.segments["At risk"];
    await page.waitForFunction((n) => document.querySelector("#table-caption")?.textContent === `${n} customers, page 1 of ${Math.ceil(n / 25)}`, atRisk);
    rows = await tableRows(page);
    assert.ok(rows.every((r) => r[2]?.startsWith("At risk")));

    await page.selectOption("#f-segment", "");
    await page.selectOption("#f-rank", "B");
    await page.selectOption("#f-risk", "high");
    const want = expected.customers.filter((c) => c.rank === "B" && riskLevel(c) === "high");
    assert.ok(want.length > 25);
    await page.waitForFunction((n) => document.querySelector("#table-caption")?.textContent?.startsWith(`${n.toLocaleString("en-US")} customers`), want.length);
    rows = await tableRows(page);
    const wantIds = new Set(want.map((c) => c.customerId));
    assert.ok(rows.every((r) => wantIds.has(/** @type {string} */ (r[0])) && r[1] === "B" && r[2]?.endsWith("High")));
    // Paging goes through the same filtered set.
    await page.click("#next");
    await page.waitForFunction(() => document.querySelector("#page-info")?.textContent?.startsWith("2 /"));
    const second = await tableRows(page);
    assert.ok(second.every((r) => wantIds.has(/** @type {string} */ (r[0]))));
    assert.equal(new Set([...rows, ...second].map((r) => r[0])).size, rows.length + second.length);
    await context.close();
  });

  test("the detail view opens from the keyboard and lists the engine's actions with their reasons", async () => {
    const { page } = await sharedPage();
    const first = /** @type {string} */ ((await tableRows(page))[0]?.[0]);
    await page.focus(`#table-body button[data-detail="${first}"]`);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#detail[open] .actions li");
    assert.equal(await page.textContent("#detail-h"), `Customer ${first}`);
    const actions = await page.$$eval("#detail .actions li strong", (els) => els.map((e) => e.textContent));
    assert.deepEqual(actions, bestAction(/** @type {any} */ (byId.get(first))).map((o) => o.title));
    const products = await page.$$eval("#detail-body ul:not(.suggestions) li", (els) => els.length);
    assert.ok(products > 0);
    // Upsell and cross-sell suggestions: the recommender's, for this customer's history and segment.
    const shown = await page.$$eval("#detail .suggestions li", (els) => els.map((e) => [e.querySelector("strong")?.textContent, e.getAttribute("data-source"), e.querySelector("small")?.textContent]));
    const want = suggestions(/** @type {any} */ (byId.get(first)));
    assert.ok(want.length > 0);
    assert.deepEqual(shown, want.map((r) => [r.item, r.source, r.reason]));
    await page.keyboard.press("Escape");
    await page.waitForSelector("#detail:not([open])", { state: "attached" });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-detail")), first);
  });

  test("the call list deepens existing customers first, then wakes dormant ones, and its CSV says the same", async () => {
    const { page } = await sharedPage();
    await page.fill("#call-size", "2000");
    await page.click("#make-calls");
    await page.waitForSelector("#call-table:not([hidden]) #call-body tr");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-calls")]);
    assert.equal(download.suggestedFilename(), "call-list.csv");
    const text = readFileSync(/** @type {string} */ (await download.path()), "utf8");
    assert.ok(text.startsWith("\uFEFFposition,group,customer_id,rank,segment,"));
    const lines = text.slice(1).trimEnd().split("\r\n");
    assert.equal(lines.length, 2001);
    const rows = lines.slice(1).map((l) => l.split(","));
    // The priority rule, computed here from the Node run: existing customers (not dormant) by rank then
    // expected value, then dormant ones by rank then past spend; those with no action are left out.
    const rank = (c) => "ABC".indexOf(c.rank);
    const active = expected.customers.filter((c) => !c.dormant)
      .sort((a, b) => rank(a) - rank(b) || b.lifetimeValue - a.lifetimeValue || (a.customerId < b.customerId ? -1 : 1));
    const dormant = expected.customers.filter((c) => c.dormant)
      .sort((a, b) => rank(a) - rank(b) || b.totalSpend - a.totalSpend || (a.customerId < b.customerId ? -1 : 1));
    const want = [...active.map((c) => ["deepen", c]), ...dormant.map((c) => ["wake", c])]
      .map(([group, c]) => ({ group, c, action: bestAction(c)[0] }))
      .filter((x) => x.action)
      .slice(0, 2000);
    assert.ok(want.some((x) => x.group === "wake"), "2,000 rows reach the dormant customers");
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[2], r[9]]), want.map((x, i) => [String(i + 1), x.group, x.c.customerId, x.action?.id]));
    const firstWake = rows.findIndex((r) => r[1] === "wake");
    assert.ok(rows.slice(firstWake).every((r) => r[1] === "wake"));
    assert.equal(Number(rows[0]?.[5]), Math.round(/** @type {number} */ (want[0]?.c.lifetimeValue)));
  });

  test("some customer's suggestions include an upsell and a cross-sell", () => {
    const sources = new Set(expected.customers.slice(0, 300).flatMap((c) => suggestions(c).map((r) => r.source)));
    assert.ok(sources.has("upsell") && sources.has("cross_sell"), [...sources].join());
  });

  test("campaign lift from the demo events shows each action's arms, lift and probability of beating control", async () => {
    const { page } = await sharedPage();
    await page.click("#lift-demo");
    await page.waitForSelector("#lift-table:not([hidden]) #lift-body-rows tr");
    const rows = await page.$$eval("#lift-body-rows tr", (trs) => trs.map((tr) => [tr.getAttribute("data-offer"), ...[...tr.querySelectorAll("td")].map((td) => td.textContent)]));
    const want = lift(EVENTS);
    assert.equal(rows.length, 6);
    const pct1 = new Intl.NumberFormat("en-US", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
    for (const [i, r] of want.entries()) {
      const row = /** @type {(string | null)[]} */ (rows[i]);
      assert.equal(row[0], r.offer);
      assert.equal(row[2], `${pct1.format(r.treatment.rate?.estimate ?? 0)} (${r.treatment.conversions.toLocaleString("en-US")} / ${r.treatment.exposures.toLocaleString("en-US")})`);
      assert.equal(row[5], pct1.format(r.probabilityTreatmentBeatsControl));
    }
    const better = want.filter((r) => r.probabilityTreatmentBeatsControl >= 0.95).length;
    assert.ok(better >= 1 && better < want.length);
    assert.equal(await page.textContent("#lift-summary"), `6 actions; ${better} convert better than their control with a probability of 95% or more.`);
  });

  test("axe-core finds no accessibility violation, with the table, the call list and the detail view shown", async () => {
    const { page } = await sharedPage();
    await page.click("#make-calls");
    await page.waitForSelector("#call-body tr");
    await page.click("#lift-demo");
    await page.waitForSelector("#lift-body-rows tr");
    await page.addScriptTag({ path: AXE });
    const run = () => page.evaluate(async () => {
      const result = await /** @type {any} */ (window).axe.run(document, { resultTypes: ["violations"] });
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    });
    assert.deepEqual(await run(), []);
    await page.click("#table-body button[data-detail]");
    await page.waitForSelector("#detail[open] .actions li");
    assert.deepEqual(await run(), []);
    await page.keyboard.press("Escape");
    await page.waitForSelector("#detail:not([open])", { state: "attached" });
  });

  test("Japanese labels and yen formats come from ?lang=ja, and the toggle switches back to English", async () => {
    const { page, context } = await demoPage("?lang=ja");
    assert.equal(await page.getAttribute("html", "lang"), "ja");
    assert.equal(await page.textContent("h1"), "顧客ダッシュボード");
    assert.equal(await page.textContent("#table-caption"), "3,000人中 1/120ページ");
    const row = /** @type {string[]} */ ((await tableRows(page))[0]);
    const c = /** @type {any} */ (byId.get(/** @type {string} */ (row[0])));
    assert.equal(row[3], new Intl.NumberFormat("ja-JP", { style: "currency", currency: "JPY", maximumFractionDigits: 0 }).format(c.lifetimeValue));
    assert.ok(row[2]?.startsWith("優良顧客"), row[2]);
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => (await /** @type {any} */ (window).axe.run(document)).violations.map((v) => v.id));
    assert.deepEqual(violations, []);
    await page.click("#lang");
    await page.waitForFunction(() => document.querySelector("#table-caption")?.textContent === "3,000 customers, page 1 of 120");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await context.close();
  });

  test("the screenshot of the loaded dashboard is saved as dashboard.png", async () => {
    const { page } = await sharedPage();
    await page.click("#lift-demo");
    await page.waitForSelector("#lift-body-rows tr");
    await page.setViewportSize({ width: 1300, height: 1500 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const png = await page.screenshot({ path: screenshotDir() + "dashboard.png", fullPage: false });
    assert.ok(png.length > 10000);
  });
});

test("a file dropped on the page loads with the worker's progress shown stage by stage", async () => {
  const context = await dash.browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    /** @type {any} */ (window).__progress = [];
    document.addEventListener("DOMContentLoaded", () => {
      const label = /** @type {HTMLElement} */ (document.getElementById("progress-label"));
      const bar = /** @type {HTMLProgressElement} */ (document.getElementById("progress"));
      new MutationObserver(() => /** @type {any} */ (window).__progress.push([label.textContent, bar.value]))
        .observe(label, { childList: true, characterData: true, subtree: true });
    });
  });
  await page.goto(`${dash.baseUrl}/dashboard/`);
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], "orders.csv", { type: "text/csv" }));
    document.getElementById("drop")?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, DEMO);
  await page.waitForSelector("#results:not([hidden]) #table-body tr", { timeout: 30000 });
  assert.equal(await page.textContent("#table-caption"), "3,000 customers, page 1 of 120");
  const seen = /** @type {[string, number][]} */ (await page.evaluate(() => /** @type {any} */ (window).__progress));
  const labels = [...new Set(seen.map(([l]) => l))];
  assert.deepEqual(labels, [
    "Progress: Reading the file", "Progress: Reading orders", "Progress: Scoring RFM and ranks",
    "Progress: Fitting the purchase model", "Progress: Fitting the spend model", "Progress: Predicting lifetime value",
    "Progress: Preparing the table", "Progress: Done",
  ]);
  const values = seen.map(([, v]) => v);
  assert.ok(values.every((v, i) => i === 0 || v >= /** @type {number} */ (values[i - 1])), values.join());
  assert.equal(values.at(-1), 100);
  await context.close();
});

test("an orders file without the required columns shows the module's error and leaves the page usable", async () => {
  const context = await dash.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${dash.baseUrl}/dashboard/`);
  await page.setInputFiles("#file", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("name,total\nann,12\n") });
  await page.waitForSelector("#status.error");
  let expectedError;
  try {
    insight("name,total\nann,12\n", { lenient: true });
  } catch (err) {
    expectedError = /** @type {Error & { path: string }} */ (err);
  }
  assert.ok(expectedError);
  const status = await page.textContent("#status");
  assert.ok(status?.startsWith("Could not read the orders: ") && status.includes(expectedError.message), status ?? "");
  assert.equal(await page.isHidden("#results"), true);
  assert.equal(await page.isEnabled("#demo"), true);
  // From the keyboard; the focus stays on the button through the load.
  await page.focus("#demo");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#results:not([hidden]) #table-body tr", { timeout: 30000 });
  assert.equal(await page.evaluate(() => document.activeElement?.id), "demo");
  assert.deepEqual(errors, []);
  await context.close();
});

test("an orders file without product ids loads, and the detail view says why it has no suggestions", async () => {
  const csv = "customer_id,date,amount\na,2026-01-05,1200\na,2026-03-01,800\nb,2026-02-10,5000\nc,2026-02-11,300\nc,2026-04-11,300\n";
  const context = await dash.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${dash.baseUrl}/dashboard/`);
  await page.setInputFiles("#file", { name: "plain.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.waitForSelector("#results:not([hidden]) #table-body tr");
  assert.equal(await page.textContent("#table-caption"), "3 customers, page 1 of 1");
  await page.click('#table-body button[data-detail="a"]');
  await page.waitForSelector("#detail[open] .note");
  let expectedError = "";
  try {
    Recommender.fromOrders(csv).free();
  } catch (err) {
    expectedError = /** @type {Error} */ (err).message;
  }
  assert.ok(expectedError);
  assert.equal(await page.textContent("#detail .note"), `No product suggestions from this file: ${expectedError}`);
  // A later bad file hides the table drawn from the earlier one (the worker no longer holds it).
  await page.keyboard.press("Escape");
  await page.setInputFiles("#file", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("x\n1\n") });
  await page.waitForSelector("#status.error");
  assert.equal(await page.isHidden("#results"), true);
  await context.close();
});

test("when the insight module's .wasm cannot be fetched, the page says so instead of waiting forever", async () => {
  const context = await dash.browser.newContext();
  const page = await context.newPage();
  await page.route("**/nextoffer_insight_bg.wasm", (route) => route.abort());
  await page.goto(`${dash.baseUrl}/dashboard/`);
  await page.click("#demo");
  await page.waitForSelector("#status.error", { timeout: 30000 });
  assert.match(await page.textContent("#status") ?? "", /^Could not read the orders: /);
  assert.equal(await page.isHidden("#results"), true);
  assert.equal(await page.isEnabled("#demo"), true);
  await context.close();
});

test("a generated 100,000-order CSV picked from a file imports into the table and the charts", async () => {
  const csv = generateOrders(100000);
  const customers = new Set(csv.split("\n").slice(1, -1).map((line) => line.slice(0, line.indexOf(",")))).size;
  const context = await dash.browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${dash.baseUrl}/dashboard/`);
  await page.setInputFiles("#file", { name: "orders-100k.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.waitForSelector("#results:not([hidden]) #table-body tr", { timeout: 60000 });
  const caption = await page.textContent("#table-caption");
  assert.equal(caption, `${customers.toLocaleString("en-US")} customers, page 1 of ${Math.ceil(customers / 25).toLocaleString("en-US")}`);
  assert.match(await page.textContent("#status") ?? "", /from 100,000 order lines/);
  assert.equal((await tableRows(page)).length, 25);
  const segmentTotal = await page.$$eval("#segments-data tbody tr td:last-child", (tds) => tds.reduce((n, td) => n + Number(td.textContent?.replace(/,/g, "")), 0));
  assert.equal(segmentTotal, customers);
  const ltvTotal = await page.$$eval("#ltv-data tbody tr td:last-child", (tds) => tds.reduce((n, td) => n + Number(td.textContent?.replace(/,/g, "")), 0));
  assert.equal(ltvTotal, customers);
  const canvases = await page.$$eval(".chart canvas", (cs) => cs.map((c) => c.width > 0 && c.height > 0));
  assert.deepEqual(canvases, [true, true, true]);
  // The detail view builds the recommender over all 100,000 lines on first use.
  await page.click("#table-body button[data-detail]");
  await page.waitForSelector("#detail[open] .suggestions li", { timeout: 30000 });
  await context.close();
});
