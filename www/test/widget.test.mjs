// The <nextoffer-offers> widget in headless Chromium (Debian's, through playwright-core), served by the dev
// server of `make run` started in this process: rendering from the demo model, learning from clicks,
// impressions once per visible card, the fallback when the Wasm or the model fails, inert hostile text, the
// strict-CSP shop, double loading, the command queue, consent, the crash-safe store, keyboard use and axe-core.
// Screenshots of the shop go to docs/screenshots/ under `make screenshots` (a temporary folder otherwise).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Engine } from "nextoffer";
import { axeViolations, launchChromium, screenshotDir, startDevServer } from "./browser-support.mjs";

const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const demoModelText = readFileSync(new URL("../demo/model.json", import.meta.url), "utf8");
const screenshots = screenshotDir();

let server;
let baseUrl;
let browser;

before(async () => {
  ({ server, baseUrl } = await startDevServer());
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/**
 * A fresh context (its own localStorage) and page on the fixture, collecting page errors and dialogs.
 * @param {{ path?: string, lang?: string }} [options]
 */
async function openPage({ path = "/test/fixtures/widget.html" } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems = { pageErrors: [], dialogs: [] };
  page.on("pageerror", (err) => problems.pageErrors.push(err.message));
  page.on("dialog", (dialog) => {
    problems.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  await page.goto(baseUrl + path);
  return { context, page, problems };
}

/**
 * Imports the ES module build, defines the element and mounts one widget; resolves when it has rendered offers
 * or shown its fallback. Events of the widget are collected in `window.__events`.
 */
async function mount(page, { attributes = {}, model = undefined, customer = undefined, fallback = "", lang } = {}) {
  return page.evaluate(
    async ({ attributes, model, customer, fallback, lang }) => {
      if (lang) document.documentElement.lang = lang;
      const widget = await import("/pkg/widget/index.js");
      widget.define();
      window.__events = [];
      for (const type of ["impression", "click", "dismiss", "purchase", "error", "render"]) {
        document.addEventListener(`nextoffer-${type}`, (event) => {
          const { offer, decision, ...rest } = event.detail;
          window.__events.push({ type, ...rest });
        });
      }
      const el = document.createElement("nextoffer-offers");
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      if (model) el.model = model;
      if (customer) el.customer = customer;
      if (fallback) {
        const p = document.createElement("p");
        p.id = "fallback";
        p.textContent = fallback;
        el.append(p);
      }
      const connected = performance.now();
      document.getElementById("host").append(el);
      await new Promise((resolve) => {
        const check = () => (["ready", "empty", "fallback"].includes(el.getAttribute("state") ?? "") ? resolve() : setTimeout(check, 10));
        check();
      });
      // How long the element took from being connected to a final state (read by the fallback tests).
      window.__settledMs = performance.now() - connected;
      return el.getAttribute("state");
    },
    { attributes, model, customer, fallback, lang },
  );
}

/** What the widget shows: each card's parts as text, and the decision behind them. */
function cards(page) {
  return page.evaluate(() => {
    const el = document.querySelector("nextoffer-offers");
    const root = el.shadowRoot;
    return {
      state: el.getAttribute("state"),
      heading: root.querySelector("[part=heading]")?.textContent ?? null,
      cards: [...root.querySelectorAll("[part=card]")].map((card) => ({
        id: card.dataset.offerId,
        title: card.querySelector("[part=title]")?.textContent,
        price: card.querySelector("[part=price]")?.textContent,
        reason: card.querySelector("[part=reason]")?.textContent,
        image: card.querySelector("[part=image]")?.getAttribute("src") ?? null,
        href: card.querySelector("a[part=link]")?.getAttribute("href") ?? null,
        dismissLabel: card.querySelector("[part=dismiss]")?.getAttribute("aria-label"),
      })),
      offers: el.decision?.offers.map((o) => ({ id: o.id, score: o.score, propensity: o.propensity })) ?? [],
    };
  });
}

const events = (page, type) => page.evaluate((type) => window.__events.filter((e) => e.type === type), type);

describe("rendering", () => {
  test("the widget renders the demo model's decision as cards with picture, title, yen price and reason", async () => {
    const { context, page, problems } = await openPage();
    const state = await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", cart: "kettle", limit: "3", locale: "en" } });
    assert.equal(state, "ready");
    const shown = await cards(page);

    const engine = new Engine(demoModelText);
    const expected = engine.decide({ context: { now: new Date().toISOString(), placement: "cart", cart: ["kettle"] }, limit: 3 });
    engine.free();
    const yen = new Intl.NumberFormat("en", { style: "currency", currency: "JPY" });
    assert.deepEqual(
      shown.cards.map((c) => [c.id, c.title, c.price, c.image]),
      expected.offers.map((o) => [o.id, o.title, yen.format(o.price), `${baseUrl}/shop/img/${o.id}.svg`]),
    );
    assert.equal(shown.heading, "Recommended for you");
    assert.deepEqual(shown.cards.map((c) => c.reason), ["A step up from what you have", "A step up from what you have", "Often bought together"]);
    assert.equal(shown.cards[0].href, `${baseUrl}/shop/product.html?id=${expected.offers[0].id}`);
    assert.equal(shown.cards[0].dismissLabel, `Dismiss ${expected.offers[0].title}`);
    assert.deepEqual(problems, { pageErrors: [], dialogs: [] });
    await context.close();
  });

  test("prices equal Chromium's Intl.NumberFormat for every locale and currency, also where no Intl is used", async () => {
    // text.js writes yen, dollars and euros in ja/ja-JP/en/en-US itself (the first render needs no Intl); this
    // holds it to Chromium's own Intl over values that stress digit grouping and rounding, and checks the
    // currencies and locales left to Intl on the way.
    const { context, page } = await openPage();
    const result = await page.evaluate(async () => {
      const { formatPrice } = await import("/pkg/widget/index.js");
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const values = [0, -1, -0.5, 1e-7, 0.001, 0.004, 0.005, 0.0049, 0.01, 0.125, 0.5, 0.995, 1, 1.005, 1.015, 1.5, 2.5];
      values.push(2.675, 0.1 + 0.2, 999.995, 9999999999999.994, 9999999999999.995, 99999999999999.5, 1e15, 1e21, 1.5e300);
      for (let e = 0; e <= 9; e++) values.push(10 ** e, 10 ** e - 1, 10 ** e + 0.5, 10 ** e - 0.005, 10 ** e * 1.23456789);
      for (let i = 0; i < 3000; i++) {
        values.push(random() * 10 ** Math.floor(random() * 15)); // any magnitude, any fraction
        values.push(Math.floor(random() * 1e8) / 100 + 0.005); // cents that end in a half
        values.push(Math.floor(random() * 1e7) / 1000); // three decimals
      }
      const mismatches = [];
      let compared = 0;
      for (const locale of ["ja", "ja-JP", "en", "en-US", "EN-us", "en-GB", "en-IN", "de-DE", "ja-JP-u-nu-fullwide"]) {
        for (const currency of ["JPY", "USD", "EUR", "GBP", "KRW"]) {
          const intl = new Intl.NumberFormat(locale, { style: "currency", currency });
          for (const value of values) {
            compared++;
            const expected = value > 0 ? intl.format(value) : "";
            const got = formatPrice(value, currency, locale);
            if (got !== expected && mismatches.length < 10) mismatches.push({ locale, currency, value, got, expected });
          }
        }
      }
      return { compared, mismatches, samples: [formatPrice(32000, "JPY", "ja"), formatPrice(32000, "JPY", "en"), formatPrice(1.005, "USD", "en")] };
    });
    assert.deepEqual(result.mismatches, []);
    assert.ok(result.compared > 400000, `${result.compared} values compared`);
    assert.deepEqual(result.samples, ["￥32,000", "¥32,000", "$1.01"]);
    await context.close();
  });

  test("labels and prices are Japanese when the page's lang is ja, and follow cart changes", async () => {
    const { context, page } = await openPage();
    await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", limit: "3" }, lang: "ja" });
    const before = await cards(page);
    assert.equal(before.heading, "おすすめ");
    const machine = before.cards.find((c) => c.id === "espresso-machine");
    assert.equal(machine.price, new Intl.NumberFormat("ja", { style: "currency", currency: "JPY" }).format(68000));
    assert.equal(machine.dismissLabel, "「エスプレッソマシン」を閉じる");
    assert.equal(machine.reason, "ワンランク上の一品");

    // The machine goes into the cart: it is no longer offered, and its descaler becomes eligible.
    await page.evaluate(() => {
      document.querySelector("nextoffer-offers").cart = ["espresso-machine"];
    });
    await page.waitForFunction(() => !document.querySelector("nextoffer-offers").decision.offers.some((o) => o.id === "espresso-machine"));
    const afterCart = await page.evaluate(() => {
      const d = document.querySelector("nextoffer-offers").decision;
      return { ids: d.offers.map((o) => o.id), suppressed: d.suppressed.map((s) => [s.id, s.rule]) };
    });
    assert.ok(afterCart.suppressed.some(([id, rule]) => id === "espresso-machine" && rule === "in-cart"));
    assert.ok(!afterCart.suppressed.some(([id]) => id === "descaler"), "descaler's requirement is met by the cart");
    await context.close();
  });
});

describe("learning", () => {
  test("impressions are recorded once per visible card, and not for a card out of view", async () => {
    const { context, page } = await openPage();
    await page.evaluate(() => {
      document.getElementById("host").style.marginTop = "3000px";
    });
    await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", limit: "3" } });
    await page.waitForTimeout(300);
    assert.deepEqual(await events(page, "impression"), [], "nothing seen below the fold");

    await page.evaluate(() => document.querySelector("nextoffer-offers").scrollIntoView());
    await page.waitForFunction(() => window.__events.filter((e) => e.type === "impression").length === 3);
    await page.evaluate(() => document.querySelector("nextoffer-offers").refresh());
    await page.waitForFunction(() => window.__events.filter((e) => e.type === "render").length === 2);
    await page.waitForTimeout(300);
    const seen = await events(page, "impression");
    const shown = await cards(page);
    assert.deepEqual(seen.map((e) => e.offerId).sort(), shown.cards.map((c) => c.id).sort());
    assert.deepEqual(shown.offers.map((o) => o.propensity.impressions), [1, 1, 1]);
    await context.close();
  });

  test("a click is recorded and moves the clicked offer up in the next decision", async () => {
    const { context, page } = await openPage();
    await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", limit: "3" } });
    await page.waitForFunction(() => window.__events.filter((e) => e.type === "impression").length === 3);
    const before = await cards(page);
    const third = before.cards[2].id;
    // The host cancels the click's navigation (as a single-page app would) to stay on the page.
    await page.evaluate(() => document.addEventListener("nextoffer-click", (e) => e.preventDefault()));
    await page.locator(`nextoffer-offers [data-offer-id="${third}"] [part=link]`).click();
    const clicks = await events(page, "click");
    assert.deepEqual(clicks.map((e) => [e.offerId, e.rank]), [[third, 3]]);
    assert.equal(page.url(), `${baseUrl}/test/fixtures/widget.html`, "navigation was cancelled");

    await page.evaluate(() => document.querySelector("nextoffer-offers").refresh());
    await page.waitForFunction(() => window.__events.filter((e) => e.type === "render").length === 2);
    const afterClick = await cards(page);
    const clicked = afterClick.offers.find((o) => o.id === third);
    assert.equal(clicked.propensity.successes, 1);
    assert.ok(clicked.score > before.offers[2].score * 1.5, `score ${before.offers[2].score} -> ${clicked.score}`);
    assert.equal(afterClick.offers[0].id, third, "the clicked offer now ranks first");
    await context.close();
  });

  test("a dismissal removes the card, keeps focus in the widget, and a purchase is recorded", async () => {
    const { context, page } = await openPage();
    await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", limit: "3" } });
    const before = await cards(page);
    await page.locator(`nextoffer-offers [data-offer-id="${before.cards[0].id}"] [part=dismiss]`).focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => window.__events.filter((e) => e.type === "render").length === 2);
    assert.deepEqual((await events(page, "dismiss")).map((e) => e.offerId), [before.cards[0].id]);
    const focused = await page.evaluate(() => document.querySelector("nextoffer-offers").shadowRoot.activeElement?.getAttribute("part"));
    assert.equal(focused, "link");

    const second = before.cards[1].id;
    await page.evaluate((id) => document.querySelector("nextoffer-offers").purchase([id]), second);
    assert.deepEqual((await events(page, "purchase")).map((e) => e.offerId), [second]);
    await context.close();
  });
});

describe("failures", () => {
  test("the fallback shows within 1.5 s when the .wasm is blocked, with no uncaught error", async () => {
    const { context, page, problems } = await openPage();
    await page.route("**/*.wasm", (route) => route.abort());
    const state = await mount(page, { attributes: { model: "/demo/model.json" }, fallback: "Our best sellers" });
    const elapsed = await page.evaluate(() => window.__settledMs);
    assert.equal(state, "fallback");
    assert.ok(elapsed < 1500, `fallback after ${elapsed} ms`);
    assert.equal(await page.locator("#fallback").isVisible(), true);
    assert.deepEqual((await events(page, "error")).map((e) => e.code), ["wasm"]);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });

  test("the fallback shows when the model is malformed JSON or not a valid model", async () => {
    for (const [body, code] of [
      ['{"offers": [', "model"],
      ['{"offers": [{"id": "x", "kind": "upsell", "condtion": {}}]}', "model"],
    ]) {
      const { context, page, problems } = await openPage();
      await page.route("**/broken-model.json", (route) => route.fulfill({ contentType: "application/json", body }));
      const state = await mount(page, { attributes: { model: "/broken-model.json" }, fallback: "Fallback" });
      assert.equal(state, "fallback");
      assert.equal(await page.locator("#fallback").isVisible(), true);
      const errors = await events(page, "error");
      assert.deepEqual(errors.map((e) => e.code), [code]);
      assert.match(errors[0].message, /model is not valid/);
      assert.deepEqual(problems.pageErrors, []);
      await context.close();
    }
  });

  test("the fallback shows when the model answers an HTTP error or its request fails, naming the URL", async () => {
    for (const [answer, message] of [
      [(route) => route.fulfill({ status: 404, contentType: "text/plain", body: "not found" }), /model at .*\/missing-model\.json answered HTTP 404/],
      [(route) => route.abort(), /model could not be fetched from .*\/missing-model\.json/],
    ]) {
      const { context, page, problems } = await openPage();
      await page.route("**/missing-model.json", answer);
      const state = await mount(page, { attributes: { model: "/missing-model.json" }, fallback: "Fallback" });
      assert.equal(state, "fallback");
      assert.equal(await page.locator("#fallback").isVisible(), true);
      const errors = await events(page, "error");
      assert.deepEqual(errors.map((e) => e.code), ["model"]);
      assert.match(errors[0].message, message);
      assert.deepEqual(problems.pageErrors, []);
      await context.close();
    }
  });

  test("the fallback shows when a decision fails, and after 1.5 s when the model never arrives", async () => {
    const { context, page, problems } = await openPage();
    const customer = { id: "c1", purchases: [{ productId: "mug", date: "not a date" }] };
    const state = await mount(page, { attributes: { model: "/demo/model.json" }, customer, fallback: "Fallback" });
    assert.equal(state, "fallback");
    const [error] = await events(page, "error");
    assert.equal(error.code, "engine");
    assert.match(error.message, /customer\.purchases\[0\]\.date/);
    await context.close();

    const slow = await openPage();
    await slow.page.route("**/hanging-model.json", () => {}); // never answered
    assert.equal(await mount(slow.page, { attributes: { model: "/hanging-model.json" }, fallback: "Fallback" }), "fallback");
    const elapsed = await slow.page.evaluate(() => window.__settledMs);
    // The timer is 1.5 s; the upper bound leaves room for a busy machine's late timer, not for a slower widget.
    assert.ok(elapsed >= 1490 && elapsed < 2500, `fallback after ${elapsed} ms`);
    assert.deepEqual((await events(slow.page, "error")).map((e) => e.code), ["timeout"]);
    assert.deepEqual([...problems.pageErrors, ...slow.problems.pageErrors], []);
    await slow.context.close();
  });

  test("an offer title of markup is shown as those characters and runs nothing", async () => {
    const { context, page, problems } = await openPage();
    const hostile = "<img src=x onerror=alert(1)>";
    const model = {
      currency: "JPY",
      offers: [
        { id: "evil", kind: "upsell", title: hostile, price: 100, image: "javascript:alert(2)", link: "javascript:alert(3)", value: 10 },
        { id: "evil-2", kind: "cross_sell", title: '"><script>alert(4)</script>', description: "<b>x</b>", price: 50, value: 5 },
      ],
    };
    await mount(page, { model, attributes: { locale: "en" } });
    const shown = await cards(page);
    assert.deepEqual(shown.cards.map((c) => c.title), [hostile, '"><script>alert(4)</script>']);
    assert.deepEqual(shown.cards.map((c) => [c.image, c.href]), [[null, null], [null, null]], "javascript: URLs are dropped");
    const injected = await page.evaluate(() => document.querySelector("nextoffer-offers").shadowRoot.querySelectorAll("img, script").length);
    assert.equal(injected, 0);
    await page.waitForTimeout(200);
    assert.deepEqual(problems, { pageErrors: [], dialogs: [] });
    await context.close();
  });
});

describe("embedding", () => {
  test("the demo shop renders offers under the strict Content-Security-Policy with no violation", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    const response = await page.goto(`${baseUrl}/shop/product.html?id=espresso-machine`);
    assert.equal(response.headers()["content-security-policy"], STRICT_CSP);
    await page.waitForSelector("nextoffer-offers[state=ready]", { timeout: 5000 });
    const result = await page.evaluate(() => ({
      violations: window.__violations,
      ids: document.querySelector("nextoffer-offers").decision.offers.map((o) => o.id),
    }));
    assert.deepEqual(result.violations, []);
    assert.equal(result.ids.length, 4);
    assert.ok(!result.ids.includes("espresso-machine"), "the product in view is not offered");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the shop's yen prices are Intl's, with no worker started, also where the policy forbids workers", async () => {
    const offers = JSON.parse(demoModelText).offers;
    const yen = new Intl.NumberFormat("ja", { style: "currency", currency: "JPY" });
    for (const policy of [STRICT_CSP, `${STRICT_CSP}; worker-src 'none'`]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.route("**/shop/product.html*", async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": policy } });
      });
      await page.addInitScript(() => {
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.effectiveDirective));
      });
      const workers = [];
      page.on("worker", (worker) => workers.push(worker.url()));
      const errors = [];
      page.on("pageerror", (err) => errors.push(err.message));
      const response = await page.goto(`${baseUrl}/shop/product.html?id=espresso-machine`);
      assert.equal(response?.headers()["content-security-policy"], policy);
      await page.waitForSelector("nextoffer-offers[state=ready]", { timeout: 5000 });
      const result = await page.evaluate(() => {
        const el = document.querySelector("nextoffer-offers");
        return {
          violations: window.__violations,
          ids: el.decision.offers.map((o) => o.id),
          prices: [...el.shadowRoot.querySelectorAll("[part=price]")].map((p) => p.textContent),
        };
      });
      assert.deepEqual(result.violations, [], policy);
      assert.deepEqual(workers, []);
      assert.equal(result.prices.length, 4);
      assert.deepEqual(result.prices, result.ids.map((id) => yen.format(offers.find((o) => o.id === id).price)));
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test("the script-tag build loaded twice beside the ES module defines one element and runs the queue", async () => {
    const { context, page, problems } = await openPage();
    await page.evaluate(async () => {
      window.nextoffer = [["config", { model: "/demo/model.json", placement: "cart", limit: 2 }], ["cart", ["grinder-pro"]]];
      document.getElementById("host").innerHTML = "<nextoffer-offers locale=en><p>fallback</p></nextoffer-offers>";
      const load = () =>
        new Promise((resolve, reject) => {
          const s = document.createElement("script");
          s.src = "/pkg/widget/nextoffer-widget.js";
          s.onload = resolve;
          s.onerror = reject;
          document.head.append(s);
        });
      await load();
      await load();
      (await import("/pkg/widget/index.js")).define();
    });
    await page.waitForSelector("nextoffer-offers[state=ready]");
    const first = await page.evaluate(() => ({
      loaded: window.nextoffer.loaded,
      ids: document.querySelector("nextoffer-offers").decision.offers.map((o) => o.id),
      cards: document.querySelector("nextoffer-offers").shadowRoot.querySelectorAll("[part=card]").length,
    }));
    assert.equal(first.loaded, true);
    assert.equal(first.cards, 2);
    assert.ok(!first.ids.includes("grinder-pro"), "the queued cart was applied");

    // After loading, push runs at once: a new cart changes the decision.
    await page.evaluate(() => window.nextoffer.push(["cart", ["espresso-machine"]]));
    await page.waitForFunction(() => !document.querySelector("nextoffer-offers").decision.offers.some((o) => o.id === "espresso-machine"));
    assert.deepEqual(problems, { pageErrors: [], dialogs: [] });
    await context.close();
  });
});

test("commands queued for the script tag reach a widget the ES module defined first", async () => {
  const { context, page, problems } = await openPage();
  await page.evaluate(async () => {
    (await import("/pkg/widget/index.js")).define();
    document.getElementById("host").innerHTML = "<nextoffer-offers placement=cart limit=1><p>fallback</p></nextoffer-offers>";
    window.nextoffer = [["config", { model: "/demo/model.json", timeout: 5000 }]];
    const s = document.createElement("script");
    s.src = "/pkg/widget/nextoffer-widget.js";
    document.head.append(s);
  });
  await page.waitForSelector("nextoffer-offers[state=ready]");
  assert.equal(await page.evaluate(() => document.querySelector("nextoffer-offers").decision.offers.length), 1);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

describe("consent and the local store", () => {
  const storedKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("nextoffer")).sort());

  test("nothing is stored before consent; after it, clicks and impressions survive a reload", async () => {
    const { context, page } = await openPage();
    await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", limit: "3" } });
    await page.waitForFunction(() => window.__events.filter((e) => e.type === "impression").length === 3);
    await page.evaluate(() => document.addEventListener("nextoffer-click", (e) => e.preventDefault()));
    const first = (await cards(page)).cards[0].id;
    await page.locator(`nextoffer-offers [data-offer-id="${first}"] [part=link]`).click();
    assert.deepEqual(await storedKeys(page), [], "no storage before consent");

    await page.evaluate(() => {
      document.querySelector("nextoffer-offers").consent = true;
    });
    await page.waitForFunction(() => localStorage.getItem("nextoffer:ptr") !== null);
    assert.deepEqual(await storedKeys(page), ["nextoffer:a", "nextoffer:ptr"]);

    await page.reload();
    await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", limit: "3", consent: "" } });
    const after = await cards(page);
    const clicked = after.offers.find((o) => o.id === first);
    assert.equal(clicked.propensity.successes, 1, "the click from the previous page load");
    assert.equal(clicked.propensity.impressions, 1);

    // Consent withdrawn and given again: the stored counts are not added a second time.
    await page.evaluate(async () => {
      const el = document.querySelector("nextoffer-offers");
      el.consent = false;
      await new Promise((r) => setTimeout(r, 50));
      el.consent = true;
      await new Promise((r) => setTimeout(r, 50));
    });
    const again = (await cards(page)).offers.find((o) => o.id === first);
    assert.equal(again.propensity.successes, 1);
    await context.close();
  });

  test("two tabs that learn at the same time both keep their clicks in the store", async () => {
    const { context, page: first } = await openPage();
    const second = await context.newPage();
    await second.goto(first.url());
    const attributes = { model: "/demo/model.json", placement: "cart", limit: "3", consent: "" };
    await mount(first, { attributes });
    await mount(second, { attributes });
    const shown = (await cards(first)).cards.map((c) => c.id);
    assert.deepEqual((await cards(second)).cards.map((c) => c.id), shown, "both tabs start from the same state");
    for (const page of [first, second]) {
      await page.evaluate(() => document.addEventListener("nextoffer-click", (e) => e.preventDefault()));
    }
    // Each tab clicks a different offer; the second tab's save must not drop the first tab's click.
    await first.locator(`nextoffer-offers [data-offer-id="${shown[0]}"] [part=link]`).click();
    await second.locator(`nextoffer-offers [data-offer-id="${shown[1]}"] [part=link]`).click();
    const third = await context.newPage();
    await third.goto(first.url());
    await mount(third, { attributes });
    const learned = (await cards(third)).offers;
    const successes = (id) => learned.find((o) => o.id === id)?.propensity.successes;
    assert.equal(successes(shown[0]), 1, "the first tab's click");
    assert.equal(successes(shown[1]), 1, "the second tab's click");
    const contacts = await third.evaluate(() => {
      const ptr = localStorage.getItem("nextoffer:ptr");
      return JSON.parse(JSON.parse(localStorage.getItem(`nextoffer:${ptr}`)).data).contacts;
    });
    const clicks = contacts.filter((c) => c.event === "click").map((c) => c.offerId).sort();
    assert.deepEqual(clicks, [shown[0], shown[1]].sort());
    await context.close();
  });

  test("the store keeps the previous state when a write is cut short or a slot is damaged", async () => {
    const { context, page } = await openPage();
    const result = await page.evaluate(async () => {
      const { WidgetStore } = await import("/pkg/widget/index.js");
      const now = Date.parse("2026-11-23T10:00:00Z");
      const contact = (offerId) => ({ offerId, event: "click", at: "2026-11-23T09:00:00Z" });
      const store = new WidgetStore("t");
      store.save({ learned: null, contacts: [contact("a")] }, now);
      store.save({ learned: null, contacts: [contact("b")] }, now);
      const out = {};
      // A crash between writing the new slot and flipping the pointer: the pointer write never happens.
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key, value) {
        if (key === "t:ptr") throw new DOMException("quota", "QuotaExceededError");
        return setItem.call(this, key, value);
      };
      out.saved = store.save({ learned: null, contacts: [contact("c")] }, now);
      Storage.prototype.setItem = setItem;
      out.afterCrash = new WidgetStore("t").load().contacts.map((c) => c.offerId);
      // A slot cut in the middle under the pointer: the other slot, complete and checksummed, is read (here the
      // one the interrupted save wrote).
      const ptr = localStorage.getItem("t:ptr");
      const text = localStorage.getItem(`t:${ptr}`);
      localStorage.setItem(`t:${ptr}`, text.slice(0, text.length >> 1));
      out.afterTornSlot = new WidgetStore("t").load()?.contacts.map((c) => c.offerId) ?? null;
      // A slot whose data no longer matches its checksum is not trusted either.
      const other = ptr === "a" ? "b" : "a";
      const slot = JSON.parse(localStorage.getItem(`t:${other}`));
      slot.data = slot.data.replace(/"offerId":"[a-z]"/, '"offerId":"z"');
      localStorage.setItem(`t:${other}`, JSON.stringify(slot));
      out.afterBothDamaged = new WidgetStore("t").load();
      return out;
    });
    assert.deepEqual(result, { saved: false, afterCrash: ["b"], afterTornSlot: ["c"], afterBothDamaged: null });
    await context.close();
  });

  test("the store keeps the latest 200 contacts of the last 60 days", async () => {
    const { context, page } = await openPage();
    const kept = await page.evaluate(async () => {
      const { WidgetStore } = await import("/pkg/widget/index.js");
      const now = Date.parse("2026-11-23T00:00:00Z");
      const day = 86400000;
      const contacts = [
        { offerId: "old", event: "impression", at: new Date(now - 61 * day).toISOString() },
        ...Array.from({ length: 300 }, (_, i) => ({ offerId: `o${i}`, event: "impression", at: new Date(now - day + i * 1000).toISOString() })),
      ];
      const store = new WidgetStore("b");
      store.save({ learned: null, contacts }, now);
      return new WidgetStore("b").load().contacts.map((c) => c.offerId);
    });
    assert.equal(kept.length, 200);
    assert.deepEqual([kept[0], kept.at(-1)], ["o100", "o299"]);
    await context.close();
  });

  test("a version 1 store is migrated, and a later version is rejected without being overwritten", async () => {
    const { context, page } = await openPage();
    const migrated = await page.evaluate(async () => {
      const { WidgetStore } = await import("/pkg/widget/index.js");
      const state = { format: "nextoffer-state", version: 1, offers: {} };
      localStorage.setItem("m", JSON.stringify({ version: 1, state, contacts: [{ offerId: "mug", event: "impression", at: "2026-11-23T09:00:00Z" }] }));
      const data = new WidgetStore("m").load(Date.parse("2026-11-23T10:00:00Z"));
      return { data, keys: Object.keys(localStorage).filter((k) => k.startsWith("m")).sort(), reread: new WidgetStore("m").load() };
    });
    assert.deepEqual(migrated.keys, ["m:a", "m:ptr"]);
    assert.deepEqual(migrated.data.contacts.map((c) => c.offerId), ["mug"]);
    assert.deepEqual(migrated.reread.learned, { format: "nextoffer-state", version: 1, offers: {} });

    const future = JSON.stringify({ format: "nextoffer-widget-store", version: 3, seq: 1, checksum: "0", data: "{}" });
    await page.evaluate((future) => {
      localStorage.setItem("nextoffer:ptr", "a");
      localStorage.setItem("nextoffer:a", future);
    }, future);
    const state = await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", consent: "" } });
    assert.equal(state, "ready", "the widget still shows offers");
    const errors = await events(page, "error");
    assert.deepEqual(errors.map((e) => e.code), ["store-version"]);
    assert.match(errors[0].message, /version 3; this widget reads nextoffer-widget-store version 2/);
    await page.evaluate(() => document.querySelector("nextoffer-offers").refresh());
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => localStorage.getItem("nextoffer:a")), future, "never overwritten");
    await context.close();
  });
});

