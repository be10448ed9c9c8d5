// The Node entry of nextoffer/insight: the insight module (a second .wasm, kept out of the engine's), initialized
// at import from the .wasm file, so `import { insight } from "nextoffer/insight"` is ready with no `await init()`.
import { readFileSync } from "node:fs";
import { initSync } from "../insight/nextoffer_insight.js";

initSync({ module: readFileSync(new URL("../insight/nextoffer_insight_bg.wasm", import.meta.url)) });

export * from "../insight/nextoffer_insight.js";

/** Already initialized at import; kept so that code written for the browser entry (`await init()`) runs here
 * unchanged. Resolves to the module's exports. */
export default async function init() {
  return initSync();
}
