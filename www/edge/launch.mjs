// Starts the demo edge Worker in workerd (Cloudflare's runtime, from the npm package `workerd`): bundles
// worker.js (build.mjs), writes a copy of edge.capnp whose embedded files point at that bundle (and, if asked,
// at another model), and serves it on loopback. Used by `make run`, the tests and the load benchmark.
//
//   node www/edge/launch.mjs [--host 127.0.0.1] [--port 8787 | 0] [--model FILE]
//
// `--port 0` picks free ports. The second Worker instance and the KV store listen on the next two ports (or
// free ones). Prints the URLs, and stops workerd on SIGINT/SIGTERM.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_MODEL, buildWorker } from "./build.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(here, "../..");
const workerdBin = join(root, "node_modules/.bin/workerd");
const DEFAULT_MODEL = "../../tests/spec/models/coffee-shop.json";

/** A port the kernel says is free now (it may be taken again before workerd binds it; start retries). */
export function freePort(host = "127.0.0.1") {
  return /** @type {Promise<number>} */ (
    new Promise((done, fail) => {
      const server = createServer();
      server.once("error", fail);
      server.listen(0, host, () => {
        const address = server.address();
        server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
      });
    })
  );
}

/**
 * edge.capnp with every embedded path re-pointed from `configDir`: dist/ files to `distDir`, the model to `model`.
 * @param {string} distDir
 * @param {string | undefined} model
 */
function configText(configDir, distDir, model, v8Flags, recommender, single) {
  let text = readFileSync(join(here, "edge.capnp"), "utf8");
  if (single) {
    // One edge isolate (the benchmark's cold starts): without the second instance and its socket.
    text = text.replace(/^ *\(name = "edge-b",[^\n]*\n/m, "").replace(/^ *\(name = "http-b",[^\n]*\n/m, "");
  }
  if (v8Flags?.length) text = text.replace("const config :Workerd.Config = (", `$&\n  v8Flags = ${JSON.stringify(v8Flags)},`);
  if (recommender) {
    // The recommender's bytes as a data binding, and its options as a JSON binding, of the edge Workers.
    const options = recommender.options ? `\n    (name = "RECOMMENDER_OPTIONS", json = ${JSON.stringify(JSON.stringify(recommender.options))}),` : "";
    const binding = `(name = "RECOMMENDER", data = embed ${JSON.stringify(resolve(recommender.file))}),${options}`;
    text = text.replace('(name = "STORE", kvNamespace = "store"),', `$&\n    ${binding}`);
  }
  return text.replace(/embed "([^"]+)"/g, (_, path) => {
    let target;
    if (path === DEFAULT_MODEL && model) target = resolve(model);
    else if (path.startsWith("dist/")) target = join(distDir, path.slice("dist/".length));
    else target = isAbsolute(path) ? path : join(here, path);
    // capnp reads embeds relative to the config file (an absolute path would be looked up on its import path).
    return `embed ${JSON.stringify(relative(configDir, target))}`;
  });
}

/**
 * Waits until `url` answers (any HTTP status), or fails after `timeoutMs`.
 * @param {string} url
 * @param {number} timeoutMs
 * @param {() => string | null} exited the reason workerd stopped, if it did
 */
