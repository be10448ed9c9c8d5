// The generated TypeScript declarations of the built package: no `any` anywhere a type goes, so a strict
// consumer gets checked types for every call (consumer.ts, checked by `tsc --noEmit`, uses them).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const declarationFiles = ["web/nextoffer.d.ts", "node/index.d.ts", "workerd/index.d.ts"];
// `InitOutput` lists the raw Wasm exports (externref parameters typed `any` by wasm-bindgen); a caller never
// touches them, so they are left out of the check.
const rawExports = /export interface InitOutput \{[\s\S]*?\n\}/;
// `any` as a type: after a colon, in a union, as a type argument, or as an array element.
const anyType = /(:\s*any\b|\bany\s*[|;,)>\]]|\|\s*any\b|<\s*any\b|\bany\[\])/;

for (const file of declarationFiles) {
  test(`${file} declares no any type`, () => {
    const text = readFileSync(new URL(`../../pkg/${file}`, import.meta.url), "utf8");
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").replace(rawExports, "");
    const offending = code.split("\n").filter((line) => anyType.test(line));
    assert.deepEqual(offending, []);
  });
}

test("the package's exports map gives types for every condition of the main entry", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../pkg/package.json", import.meta.url), "utf8"));
  assert.equal(pkg.name, "nextoffer");
  assert.equal(pkg.type, "module");
  assert.deepEqual(Object.keys(pkg.exports["."]), ["workerd", "node", "browser", "default"]);
  for (const [condition, target] of Object.entries(pkg.exports["."])) {
    assert.match(target.types, /\.d\.ts$/, `${condition} has types`);
    assert.match(target.default, /\.js$/, `${condition} has a module`);
  }
});
