// Writes BENCHMARKS.md from the results the benchmarks left in bench-out/: the machine, the command, each
// figure beside its target, the peer ratio and the gzipped .wasm size. A benchmark added later (the widget,
// workerd) writes its own bench-out/NAME.json and gets its own section below.
//
//   node www/bench/report.mjs [benchDir] [BENCHMARKS.md]

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const benchDir = process.argv[2] ?? "bench-out";
const outFile = process.argv[3] ?? "BENCHMARKS.md";

const readJson = (name) => {
  const file = join(benchDir, name);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
};
const run = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
};

const cpuModel =
  readFileSync("/proc/cpuinfo", "utf8")
    .split("\n")
    .find((line) => line.startsWith("model name"))
    ?.split(":")[1]
    ?.trim() ?? cpus()[0]?.model ?? "unknown";
const machine = {
  cores: run("nproc", []),
  cpu: cpuModel,
  node: process.version,
  rustc: run("rustc", ["--version"]),
  date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  load: loadavg().map((n) => n.toFixed(2)).join(", "),
  commit: run("git", ["rev-parse", "--short", "HEAD"]) + (run("git", ["status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md"]) ? " with local changes" : ""),
};

const native = readJson("native.json");
const wasm = readJson("wasm.json");
const wasmFile = "pkg/web/nextoffer_bg.wasm";
const wasmBytes = existsSync(wasmFile) ? readFileSync(wasmFile) : null;
// `gzip -9 -c | wc -c`, as the build prints it (node's zlib at level 9 differs by a few bytes)
const wasmGzip = !wasmBytes
  ? null
  : (() => {
      try {
        return execFileSync("gzip", ["-9", "-c"], { input: wasmBytes }).length;
      } catch {
        return gzipSync(wasmBytes, { level: 9 }).length;
      }
    })();

const us = (value) => (value === undefined || value === null ? "n/a" : `${value.toFixed(1)} µs`);
const ms = (valueUs) => (valueUs === undefined || valueUs === null ? "n/a" : `${(valueUs / 1000).toFixed(2)} ms`);
const verdict = (ok) => (ok === null ? "n/a" : ok ? "met" : "**missed**");