async function waitForHttp(url, timeoutMs, exited) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = exited();
    if (reason) throw new Error(`workerd stopped: ${reason}`);
    try {
      const response = await fetch(url);
      return response;
    } catch {
      if (Date.now() > deadline) throw new Error(`workerd did not answer ${url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/**
 * Waits until a TCP connection to host:port opens (no HTTP request is sent), or fails after `timeoutMs`.
 * @param {string} host
 * @param {number} port
 * @param {number} timeoutMs
 */
async function waitForPort(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((done) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        done(true);
      });
      socket.once("error", () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The workerd processes started by this process, stopped when it exits however it exits (a test runner's
 * timeout included), so that none outlives it holding a port. */
const children = new Set();
let reaperInstalled = false;
function reapOnExit() {
  if (reaperInstalled) return;
  reaperInstalled = true;
  const killAll = () => {
    for (const child of children) child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  for (const signal of ["SIGTERM", "SIGHUP"]) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Starts workerd with the demo Worker.
 * @param {{ host?: string, port?: number, model?: string, distDir?: string, v8Flags?: string[], log?: boolean,
 *   timeoutMs?: number, recommender?: { file: string, options?: object }, single?: boolean, preinit?: boolean }} [options]
 *   `port` 0 (the default here) picks free ports; `model` replaces the demo model; `distDir` reuses a bundle
 *   (built for the same model); `preinit` (default true) pre-initializes the bundle's Wasm with the model, as a
 *   deployment of a Worker with a static model does (false: the Worker parses the model as its isolate starts);
 *   `v8Flags` go into the config (the benchmark compares Wasm compiled ahead by TurboFan, `--no-liftoff`);
 *   `recommender` binds a saved recommender (and its attach options) to the edge Workers; `single` leaves out the
 *   second instance (`urlB` is then empty), so that the process starts one edge isolate.
 * @returns {Promise<{ url: string, urlB: string, storeUrl: string, adminToken: string, pid: number | undefined,
 *   spawnedAt: number, listeningMs: number, bundle: Awaited<ReturnType<typeof buildWorker>> | null,
 *   close(): Promise<void> }>}
 */
export async function startEdge(options = {}) {
  const host = options.host ?? "127.0.0.1";
  const work = mkdtempSync(join(tmpdir(), "nextoffer-edge-"));
  const distDir = options.distDir ?? join(work, "dist");
  const preinit = options.preinit === false ? null : (options.model ?? DEMO_MODEL);
  const bundle = options.distDir ? null : await buildWorker(distDir, { preinit });
  const configFile = join(work, "edge.capnp");
  writeFileSync(configFile, configText(work, distDir, options.model, options.v8Flags, options.recommender, options.single));
  const adminToken = randomBytes(12).toString("hex");

  for (let attempt = 0; ; attempt++) {
    const base = options.port ?? 0;
    const ports = base === 0 ? [await freePort(host), await freePort(host), await freePort(host)] : [base, base + 1, base + 2];
    const [port, portB, storePort] = ports;
    const args = [
      "serve",
      configFile,
      "--socket-addr", `http=${host}:${port}`,
      ...(options.single ? [] : ["--socket-addr", `http-b=${host}:${portB}`]),
      "--socket-addr", `store=${host}:${storePort}`,
    ];
    const spawnedAt = performance.now();
    const child = spawn(workerdBin, args, {
      env: { ...process.env, NEXTOFFER_ADMIN_TOKEN: adminToken },
      stdio: ["ignore", options.log ? "inherit" : "ignore", "pipe"],
    });
    children.add(child);
    reapOnExit();
    child.once("exit", () => children.delete(child));
    let stderr = "";
    /** @type {string | null} */
    let exitReason = null;
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
      if (options.log) process.stderr.write(chunk);
    });
    child.once("exit", (code, signal) => (exitReason = `exit ${code ?? signal}: ${stderr.trim().slice(-2000)}`));
    const url = `http://${host}:${port}`;
    try {
      // Ready when the KV store's socket answers: workerd starts every service (and evaluates every Worker
      // module, instantiating the Wasm) before it listens, and asking the store leaves the edge isolate untouched,
      // so its first request is the cold one.
      await waitForHttp(`http://${host}:${storePort}/?prefix=none`, options.timeoutMs ?? 15_000, () => exitReason);
      await Promise.all((options.single ? [port] : [port, portB]).map((p) => waitForPort(host, p, 5_000)));
    } catch (err) {
      child.kill("SIGTERM");
      // A port taken between the pick and the bind: pick again (a few times).
      if (base === 0 && attempt < 3 && /address already in use|bind/i.test(stderr)) continue;
      rmSync(work, { recursive: true, force: true });
      throw err;
    }
    const listeningMs = performance.now() - spawnedAt;
    return {
      url,
      urlB: options.single ? "" : `http://${host}:${portB}`,
      storeUrl: `http://${host}:${storePort}`,
      adminToken,
      pid: child.pid,
      spawnedAt,
      listeningMs,
      bundle,
      async close() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(work, { recursive: true, force: true });
      },
    };
  }
}

/**
 * Writes a value into the demo's KV namespace through the store socket (KV's HTTP protocol).
 * @param {string} storeUrl
 * @param {string} key
 * @param {unknown} value an object is stored as its JSON text
 */
export async function putKv(storeUrl, key, value) {
  const body = typeof value === "string" ? value : JSON.stringify(value);
  const response = await fetch(`${storeUrl}/${encodeURIComponent(key)}?urlencoded=true`, { method: "PUT", body });
  if (!response.ok) throw new Error(`PUT ${key}: ${response.status}`);
}

/**
 * Reads a value of the demo's KV namespace, or `null`.
 * @param {string} storeUrl
 * @param {string} key
 */
export async function getKv(storeUrl, key) {
  const response = await fetch(`${storeUrl}/${encodeURIComponent(key)}?urlencoded=true`);
  return response.status === 404 ? null : response.text();
}

function parseArgs(/** @type {string[]} */ argv) {
  /** @type {{ host?: string, port?: number, model?: string }} */
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--host" && value) options.host = value;
    else if (flag === "--port" && value && /^\d+$/.test(value)) options.port = Number(value);
    else if (flag === "--model" && value) options.model = value;
    else throw new Error(`launch: unknown or incomplete argument "${flag}"`);
  }
  return options;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const edge = await startEdge({ port: 8787, ...options, log: true });
  const size = edge.bundle ? `, bundle ${(edge.bundle.gzip / 1024).toFixed(1)} KB gzipped` : "";
  console.log(`edge: workerd serving the edge Worker on ${edge.url}/ (personalized demo page; API ${edge.url}/v1/decide)${size}`);
  console.log(`edge: second instance ${edge.urlB}/, KV store ${edge.storeUrl}/, admin token ${edge.adminToken}`);
  const stop = async () => {
    await edge.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
