// Generates the benchmark inputs, deterministically (a seeded PRNG, never Math.random): a catalog of 500
// offers, each with 3 to 5 GrowthBook-style conditions over about 20 customer attributes, and a decide
// request whose customer has 200 past purchases and about 10 recent contacts.
//
//   node www/bench/generate.mjs [outDir]     writes outDir/model.json and outDir/request.json (bench-out/)
//
// The functions are exported for the Node tests, which need the same kind of model at a smaller size.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** mulberry32: a small, well-mixed 32-bit PRNG; the same seed gives the same sequence in every run. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    sample(items, n) {
      const pool = [...items];
      const out = [];
      while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
      return out;
    },
  };
}

export const CATEGORIES = [
  "coffee", "tea", "kitchen", "books", "audio", "outdoor", "garden", "toys", "beauty", "fitness", "office", "pets",
];
export const PLACEMENTS = ["cart", "product", "home", "checkout", "email"];
const KINDS = ["upsell", "cross_sell", "retention", "reactivation", "loyalty", "content"];
const PLANS = ["free", "basic", "pro", "team", "enterprise"];
const COUNTRIES = ["JP", "US", "DE", "FR", "GB", "KR", "TW", "AU"];
const SEGMENTS = ["vip", "loyal", "new", "at_risk", "dormant", "regular"];
const DEVICES = ["mobile", "desktop", "tablet"];
const TAGS = ["gift", "sale", "organic", "premium", "eco", "bundle", "new", "limited"];
const PRODUCT_COUNT = 300;

const pad = (n) => String(n).padStart(2, "0");
const isoDate = (ms) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
const DAY_MS = 86_400_000;
export const NOW = "2026-11-23T10:00:00Z";
const NOW_MS = Date.parse(NOW);

/** One GrowthBook-style condition clause, as [key, value] so an offer can hold 3 to 5 distinct keys. */
const CLAUSES = [
  (r) => ["plan", { $in: r.sample(PLANS, r.int(2, 4)) }],
  (r) => ["visits", { $gte: r.int(1, 40) }],
  (r) => ["ltv", { $gt: r.int(0, 200) * 1000 }],
  (r) => ["age", { $lt: r.int(25, 80) }],
  (r) => ["email", { $regex: r.pick(["@example\\.(com|jp)$", "^[a-z]+\\.", "\\.jp$", "^u[0-9]+@"]) }],
  (r) => ["referrer", { $exists: r.next() < 0.8 }],
  (r) => ["orders", { $elemMatch: { category: r.pick(CATEGORIES), amount: { $gte: r.int(1, 50) * 100 } } }],
  (r) => ["appVersion", { $vgte: `${r.int(1, 3)}.${r.int(0, 9)}.${r.int(0, 9)}` }],
  (r) => ["country", r.pick(COUNTRIES)],
  (r) => ["$or", [{ segment: r.pick(SEGMENTS) }, { nps: { $gte: r.int(5, 10) } }]],
  (r) => ["tags", { $elemMatch: { $eq: r.pick(TAGS) } }],
  (r) => ["newsletter", r.next() < 0.7],
  (r) => ["device", { $in: r.sample(DEVICES, 2) }],
  (r) => ["lastOrderDays", { $lte: r.int(10, 365) }],
  (r) => ["language", { $nin: ["xx", r.pick(["de", "fr", "ko"])] }],
];