const rows = [];
if (wasm) {
  rows.push([
    "`decide`, Wasm in Node, 500 offers, median",
    `${us(wasm.decide.medianUs)} (p95 ${us(wasm.decide.p95Us)})`,
    "≤ 50 µs",
    verdict(wasm.decide.medianUs <= 50),
  ]);
  if (wasm.decideFor) {
    rows.push([
      "`decideFor(customer, request)`: prepared 200-purchase customer, per-call context + 10 contacts, Wasm in Node, median",
      `${us(wasm.decideFor.medianUs)} (p95 ${us(wasm.decideFor.p95Us)})`,
      "≤ 50 µs",
      verdict(wasm.decideFor.medianUs <= 50),
    ]);
    rows.push([
      "`decideForJson(customer, text)`, median",
      `${us(wasm.decideForJson.medianUs)} (p95 ${us(wasm.decideForJson.p95Us)})`,
      "",
      "",
    ]);
    rows.push([
      "peer median / `decideFor` median",
      `${wasm.peerRatioDecideFor.toFixed(1)}×`,
      "≥ 3×",
      verdict(wasm.peerRatioDecideFor >= 3),
    ]);
  }
  rows.push([
    "GrowthBook `evalCondition` over 500 offers + sort (peer), median",
    `${us(wasm.peer.medianUs)} (p95 ${us(wasm.peer.p95Us)})`,
    "",
    "",
  ]);
  rows.push([
    "peer median / `decide` median",
    `${wasm.peerRatio.toFixed(1)}× (placement-filtered peer ${us(wasm.peerFiltered.medianUs)}: ${wasm.peerFilteredRatio.toFixed(1)}×)`,
    "≥ 3×",
    verdict(wasm.peerRatio >= 3),
  ]);
  rows.push([
    "model load, `new Engine(jsonText)`, median",
    `${ms(wasm.loadText.medianUs)} (p95 ${ms(wasm.loadText.p95Us)})`,
    "≤ 5 ms",
    verdict(wasm.loadText.medianUs <= 5000),
  ]);
  if (wasm.loadBytes) {
    rows.push(["model load, `new Engine(utf8Bytes)`, median", `${ms(wasm.loadBytes.medianUs)} (p95 ${ms(wasm.loadBytes.p95Us)})`, "", ""]);
  }
  rows.push(["model load, `new Engine(object)`, median", ms(wasm.loadObject.medianUs), "", ""]);
  rows.push([
    "`decideJson(text)`, Wasm in Node, median",
    `${us(wasm.decideJson.medianUs)} (p95 ${us(wasm.decideJson.p95Us)})`,
    "",
    "",
  ]);
  rows.push([
    `Wasm memory over ${wasm.memory.calls.toLocaleString("en")} \`decide\` calls`,
    `${wasm.memory.afterWarmupBytes.toLocaleString("en")} B after warm-up → ${wasm.memory.atEndBytes.toLocaleString("en")} B at the end`,
    "no growth",
    verdict(wasm.memory.atEndBytes === wasm.memory.afterWarmupBytes),
  ]);
}
if (wasmGzip !== null) {
  rows.push([
    "`.wasm` after `wasm-opt -Oz`, gzip -9",
    `${wasmGzip.toLocaleString("en")} B (${(wasmGzip / 1024).toFixed(1)} KB; raw ${(wasmBytes.length / 1024).toFixed(1)} KB)`,
    "≤ 80 KB (81,920 B)",
    verdict(wasmGzip <= 81920),
  ]);
}
if (native) {
  rows.push(["native `Engine::from_json`, median", ms(native.loadUs), "", ""]);
  rows.push([
    "native `DecideRequest::from_json` + `decide`, median",
    `${us(native.decideUs)} (p95 ${us(native.decideP95Us)})`,
    "",
    "",
  ]);
}

const table = [
  "| Figure | Measured | Target | |",
  "| --- | --- | --- | --- |",
  ...rows.map((cells) => `| ${cells.join(" | ")} |`),
].join("\n");

const inputs = wasm
  ? `${wasm.offers} offers with 3 to 5 GrowthBook-style conditions each; a customer with ${wasm.purchases} ` +
    `purchases and ${wasm.contacts} contacts; \`decide\` returned ${wasm.rankedOffers ?? "?"} offers ` +
    `(the peer's top ${wasm.peerTop.length}: ${wasm.peerTop.join(", ")}).`
  : "(no Wasm results: run `make bench`)";

const text = `# Benchmarks

Measured by \`make bench\` (\`scripts/bench.sh\`), which builds the package, generates the inputs
deterministically (\`www/bench/generate.mjs\`, seeded: the same files every run), then runs the native bench
(\`cargo bench --bench decide\`, \`benches/decide.rs\`) and the Wasm bench in one Node process
(\`www/bench/decide.mjs\`, with the peer \`@growthbook/growthbook\` in the same run), and writes this file.
Timings are medians (and p95) over many calls after a warm-up; every figure comes from the last run.

## Machine

- ${machine.cores} cores, ${machine.cpu}
- Node ${machine.node}, ${machine.rustc}; commit ${machine.commit}
- ${machine.date}; load average at the end of the run: ${machine.load} (other work on the machine slows
  every figure, the peer's as much as the engine's)

## Decide (issue 2)

Inputs: ${inputs}

${table}

The peer is the same eligibility filtering done in JavaScript: GrowthBook's \`evalCondition\` over every
offer's condition with the customer's attributes, then a sort by value × lever. It does not apply contact
policies, propensity or reasons, which the engine does; it is the floor a JavaScript implementation starts from.
`;

