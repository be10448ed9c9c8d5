// The workerd (Cloudflare Workers) entry, on the speed-optimised build (pkg/server/): the runtime compiles the
// .wasm ahead and hands this module a `WebAssembly.Module` (Workers forbid compiling Wasm from bytes at run
// time), which initializes the engine synchronously at import.
import wasmModule from "../server/nextoffer_bg.wasm";
import { initSync } from "../server/nextoffer.js";

initSync({ module: wasmModule });

export * from "../server/nextoffer.js";

/** Already initialized at import; kept so that code written for the browser entry (`await init()`) runs here
 * unchanged. Resolves to the module's exports. */
export default async function init() {
  return initSync();
}
