// The demo Worker of `make run`: the `nextoffer/edge` handler over the bundled demo model, a KV namespace of
// customer profiles (STORE), and an origin service serving the demo page (ORIGIN). Bundled by esbuild
// (launch.mjs) exactly as wrangler would, and served by workerd with edge.capnp.
import { createHandler, defaultIdentify } from "nextoffer/edge";
// The model as bytes (a data module of edge.capnp: an ArrayBuffer), loaded while the isolate starts, not by the
// first request. Bytes rather than text: the engine copies them into Wasm memory at once, where a string is
// copied a character at a time by code not yet optimised in a fresh isolate (about 5 ms for a 257 KB model).
import modelData from "demo-model.json";

/** @typedef {{ STORE: import("nextoffer/edge").ProfileStore, ORIGIN: { fetch(r: Request): Promise<Response> }, ADMIN_TOKEN?: string,
 *   RECOMMENDER?: ArrayBuffer, RECOMMENDER_OPTIONS?: import("nextoffer").AttachRecommenderOptions }} Env */

const handler = createHandler({
  model: new Uint8Array(modelData),
  // A recommender, when the config binds one (launch.mjs --recommender FILE): a data binding of its bytes.
  recommender: (env) => /** @type {Env} */ (env).RECOMMENDER ?? null,
  recommenderOptions: (env) => /** @type {Env} */ (env).RECOMMENDER_OPTIONS,
  profiles: "STORE",
  origin: "ORIGIN",
  slots: { hero: { placement: "home", limit: 1 }, cart: { placement: "cart", limit: 3 } },
  // The demo lets `?customer=c-1001` stand for the cookie a site would set at login.
  identify: (request) => new URL(request.url).searchParams.get("customer") ?? defaultIdentify(request),
  adminToken: (env) => /** @type {Env} */ (env).ADMIN_TOKEN || undefined,
});

export default {
  /** @param {Request} request @param {Env} env @param {ExecutionContext} ctx */
  fetch: (request, env, ctx) => handler.fetch(request, env, ctx),
};