// Other native benches (benches/NAME.rs) leave their printed figures in bench-out/NAME.txt, and their Python
// peers (www/bench/NAME_peer.py) in bench-out/NAME_peer.txt.
const others = readdirSync(benchDir)
  .filter((name) => name.endsWith(".txt"))
  .sort()
  .map((name) => {
    const stem = name.replace(/\.txt$/, "");
    const output = readFileSync(join(benchDir, name), "utf8").trimEnd();
    const source = stem.endsWith("_peer")
      ? `\`python www/bench/${stem}.py\` (the peer of \`benches/${stem.replace(/_peer$/, "")}.rs\`)`
      : existsSync(`www/bench/${stem}.mjs`) ? `\`node www/bench/${stem}.mjs\` (Wasm in Node)`
      : `\`cargo bench --bench ${stem}\` (\`benches/${stem}.rs\`)`;
    return `\n## ${source}\n\nAs printed in the same run:\n\n\`\`\`\n${output}\n\`\`\`\n`;
  })
  .join("");

// The CRM dashboard (issue 5): www/bench/dashboard.mjs leaves bench-out/dashboard.json.
const dashboard = readJson("dashboard.json");
const dashboardLongest = !dashboard ? "" : dashboard.longTasks === 0 ? "none over 50 ms"
  : `${dashboard.longestTaskMs.toFixed(0)} ms (${dashboard.longTasks} over 50 ms)`;
const dashboardSection = !dashboard
  ? ""
  : `
## CRM dashboard (issue 5)

\`node www/bench/dashboard.mjs\`: headless Chromium ${dashboard.chromium} (Debian, through playwright-core) picks a
generated ${dashboard.rows.toLocaleString("en")}-order CSV (\`www/bench/dashboard-orders.mjs\`, seeded;
${(dashboard.bytes / 1e6).toFixed(1)} MB, ${dashboard.customers.toLocaleString("en")} customers) from the page's file input;
the Web Worker runs \`insight()\` and the page draws the first table page, then the charts. Median of
${dashboard.runs} fresh pages; the long tasks are the worst page's.

| Figure | Measured | Target | |
| --- | --- | --- | --- |
| file picked → full table shown (first page of all customers) | ${dashboard.tableMs.toFixed(0)} ms | ≤ 3,000 ms | ${verdict(dashboard.tableMs <= 3000)} |
| file picked → the three charts drawn | ${dashboard.chartsMs.toFixed(0)} ms | | |
| longest main-thread task during the import (PerformanceObserver \`longtask\`, reports > 50 ms only) | ${dashboardLongest} | ≤ 100 ms | ${verdict(dashboard.longestTaskMs <= 100)} |
| main thread: drawing the first table page / the three charts | ${dashboard.renderTableMs?.toFixed(0)} / ${dashboard.renderChartsMs?.toFixed(0)} ms | | |
| re-sort of every customer by lifetime value, click → redrawn page | ${dashboard.sortMs.toFixed(0)} ms | | |
| reference: \`insight()\` alone on the same text, Wasm in Node, same run | ${dashboard.nodeInsightMs.toFixed(0)} ms | | |
${dashboard.table ? `| the table's work at ${dashboard.table.customers.toLocaleString("en")} customers (\`www/dashboard/store.js\` in Node, as in the worker): first sort by lifetime value / a filtered page / the last page | ${dashboard.table.firstSortMs.toFixed(0)} / ${dashboard.table.filteredPageMs.toFixed(0)} / ${dashboard.table.lastPageMs.toFixed(0)} ms | | |\n` : ""}`;

