// The Wasm side of the recommendation benchmark: `Recommender` of `nextoffer/insight` in Node, against the
// peers' figures of the same run (www/bench/recommend_peer.py in BENCH_DIR/recommend_peer.txt):
// - MovieLens 100k, users as baskets of the items they rated 4 or more: `rec.rules({ minSupport: 0.05,
//   minConfidence: 0.5 })` (FP-growth, rules, and the rule objects handed to JavaScript) against mlxtend's
//   fpgrowth + association_rules (target at least 5x faster); every rule is generated and sorted, the best
//   1,000 are returned as objects;
// - item-item cosine top-20 neighbours of every item: `Recommender.fromOrders(orders, { basket: "customer",
//   neighbours: 20 })`, which also reads the 55,375 order objects and builds the baskets, against implicit's
//   CosineRecommender(K=21).fit on a prepared matrix (target at most 3x slower); and the same build from the
//   orders as CSV text (`fromOrders(csvText, ...)`, the dashboard Worker's input), with the same neighbours.
//   The fits run here too, in rounds alternating with the Wasm builds (`recommend_peer.py --serve-fits` in the
//   venv): on a shared machine a figure taken minutes apart can move by half (the last `make bench` had the CSV
//   build at 78 ms, reruns minutes later 42-45 ms, implicit's 2-thread fit having been timed earlier still),
//   so the ratios use the fits of the same minutes. Both sides: warm-up runs first, then the median of 3 x
//   `runs` samples each (every sample one whole build or one whole fit), all figures printed;
// - `rec.recommend({ cart, limit: 10 })` for one customer with a 5-item cart over a 10,000-item model built from
//   200,000 synthetic orders (median of 20,000 calls, JSON in and out; target at most 100 us), without the upsell
//   ladders as the native bench, then with them.
// Prints `name: value unit` lines (medians after warm-up) and the ratios when the peer figures are there.
//
//   node www/bench/recommend_wasm.mjs [benchDir] [--runs N]
// Needs `make build` and `make data`.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Recommender } from "nextoffer/insight";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;
const benchDir = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--runs") ?? "bench-out";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const timed = (n, fn) => {
  fn();
  const samples = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
};

const inter = new URL("../../.cache/recbole/recbole/dataset_example/ml-100k/ml-100k.inter", import.meta.url);
let movielens = null;
if (existsSync(inter)) {
  // Liked ratings as order objects: one basket per user (basket: "customer"), in time order as natively.
  const rows = readFileSync(inter, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split("\t"))
    .filter((f) => Number(f[2]) >= 4)
    .map((f) => ({ user: f[0], item: f[1], ts: Number(f[3]) }))
    .sort((a, b) => a.ts - b.ts);
  movielens = rows.map((r) => ({
    customerId: r.user,
    date: new Date(r.ts * 1000).toISOString().slice(0, 10),
    productId: r.item,
  }));
} else {
  console.error(`${inter.pathname} is missing: run \`make data\` (MovieLens benches skipped)`);
}

const figures = {};
if (movielens) {
  const build = () => Recommender.fromOrders(movielens, { basket: "customer", neighbours: 20 });
  const rec = build();
  console.log(`wasm_ml100k_baskets: ${rec.basketCount} baskets`);
  // 4.65 million rules: all are generated and sorted in Wasm, the best 1,000 by lift cross to JavaScript (all of
  // them as objects would be a string of about a gigabyte).
  const options = { minSupport: 0.05, minConfidence: 0.5, limit: 1000 };
  const rules = rec.rules(options);
  console.log(`wasm_ml100k_rules_s005_c05: ${rules.total} rules (${rules.length} returned)`);
  figures.rules = timed(Math.max(3, Math.ceil(runs / 2)), () => rec.rules(options));
  console.log(`wasm_ml100k_fpgrowth_rules_s005_c05: ${figures.rules.toFixed(1)} ms`);
  const neighbours = rec.similar("50", 20).length;
  console.log(`wasm_ml100k_item_top20_of_item_50: ${neighbours} neighbours`);
  // The same orders as CSV text, the other documented input of `fromOrders` and what the dashboard's Worker
  // holds after a file is dropped: no JSON.stringify of 55,375 objects and no JSON tree to read back in Wasm.
  const csv = ["customer_id,date,product_id", ...movielens.map((o) => `${o.customerId},${o.date},${o.productId}`)].join("\n");
  const buildCsv = () => Recommender.fromOrders(csv, { basket: "customer", neighbours: 20 });
  const fromCsv = buildCsv();
  if (JSON.stringify(fromCsv.similar("50", 20)) !== JSON.stringify(rec.similar("50", 20))) {
    throw new Error("the CSV and the order objects give different neighbours");
  }
  fromCsv.free();
  rec.free();
  const peer = await implicitFits();
  const samples = { objects: [], csv: [], implicit: [] };
  const sample = (list, fn) => {
    const start = performance.now();
    fn();
    list.push(performance.now() - start);
  };
  build().free();
  buildCsv().free();
  // Rounds of a few builds of each kind and as many fits, so that a busy minute hits both sides alike.
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < 3; i++) sample(samples.objects, () => build().free());
    for (let i = 0; i < 3; i++) sample(samples.csv, () => buildCsv().free());
    if (peer) {
      // A moment for V8's background work after the builds (sweeping, compiling): implicit's two OpenMP
      // threads on a two-core machine slow down by half when a third thread is runnable.
      await new Promise((resolve) => setTimeout(resolve, 50));
      samples.implicit.push(...(await peer.fit(3)));
    }
  }
  peer?.close();
  figures.neighbours = median(samples.objects);
  figures.neighboursCsv = median(samples.csv);
  const n = samples.objects.length;
  console.log(`wasm_ml100k_item_top20_from_orders: ${figures.neighbours.toFixed(2)} ms (order objects, baskets, neighbours; median of ${n})`);
  console.log(`wasm_ml100k_item_top20_from_csv: ${figures.neighboursCsv.toFixed(2)} ms (orders CSV text, baskets, neighbours; median of ${n})`);
  if (peer) {
    figures.implicitHere = median(samples.implicit);
    console.log(
      `implicit_ml100k_item_top20_alternating: ${figures.implicitHere.toFixed(2)} ms (median of ${samples.implicit.length} fits, ${peer.threads} threads, in rounds alternating with the builds above)`,
    );
  }
}

