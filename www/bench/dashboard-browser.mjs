// Shared by the dashboard's browser test and its benchmark: the dev server (www/serve.mjs) on a free
// loopback port, and Debian's Chromium through playwright-core with the project's flags. The uPlot copy the
// page loads is refreshed first (www/dashboard/vendor.mjs), so neither depends on an earlier build step.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../test/browser-support.mjs";


/**
 * Starts the dev server and Chromium. `close()` stops both.
 * @returns {Promise<{ baseUrl: string, browser: import("playwright-core").Browser, version: string, close: () => Promise<void> }>}
 */
export async function startDashboard() {
  await import("../dashboard/vendor.mjs");
  const script = fileURLToPath(new URL("../serve.mjs", import.meta.url));
  const server = spawn(process.execPath, [script, "--host", "127.0.0.1", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const baseUrl = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/dev server on (http:\/\/[^/\s]+)\//);
      if (match) resolve(match[1]);
    });
    server.on("exit", (code) => reject(new Error(`the dev server exited with ${code}`)));
  });
  let browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    server.kill();
    throw err;
  }
  return {
    baseUrl,
    browser,
    version: browser.version(),
    async close() {
      await browser.close();
      server.kill();
    },
  };
}
