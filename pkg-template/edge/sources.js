// Where the handler's inputs come from: the model (a static value, a URL, or a key of a store) and the stores
// (given as objects, as names of bindings of the Worker's `env`, or as functions of `env`).

import { HttpError } from "./http.js";
import { keys } from "./store.js";

/** @typedef {import("./index.d.ts").EdgeOptions} EdgeOptions */
/** @typedef {import("./store.js").ProfileStore} ProfileStore */

/**
 * The model object, text or bytes: a static value, a URL fetched once (its bytes), or a key of a KV namespace.
 * @param {EdgeOptions} options
 * @param {unknown} env
 * @returns {Promise<import("../server/nextoffer.js").Model | string | Uint8Array>}
 */
export async function loadModel(options, env) {
  if (options.model !== undefined) {
    const model = typeof options.model === "function" ? await options.model(env) : options.model;
    if (model === undefined || model === null) throw new Error("the model option resolved to nothing");
    return model;
  }
  if (options.modelUrl !== undefined) {
    const url = typeof options.modelUrl === "function" ? options.modelUrl(env) : options.modelUrl;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
    // Bytes, not text: one copy into Wasm memory (see the `model` option).
    return new Uint8Array(await response.arrayBuffer());
  }
  const spec = options.modelKv ?? {};
  const store = resolveStore(spec.binding ?? options.profiles, env, "modelKv.binding");
  const key = spec.key ?? keys.model;
  const text = await store.get(key);
  if (text === null) throw new Error(`no model at key "${key}" of the store`);
  return text;
}

/**
 * A store given as itself, as the name of a binding in `env`, or as a function of `env`.
 * @param {EdgeOptions["profiles"]} spec
 * @param {unknown} env
 * @param {string} what
 * @returns {ProfileStore}
 */
export function resolveStore(spec, env, what) {
  if (typeof spec === "function") return spec(env);
  if (typeof spec === "string") {
    const store = /** @type {Record<string, ProfileStore> | undefined} */ (env)?.[spec];
    if (!store) throw new HttpError(500, "store-unbound", `no binding "${spec}" in env for ${what}`);
    return store;
  }
  if (!spec) throw new HttpError(500, "store-unbound", `no store for ${what}`);
  return spec;
}

