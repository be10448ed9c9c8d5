// `nextoffer/edge` in workerd and Cloudflare Workers: the engine of the workerd entry, instantiated at import
// from the `WebAssembly.Module` the runtime compiled ahead (Workers forbid compiling Wasm at run time).
import * as engine from "../workerd/index.js";
import { createEdgeHandler } from "./handler.js";

export { defaultIdentify } from "./visitor.js";

export { memoryStore, keys } from "./store.js";
export { escapeHtml, renderOffers } from "./render.js";
export { rewriteSlots } from "./rewriter.js";

/**
 * A fetch handler (`export default createHandler({...})` is a complete Worker).
 * @param {import("./index.d.ts").EdgeOptions} options
 * @returns {import("./index.d.ts").EdgeHandler}
 */
export function createHandler(options) {
  return createEdgeHandler(engine, options);
}
