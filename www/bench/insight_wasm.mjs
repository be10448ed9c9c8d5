// The Wasm side of the insight benchmark: `insight(orders, options)` of `nextoffer/insight` on the raw CDNOW
// sample (6,919 rows, cut at 1997-09-30, weeks), BG/NBD + Gamma-Gamma, in Node. It times the two fits inside
// the call (like for like with the peer's two fits on the summary) and the whole call (CSV import, RFM, fits,
// per-customer predictions, retention what-if, result object). Prints `name: value unit` lines (median over runs after warm-up) and, when the peer's output of the
// same run is in BENCH_DIR/insight_peer.txt, the ratio to `lifetimes`.
//
//   node www/bench/insight_wasm.mjs [benchDir] [--runs N]
// Needs `make build` and `make data`.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { insight } from "nextoffer/insight";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 21;
const benchDir = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--runs") ?? "bench-out";

const dataFile = new URL("../../.cache/lifetimes/lifetimes/datasets/CDNOW_sample.txt", import.meta.url);
if (!existsSync(dataFile)) {
  console.error(`${dataFile.pathname} is missing: run \`make data\` first`);
  process.exit(1);
}
const csv =
  "customer_id,date,amount\n" +
  readFileSync(dataFile, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [, id, date, , amount] = line.trim().split(/\s+/);
      return `${Number(id)},${date},${amount}`;
    })
    .join("\n") +
  "\n";
const options = { asOf: "1997-09-30", timeUnit: "weeks", model: "bgnbd", fitSpend: true };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

// The fits' share of a call, from the progress callback's stage starts (always reported, never throttled):
// from the purchase fit's first iteration to the start of the predictions, so BG/NBD and Gamma-Gamma.
function timedCall() {
  let fitStart = null;
  let fitEnd = null;
  const start = performance.now();
  const result = insight(csv, options, (stage) => {
    if (stage === "fitPurchases" && fitStart === null) fitStart = performance.now();
    if (stage === "predict" && fitEnd === null) fitEnd = performance.now();
  });
  const total = performance.now() - start;
  return { result, total: total / 1000, fit: (fitEnd - fitStart) / 1000 };
}

let last;
for (let i = 0; i < 3; i++) last = timedCall();
const totals = [];
const fits = [];
for (let i = 0; i < runs; i++) {
  last = timedCall();
  totals.push(last.total);
  fits.push(last.fit);
}
const fitSeconds = median(fits);
const callSeconds = median(totals);
console.log(`wasm_cdnow_bgnbd_plus_gamma_gamma_fit: ${fitSeconds.toFixed(5)} s`);
console.log(`wasm_cdnow_insight_call: ${callSeconds.toFixed(5)} s (import, RFM, fits, predictions, retention, result object)`);
console.log(`wasm_cdnow_bgnbd_log_likelihood: ${last.result.models.purchase.logLikelihood.toFixed(2)}`);

const peerFile = join(benchDir, "insight_peer.txt");
const peer = existsSync(peerFile)
  ? readFileSync(peerFile, "utf8").match(/^lifetimes_cdnow_bgnbd_plus_gamma_gamma_fit: ([\d.]+) s$/m)
  : null;
if (peer) {
  const lifetimes = Number(peer[1]);
  console.log(`wasm_fit_vs_lifetimes_fit: ${(lifetimes / fitSeconds).toFixed(1)} x faster (target 10 x)`);
  console.log(`wasm_insight_call_vs_lifetimes_fit: ${(lifetimes / callSeconds).toFixed(1)} x`);
} else {
  console.error(`insight_wasm: no lifetimes figure in ${peerFile}; ratio not printed`);
}