describe("accessibility and screenshots", () => {
  test("keyboard: Tab reaches every card's link and dismiss button, with a visible focus ring", async () => {
    const { context, page } = await openPage();
    await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", limit: "2", locale: "en" } });
    const stops = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      stops.push(
        await page.evaluate(() => {
          const active = document.querySelector("nextoffer-offers").shadowRoot.activeElement;
          if (!active) return null;
          const style = getComputedStyle(active);
          return { part: active.getAttribute("part"), name: active.getAttribute("aria-label") ?? active.textContent, outline: style.outlineStyle, width: style.outlineWidth };
        }),
      );
    }
    assert.deepEqual(stops.map((s) => s?.part), ["link", "dismiss", "link", "dismiss"]);
    assert.ok(stops.every((s) => s.outline === "solid" && s.width === "3px"), JSON.stringify(stops));
    assert.match(stops[1].name, /^Dismiss /);
    await context.close();
  });

  test("in the shop, a click on a card shows up in what the engine learned on the next page", async () => {
    const { context, page } = await openPage({ path: "/shop/product.html?id=kettle" });
    await page.getByRole("button", { name: "同意する" }).click();
    await page.waitForSelector("nextoffer-offers[state=ready]");
    const target = await page.evaluate(() => document.querySelector("nextoffer-offers").decision.offers[1]);
    await page.waitForFunction(() => localStorage.getItem("nextoffer:ptr") !== null);
    await page.locator(`nextoffer-offers [data-offer-id="${target.id}"] [part=link]`).click();
    await page.waitForURL(`**/shop/product.html?id=${target.id}`);
    await page.waitForFunction(() => document.querySelectorAll("#learned-rows tr").length > 0);
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll("#learned-rows tr")].map((tr) => [...tr.cells].map((td) => td.textContent)),
    );
    // The clicked product is now the one in view, so it is not offered here: every other row shows one
    // impression and no click, and the clicked offer's learned click is in the store.
    const stored = await page.evaluate(() => {
      const slot = JSON.parse(localStorage.getItem(`nextoffer:${localStorage.getItem("nextoffer:ptr")}`));
      return JSON.parse(slot.data).learned.offers;
    });
    assert.equal(stored[target.id].total.clicks, 1);
    assert.ok(rows.length > 0 && rows.every((r) => r[0] !== target.title));

    // Back on the first product page, the clicked offer ranks higher than before.
    await page.goto(`${baseUrl}/shop/product.html?id=kettle`);
    await page.waitForSelector("nextoffer-offers[state=ready]");
    const again = await page.evaluate(() => document.querySelector("nextoffer-offers").decision.offers);
    const now = again.find((o) => o.id === target.id);
    assert.equal(now.propensity.successes, 1);
    assert.equal(again[0].id, target.id, "the clicked offer comes first");
    await page.waitForFunction((title) => document.querySelector("#learned-rows tr td")?.textContent === title, target.title);

    // Withdrawing consent removes the widget's keys; the page asks again.
    await page.getByRole("button", { name: "この端末の記録を削除" }).click();
    await page.waitForLoadState("load");
    await page.getByRole("button", { name: "同意する" }).waitFor();
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("nextoffer")).sort()), []);
    await context.close();
  });

  test("axe-core finds no violations on the widget, the landing page, the product page and the cart", async () => {
    const { context, page } = await openPage();
    await mount(page, { attributes: { model: "/demo/model.json", placement: "cart", limit: "3" }, lang: "ja" });
    assert.deepEqual(await axeViolations(page), [], "widget fixture");
    await page.goto(`${baseUrl}/`);
    assert.deepEqual(await page.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")).slice(0, 4)), [
      "/shop/product.html",
      "/shop/cart.html",
      "/dashboard/",
      "http://127.0.0.1:8787/",
    ]);
    assert.deepEqual(await axeViolations(page), [], "landing page");

    await page.evaluate(() => localStorage.setItem("coffee-shop:cart", JSON.stringify(["espresso-machine", "beans-dark"])));
    await page.goto(`${baseUrl}/shop/product.html?id=grinder-pro`);
    await page.waitForSelector("nextoffer-offers[state=ready]");
    assert.deepEqual(await axeViolations(page), [], "product page with the consent banner");
    await page.getByRole("button", { name: "同意する" }).click();
    await page.waitForFunction(() => localStorage.getItem("nextoffer:ptr") !== null);
    await page.waitForTimeout(300); // the impressions of the visible cards
    await page.screenshot({ path: screenshots + "shop-product.png", fullPage: true });

    await page.goto(`${baseUrl}/shop/cart.html`);
    await page.waitForSelector("nextoffer-offers[state=ready]");
    await page.waitForFunction(() => document.querySelectorAll("#learned-rows tr").length > 0);
    const learned = await page.evaluate(() => document.querySelector("nextoffer-offers").decision.offers.map((o) => o.propensity.impressions));
    assert.ok(learned.some((n) => n > 0), "impressions of the product page, kept after consent");
    assert.deepEqual(await axeViolations(page), [], "cart page");
    await page.screenshot({ path: screenshots + "shop-cart.png", fullPage: true });
    await context.close();
  });
});
