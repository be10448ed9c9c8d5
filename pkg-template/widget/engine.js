// Loads the Wasm engine and the models, once per page: every widget showing the same model shares one
// `Engine` (one copy of the model in memory, one set of learned counts, one contact history).
//
// The engine module is imported lazily, so a page pays for the Wasm only when a widget connects. The ES module
// build imports `../web/nextoffer.js` next to it in the package (bundlers follow that import and its .wasm);
// the script-tag build points the loader at the same file next to its own URL (`setEngineLoader`).

/** @typedef {typeof import("nextoffer/web")} EngineModule */
/** @typedef {import("nextoffer/web").Engine} Engine */
/** @typedef {import("nextoffer/web").Model} Model */
/** @typedef {import("nextoffer/web").Contact} Contact */

/** An error of the widget, with the stage that failed. */
export class WidgetError extends Error {
  /**
   * @param {"wasm" | "model" | "engine" | "store" | "store-version" | "timeout"} code
   * @param {string} message
   * @param {unknown} [cause]
   */
  constructor(code, message, cause) {
    super(message, { cause });
    this.name = "NextofferWidgetError";
    this.code = code;
  }
}

/** @type {() => Promise<EngineModule>} */
// The path is the package's layout (pkg/widget/ beside pkg/web/), not this source folder's.
// @ts-ignore: resolved in the built package only
let loadModule = () => import("../web/nextoffer.js");
/** @type {string | null} the engine's .wasm, when the loader knows where it is */
let wasmUrl = null;
/** @type {Promise<EngineModule> | null} */
let moduleReady = null;

/**
 * Where the engine module comes from (the script-tag build resolves it next to its own URL), and optionally its
 * .wasm, which is then fetched and compiled while the module is imported.
 * @param {() => Promise<EngineModule>} loader
 * @param {string | URL} [wasm]
 */
export function setEngineLoader(loader, wasm) {
  loadModule = loader;
  wasmUrl = wasm ? String(wasm) : null;
  moduleReady = null;
}

/**
 * Fetches and compiles the engine's .wasm. Streaming compilation needs the `application/wasm` type; a host
 * server that sends another type still works, compiling from the whole body.
 * @param {string} url
 * @returns {Promise<WebAssembly.Module>}
 */
async function compileWasm(url) {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`the engine's .wasm at ${url} answered HTTP ${res.status}`);
  if (res.headers.get("content-type")?.split(";")[0].trim() === "application/wasm") return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}

/** @returns {Promise<EngineModule>} the engine module, its Wasm instantiated */
function engineModule() {
  moduleReady ??= (async () => {
    // The .wasm is fetched and compiled at once, beside the import of the module, instead of by the module
    // once it has loaded and run: without a preload in the page that is one round trip less before the first
    // render, and the compilation overlaps the import either way.
    const wasm = wasmUrl ? compileWasm(wasmUrl) : undefined;
    wasm?.catch(() => {}); // reported through the init below, never as an unhandled rejection
    if (!wasm) {
      const mod = await loadModule();
      await mod.default();
      return mod;
    }
    // Instantiated synchronously once both are here: the asynchronous instantiation would wait for one more
    // turn of the main thread, behind the page's own layout and paint during a page load (a compiled module
    // whose functions are compiled lazily instantiates in well under a millisecond).
    const [mod, module] = await Promise.all([loadModule(), wasm]);
    mod.initSync({ module });
    return mod;
  })().catch((err) => {
    moduleReady = null; // let a later widget try again
    throw new WidgetError("wasm", `the engine could not load: ${err instanceof Error ? err.message : err}`, err);
  });
  return moduleReady;
}

/**
 * One loaded model and what the page learned with it.
 * `pending` holds what this page recorded since its last successful save, and `emptyState` the engine's state
 * before anything was recorded: each save rebuilds the engine as the stored state plus the pending events, so
 * two tabs saving in turn both keep their counts, and consent given twice never adds the stored counts twice.
 * @typedef {{ event: import("nextoffer/web").FeedbackEvent, contact: Contact }} PendingEvent
 * @typedef {{ engine: Engine, contacts: Contact[], storeKey: string | null,
 *   store: import("./store.js").WidgetStore | null, pending: PendingEvent[],
 *   emptyState: import("nextoffer/web").LearnedState | null }} Shared
 */

