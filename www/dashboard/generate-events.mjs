// Writes the dashboard's demo campaign events (`demo-events.csv`): what a CRM records when it runs the
// dashboard's actions with a 10% control group (customers held out at random, not contacted). One row per
// exposure (a contact, or for control a customer who would have been contacted) and one per conversion (a
// purchase within the campaign window). The true conversion rates differ by action (a large effect for the
// save and win-back calls, next to none for the related-product offer), and the small control groups leave
// some intervals wide: what the lift panel has to show honestly.
//
// Deterministic: a seeded PRNG, no clock; `www/test/dashboard-store.test.mjs` regenerates the file and compares.
//
//   node www/dashboard/generate-events.mjs [OUT.csv]   (default: demo-events.csv beside this script; "-" for stdout)

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** action id, exposures, treatment rate, control rate */
const CAMPAIGNS = [
  ["save-call", 1200, 0.21, 0.12],
  ["vip-upgrade", 900, 0.094, 0.07],
  ["cross-sell", 2400, 0.115, 0.112],
  ["loyalty-nudge", 1800, 0.16, 0.13],
  ["winback-call", 800, 0.085, 0.03],
  ["winback-mail", 3000, 0.031, 0.024],
];
const SEED = 20261123;

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

/** The CSV text. */
export function generateEvents() {
  const random = prng(SEED);
  const lines = ["offer_id,variant,event"];
  for (const [offer, exposures, treatmentRate, controlRate] of CAMPAIGNS) {
    for (let i = 0; i < exposures; i += 1) {
      const variant = random() < 0.1 ? "control" : "treatment";
      lines.push(`${offer},${variant},exposure`);
      if (random() < (variant === "control" ? controlRate : treatmentRate)) lines.push(`${offer},${variant},conversion`);
    }
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? fileURLToPath(new URL("./demo-events.csv", import.meta.url));
  if (out === "-") process.stdout.write(generateEvents());
  else writeFileSync(out, generateEvents());
}