// The edge Worker in workerd (issue 6): www/bench/edge.mjs leaves bench-out/edge.json.
const edge = readJson("edge.json");
const edgeSection = !edge
  ? ""
  : (() => {
      const d = edge.decide;
      const p = edge.page;
      const c = edge.cold;
      const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
      const edgeRows = [
        ["`POST /v1/decide`, decisions per second", `${Math.round(d.perSecond).toLocaleString("en")} (${d.requests.toLocaleString("en")} in ${d.seconds} s)`, "≥ 3,000", verdict(d.perSecond >= 3000)],
        ["`POST /v1/decide`, latency p50 / p99", `${d.p50Ms} ms / ${d.p99Ms} ms (max ${d.maxMs} ms)`, "p99 ≤ 10 ms", verdict(d.p99Ms <= 10)],
        ["`POST /v1/decide`, errors / non-2xx / timeouts", `${d.errors} / ${d.non2xx} / ${d.timeouts}`, "0", verdict(d.errors + d.non2xx + d.timeouts === 0)],
        ...(d.workerdCpuUsPerRequest ? [["workerd CPU time per `POST /v1/decide` (its one thread), and what one free core would serve", `${d.workerdCpuUsPerRequest.toFixed(0)} µs (about ${Math.round(1e6 / d.workerdCpuUsPerRequest).toLocaleString("en")} decisions/s)`, "", ""]] : []),
        ["personalized page (2 slots, HTMLRewriter), pages per second", `${Math.round(p.perSecond).toLocaleString("en")}, p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, errors ${p.errors + p.non2xx}`, "", ""],
        c.nodeCompileMs === undefined
          ? ["cold start: an isolate's work from start to first decision (instantiate + model load + first decision; fresh Node process, V8's default tiers), median", `${c.isolateToFirstDecisionMs.toFixed(1)} ms (${c.nodeInstantiateMs.toFixed(1)} + ${c.nodeModelLoadMs.toFixed(1)} + ${c.nodeFirstDecisionMs.toFixed(1)})`, "≤ 20 ms", verdict(c.isolateToFirstDecisionMs <= 20)]
          : c.preinitialized
            ? ["cold start: an isolate's start to its first decision, the Worker's Wasm pre-initialized with the model at build time (compile + instantiate + preloaded model taken + customer + first decision, medians; fresh Node process, V8's default tiers" + (c.nodeV8PoolSize ? `, ${c.nodeV8PoolSize} V8 background thread${c.nodeV8PoolSize === 1 ? "" : "s"} as workerd runs here` : "") + "), median of totals", `${c.isolateToFirstDecisionMs.toFixed(1)} ms (${[c.nodeCompileMs, c.nodeInstantiateMs, c.nodeModelLoadMs, c.nodeCustomerMs, c.nodeFirstDecisionMs].map((ms) => ms.toFixed(1)).join(" + ")})`, "≤ 20 ms", verdict(c.isolateToFirstDecisionMs <= 20)]
            : ["cold start: an isolate's start to its first decision (compile + instantiate + model load + customer + first decision, medians; fresh Node process, V8's default tiers), median of totals", `${c.isolateToFirstDecisionMs.toFixed(1)} ms (${[c.nodeCompileMs, c.nodeInstantiateMs, c.nodeModelLoadMs, c.nodeCustomerMs, c.nodeFirstDecisionMs].map((ms) => ms.toFixed(1)).join(" + ")})`, "≤ 20 ms", verdict(c.isolateToFirstDecisionMs <= 20)],
        ...(edge.coldNodeDefaultPool ? [["the same with Node's default of 4 V8 background threads (on two cores they take the main thread's core while the first customer is read)", `${edge.coldNodeDefaultPool.isolateToFirstDecisionMs.toFixed(1)} ms (${[edge.coldNodeDefaultPool.nodeCompileMs, edge.coldNodeDefaultPool.nodeInstantiateMs, edge.coldNodeDefaultPool.nodeModelLoadMs, edge.coldNodeDefaultPool.nodeCustomerMs, edge.coldNodeDefaultPool.nodeFirstDecisionMs].map((ms) => ms.toFixed(1)).join(" + ")})`, "", ""]] : []),
        ...(edge.coldPlain ? [["the same with the plain Wasm, the isolate parsing the model (`Engine.fromBytes`; a model from KV or a URL loads this way): compile + instantiate + model load + customer + first decision", `${edge.coldPlain.isolateToFirstDecisionMs.toFixed(1)} ms (${[edge.coldPlain.nodeCompileMs, edge.coldPlain.nodeInstantiateMs, edge.coldPlain.nodeModelLoadMs, edge.coldPlain.nodeCustomerMs, edge.coldPlain.nodeFirstDecisionMs].map((ms) => ms.toFixed(1)).join(" + ")})`, "", ""]] : []),
        ["cold start in workerd: first request to a fresh isolate (model loaded at isolate start; KV reads + decision), median", `${c.firstRequestMs.toFixed(1)} ms (the next: ${c.secondRequestMs.toFixed(1)} ms)`, "", ""],
        ...(c.workerdIsolateToFirstDecisionMs !== undefined ? [["cold start in workerd: isolate start (spawn to listening over a stub Worker's: compile, instantiate, model load) + first request, medians", `${c.workerdIsolateToFirstDecisionMs.toFixed(1)} ms (${c.workerdIsolateStartMs.toFixed(1)} + ${c.firstRequestMs.toFixed(1)})`, "", ""]] : []),
        ...(edge.coldPlain ? [["the same in workerd with the plain Wasm (the model parsed at isolate start): isolate start + first request", `${edge.coldPlain.workerdIsolateToFirstDecisionMs.toFixed(1)} ms (${edge.coldPlain.workerdIsolateStartMs.toFixed(1)} + ${edge.coldPlain.firstRequestMs.toFixed(1)})`, "", ""]] : []),
        ...(edge.coldAhead ? [["the same with the Wasm compiled by TurboFan at startup (`v8Flags = [\"--no-liftoff\", \"--no-wasm-lazy-compilation\"]`): first request / spawn to listening", `${edge.coldAhead.firstRequestMs.toFixed(1)} ms / ${edge.coldAhead.listeningMs.toFixed(0)} ms`, "", ""]] : []),
        ["workerd process (one edge isolate): spawn to listening / spawn to first decision, median", `${c.listeningMs.toFixed(0)} ms / ${c.spawnToFirstDecisionMs.toFixed(0)} ms`, "", ""],
        ["Worker bundle (esbuild, JS + Wasm), gzip -9" + (edge.plainBundle ? ", Wasm pre-initialized with the bench model" : ""), `${kb(edge.bundle.gzip)} (${edge.bundle.files.map((f) => `${f.name} ${kb(f.gzip)}`).join(", ")}; raw ${kb(edge.bundle.bytes)})`, "far under 1 MB", verdict(edge.bundle.gzip <= 1024 * 1024)],
        ...(edge.plainBundle ? [["the same with the plain Wasm", `${kb(edge.plainBundle.gzip)} (${edge.plainBundle.files.map((f) => `${f.name} ${kb(f.gzip)}`).join(", ")}; raw ${kb(edge.plainBundle.bytes)})`, "", ""]] : []),
      ];
      return `
## Edge Worker in workerd (issue 6)

\`node www/bench/edge.mjs\` (run by \`scripts/bench.sh\`): the demo Worker (\`www/edge/\`, \`nextoffer/edge\`) in
${edge.workerd} on loopback, loaded by autocannon ${edge.autocannon} from the same machine (the load generator
shares its ${machine.cores} cores), ${edge.connections} connections, bounded to ${edge.durationSeconds} s or
${edge.maxRequests.toLocaleString("en")} requests. Model: the ${edge.offers}-offer bench model; the customer's
profile (${edge.purchases} purchases) and ${edge.contacts} contacts are read from the KV namespace (cached
per isolate). Cold start figures are medians over ${c.runs} fresh workerd processes. Run at ${edge.date ?? "?"},
load average ${edge.load ?? "?"} at its end.

| Figure | Measured | Target | |
| --- | --- | --- | --- |
${edgeRows.map((cells) => `| ${cells.join(" | ")} |`).join("\n")}

Cold start counts from the isolate's start, where workerd compiles the Worker's Wasm module (V8 decodes and
validates all of it; function bodies compile on first call), to its first decision; most of it is the model load
and the first decision: V8 runs new Wasm on its baseline
compiler and optimizes hot functions in background threads, which on a busy two-core machine compete with the
first calls; the same load is about 10 ms once optimized (the decide section above), and with the module
compiled by the optimizing tier at startup the first request to a fresh isolate takes the time of a warm one.
A Worker with a static model is therefore built with its Wasm pre-initialized (\`nextoffer/edge/preinit\`: the
model loaded once at build time, the instance's memory written into the module's data segments): its isolates
start with the engine loaded, and the handler only checks that the model bytes are the preloaded ones. The throughput and latency figures include the load
generator and every other process on the machine; the load average says how busy it was.
`;
    })();

