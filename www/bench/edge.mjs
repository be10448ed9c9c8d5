// The edge benchmark: the demo Worker in workerd (www/edge/launch.mjs) over the 500-offer bench model, on
// loopback, loaded by autocannon in this process (the load generator shares the machine's cores, as the
// target says). Bounded in requests and in time. Writes benchDir/edge.json and prints the figures:
//
// - POST /v1/decide for the bench customer (200 purchases in the KV profile, 10 contacts): throughput,
//   p50/p99 latency, errors and non-2xx answers; then the personalized page (two slots) the same way;
// - cold start, over fresh workerd processes with one edge isolate: spawn to listening (process start, config,
//   Wasm compiled ahead, the Worker module evaluated: the engine instantiated and the model loaded), the same
//   with a stub Worker (the difference is the edge isolate's start), the first request to the fresh isolate
//   (profile read + first decision), and spawn to first decision; and, timed in a fresh Node process
//   (workerd's clock does not advance while an isolate computes; with as many V8 background threads as workerd
//   runs here, and once more with Node's default), an isolate's work from its start to its first decision, by
//   phase: compiling the module (workerd does it as it loads the Worker into a new isolate), instantiating it,
//   loading the model, preparing the customer, the first decision;
//   all of it for the Worker as built for a static model (its Wasm pre-initialized with the model at build time,
//   `nextoffer/edge/preinit`: the isolate takes the loaded engine, the "model load" phase is the check that the
//   bytes are the preloaded model's) and for the plain module (the isolate parses the model: `Engine.fromBytes`);
// - the Worker bundle (JS + Wasm, as esbuild bundles it for workerd), raw and gzipped, both ways.
//
//   node www/bench/edge.mjs [benchDir]     reads benchDir/model.json and request.json (generate.mjs)

import autocannon from "autocannon";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Engine } from "nextoffer";
import { putKv, startEdge } from "../edge/launch.mjs";
import { generateModel, generateRequest } from "./generate.mjs";

const benchDir = resolve(process.argv[2] ?? "bench-out");
const DURATION_S = Number(process.env.EDGE_BENCH_SECONDS ?? 10);
const MAX_REQUESTS = 100_000;
const CONNECTIONS = 8;
const COLD_RUNS = 7;

mkdirSync(benchDir, { recursive: true });
const modelFile = join(benchDir, "model.json");
const requestFile = join(benchDir, "request.json");
if (!existsSync(modelFile)) writeFileSync(modelFile, JSON.stringify(generateModel()));
if (!existsSync(requestFile)) writeFileSync(requestFile, JSON.stringify(generateRequest()));
const modelText = readFileSync(modelFile, "utf8");
const request = JSON.parse(readFileSync(requestFile, "utf8"));
const { contacts, ...profile } = request.customer;
const body = JSON.stringify({ customer: { id: profile.id }, context: request.context, limit: request.limit, seed: request.seed });

/** Seeds the bench customer into an edge's KV namespace. */
async function seed(edge) {
  await putKv(edge.storeUrl, `profile:${profile.id}`, profile);
  await putKv(edge.storeUrl, `contacts:${profile.id}`, contacts);
}

/** @param {string} url */
const decide = (url) => fetch(`${url}/v1/decide`, { method: "POST", headers: { "content-type": "application/json" }, body });

/**
 * One bounded autocannon run.
 * @param {autocannon.Options} options
 */
function load(options) {
  return new Promise((done, fail) => {
    const instance = autocannon({ connections: CONNECTIONS, duration: DURATION_S, maxOverallRequests: MAX_REQUESTS, ...options }, (err, result) =>
      err ? fail(err) : done(result),
    );
    // A hard stop, whatever happens to the server.
    const guard = setTimeout(() => instance.stop(), (DURATION_S + 10) * 1000);
    instance.on("done", () => clearTimeout(guard));
  });
}

/** @param {autocannon.Result} r */
function summary(r) {
  return {
    requests: r.requests.total,
    seconds: r.duration,
    perSecond: r.requests.total / r.duration,
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    connections: r.connections,
  };
}

