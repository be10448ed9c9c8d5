// A large orders CSV for the dashboard's browser test and benchmark, written deterministically (a seeded
// PRNG and a fixed calendar, no clock): `rows` order lines of a Japanese coffee shop in yen, in the columns of
// the bundled demo file. Each customer buys at their own rate until they silently drop out (the story the
// BG/NBD model assumes), so the fitted models and the segments look like a real shop's, not like noise.
//
//   node www/bench/dashboard-orders.mjs [ROWS] [OUT.csv]     (default 100000 rows to standard output)

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIRST_DAY = Date.UTC(2024, 10, 1) / 86400000; // 2024-11-01
const LAST_DAY = Date.UTC(2026, 9, 31) / 86400000; // 2026-10-31

/** id, category, price in yen. */
const PRODUCTS = [
  ["espresso-machine", "equipment", 68000],
  ["grinder-pro", "equipment", 32000],
  ["grinder-basic", "equipment", 9800],
  ["milk-frother", "equipment", 5400],
  ["kettle", "equipment", 6800],
  ["beans-sub", "coffee", 3000],
  ["beans-dark", "coffee", 1800],
  ["beans-medium", "coffee", 1700],
  ["beans-light", "coffee", 1900],
  ["drip-bags", "coffee", 980],
  ["mug", "kitchen", 1500],
  ["filter", "kitchen", 550],
  ["descaler", "care", 1200],
  ["gift-box", "gift", 3500],
];
// Most lines are coffee; equipment is a rare, large purchase.
const WEIGHTS = [1, 1, 2, 2, 2, 10, 16, 14, 12, 8, 5, 6, 3, 3];
const TOTAL_WEIGHT = WEIGHTS.reduce((a, b) => a + b, 0);
const CHANNELS = ["store", "store", "online", "app"];

/** mulberry32: the same sequence for the same seed in every JavaScript engine. */
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

function isoDate(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

/**
 * The CSV text: a header and exactly `rows` order lines, sorted by date.
 * @param {number} rows
 * @param {number} [seed]
 * @returns {string}
 */
export function generateOrders(rows, seed = 100000) {
  const random = prng(seed);
  const product = () => {
    let u = random() * TOTAL_WEIGHT;
    for (let i = 0; i < PRODUCTS.length; i += 1) {
      u -= WEIGHTS[i];
      if (u < 0) return PRODUCTS[i];
    }
    return PRODUCTS[PRODUCTS.length - 1];
  };
  /** @type {[number, string, string][]} day, customer, rest of the line */
  const lines = [];
  let customer = 0;
  while (lines.length < rows) {
    customer += 1;
    const id = `c${String(customer).padStart(6, "0")}`;
    const first = FIRST_DAY + Math.floor(Math.pow(random(), 1.3) * (LAST_DAY - FIRST_DAY - 20));
    // Purchases per week while active (exponential heterogeneity) and the chance to leave after each one.
    const rate = 0.02 + -Math.log(1 - random()) * 0.15;
    const dropout = 0.05 + random() * 0.35;
    const channel = CHANNELS[Math.floor(random() * CHANNELS.length)];
    let day = first;
    while (lines.length < rows) {
      const [pid, category, price] = product();
      const quantity = category === "coffee" && random() < 0.3 ? 2 : 1;
      lines.push([day, id, `${pid},${category},${price * quantity},${quantity},${channel}`]);
      if (random() < dropout) break;
      day += Math.max(1, Math.round((-Math.log(1 - random()) / rate) * 7));
      if (day > LAST_DAY) break;
    }
  }
  lines.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const out = ["customer_id,order_id,date,product_id,category,amount,quantity,channel"];
  lines.forEach(([day, id, rest], i) => out.push(`${id},o${String(i + 1).padStart(7, "0")},${isoDate(day)},${rest}`));
  return out.join("\n") + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2] ?? 100000);
  const text = generateOrders(rows);
  if (process.argv[3]) writeFileSync(process.argv[3], text);
  else process.stdout.write(text);
}
