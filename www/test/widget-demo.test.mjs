// The demo shop's data: www/demo/model.json and www/shop/img/*.svg are exactly what
// www/demo/generate-model.mjs writes, the model loads in the engine, and its products are those of the demo
// orders, at the same yen prices.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Engine } from "nextoffer";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("the demo model and pictures are the generator's output, byte for byte", () => {
  const out = mkdtempSync(join(tmpdir(), "nextoffer-demo-"));
  try {
    execFileSync(process.execPath, [join(root, "www/demo/generate-model.mjs"), out]);
    assert.equal(readFileSync(join(out, "www/demo/model.json"), "utf8"), readFileSync(join(root, "www/demo/model.json"), "utf8"));
    const pictures = readdirSync(join(out, "www/shop/img")).sort();
    assert.equal(pictures.length, 17);
    for (const name of pictures) {
      assert.equal(readFileSync(join(out, "www/shop/img", name), "utf8"), readFileSync(join(root, "www/shop/img", name), "utf8"), name);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("the demo model loads and sells the demo orders' products at their prices", () => {
  const text = readFileSync(join(root, "www/demo/model.json"), "utf8");
  const model = JSON.parse(text);
  const engine = new Engine(text);
  assert.equal(engine.offerCount, 17);
  engine.free();

  const [header, ...lines] = readFileSync(join(root, "www/demo/orders.csv"), "utf8").trim().split("\n");
  const columns = header.split(",");
  const [product, amount, quantity] = ["product_id", "amount", "quantity"].map((c) => columns.indexOf(c));
  const unitPrice = new Map();
  for (const line of lines) {
    const cells = line.split(",");
    unitPrice.set(cells[product], Number(cells[amount]) / Number(cells[quantity]));
  }
  assert.deepEqual(
    model.offers.map((o) => [o.productId, o.price, o.currency]).sort(),
    [...unitPrice].map(([id, price]) => [id, price, "JPY"]).sort(),
  );
  assert.ok(model.offers.every((o) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(o.title)), "Japanese titles");
  assert.deepEqual([...new Set(model.offers.flatMap((o) => o.placements))].sort(), ["cart", "product"]);
});
