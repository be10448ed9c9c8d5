// Shared helpers of the browser tests and benches of the widget: Debian's Chromium through playwright-core
// with the project's flags, the dev server of `make run` started in this process on a free port, axe-core
// injected into a page, and where screenshots go.

import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { startServer } from "../serve.mjs";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * The folder for the tests' screenshots: docs/screenshots/ under `make screenshots` (UPDATE_SCREENSHOTS=1),
 * a folder under the system's temporary directory otherwise, so that `make test` leaves the working tree
 * clean (the PNGs differ by a few pixels from run to run and would show as changed files after every run).
 * @returns {string} an absolute path ending in "/"
 */
export function screenshotDir() {
  const dir =
    process.env.UPDATE_SCREENSHOTS === "1"
      ? fileURLToPath(new URL("../../docs/screenshots/", import.meta.url))
      : join(tmpdir(), "nextoffer-screenshots") + "/";
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Headless Chromium; playwright gives each launch a fresh temporary profile. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The dev server (www/ at /, pkg/ at /pkg/) on a free loopback port: `{ server, baseUrl }`. */
export function startDevServer() {
  return startServer({ host: "127.0.0.1", port: 0 });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core on the page (shadow roots included) and returns its violations as `{ id, targets }`.
 * The script goes in through the DevTools protocol, which a page's Content-Security-Policy does not govern.
 * @param {import("playwright-core").Page} page
 */
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // @ts-ignore: injected above
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target) }));
  });
}
