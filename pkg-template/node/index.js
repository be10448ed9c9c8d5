// The Node entry of nextoffer: the web entry's module built for speed (pkg/server/), initialized at import
// from its .wasm file, so `import { Engine } from "nextoffer"` is ready to use with no `await init()`.
import { readFileSync } from "node:fs";
import { initSync } from "../server/nextoffer.js";

initSync({ module: readFileSync(new URL("../server/nextoffer_bg.wasm", import.meta.url)) });

export * from "../server/nextoffer.js";

/** Already initialized at import; kept so that code written for the browser entry (`await init()`) runs here
 * unchanged. Resolves to the module's exports. */
export default async function init() {
  return initSync();
}
