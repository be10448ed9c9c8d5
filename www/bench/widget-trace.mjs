// One traced page load of the widget bench's page, for reading its critical path: Chromium's trace (the
// DevTools timeline, loading and user-timing categories) of a first visit to the demo shop's product page in a
// fresh context, after the same settle as www/bench/widget.mjs, printed as a timeline from the navigation's
// start: each request (sent, response, finished), the renderer main thread's tasks of 1 ms or more with what
// ran in them, the paints and the widget's `nextoffer:first-render` mark. A request's "response" and
// "finished" are when the renderer's main thread took them in, so a busy main thread delays them (the page's
// Resource Timing entries say when the bytes came off the network). Wall-clock times on a shared machine swing
// widely; the trace's thread times (`tdur`, CPU time of a slice) are the steadier measure of the main thread's
// work, and python or jq over the raw trace file reads them.
//
//   node www/bench/widget-trace.mjs [page-path] [trace.json]
//     page-path  default /shop/product.html?id=grinder-pro
//     trace.json also writes the raw trace (open it in the DevTools Performance panel)

import { writeFileSync } from "node:fs";
import { launchChromium, startDevServer } from "../test/browser-support.mjs";

const path = process.argv[2] ?? "/shop/product.html?id=grinder-pro";
const out = process.argv[3];
const SETTLE_MS = Number(process.env.WIDGET_BENCH_SETTLE_MS ?? 1000);
const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "blink.user_timing",
  "loading",
  "navigation",
  "v8",
  "v8.wasm",
  "toplevel",
  "netlog",
  "disabled-by-default-v8.compile",
  "disabled-by-default-v8.cpu_profiler",
].join(",");

const { server, baseUrl } = await startDevServer();
const browser = await launchChromium();
let events;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await browser.startTracing(page, { categories: CATEGORIES.split(",") });
  await page.goto(`${baseUrl}${path}`, { waitUntil: "load" });
  await page
    .waitForFunction(() => performance.getEntriesByName("nextoffer:first-render").length > 0, null, { timeout: 5000 })
    .catch(() => console.log("(no nextoffer:first-render mark)"));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const buffer = await browser.stopTracing();
  if (out) writeFileSync(out, buffer);
  events = JSON.parse(buffer.toString()).traceEvents;
  await context.close();
} finally {
  await browser.close();
  server.close();
}

// The renderer of the page: the process whose main thread committed the navigation to our URL.
const threadNames = new Map();
for (const e of events) if (e.ph === "M" && e.name === "thread_name") threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
const navStart = events.find(
  (e) => e.name === "navigationStart" && String(e.args?.data?.documentLoaderURL ?? "").includes(path.split("?")[0].split("/").pop()),
);
if (!navStart) throw new Error("no navigationStart for the page in the trace");
const pid = navStart.pid;
const t0 = navStart.ts;
const mainTid = [...threadNames].find(([key, name]) => key.startsWith(`${pid}:`) && name === "CrRendererMain")?.[0];
const ms = (ts) => ((ts - t0) / 1000).toFixed(1).padStart(6);

/** @type {{ at: number, line: string }[]} */
const lines = [];
const requests = new Map();
for (const e of events) {
  const data = e.args?.data;
  if (!data?.requestId) continue;
  if (e.name === "ResourceSendRequest") requests.set(data.requestId, { url: data.url, priority: data.priority, send: e.ts });
  const r = requests.get(data.requestId);
  if (!r) continue;
  if (e.name === "ResourceReceiveResponse") r.response = e.ts;
  if (e.name === "ResourceFinish") r.finish = e.ts;
}
for (const r of requests.values()) {
  const url = r.url.replace(baseUrl, "");
  lines.push({
    at: r.send,
    line: `${ms(r.send)}  request ${url} (${r.priority}) response ${r.response ? ms(r.response) : "   -  "} finished ${r.finish ? ms(r.finish) : "   -  "}`,
  });
}

// Main-thread tasks of 1 ms or more, with the longest few events inside each.
const main = events.filter((e) => `${e.pid}:${e.tid}` === mainTid && e.ts >= t0 - 1000);
const tasks = main.filter((e) => e.name === "RunTask" && e.ph === "X" && e.dur >= 1000);
const INTERESTING = new Set([
  "ParseHTML",
  "EvaluateScript",
  "v8.compile",
  "v8.compileModule",
  "v8.evaluateModule",
  "FunctionCall",
  "ParseAuthorStyleSheet",
  "UpdateLayoutTree",
  "Layout",
  "Paint",
  "PrePaint",
  "Commit",
  "Layerize",
  "TimerFire",
  "EventDispatch",
  "v8.wasm.compileLazy",
  "wasm.CompileLazy",
  "v8.wasm.streamFromResponseCallback",
  "wasm.SyncInstantiate",
  "wasm.InstantiateModule",
  "v8.run",
  "V8.GCScavenger",
  "MajorGC",
  "MinorGC",
  "HandlePostMessage",
  "ResourceReceivedData",
  "ResourceFinish",
  "UpdateLayerTree",
  "CommitLoad",
  "ScheduleStyleRecalculation",
  "RunMicrotasks",
]);
for (const task of tasks) {
  const inside = main
    .filter((e) => e.ph === "X" && e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur && (e.dur ?? 0) >= 300)
    .filter((e) => INTERESTING.has(e.name) || e.name.startsWith("wasm") || e.name.startsWith("v8.wasm"))
    .sort((a, b) => b.dur - a.dur)
    .slice(0, 5)
    .map((e) => {
      const what = e.args?.data?.url ?? e.args?.data?.functionName ?? e.args?.fileName ?? "";
      return `${e.name}${what ? ` ${String(what).replace(baseUrl, "")}` : ""} ${(e.dur / 1000).toFixed(1)}`;
    });
  lines.push({ at: task.ts, line: `${ms(task.ts)}  task ${(task.dur / 1000).toFixed(1)} ms ending ${ms(task.ts + task.dur)}: ${inside.join("; ")}` });
}
for (const e of events) {
  if (e.pid !== pid) continue;
  if (["firstPaint", "firstContentfulPaint", "domContentLoadedEventEnd", "loadEventEnd", "MarkDOMContent", "MarkLoad"].includes(e.name) && e.ts >= t0)
    lines.push({ at: e.ts, line: `${ms(e.ts)}  ** ${e.name}` });
  if (e.cat?.includes("blink.user_timing") && e.name.startsWith("nextoffer:")) lines.push({ at: e.ts, line: `${ms(e.ts)}  ** mark ${e.name}` });
}
lines.sort((a, b) => a.at - b.at);
console.log(`trace of ${path} (t=0: navigationStart; main thread ${threadNames.get(mainTid)})`);
for (const { line } of lines) console.log(line);
