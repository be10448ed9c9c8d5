// `nextoffer/edge` in Node 20+ (and Deno through its Node compatibility): the engine of the Node entry,
// instantiated at import from the package's .wasm file. Node has no HTMLRewriter: slots are filled by the
// streaming fallback of rewriter.js.
import * as engine from "../node/index.js";
import { createEdgeHandler } from "./handler.js";

export { defaultIdentify } from "./visitor.js";

export { memoryStore, keys } from "./store.js";
export { escapeHtml, renderOffers } from "./render.js";
export { rewriteSlots } from "./rewriter.js";

/**
 * A fetch handler: `(request, env, ctx) => Promise<Response>` as `handler.fetch`.
 * @param {import("./index.d.ts").EdgeOptions} options
 * @returns {import("./index.d.ts").EdgeHandler}
 */
export function createHandler(options) {
  return createEdgeHandler(engine, options);
}
