// The dashboard's Web Worker: runs the insight Wasm module off the main thread and keeps its result here. The
// page asks for what it draws (one page of the table, one customer, the chart data, the call list) and gets
// only that back, so a 100,000-customer file never crosses to the main thread, where cloning it would block
// the UI for longer than a frame budget allows.
//
// Protocol: the page posts `{ id, type, ...args }`; the worker answers `{ id, ok: true, result }` or
// `{ id, ok: false, error: { message, code, path } }`, and posts `{ type: "progress", stage, fraction }`
// while loading.

import init, * as nx from "../pkg/insight/nextoffer_insight.js";
import { CHURN_REDUCTIONS, CustomerStore, SEGMENTS, histogram, purchasesByCustomer, riskLevel, toCsv } from "./store.js";
import { actionLabel, actionReason } from "./i18n.js";

/** @typedef {import("../../pkg/insight/nextoffer_insight.js").CustomerInsight} CustomerInsight */
/** @typedef {import("../../pkg/insight/nextoffer_insight.js").Insight} Insight */
/** @typedef {import("../../pkg/insight/nextoffer_insight.js").Decision} Decision */
/** @typedef {import("./i18n.js").Locale} Locale */

// Share of the progress bar given to each stage, measured on the 100,000-order benchmark file: the import
// and the final prediction (with the result's conversion) take most of the time.
/** @type {Record<string, [number, number]>} */
const STAGE_SPAN = {
  read: [0, 0.05], import: [0.05, 0.35], rfm: [0.35, 0.5], fitPurchases: [0.5, 0.6], fitSpend: [0.6, 0.65],
  predict: [0.65, 0.95], table: [0.95, 1],
};

const ready = init();
// Reported when a request awaits it (load, lift); this keeps a failed start from being an unhandled rejection.
ready.catch(() => {});
/** @type {nx.Engine | null} */
let engine = null;
/**
 * @type {{ insight: Insight, store: CustomerStore, text: string, purchases: ReturnType<typeof purchasesByCustomer> | null,
 *   actions: Map<string, Decision>, recommender: nx.Recommender | null, recommenderError: string | null } | null}
 */
let state = null;

/**
 * @param {string} stage
 * @param {number} done
 * @param {number} total
 */
function progress(stage, done, total) {
  const [from, to] = STAGE_SPAN[stage] ?? [0, 1];
  const within = total > 0 ? Math.min(1, done / total) : 0;
  postMessage({ type: "progress", stage, fraction: from + (to - from) * within });
}

async function actionEngine() {
  if (engine) return engine;
  const model = await (await fetch(new URL("./actions.json", import.meta.url))).text();
  // The model's fetch can finish before the module is instantiated: the engine needs both.
  await ready;
  engine = new nx.Engine(model);
  return engine;
}

/**
 * The engine's decision for a customer over the dashboard's action model, from the insight attributes
 * (cached: the same customer is asked for by the table, the detail view and the call list).
 * @param {CustomerInsight} c
 * @returns {Decision}
 */
function decide(c) {
  const cached = state?.actions.get(c.customerId);
  if (cached) return cached;
  if (!engine || !state) throw new Error("no data loaded");
  const request = {
    customer: {
      id: c.customerId,
      attributes: {
        segment: c.segment, rank: c.rank, dormant: c.dormant, churnRisk: c.churnRisk,
        probabilityAlive: c.probabilityAlive, loyaltyTier: c.loyaltyTier, daysSinceLast: c.daysSinceLast,
        totalSpend: c.totalSpend, lifetimeValue: c.lifetimeValue, frequency: c.frequency,
      },
    },
    context: { now: `${state.insight.asOf}T12:00:00Z`, channel: "crm" },
    limit: 3,
  };
  const decision = /** @type {Decision} */ (JSON.parse(engine.decideJson(JSON.stringify(request))));
  state.actions.set(c.customerId, decision);
  return decision;
}

/**
 * A table row: the customer and the top action with its reason.
 * @param {CustomerInsight} c
 * @param {Locale} locale
 */
function row(c, locale) {
  const best = decide(c).offers[0];
  return {
    customer: c,
    risk: riskLevel(c),
    action: best ? { id: best.id, kind: best.kind, label: actionLabel(locale, best.id, best.title), reason: actionReason(locale, best.id, c) } : null,
  };
}

/** @param {{ source: { demo?: boolean, file?: File, text?: string } }} args */
async function load({ source }) {
  progress("read", 0, 1);
  let text;
  if (source.demo) text = await (await fetch(new URL("../demo/orders.csv", import.meta.url))).text();
  else if (source.file) text = await source.file.text();
  else text = source.text ?? "";
  await Promise.all([ready, actionEngine()]);
  state?.recommender?.free();
  state = null;
  const result = /** @type {Insight} */ (
    nx.insight(text, { lenient: true, churnReductions: CHURN_REDUCTIONS }, (stage, done, total) => progress(stage, done, total))
  );
  progress("table", 0, 1);
  const store = new CustomerStore(result.customers);
  store.sorted("rank");
  state = { insight: result, store, text, purchases: null, actions: new Map(), recommender: null, recommenderError: null };
  const risks = { high: 0, medium: 0, low: 0, unknown: 0 };
  const ranks = { A: 0, B: 0, C: 0 };
  for (const c of result.customers) {
    risks[riskLevel(c)] += 1;
    ranks[c.rank] += 1;
  }
  progress("table", 1, 1);
  return {
    asOf: result.asOf,
    import: result.import,
    models: result.models,
    retention: result.retention,
    segments: SEGMENTS.map((name) => [name, result.segments[/** @type {keyof Insight["segments"]} */ (name)] ?? 0]),
    risks,
    ranks,
    ltv: histogram(result.customers.map((c) => c.lifetimeValue)),
    customers: result.customers.length,
  };
}

