// The web entry of the built package in a real browser: headless Chromium (Debian's, driven by
// playwright-core) loads pkg/web/nextoffer.js from the dev server of `make run`, fetches the .wasm with
// `init()`, and decides the golden cases exactly as Node does.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./browser-support.mjs";
import { Engine } from "nextoffer";
import { goldenDecideCases, plain } from "./support.mjs";


let server;
let baseUrl;
let browser;

before(async () => {
  const script = fileURLToPath(new URL("../serve.mjs", import.meta.url));
  server = spawn(process.execPath, [script, "--host", "127.0.0.1", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  baseUrl = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/dev server on (http:\/\/[^/\s]+)\//);
      if (match) resolve(match[1]);
    });
    server.on("exit", (code) => reject(new Error(`the dev server exited with ${code}`)));
  });
  // playwright gives each launch a fresh, temporary profile (its own --user-data-dir).
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

test("the web entry decides the golden cases in Chromium as Node does", async () => {
  const modelText = readFileSync(new URL("../../tests/spec/models/coffee-shop.json", import.meta.url), "utf8");
  const cases = goldenDecideCases().filter((c) => c.expected && c.model === "coffee-shop");
  assert.ok(cases.length > 0);
  const engine = new Engine(modelText);
  const inNode = cases.map((c) => plain(engine.decide(c.request)));
  engine.free();

  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err));
  const response = await page.goto(`${baseUrl}/`);
  assert.equal(response.status(), 200);
  const inBrowser = await page.evaluate(
    async ({ modelText, requests }) => {
      const { default: init, Engine } = await import("/pkg/web/nextoffer.js");
      await init();
      const engine = new Engine(modelText);
      const decisions = requests.map((request) => engine.decide(request));
      engine.free();
      return decisions;
    },
    { modelText, requests: cases.map((c) => c.request) },
  );
  await page.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(inBrowser, inNode);
  assert.deepEqual(
    inBrowser.map((d) => d.offers.map((o) => o.id)),
    cases.map((c) => c.expected.offerIds),
  );
});

test("errors thrown in the browser carry their code and path", async () => {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/`);
  const caught = await page.evaluate(async () => {
    const { default: init, Engine } = await import("/pkg/web/nextoffer.js");
    await init();
    try {
      new Engine({ offers: [{ id: "x", kind: "upsell", condition: { plan: { $regx: "a" } } }] });
      return null;
    } catch (err) {
      return { isError: err instanceof Error, name: err.name, code: err.code, path: err.path };
    }
  });
  await page.close();
  assert.deepEqual(caught, {
    isError: true,
    name: "NextofferError",
    code: "invalid-model",
    path: "offers[0].condition.plan.$regx",
  });
});
