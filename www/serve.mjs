// The development server of `make run`: serves www/ at / and the built package pkg/ at /pkg/ on loopback,
// with the right MIME type for .wasm (so `WebAssembly.instantiateStreaming` works) and caching that always
// asks again (`no-cache` with an ETag of the file's size and mtime: a rebuild shows at the next reload, an
// unchanged file is a 304, and the browser keeps its compiled code of the scripts and the .wasm for the next
// page). When www/ has no index.html, / lists the pages that exist.
// The demo shop (/shop/) is served under a strict Content-Security-Policy, the one a careful host would set:
// the widget must work with nothing but same-origin scripts and Wasm compilation allowed.
//
//   node www/serve.mjs [--host 127.0.0.1] [--port 8080]

import { createServer } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { extname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const wwwDir = fileURLToPath(new URL(".", import.meta.url));
const rootDir = join(wwwDir, "..");
const mounts = [
  { prefix: "/pkg/", dir: join(rootDir, "pkg") },
  { prefix: "/", dir: wwwDir },
];
// Folders of www/ that are tooling, not pages.
const hidden = new Set(["test", "bench", "node_modules"]);

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webp": "image/webp",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
};

// Pages served under the strict policy: only same-origin resources, no inline script or style, Wasm allowed.
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const strictPrefixes = ["/shop/"];

function parseArgs(argv) {
  const options = { host: "127.0.0.1", port: 8080 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--host" && value) options.host = value;
    else if (flag === "--port" && value && /^\d+$/.test(value)) options.port = Number(value);
    else throw new Error(`serve: unknown or incomplete argument "${flag}"`);
  }
  return options;
}

/** Maps a URL path to a file under one of the mounts, refusing anything that escapes it. */
function resolvePath(urlPath) {
  for (const { prefix, dir } of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    const file = normalize(join(dir, decodeURIComponent(urlPath.slice(prefix.length))));
    if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return null;
    return file;
  }
  return null;
}

/** @type {Map<string, { mtimeMs: number, size: number, bytes: Buffer, etag: string }>} */
const cache = new Map();

/**
 * A file's bytes (a folder's index.html), kept in memory while its size and modification time stay the same,
 * so a rebuild still shows at the next reload. Synchronous on purpose: a `stat` and a read of a small local
 * file take microseconds, while the two trips through libuv's thread pool and back to the event loop (which
 * the tests and benches share with their browser driver) cost a response 4.5 ms at the median and up to
 * 160 ms on a busy two-core machine (43 responses of the shop's product page; 0.1 ms and 5.5 ms now).
 * @param {string} path
 * @returns {{ path: string, bytes: Buffer, etag: string } | null}
 */
function readCached(path) {
  let info = statSync(path, { throwIfNoEntry: false });
  if (info?.isDirectory()) {
    path = join(path, "index.html");
    info = statSync(path, { throwIfNoEntry: false });
  }
  if (!info?.isFile()) return null;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return { path, bytes: hit.bytes, etag: hit.etag };
  const bytes = readFileSync(path);
  const etag = `"${info.size.toString(36)}-${Math.round(info.mtimeMs * 1000).toString(36)}"`;
  cache.set(path, { mtimeMs: info.mtimeMs, size: info.size, bytes, etag });
  return { path, bytes, etag };
}

/** The HTML pages under www/ (one level of folders deep), for the generated index page. */
async function listPages() {
  const pages = [];
  for (const entry of await readdir(wwwDir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".html")) pages.push(entry.name);
    if (entry.isDirectory() && !hidden.has(entry.name)) {
      for (const inner of await readdir(join(wwwDir, entry.name))) {
        if (inner.endsWith(".html")) pages.push(`${entry.name}/${inner}`);
      }
    }
  }
  return pages.sort();
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function indexPage() {
  const pages = await listPages();
  let built = false;
  try {
    built = (await stat(join(rootDir, "pkg", "web", "nextoffer_bg.wasm"))).isFile();
  } catch {
    built = false;
  }
  const items = pages.map((p) => `<li><a href="/${escapeHtml(p)}">${escapeHtml(p)}</a></li>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nextoffer demos</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}</style></head>
<body><h1>nextoffer</h1>
<p>Package: ${built ? '<a href="/pkg/package.json">pkg/</a> (built)' : "pkg/ is not built: run <code>make build</code>"}</p>
<h2>Pages</h2>
${items ? `<ul>\n${items}\n</ul>` : "<p>No demo pages yet.</p>"}
</body></html>`;
}

async function handle(req, res) {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  let file = resolvePath(url.pathname);
  if (file === null) {
    res.writeHead(403).end("forbidden\n");
    return;
  }
  try {
    const found = readCached(file);
    if (found === null) throw new Error(`not a file: ${file}`);
    file = found.path;
    const type = types[extname(file)] ?? "application/octet-stream";
    const headers = { "content-type": type, "cache-control": "no-cache", etag: found.etag };
    if (strictPrefixes.some((prefix) => url.pathname.startsWith(prefix))) headers["content-security-policy"] = STRICT_CSP;
    if (req.headers["if-none-match"]?.split(/\s*,\s*/).includes(found.etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : found.bytes);
  } catch {
    if (url.pathname === "/" || url.pathname === "/index.html") {
      res.writeHead(200, { "content-type": types[".html"], "cache-control": "no-store" });
      res.end(await indexPage());
      return;
    }
    res.writeHead(404, { "content-type": types[".txt"] }).end(`not found: ${url.pathname}\n`);
  }
}

/**
 * Starts the server; resolves with it and its base URL once it listens (port 0: a free port). Tests start it
 * in their own process this way.
 * @param {{ host?: string, port?: number }} [options]
 * @returns {Promise<{ server: import("node:http").Server, baseUrl: string }>}
 */
export function startServer({ host = "127.0.0.1", port = 0 } = {}) {
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500).end(`${err}\n`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      resolve({ server, baseUrl: `http://${host}:${actualPort}` });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { host, port } = parseArgs(process.argv.slice(2));
  const { baseUrl: base } = await startServer({ host, port });
  console.log(`nextoffer dev server on ${base}/ (Ctrl-C to stop)`);
  console.log(`  ${base}/            index of the demo pages`);
  for (const page of await listPages()) console.log(`  ${base}/${page}`);
  console.log(`  ${base}/pkg/        the built package (${relative(rootDir, mounts[0].dir)}/)`);
}