function loaded() {
  if (!state) throw new Error("no data loaded");
  return state;
}

/** @param {{ query: import("./store.js").Query, locale: Locale }} args */
function page({ query, locale }) {
  const p = loaded().store.page(query);
  return { ...p, rows: p.rows.map((c) => row(c, locale)) };
}

/** @param {{ customerId: string, locale: Locale }} args */
function detail({ customerId, locale }) {
  const s = loaded();
  const c = s.store.get(customerId);
  if (!c) throw new Error(`no customer "${customerId}"`);
  s.purchases ??= purchasesByCustomer(s.text);
  const purchases = s.purchases.get(customerId) ?? [];
  /** @type {Map<string, { productId: string, category: string, count: number, amount: number, last: string }>} */
  const products = new Map();
  for (const p of purchases) {
    const key = p.productId || p.category;
    const entry = products.get(key) ?? { productId: p.productId, category: p.category, count: 0, amount: 0, last: "" };
    entry.count += 1;
    entry.amount += p.amount;
    if (p.date > entry.last) entry.last = p.date;
    products.set(key, entry);
  }
  const decision = decide(c);
  const suggestions = recommender(s)?.recommend({
    history: purchases.filter((p) => p.productId).map((p) => ({ item: p.productId, date: p.date, category: p.category })),
    segment: c.segment,
    now: s.insight.asOf,
    limit: 6,
  });
  return {
    customer: c,
    risk: riskLevel(c),
    actions: decision.offers.map((o) => ({
      id: o.id, kind: o.kind, label: actionLabel(locale, o.id, o.title), score: o.score,
      reason: actionReason(locale, o.id, c), reasons: o.reasons.map((r) => r.text),
    })),
    products: [...products.values()].sort((a, b) => b.count - a.count || (a.productId < b.productId ? -1 : 1)),
    suggestions: suggestions?.map((r) => ({ item: r.item, source: r.source, score: r.score, reason: r.reason })) ?? null,
    suggestionsError: s.recommenderError,
  };
}

/**
 * The item recommender over the loaded orders, built on first use (a detail view): neighbours bought
 * together, upsell ladders by unit price, and popularity within the customer's segment. An orders file
 * without product ids has nothing to recommend from; that is said in the view, not thrown.
 * @param {NonNullable<typeof state>} s
 */
function recommender(s) {
  if (s.recommender || s.recommenderError) return s.recommender;
  try {
    /** @type {Record<string, string>} */
    const segments = {};
    for (const c of s.insight.customers) segments[c.customerId] = c.segment;
    s.recommender = nx.Recommender.fromOrders(s.text, { segments });
  } catch (err) {
    s.recommenderError = /** @type {Error} */ (err).message;
  }
  return s.recommender;
}

/**
 * Campaign lift from recorded events (CSV text: offer_id, variant, event), or the demo events.
 * @param {{ source: { demo?: boolean, file?: File } }} args
 */
async function campaignLift({ source }) {
  await ready;
  const text = source.demo
    ? await (await fetch(new URL("./demo-events.csv", import.meta.url))).text()
    : await /** @type {File} */ (source.file).text();
  return nx.lift(text);
}

/**
 * The call list: customers in the priority rule's order who have an action, up to `limit`, and its CSV.
 * @param {{ limit: number, locale: Locale }} args
 */
function callList({ limit, locale }) {
  const s = loaded();
  const rows = [];
  for (const { customer, group } of s.store.callOrder()) {
    if (rows.length >= limit) break;
    const best = decide(customer).offers[0];
    if (!best) continue;
    rows.push({
      position: rows.length + 1, group, customer,
      action: { id: best.id, kind: best.kind, label: actionLabel(locale, best.id, best.title), reason: actionReason(locale, best.id, customer) },
    });
  }
  const csv = toCsv(
    ["position", "group", "customer_id", "rank", "segment", "lifetime_value", "total_spend", "days_since_last", "churn_risk", "action", "action_kind", "reason"],
    rows.map((r) => [
      r.position, r.group, r.customer.customerId, r.customer.rank, r.customer.segment,
      r.customer.lifetimeValue === null ? "" : Math.round(r.customer.lifetimeValue), r.customer.totalSpend,
      r.customer.daysSinceLast, r.customer.churnRisk === null ? "" : r.customer.churnRisk.toFixed(4),
      r.action.id, r.action.kind, r.action.reason,
    ]),
  );
  return { rows, csv, candidates: s.store.customers.length };
}

/** @type {Record<string, (args: any) => unknown>} */
const handlers = { load, page, detail, callList, lift: campaignLift };

onmessage = async (event) => {
  const { id, type, ...args } = event.data;
  try {
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request "${type}"`);
    postMessage({ id, ok: true, result: await handler(args) });
  } catch (err) {
    const e = /** @type {{ message?: string, code?: string, path?: string }} */ (err);
    postMessage({ id, ok: false, error: { message: e?.message ?? String(err), code: e?.code ?? null, path: e?.path ?? null } });
  }
};