/**
 * CPU time (user + system) of a process so far, in ms, from /proc (Linux); `null` elsewhere.
 * @param {number | undefined} pid
 */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

// --- the load runs
const edge = await startEdge({ model: modelFile });
let decideRun;
let pageRun;
try {
  await seed(edge);
  const first = await decide(edge.url);
  if (first.status !== 200) throw new Error(`decide answered ${first.status}: ${await first.text()}`);
  const decision = await first.json();
  const engine = new Engine(modelText);
  const expected = engine.decide(request);
  engine.free();
  if (JSON.stringify(decision) !== JSON.stringify(expected)) throw new Error("the Worker and the Node build disagree on the bench request");
  await load({ url: `${edge.url}/v1/decide`, method: "POST", headers: { "content-type": "application/json" }, body, duration: 2 });
  const cpu0 = cpuMs(edge.pid);
  decideRun = summary(await load({ url: `${edge.url}/v1/decide`, method: "POST", headers: { "content-type": "application/json" }, body }));
  // workerd serves from one thread: its CPU time per decision says how many decisions a free core would serve.
  const cpu1 = cpuMs(edge.pid);
  if (cpu0 !== null && cpu1 !== null) decideRun.workerdCpuUsPerRequest = ((cpu1 - cpu0) * 1000) / decideRun.requests;
  const pageUrl = `${edge.url}/?customer=${encodeURIComponent(profile.id)}`;
  const page = await (await fetch(pageUrl)).text();
  if (!page.includes("nextoffer-offers")) throw new Error("the bench page was not personalized");
  pageRun = summary(await load({ url: pageUrl, headers: { accept: "text/html" }, duration: Math.max(2, Math.round(DURATION_S / 2)) }));
} finally {
  await edge.close();
}

// --- cold starts: a fresh workerd each run, reusing one bundle
const bundleDir = join(benchDir, "edge-dist");
const plainDir = join(benchDir, "edge-dist-plain");
const { buildWorker } = await import("../edge/build.mjs");
const bundle = await buildWorker(bundleDir, { preinit: modelFile });
const plainBundle = await buildWorker(plainDir, { preinit: null });
// A stub Worker in its place (answers "stub"; an empty Wasm module, no engine, no model): what a fresh workerd
// costs without the edge isolate's work. Its spawn-to-listening, taken between the real runs, subtracted from
// theirs is the edge isolate's start measured in workerd itself: compiling the module, instantiating it and
// loading the model as the Worker module is evaluated.
const stubDir = join(benchDir, "edge-stub");
mkdirSync(stubDir, { recursive: true });
writeFileSync(join(stubDir, "worker.js"), 'export default { fetch: () => new Response("stub") };\n');
writeFileSync(join(stubDir, "nextoffer_bg.wasm"), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
/** @type {number | null | undefined} how many V8 background threads workerd runs on this machine */
let workerdV8Workers;
/**
 * The V8 platform's worker threads of a process (Linux: the threads named "V8 DefaultWorker"), or null elsewhere.
 * V8 compiles Wasm with TurboFan on them while the main thread runs; workerd sizes its pool from the core count.
 * @param {number} pid
 */
function v8WorkerThreads(pid) {
  try {
    const dir = `/proc/${pid}/task`;
    return readdirSync(dir).filter((tid) => readFileSync(`${dir}/${tid}/comm`, "utf8").startsWith("V8 DefaultWork")).length || null;
  } catch {
    return null;
  }
}
/**
 * Cold starts over fresh workerd processes (one edge isolate each), with the given V8 flags in the config.
 * @param {string[]} v8Flags
 * @param {boolean} [withStub] also time the stub Worker's start before each run
 * @param {string} [distDir] the bundle (default: pre-initialized with the bench model)
 */
async function coldRuns(v8Flags, withStub = false, distDir = bundleDir) {
  const cold = [];
  const stub = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    if (withStub) {
      const bare = await startEdge({ model: modelFile, distDir: stubDir, v8Flags, single: true });
      stub.push(bare.listeningMs);
      await bare.close();
    }
    const fresh = await startEdge({ model: modelFile, distDir, v8Flags, single: true });
    workerdV8Workers ??= v8WorkerThreads(fresh.pid);
    try {
      await seed(fresh);
      const t0 = performance.now();
      const response = await decide(fresh.url);
      const firstRequestMs = performance.now() - t0;
      if (response.status !== 200) throw new Error(`cold decide answered ${response.status}`);
      await response.arrayBuffer();
      const t1 = performance.now();
      await (await decide(fresh.url)).arrayBuffer();
      const secondRequestMs = performance.now() - t1;
      cold.push({ listeningMs: fresh.listeningMs, firstRequestMs, secondRequestMs, spawnToFirstDecisionMs: t0 - fresh.spawnedAt + firstRequestMs });
    } finally {
      await fresh.close();
    }
  }
  return {
    runs: COLD_RUNS,
    v8Flags,
    listeningMs: median(cold.map((c) => c.listeningMs)),
    firstRequestMs: median(cold.map((c) => c.firstRequestMs)),
    secondRequestMs: median(cold.map((c) => c.secondRequestMs)),
    spawnToFirstDecisionMs: median(cold.map((c) => c.spawnToFirstDecisionMs)),
    ...(withStub ? { stubListeningMs: median(stub) } : {}),
  };
}
// workerd's defaults (as in Workers: V8's baseline compiler first, optimized code later), then the Wasm
// compiled by the optimizing tier when workerd starts (`--no-liftoff --no-wasm-lazy-compilation`: a longer
// start, optimized code from the first call).
const coldDefault = await coldRuns([], true);
const coldPlain = await coldRuns([], true, plainDir);
const coldAhead = await coldRuns(["--no-liftoff", "--no-wasm-lazy-compilation"], false, plainDir);

