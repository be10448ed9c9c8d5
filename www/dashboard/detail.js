// The customer detail dialog: the customer's facts, the engine's actions with their reasons, the products
// bought, and the recommender's upsell and cross-sell suggestions. Text is always set as text.

import { formats, nextPurchaseText, segmentLabel, t } from "./i18n.js";
import { expectedNextDays } from "./store.js";
import { $, heading } from "./dom.js";

/** @typedef {import("./i18n.js").Locale} Locale */
/** @typedef {import("../../pkg/insight/nextoffer_insight.js").CustomerInsight} CustomerInsight */

/**
 * Fills the detail dialog with the worker's answer for one customer.
 * @param {any} d        the worker's `detail` result
 * @param {Locale} locale
 */
export function renderDetail(d, locale) {
  const c = /** @type {CustomerInsight} */ (d.customer);
  const f = formats(locale);
  $("detail-h").textContent = t(locale, "detail", { id: c.customerId });
  const body = $("detail-body");
  body.replaceChildren();

  const facts = document.createElement("dl");
  facts.className = "facts";
  /** @type {[string, string][]} */
  const pairs = [
    [t(locale, "col.rank"), c.rank],
    [t(locale, "col.segment"), segmentLabel(locale, c.segment)],
    [t(locale, "fact.rfm"), c.rfm],
    [t(locale, "col.lifetimeValue"), f.yen(c.lifetimeValue)],
    [t(locale, "fact.totalSpend"), f.yen(c.totalSpend)],
    [t(locale, "fact.frequency"), f.count(c.frequency)],
    [t(locale, "fact.first"), c.firstPurchase],
    [t(locale, "fact.last"), c.lastPurchase],
    [t(locale, "fact.daysSinceLast"), f.count(c.daysSinceLast)],
    [t(locale, "col.probabilityAlive"), f.pct(c.probabilityAlive)],
    [t(locale, "fact.churnRisk"), `${f.pct(c.churnRisk)} (${t(locale, `risk.${d.risk}`)})`],
    [t(locale, "fact.expectedPurchases"), f.dec(c.expectedPurchases)],
    [t(locale, "col.expectedDaysToNext"), nextPurchaseText(locale, c, f.count, expectedNextDays(c))],
    [t(locale, "col.loyaltyTier"), c.loyaltyTier ?? t(locale, "noTier")],
    [t(locale, "fact.points"), f.count(c.points)],
    [t(locale, "fact.categories"), c.categories.join(", ")],
  ];
  for (const [k, v] of pairs) {
    const div = document.createElement("div");
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    div.append(dt, dd);
    facts.append(div);
  }
  body.append(heading(t(locale, "facts")), facts);

  const actions = document.createElement("ol");
  actions.className = "actions";
  for (const a of d.actions) {
    const li = document.createElement("li");
    const strong = document.createElement("strong");
    strong.textContent = a.label;
    const why = document.createElement("small");
    why.textContent = `${a.reason} · ${a.reasons.join("; ")}`;
    li.append(strong, why);
    actions.append(li);
  }
  if (d.actions.length === 0) actions.append(Object.assign(document.createElement("li"), { textContent: t(locale, "noAction") }));
  body.append(heading(t(locale, "actions")), actions);

  const products = document.createElement("ul");
  for (const p of d.products) {
    const li = document.createElement("li");
    li.textContent = `${p.productId || p.category} × ${f.count(p.count)} (${f.yen(p.amount)}, ${p.last})`;
    products.append(li);
  }
  body.append(heading(t(locale, "purchases")), products);

  body.append(heading(t(locale, "suggestions")));
  if (d.suggestions === null) {
    body.append(Object.assign(document.createElement("p"), { className: "note", textContent: t(locale, "noRecommender", { message: d.suggestionsError ?? "" }) }));
  } else if (d.suggestions.length === 0) {
    body.append(Object.assign(document.createElement("p"), { className: "note", textContent: t(locale, "noSuggestions") }));
  } else {
    const list = document.createElement("ul");
    list.className = "suggestions";
    for (const s of d.suggestions) {
      const li = document.createElement("li");
      const strong = document.createElement("strong");
      strong.textContent = s.item;
      const why = document.createElement("small");
      why.textContent = s.reason;
      li.append(strong, ` · ${t(locale, `source.${s.source}`)}`, why);
      li.dataset.source = s.source;
      list.append(li);
    }
    body.append(list);
  }
}