/**
 * implicit's fit served by `recommend_peer.py --serve-fits` in the venv: `fit(n)` resolves to n times in ms.
 * Null (and the ratios use bench-out/recommend_peer.txt) when the venv or the peer cannot be started.
 */
async function implicitFits() {
  const python = new URL("../../.venv/bin/python", import.meta.url);
  if (!existsSync(python)) return null;
  const child = spawn(python.pathname, [new URL("recommend_peer.py", import.meta.url).pathname, "--serve-fits"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => (await lines.next()).value ?? "";
  const ready = await Promise.race([next(), new Promise((resolve) => child.once("error", () => resolve("")))]);
  if (!ready.startsWith("ready ")) {
    console.error("recommend_wasm: implicit's fits could not be served; the ratios use the peer's figure of its own run");
    child.kill();
    return null;
  }
  return {
    threads: Number(ready.slice(6)),
    async fit(n) {
      child.stdin.write(`${n}\n`);
      return (await next()).split(" ").map(Number);
    },
    close() {
      child.stdin.end();
    },
  };
}

// A 10,000-item shop like benches/recommend.rs: 200,000 orders of 2 to 8 items drawn around skewed themes,
// 50 categories, prices; a seeded generator so every run builds the same model.
let state = 2026n;
const next = () => {
  state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  return Number(state >> 33n);
};
const below = (n) => next() % n;
const sku = (i) => `sku-${String(i).padStart(5, "0")}`;
const lines = ["customer_id,order_id,date,product_id,category,amount"];
for (let order = 0; order < 200_000; order++) {
  const theme = below(100) * below(100);
  const len = 2 + below(7);
  const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(order / 500) * 86_400_000).toISOString().slice(0, 10);
  for (let k = 0; k < len; k++) {
    const item = (theme + below(100) * 100 + below(3)) % 10_000;
    lines.push(`c${below(50_000)},o${order},${day},${sku(item)},cat-${item % 50},${100 + (item % 97) * 10}`);
  }
}
const shopCsv = lines.join("\n");
let start = performance.now();
const shop = Recommender.fromOrders(shopCsv);
console.log(`wasm_10k_build: ${(performance.now() - start).toFixed(1)} ms (CSV of ${lines.length - 1} lines)`);
console.log(`wasm_10k_items: ${shop.itemCount} items`);
const bytes = shop.save();
console.log(`wasm_10k_model_size: ${(bytes.length / 1e6).toFixed(2)} MB`);
const load = timed(10, () => Recommender.load(bytes).free());
console.log(`wasm_10k_model_load: ${load.toFixed(2)} ms`);

const carts = Array.from({ length: 2_000 }, () => Array.from({ length: 5 }, () => sku(below(10_000))));
// As the native bench (item-to-item, affinity, popularity), then with the upsell ladders of `recommend` too.
for (const [name, weights] of [
  ["wasm_10k_recommend_cart5", { upsell: 0 }],
  ["wasm_10k_recommend_cart5_with_upsell", {}],
]) {
  const samples = [];
  for (let round = 0; round < 11; round++) {
    for (const cart of carts) {
      const t0 = performance.now();
      const out = shop.recommend({ cart, limit: 10, weights });
      const t = performance.now() - t0;
      if (round > 0) samples.push(t);
      if (out.length === 0) throw new Error("no recommendation");
    }
  }
  figures[name] = median(samples) * 1000;
  console.log(`${name}: ${figures[name].toFixed(1)} us (median of ${samples.length} calls, JSON in and out; target 100 us)`);
}
shop.free();

const peerFile = join(benchDir, "recommend_peer.txt");
const peer = existsSync(peerFile) ? readFileSync(peerFile, "utf8") : "";
const peerFigure = (name) => {
  const m = peer.match(new RegExp(`^${name}: ([\\d.]+) ms$`, "m"));
  return m ? Number(m[1]) : null;
};
const mlxtend = peerFigure("mlxtend_ml100k_fpgrowth_rules_s005_c05");
// The fits timed alternating with the builds when they could be; else the peer's own run.
const implicit = figures.implicitHere ?? peerFigure("implicit_ml100k_item_top20");
const of = figures.implicitHere ? "the alternating fits" : "recommend_peer.txt";
if (mlxtend && figures.rules) {
  console.log(`wasm_rules_vs_mlxtend: ${(mlxtend / figures.rules).toFixed(1)} x faster (target 5 x)`);
}
if (implicit && figures.neighbours) {
  console.log(`wasm_neighbours_vs_implicit: ${(figures.neighbours / implicit).toFixed(2)} x the time of implicit's fit (${of}; target at most 3 x)`);
  console.log(`wasm_neighbours_csv_vs_implicit: ${(figures.neighboursCsv / implicit).toFixed(2)} x the time of implicit's fit, from CSV text (${of}; target at most 3 x)`);
}
if (!mlxtend) console.error(`recommend_wasm: mlxtend's figure missing in ${peerFile}; its ratio not printed`);
if (!implicit) console.error(`recommend_wasm: implicit's figure missing (no venv, no ${peerFile}); its ratios not printed`);