// --- in Node: an isolate's work from its start to its first decision, by phase (fresh process each). workerd
// compiles the Worker's Wasm module when it loads the Worker into a new isolate, before any of its JavaScript runs,
// so the compile (V8 decodes and validates the whole module; function bodies compile on first call) is part of
// it, as are the model load at module evaluation and, in the first request, preparing the customer and deciding.
// The Worker takes the model from a pre-initialized module (`Engine.preloaded`, as the handler does) or parses it.
const probe = (/** @type {string} */ wasmFile, /** @type {boolean} */ preloaded) => `
  import { readFileSync } from "node:fs";
  const dir = ${JSON.stringify(fileURLToPath(new URL("../../pkg/server/", import.meta.url)))};
  const glue = await import(dir + "nextoffer.js");
  const bytes = readFileSync(${JSON.stringify(wasmFile)});
  const model = readFileSync(${JSON.stringify(modelFile)}); // bytes, as the demo Worker's data module gives them
  // As the handler does on a profile-cache miss: the customer prepared with the stored contact history it was
  // read with, then decided for without contacts in the request.
  const profile = ${JSON.stringify(JSON.stringify({ ...profile, contacts }))};
  const perCall = ${JSON.stringify(JSON.stringify({ context: request.context, limit: request.limit, seed: request.seed }))};
  const t0 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t1 = performance.now();
  glue.initSync({ module });
  const t2 = performance.now();
  const engine = ${preloaded ? "glue.Engine.preloaded(model)" : "glue.Engine.fromBytes(model)"};
  if (!engine) throw new Error("the pre-initialized module does not hold the bench model");
  const t3 = performance.now();
  const customer = engine.customer(profile);
  const t4 = performance.now();
  const decision = engine.decideForJson(customer, perCall);
  const t5 = performance.now();
  console.log(JSON.stringify({ compileMs: t1 - t0, instantiateMs: t2 - t1, modelLoadMs: t3 - t2, customerMs: t4 - t3,
    firstDecisionMs: t5 - t4, totalMs: t5 - t0, offers: engine.offerCount, bytes: decision.length }));
`;
// Node runs V8's background compiles on 4 threads whatever the machine (`--v8-pool-size`), workerd on one fewer than
// the cores (here, 1 on 2 cores: counted in the cold runs above). On two cores Node's four TurboFan threads take
// the main thread's core from it while the first customer is read (3 to 5 ms of the phase), which an isolate in
// workerd does not suffer; so the probe runs with workerd's pool, and once more with Node's default for reference.
const node = [];
const nodePlain = [];
const nodeDefaultPool = [];
const poolFlags = workerdV8Workers ? [`--v8-pool-size=${workerdV8Workers}`] : [];
const probeArgs = (/** @type {string} */ source, flags = poolFlags) => [...flags, "--input-type=module", "-e", source];
for (let run = 0; run < COLD_RUNS; run++) {
  // Interleaved, so that all see the same machine.
  node.push(JSON.parse(execFileSync(process.execPath, probeArgs(probe(join(bundleDir, "nextoffer_bg.wasm"), true)), { encoding: "utf8" })));
  nodePlain.push(JSON.parse(execFileSync(process.execPath, probeArgs(probe(join(plainDir, "nextoffer_bg.wasm"), false)), { encoding: "utf8" })));
  nodeDefaultPool.push(JSON.parse(execFileSync(process.execPath, probeArgs(probe(join(bundleDir, "nextoffer_bg.wasm"), true), []), { encoding: "utf8" })));
}
const phases = (/** @type {typeof node} */ runs) => ({
  nodeCompileMs: median(runs.map((n) => n.compileMs)),
  nodeInstantiateMs: median(runs.map((n) => n.instantiateMs)),
  nodeModelLoadMs: median(runs.map((n) => n.modelLoadMs)),
  nodeCustomerMs: median(runs.map((n) => n.customerMs)),
  nodeFirstDecisionMs: median(runs.map((n) => n.firstDecisionMs)),
  isolateToFirstDecisionMs: median(runs.map((n) => n.totalMs)),
});

