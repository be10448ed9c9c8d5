// `nextoffer/edge` for the other fetch runtimes (Vercel and Netlify edge, Deno, bundlers): the server build
// (speed-optimised, with the recommender) through its web-style glue,
// initialized on the first request from `options.wasm` (a precompiled `WebAssembly.Module`, as Vercel's
// `import wasm from "nextoffer/server/nextoffer_bg.wasm?module"` gives, or bytes, or a URL), or else from the
// .wasm file beside the module, fetched once.
import init, * as engine from "../server/nextoffer.js";
import { createEdgeHandler } from "./handler.js";

export { defaultIdentify } from "./visitor.js";

export { memoryStore, keys } from "./store.js";
export { escapeHtml, renderOffers } from "./render.js";
export { rewriteSlots } from "./rewriter.js";

/** @type {Promise<unknown> | null} */
let initialized = null;

/**
 * A fetch handler: `(request, env, ctx) => Promise<Response>` as `handler.fetch`.
 * @param {import("./index.d.ts").EdgeOptions & { wasm?: WebAssembly.Module | BufferSource | URL | string }} options
 * @returns {import("./index.d.ts").EdgeHandler}
 */
export function createHandler(options) {
  const ready = () => (initialized ??= options.wasm === undefined ? init() : init({ module_or_path: options.wasm }));
  return createEdgeHandler({ Engine: engine.Engine, ready }, options);
}
