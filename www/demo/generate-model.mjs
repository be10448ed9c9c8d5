// Generates the demo shop's engine model (`www/demo/model.json`) and its product pictures
// (`www/shop/img/ID.svg`): the products of the demo orders (`www/demo/orders.csv`, same ids, same yen prices)
// as offers for the shop's `product` and `cart` placements, with Japanese titles.
//
// Deterministic: fixed tables, no clock, no randomness, so the same script always writes the same bytes
// (`www/test/widget-demo.test.mjs` regenerates both and compares). The values (the margin an acceptance is
// worth to the shop) sit within a narrow range on purpose: the engine ranks by propensity x value, so a few
// clicks on an offer visibly move it up the list, which is what the demo is there to show.
//
// Usage: node www/demo/generate-model.mjs [OUT_DIR]   (default: the repository; writes
//        OUT_DIR/www/demo/model.json and OUT_DIR/www/shop/img/*.svg)

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// id, kind, category, yen price (as in generate-orders.mjs), value, Japanese title, short description,
// products it needs in the cart or already owned (accessories of a machine).
const PRODUCTS = [
  ["espresso-machine", "upsell", "equipment", 68000, 3000, "エスプレッソマシン", "15気圧のポンプで本格エスプレッソ", []],
  ["grinder-pro", "upsell", "equipment", 32000, 2500, "グラインダー Pro", "40段階のコニカル刃", []],
  ["grinder-basic", "cross_sell", "equipment", 9800, 1500, "手挽きグラインダー", "セラミック刃の定番", []],
  ["milk-frother", "cross_sell", "equipment", 5400, 1200, "ミルクフォーマー", "ラテアートに", ["espresso-machine"]],
  ["kettle", "cross_sell", "equipment", 6800, 1400, "ドリップケトル", "細口で注ぎやすい", []],
  ["scale", "cross_sell", "equipment", 4200, 1000, "コーヒースケール", "0.1 g 単位とタイマー", []],
  ["beans-sub", "cross_sell", "coffee", 3000, 2000, "豆の定期便", "毎月焙煎したての豆を", []],
  ["beans-dark", "cross_sell", "coffee", 1800, 600, "深煎りブレンド", "200 g", []],
  ["beans-medium", "cross_sell", "coffee", 1700, 600, "中煎りブレンド", "200 g", []],
  ["beans-light", "cross_sell", "coffee", 1900, 600, "浅煎りシングルオリジン", "200 g", []],
  ["beans-decaf", "cross_sell", "coffee", 1900, 600, "デカフェ", "200 g", []],
  ["drip-bags", "cross_sell", "coffee", 980, 500, "ドリップバッグ 10袋", "お湯を注ぐだけ", []],
  ["mug", "cross_sell", "kitchen", 1500, 700, "ダブルウォールマグ", "冷めにくい二重構造", []],
  ["tumbler", "cross_sell", "kitchen", 2800, 900, "タンブラー", "持ち歩きに", []],
  ["filter", "cross_sell", "kitchen", 550, 300, "ペーパーフィルター 100枚", "無漂白", []],
  ["descaler", "cross_sell", "care", 1200, 600, "除石灰剤", "マシンのお手入れに", ["espresso-machine"]],
  ["gift-box", "cross_sell", "gift", 3500, 1000, "ギフトボックス", "豆2種とドリップバッグ", []],
];

// Background and accent colours of each category's picture.
const COLOURS = {
  equipment: ["#dfe7ee", "#33475b"],
  coffee: ["#efe2d3", "#5b3a1f"],
  kitchen: ["#e4efe1", "#2f5d3a"],
  care: ["#e9e4f1", "#4b3a6b"],
  gift: ["#f5e1e1", "#7a2e2e"],
};

// One simple pictogram per category, drawn in the accent colour on a 120 x 120 canvas.
const SHAPES = {
  equipment: '<rect x="34" y="28" width="52" height="60" rx="6"/><rect x="44" y="88" width="32" height="8" rx="2"/><circle cx="60" cy="50" r="10" fill="BG"/>',
  coffee: '<path d="M38 30h44l6 62H32z"/><ellipse cx="60" cy="60" rx="9" ry="13" fill="BG"/><path d="M60 48v24" stroke="ACCENT" stroke-width="3"/>',
  kitchen: '<rect x="36" y="38" width="40" height="50" rx="6"/><path d="M76 48h8a10 10 0 0 1 0 20h-8" fill="none" stroke="ACCENT" stroke-width="6"/>',
  care: '<rect x="46" y="26" width="28" height="14" rx="3"/><rect x="40" y="40" width="40" height="54" rx="8"/><rect x="48" y="56" width="24" height="16" rx="2" fill="BG"/>',
  gift: '<rect x="32" y="50" width="56" height="40" rx="3"/><rect x="28" y="40" width="64" height="14" rx="3"/><rect x="56" y="40" width="8" height="50" fill="BG"/>',
};

function picture(category) {
  const [bg, accent] = COLOURS[category];
  const shape = SHAPES[category].replaceAll("BG", bg).replaceAll("ACCENT", accent);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" height="120">` +
    `<rect width="120" height="120" fill="${bg}"/><g fill="${accent}">${shape}</g></svg>\n`;
}

function model() {
  return {
    version: 1,
    currency: "JPY",
    placements: ["product", "cart"],
    contextWeights: { placement: { cart: 1.1 }, device: { mobile: 1 } },
    priors: { accepts: 1, impressions: 20, success: "click" },
    affinity: { halfLifeDays: 90 },
    arbitration: { affinityWeight: 0.5, valueExponent: 1 },
    policies: [
      { id: "offer-cap", scope: "offer", max: 6, periodDays: 1 },
      { id: "pause-after-ignores", scope: "ignores", ignores: 4, windowDays: 7, pauseDays: 2 },
    ],
    offers: PRODUCTS.map(([id, kind, category, price, value, title, description, requires]) => ({
      id,
      kind,
      title,
      description,
      category,
      productId: id,
      price,
      currency: "JPY",
      value,
      image: `/shop/img/${id}.svg`,
      link: `/shop/product.html?id=${id}`,
      placements: ["product", "cart"],
      ...(requires.length ? { requires } : {}),
      ...(category === "coffee" || category === "kitchen" ? { repeatable: true } : {}),
    })),
  };
}

const out = process.argv[2] ?? fileURLToPath(new URL("../..", import.meta.url));
mkdirSync(join(out, "www/demo"), { recursive: true });
mkdirSync(join(out, "www/shop/img"), { recursive: true });
writeFileSync(join(out, "www/demo/model.json"), JSON.stringify(model(), null, 2) + "\n");
for (const [id, , category] of PRODUCTS) writeFileSync(join(out, `www/shop/img/${id}.svg`), picture(category));