const result = {
  offers: JSON.parse(modelText).offers.length,
  purchases: profile.purchases.length,
  contacts: contacts.length,
  durationSeconds: DURATION_S,
  maxRequests: MAX_REQUESTS,
  connections: CONNECTIONS,
  decide: decideRun,
  page: pageRun,
  // The Worker as built for a static model: its Wasm pre-initialized with the model.
  cold: {
    preinitialized: true,
    // The Node probe's V8 background threads: workerd's count on this machine (null: Node's default, 4).
    nodeV8PoolSize: workerdV8Workers ?? null,
    ...coldDefault,
    ...phases(node),
    // In workerd: the isolate's start (spawn to listening over the stub's) plus the first request to it.
    workerdIsolateStartMs: coldDefault.listeningMs - (coldDefault.stubListeningMs ?? NaN),
    workerdIsolateToFirstDecisionMs: coldDefault.listeningMs - (coldDefault.stubListeningMs ?? NaN) + coldDefault.firstRequestMs,
  },
  // The plain module: the isolate parses the model as it starts (a model from KV or a URL is loaded the same way,
  // by the first request).
  coldPlain: {
    ...coldPlain,
    ...phases(nodePlain),
    workerdIsolateStartMs: coldPlain.listeningMs - (coldPlain.stubListeningMs ?? NaN),
    workerdIsolateToFirstDecisionMs: coldPlain.listeningMs - (coldPlain.stubListeningMs ?? NaN) + coldPlain.firstRequestMs,
  },
  // The pre-initialized Worker's probe with Node's default V8 pool (4 background threads), for reference.
  coldNodeDefaultPool: phases(nodeDefaultPool),
  coldAhead,
  bundle,
  plainBundle,
  date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  load: loadavg().map((n) => n.toFixed(2)).join(", "),
  workerd: execFileSync(join(fileURLToPath(new URL("../..", import.meta.url)), "node_modules/.bin/workerd"), ["--version"], { encoding: "utf8" }).trim(),
  autocannon: JSON.parse(readFileSync(new URL("../../node_modules/autocannon/package.json", import.meta.url), "utf8")).version,
};
writeFileSync(join(benchDir, "edge.json"), JSON.stringify(result, null, 2));

