// Generates the bundled demo orders (`www/demo/orders.csv`): two years of a Japanese coffee shop's order lines
// in yen, ending 2026-10-31, about 3,000 customers and 20,000 lines.
//
// Deterministic: a seeded PRNG and a fixed calendar, no clock, so the same script always writes the same bytes
// (`tests/cli_insight.rs` regenerates the file and compares). The customers follow the BG/NBD story the
// insight models assume (each buys at their own rate until they silently drop out after some purchase), so a
// fit on this file recovers sensible parameters; the baskets follow the shop's product logic (an espresso
// machine brings a mug, a milk frother and descaler; a grinder brings beans and filters), so the recommendation
// commands find real associations. Product ids match the engine's demo model `tests/spec/models/coffee-shop.json`.
//
// Usage: node www/demo/generate-orders.mjs [OUT.csv]   (default: www/demo/orders.csv next to this script;
//        "-" writes to standard output)

import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SEED = 20261031;
const CUSTOMERS = 3000;
const FIRST_DAY = Date.UTC(2024, 10, 1) / 86400000; // 2024-11-01
const LAST_DAY = Date.UTC(2026, 9, 31) / 86400000; // 2026-10-31

// id, category, price in yen (tax included).
const PRODUCTS = {
  "espresso-machine": ["equipment", 68000],
  "grinder-pro": ["equipment", 32000],
  "grinder-basic": ["equipment", 9800],
  "milk-frother": ["equipment", 5400],
  "kettle": ["equipment", 6800],
  "scale": ["equipment", 4200],
  "beans-sub": ["coffee", 3000],
  "beans-dark": ["coffee", 1800],
  "beans-medium": ["coffee", 1700],
  "beans-light": ["coffee", 1900],
  "beans-decaf": ["coffee", 1900],
  "drip-bags": ["coffee", 980],
  "mug": ["kitchen", 1500],
  "tumbler": ["kitchen", 2800],
  "filter": ["kitchen", 550],
  "descaler": ["care", 1200],
  "gift-box": ["gift", 3500],
};

// mulberry32: tiny, fast, and the same in every JavaScript engine.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const pick = (items) => items[Math.floor(random() * items.length)];
const chance = (p) => random() < p;

// Gamma(shape, 1) by Marsaglia and Tsang (with the shape < 1 boost).
function gamma(shape) {
  if (shape < 1) return gamma(shape + 1) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x;
    let v;
    do {
      // Box-Muller normal.
      x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
const beta = (a, b) => {
  const x = gamma(a);
  return x / (x + gamma(b));
};

function isoDate(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

// What a customer of each kind puts in a basket: the first order, then the repeat orders.
const BEANS = ["beans-dark", "beans-medium", "beans-light", "beans-decaf"];
function firstBasket(kind) {
  switch (kind) {
    case "espresso":
      return ["espresso-machine", ...(chance(0.6) ? ["mug"] : []), ...(chance(0.45) ? ["milk-frother"] : []),
        ...(chance(0.5) ? ["beans-dark"] : [])];
    case "grinder":
      return [chance(0.55) ? "grinder-pro" : "grinder-basic", pick(["beans-light", "beans-medium"]),
        ...(chance(0.5) ? ["filter"] : []), ...(chance(0.25) ? ["scale"] : [])];
    case "pour-over":
      return ["kettle", "filter", ...(chance(0.4) ? ["scale"] : []), ...(chance(0.5) ? ["beans-light"] : [])];
    case "subscriber":
      return ["beans-sub", ...(chance(0.3) ? ["mug"] : [])];
    case "gift":
      return ["gift-box", ...(chance(0.4) ? ["drip-bags"] : []), ...(chance(0.2) ? ["tumbler"] : [])];
    default:
      return [pick(BEANS), ...(chance(0.3) ? ["drip-bags"] : []), ...(chance(0.15) ? ["tumbler"] : [])];
  }
}
function repeatBasket(kind, favourite) {
  switch (kind) {
    case "espresso":
      return chance(0.25) ? ["descaler", favourite] : [favourite, ...(chance(0.2) ? ["milk-frother"] : [])];
    case "grinder":
      return [favourite, ...(chance(0.35) ? ["filter"] : [])];
    case "pour-over":
      return [favourite, ...(chance(0.6) ? ["filter"] : [])];
    case "subscriber":
      return ["beans-sub", ...(chance(0.15) ? [pick(BEANS)] : [])];
    case "gift":
      return chance(0.5) ? ["gift-box"] : ["drip-bags"];
    default:
      return [favourite, ...(chance(0.2) ? ["drip-bags"] : []), ...(chance(0.05) ? ["mug"] : [])];
  }
}
const KINDS = [
  ["beans", 0.46],
  ["subscriber", 0.14],
  ["espresso", 0.1],
  ["grinder", 0.1],
  ["pour-over", 0.1],
  ["gift", 0.1],
];
function kindOf() {
  let u = random();
  for (const [kind, share] of KINDS) {
    if ((u -= share) < 0) return kind;
  }
  return "beans";
}

export function generate() {
  const lines = ["customer_id,order_id,date,product_id,category,amount,quantity,channel"];
  const orders = [];
  for (let c = 1; c <= CUSTOMERS; c += 1) {
    const id = `c${String(c).padStart(4, "0")}`;
    const kind = kindOf();
    // Shop openings and campaigns bring more customers early on; everyone joins by the last month.
    const first = FIRST_DAY + Math.floor(Math.pow(random(), 1.3) * (LAST_DAY - FIRST_DAY - 20));
    // Purchases per week while active (gamma heterogeneity), and the chance to drop out after each purchase.
    const rate = (kind === "subscriber" ? 0.3 : 0.14) * gamma(1.2) * (kind === "gift" ? 0.5 : 1);
    const dropout = beta(1.0, kind === "subscriber" ? 7 : 3.2);
    const spender = 0.7 + 0.6 * random(); // quantity appetite
    const channel = pick(["store", "store", "online", "app"]);
    const favourite = kind === "espresso" ? "beans-dark" : kind === "subscriber" ? "beans-sub" : pick(BEANS);
    let day = first;
    let basket = firstBasket(kind);
    for (;;) {
      orders.push({ id, day, basket, spender, channel });
      if (chance(dropout)) break;
      day += Math.max(1, Math.round((-Math.log(1 - random()) / rate) * 7));
      if (day > LAST_DAY) break;
      basket = repeatBasket(kind, favourite);
    }
  }
  // Orders numbered in date order, as a shop's system would.
  orders.sort((a, b) => a.day - b.day || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  orders.forEach((o, i) => {
    const orderId = `o${String(i + 1).padStart(5, "0")}`;
    const channel = chance(0.85) ? o.channel : pick(["store", "online", "app"]);
    for (const product of new Set(o.basket)) {
      const [category, price] = PRODUCTS[product];
      const bulk = category === "coffee" || product === "filter";
      const quantity = bulk && chance(0.35 * o.spender) ? 2 + Math.floor(random() * 2 * o.spender) : 1;
      lines.push(`${o.id},${orderId},${isoDate(o.day)},${product},${category},${price * quantity},${quantity},${channel}`);
    }
  });
  return lines.join("\n") + "\n";
}

const script = fileURLToPath(import.meta.url);
if (process.argv[1] === script) {
  const out = process.argv[2] ?? join(dirname(script), "orders.csv");
  const text = generate();
  if (out === "-") process.stdout.write(text);
  else writeFileSync(out, text);
}