/** @type {Map<string, Promise<Shared>>} */
const byUrl = new Map();
/** @type {WeakMap<object, Promise<Shared>>} */
const byObject = new WeakMap();

/**
 * The shared engine of a model given by URL (fetched once) or as an object.
 * @param {string | Model} model
 * @returns {Promise<Shared>}
 */
export function sharedEngine(model) {
  if (typeof model === "string") {
    const url = new URL(model, document.baseURI).href;
    let entry = byUrl.get(url);
    if (!entry) {
      entry = load(url);
      byUrl.set(url, entry);
      entry.catch(() => byUrl.delete(url));
    }
    return entry;
  }
  let entry = byObject.get(model);
  if (!entry) {
    entry = load(model);
    byObject.set(model, entry);
    entry.catch(() => byObject.delete(model));
  }
  return entry;
}

/**
 * The engine's state before anything was recorded, taken when first needed rather than before the first
 * render (the export's first call compiles its Wasm functions: up to 4 ms of main-thread time on a fresh page).
 * Only `record` and `importState` change the state (a decision does not), so it must be called before either.
 * @param {Shared} shared
 * @returns {import("nextoffer/web").LearnedState}
 */
export function emptyStateOf(shared) {
  return (shared.emptyState ??= shared.engine.exportState());
}

/**
 * Starts loading the engine and a model before any widget asks for them (the script tag does this as soon as
 * it runs, when the page names a model): the element then finds them under way, or ready, when the parser
 * reaches it. A failure here is not reported; the widget that asks next gets it (and shows its fallback).
 * @param {string | Model} model
 */
export function preloadEngine(model) {
  sharedEngine(model).catch(() => {});
}

/**
 * Forgets a model's engine after a fatal error (a trap in Wasm leaves the instance unusable).
 * @param {string | Model} model
 */
export function dropEngine(model) {
  if (typeof model === "string") byUrl.delete(new URL(model, document.baseURI).href);
  else byObject.delete(model);
}

/**
 * @param {string | Model} model
 * @returns {Promise<Shared>}
 */
async function load(model) {
  const modelSource = typeof model === "string" ? fetchModel(model) : Promise.resolve(model);
  const module = engineModule();
  const [mod, source] = await Promise.all([module, modelSource]);
  try {
    const engine = source instanceof Uint8Array ? mod.Engine.fromBytes(source) : new mod.Engine(source);
    return { engine, contacts: [], storeKey: null, store: null, pending: [], emptyState: null };
  } catch (err) {
    throw new WidgetError("model", `the model is not valid: ${err instanceof Error ? err.message : err}`, err);
  }
}

/**
 * The model's bytes: the engine copies them into Wasm memory at once, where a string is copied a character at a
 * time by code that is not optimised yet on a fresh page.
 *
 * Read with XMLHttpRequest rather than `fetch`: its `load` event comes in one task of the main thread once the
 * body is in, where `fetch` takes two (the response, then `arrayBuffer()`), and during a page load each task
 * waits its turn behind the page's parsing, layout and scripts: on the demo shop the response came some 35 ms
 * after the widget's script ran and the bytes 20 ms after that, although the preload had them long before. Both
 * take the page's `<link rel="preload" as="fetch" crossorigin>` of the model (same URL, same-origin credentials).
 * In A/B runs of the widget bench (2 x 21 interleaved pairs, a 2-core machine at load 8-11), first render median
 * 0.81x and 0.76x, the median of the pairs' ratios 0.92x both times.
 * @param {string} url
 * @returns {Promise<Uint8Array>}
 */
function fetchModel(url) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.responseType = "arraybuffer";
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(new Uint8Array(xhr.response));
      else reject(new WidgetError("model", `the model at ${url} answered HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new WidgetError("model", `the model could not be fetched from ${url}`));
    xhr.send();
  });
}