const f = (n, digits = 2) => n.toFixed(digits);
console.log(`edge bench: ${result.workerd}, autocannon ${result.autocannon}, ${CONNECTIONS} connections, ${DURATION_S} s or ${MAX_REQUESTS} requests`);
console.log(`  POST /v1/decide (500 offers, 200 purchases): ${f(decideRun.perSecond, 0)} decisions/s, p50 ${decideRun.p50Ms} ms, p99 ${decideRun.p99Ms} ms, max ${decideRun.maxMs} ms, errors ${decideRun.errors}, non-2xx ${decideRun.non2xx}, ${decideRun.requests} requests`);
if (decideRun.workerdCpuUsPerRequest) {
  console.log(`  workerd CPU per decision request: ${f(decideRun.workerdCpuUsPerRequest, 0)} µs (one free core: about ${f(1e6 / decideRun.workerdCpuUsPerRequest, 0)} decisions/s)`);
}
console.log(`  GET / personalized (2 slots): ${f(pageRun.perSecond, 0)} pages/s, p50 ${pageRun.p50Ms} ms, p99 ${pageRun.p99Ms} ms, errors ${pageRun.errors}, non-2xx ${pageRun.non2xx}`);
console.log(`  cold start, pre-initialized Wasm (median of ${COLD_RUNS}): spawn to listening ${f(result.cold.listeningMs, 1)} ms; first decision request ${f(result.cold.firstRequestMs, 1)} ms (then ${f(result.cold.secondRequestMs, 1)} ms warm); spawn to first decision ${f(result.cold.spawnToFirstDecisionMs, 1)} ms`);
console.log(`  cold start with Wasm compiled by TurboFan at startup: spawn to listening ${f(coldAhead.listeningMs, 1)} ms; first decision request ${f(coldAhead.firstRequestMs, 1)} ms (then ${f(coldAhead.secondRequestMs, 1)} ms); spawn to first decision ${f(coldAhead.spawnToFirstDecisionMs, 1)} ms`);
for (const [c, how] of [[result.cold, "Wasm pre-initialized with the model"], [result.coldPlain, "plain Wasm, the model parsed"]]) {
  const model = c === result.cold ? "preloaded model taken" : "model load";
  const phases = `compile ${f(c.nodeCompileMs)} + instantiate ${f(c.nodeInstantiateMs)} + ${model} ${f(c.nodeModelLoadMs)} + customer ${f(c.nodeCustomerMs)} + first decision ${f(c.nodeFirstDecisionMs)} ms (medians)`;
  console.log(`  ${how}: an isolate's start to its first decision (fresh Node process, V8's default tiers, ${result.cold.nodeV8PoolSize ?? "Node's default"} V8 worker threads as workerd): ${f(c.isolateToFirstDecisionMs)} ms (median); ${phases}`);
  console.log(`    the same in workerd: isolate start ${f(c.workerdIsolateStartMs, 1)} ms (spawn to listening ${f(c.listeningMs, 1)} ms, with a stub Worker ${f(c.stubListeningMs, 1)} ms) + first request ${f(c.firstRequestMs, 1)} ms = ${f(c.workerdIsolateToFirstDecisionMs, 1)} ms`);
}
{
  const d = result.coldNodeDefaultPool;
  console.log(`  the pre-initialized Worker in Node with its default 4 V8 worker threads: ${f(d.isolateToFirstDecisionMs)} ms (compile ${f(d.nodeCompileMs)} + instantiate ${f(d.nodeInstantiateMs)} + preloaded model taken ${f(d.nodeModelLoadMs)} + customer ${f(d.nodeCustomerMs)} + first decision ${f(d.nodeFirstDecisionMs)} ms)`);
}
for (const [b, how] of [[bundle, "pre-initialized"], [plainBundle, "plain"]]) {
  console.log(`  bundle (${how}): ${b.files.map((x) => `${x.name} ${x.bytes} B (gzip ${x.gzip} B)`).join(", ")}; total gzip ${b.gzip} B`);
}
