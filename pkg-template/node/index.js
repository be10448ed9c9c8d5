// The Node entry of nextoffer: the same module as the web entry, initialized at import from the .wasm file
// beside it, so `import { Engine } from "nextoffer"` is ready to use with no `await init()`.
import { readFileSync } from "node:fs";
import { initSync } from "../web/nextoffer.js";

initSync({ module: readFileSync(new URL("../web/nextoffer_bg.wasm", import.meta.url)) });

export * from "../web/nextoffer.js";

/** Already initialized at import; kept so that code written for the browser entry (`await init()`) runs here
 * unchanged. Resolves to the module's exports. */
export default async function init() {
  return initSync();
}