// The widget (issue 5): www/bench/widget.mjs leaves bench-out/widget.json.
const widget = readJson("widget.json");
const widgetSection = !widget
  ? ""
  : (() => {
      const f = widget.firstRenderMs;
      const [moduleBuild, scriptBuild, glue] = widget.sizes;
      const kb = (s) => `${s.gzip.toLocaleString("en")} B (${(s.gzip / 1024).toFixed(1)} KB; raw ${(s.raw / 1024).toFixed(1)} KB)`;
      return `
## Widget (issue 5)

\`node www/bench/widget.mjs\`: ${widget.runs} page loads of ${widget.page}, each in a fresh context of headless
${widget.chromium} on the dev server (localhost, an empty HTTP cache), after 2 warm-up loads${widget.settleMs ? ` and, in each new window, ${widget.settleMs} ms for the browser's own start-up (its omnibox WebUI) before the navigation` : ""}. First render is the
widget's \`nextoffer:first-render\` mark, counted from the start of navigation.

| Figure | Measured | Target | |
| --- | --- | --- | --- |
| first render with offers, from page load, median | ${f.median.toFixed(1)} ms (p90 ${f.p90.toFixed(1)}, min ${f.min.toFixed(1)}, max ${f.max.toFixed(1)}) | ≤ 150 ms | ${verdict(f.median <= 150)} |
| widget script received → first render (the engine's module and .wasm, the model, the decision), median | ${widget.scriptToRenderMs ? `${widget.scriptToRenderMs.median.toFixed(1)} ms` : "n/a"} | | |
| the same page's DOMContentLoaded / load, median | ${widget.domContentLoadedMs.median.toFixed(1)} / ${widget.loadMs.median.toFixed(1)} ms | | |${widget.floor ? `\n| floor, navigation start → DOMContentLoaded / first paint, medians of the same iterations: a blank page; the shop page without the widget; the shop page with it | ${widget.floor.blank.domContentLoadedMs.toFixed(1)} / ${widget.floor.blank.firstPaintMs.toFixed(1)} ms; ${widget.floor.shopWithoutWidget.domContentLoadedMs.toFixed(1)} / ${widget.floor.shopWithoutWidget.firstPaintMs.toFixed(1)} ms; ${widget.domContentLoadedMs.median.toFixed(1)} / ${widget.firstPaintMs.median.toFixed(1)} ms | | |` : ""}${widget.repeatViewFirstRenderMs ? `\n| a second view of the page in the same tab (the dev server's 304s, Chromium's kept code), first render, median | ${widget.repeatViewFirstRenderMs.median.toFixed(1)} ms | | |` : ""}
| widget ES module \`pkg/widget/index.js\`, gzip -9 | ${kb(moduleBuild)} | ≤ 10 KB | ${verdict(moduleBuild.gzip <= 10240)} |
| widget script-tag build \`pkg/widget/nextoffer-widget.js\`, gzip -9 | ${kb(scriptBuild)} | ≤ 10 KB | ${verdict(scriptBuild.gzip <= 10240)} |
| the engine's JS glue \`pkg/web/nextoffer.js\` (loaded by the widget, counted with the engine) | ${kb(glue)} | | |
`;
    })();

writeFileSync(outFile, text + widgetSection + dashboardSection + edgeSection + others);
console.log(`report: wrote ${outFile}`);