/** A catalog of `offers` offers in the engine-contract model format. */
export function generateModel({ offers = 500, seed = 20261123 } = {}) {
  const r = rng(seed);
  const catalog = [];
  for (let i = 0; i < offers; i++) {
    const clauses = r.sample(CLAUSES, r.int(3, 5)).map((make) => make(r));
    const category = r.pick(CATEGORIES);
    const productId = `p${r.int(1, PRODUCT_COUNT)}`;
    const price = r.int(5, 500) * 100;
    const start = NOW_MS - r.int(1, 300) * DAY_MS;
    const offer = {
      id: `o${i + 1}`,
      title: `Offer ${i + 1}: ${category} ${productId}`,
      description: `A generated ${category} offer for the benchmark.`,
      kind: r.pick(KINDS),
      category,
      productId,
      price,
      currency: "JPY",
      value: Math.round(price * (0.1 + r.next() * 0.4)),
      image: `/img/${productId}.webp`,
      link: `/p/${productId}`,
      placements: r.sample(PLACEMENTS, r.int(1, 4)),
      startDate: isoDate(start),
      endDate: isoDate(NOW_MS + r.int(1, 400) * DAY_MS),
      condition: Object.fromEntries(clauses),
      lever: Math.round((0.5 + r.next()) * 100) / 100,
      repeatable: r.next() < 0.3,
    };
    if (r.next() < 0.2) offer.requires = [`p${r.int(1, PRODUCT_COUNT)}`];
    if (r.next() < 0.2) offer.excludes = [`p${r.int(1, PRODUCT_COUNT)}`];
    catalog.push(offer);
  }
  return {
    version: 1,
    currency: "JPY",
    savedGroups: { vip: ["c1", "c2", "c42"] },
    contextWeights: {
      placement: { cart: 1.2, product: 1.0, home: 0.9, checkout: 1.1, email: 0.8 },
      channel: { web: 1.0, email: 0.8 },
      device: { mobile: 1.1, desktop: 1.0, tablet: 1.0 },
    },
    priors: { accepts: 1, impressions: 20 },
    affinity: { halfLifeDays: 90 },
    arbitration: { affinityWeight: 0.5, valueExponent: 1 },
    policies: [
      { id: "offer-cap", scope: "offer", max: 3, periodDays: 7 },
      { id: "reactivation-daily", scope: "kind", kind: "reactivation", max: 1, periodDays: 1 },
      { id: "cart-cap", scope: "placement", placement: "cart", max: 20, periodDays: 1 },
      { id: "pause-after-ignores", scope: "ignores", ignores: 2, windowDays: 14, pauseDays: 30 },
    ],
    controlGroup: { share: 0.05, seed: "control" },
    offers: catalog,
  };
}

/** The customer's attributes: about 20 keys, chosen so that a fair share of the conditions pass. */
export function generateAttributes(r, orders) {
  return {
    plan: r.pick(["pro", "team"]),
    visits: r.int(10, 60),
    ltv: r.int(50, 300) * 1000,
    age: r.int(25, 50),
    email: `u${r.int(1, 9999)}@example.jp`,
    referrer: "newsletter",
    orders,
    appVersion: "2.5.1",
    country: "JP",
    segment: "loyal",
    nps: r.int(6, 10),
    tags: r.sample(TAGS, 4),
    newsletter: true,
    device: "mobile",
    lastOrderDays: r.int(1, 30),
    language: "ja",
    city: "Tokyo",
    signupDays: r.int(100, 2000),
    hasComplaint: false,
    browserVersion: "120.0.1",
  };
}

/** A decide request whose customer has `purchases` past purchases and `contacts` recent contacts. */
export function generateRequest({ purchases = 200, contacts = 10, offers = 500, seed = 42 } = {}) {
  const r = rng(seed ^ 0x9e3779b9);
  const history = [];
  for (let i = 0; i < purchases; i++) {
    history.push({
      productId: `p${r.int(1, PRODUCT_COUNT)}`,
      category: r.pick(CATEGORIES),
      date: isoDate(NOW_MS - r.int(1, 720) * DAY_MS),
      amount: r.int(5, 300) * 100,
    });
  }
  history.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const orders = history.slice(-20).map((p) => ({ category: p.category, amount: p.amount }));
  const contactList = [];
  for (let i = 0; i < contacts; i++) {
    contactList.push({
      offerId: `o${r.int(1, offers)}`,
      event: r.pick(["impression", "impression", "impression", "click", "dismiss"]),
      at: new Date(NOW_MS - r.int(1, 14 * 24) * 3_600_000).toISOString().replace(".000Z", "Z"),
      placement: r.pick(PLACEMENTS),
    });
  }
  contactList.sort((a, b) => (a.at < b.at ? -1 : 1));
  return {
    customer: {
      id: "c42",
      attributes: generateAttributes(r, orders),
      purchases: history,
      owned: [...new Set(history.slice(-30).map((p) => p.productId))],
      contacts: contactList,
    },
    context: {
      placement: "cart",
      page: "/cart",
      cart: ["p3", "p17"],
      device: "mobile",
      channel: "web",
      locale: "ja-JP",
      now: NOW,
    },
    limit: 3,
    seed,
    explain: false,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? "bench-out";
  mkdirSync(outDir, { recursive: true });
  const model = generateModel();
  const request = generateRequest();
  writeFileSync(join(outDir, "model.json"), JSON.stringify(model));
  writeFileSync(join(outDir, "request.json"), JSON.stringify(request));
  const clauses = model.offers.reduce((n, o) => n + Object.keys(o.condition).length, 0);
  console.log(
    `generate: ${outDir}/model.json (${model.offers.length} offers, ${clauses} condition clauses), ` +
      `${outDir}/request.json (${request.customer.purchases.length} purchases, ` +
      `${request.customer.contacts.length} contacts)`,
  );
}
