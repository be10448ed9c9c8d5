// The script-tag build (`nextoffer-widget.js`): a classic script that registers `<nextoffer-offers>`, takes
// page-wide settings from its own `data-` attributes, and runs the commands queued in `window.nextoffer`
// before it loaded (and after, through the same `push`):
//
//   <script>window.nextoffer = window.nextoffer || []; nextoffer.push(["consent", true]);</script>
//   <script async src="/pkg/widget/nextoffer-widget.js" data-model="/demo/model.json" data-locale="ja"></script>
//
// Loaded twice, the second copy finds the first one's API in place and does nothing.

import { configure, define, defaults, forgetAll, purchaseAll } from "./element.js";
import { preloadEngine, setEngineLoader } from "./engine.js";

/** @typedef {import("./element.js").WidgetDefaults} WidgetDefaults */
/** @typedef {[string, ...unknown[]] | ((api: NextofferApi) => void)} Command */
/** @typedef {{ loaded: true, version: string, push: (...commands: Command[]) => void, defaults: WidgetDefaults }} NextofferApi */

// esbuild replaces __WIDGET_VERSION__ with the package version (scripts/build-widget.sh).
// @ts-ignore: defined at build time only
const VERSION = typeof __WIDGET_VERSION__ === "string" ? __WIDGET_VERSION__ : "dev";

/** @type {Record<string, (...args: any[]) => void>} */
const commands = {
  config: (/** @type {WidgetDefaults} */ options) => configure(options),
  consent: (/** @type {boolean} */ granted) => configure({ consent: granted !== false }),
  customer: (/** @type {WidgetDefaults["customer"]} */ customer) => configure({ customer }),
  cart: (/** @type {string[]} */ cart) => configure({ cart: [...cart] }),
  purchase: (/** @type {string | string[]} */ productIds) => purchaseAll(productIds),
  forget: () => forgetAll(),
  on: (/** @type {string} */ type, /** @type {(detail: unknown, event: Event) => void} */ callback) => {
    document.addEventListener(type, (event) => {
      try {
        callback(/** @type {CustomEvent} */ (event).detail, event);
      } catch (err) {
        // A failing host callback must not stop the widget or the other callbacks.
        console.error("nextoffer: an `on` callback threw", err);
      }
    });
  },
};

/** @param {Command} command */
function run(command) {
  try {
    if (typeof command === "function") {
      command(/** @type {NextofferApi} */ (api));
      return;
    }
    const [name, ...args] = command;
    const handler = commands[name];
    if (!handler) throw new Error(`unknown command ${JSON.stringify(name)}`);
    handler(...args);
  } catch (err) {
    console.error("nextoffer: a queued command failed", err);
  }
}

/** @type {NextofferApi} */
const api = { loaded: true, version: VERSION, push: (...items) => items.forEach(run), defaults };

const win = /** @type {Window & { nextoffer?: Command[] | NextofferApi }} */ (window);
const queued = win.nextoffer;
if (!(queued && "loaded" in queued)) {
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  const base = script?.src || document.baseURI;
  const data = script?.dataset ?? {};
  const engineUrl = new URL(data.engine ?? "../web/nextoffer.js", base).href;
  setEngineLoader(() => import(engineUrl), new URL("nextoffer_bg.wasm", engineUrl));
  /** @type {WidgetDefaults} */
  const options = {};
  if (data.model) options.model = data.model;
  if (data.locale) options.locale = data.locale;
  if (data.placement) options.placement = data.placement;
  if (data.limit) options.limit = Number(data.limit);
  if (data.storeKey) options.storeKey = data.storeKey;
  if (data.timeout) options.timeout = Number(data.timeout);
  if (data.consent !== undefined) options.consent = data.consent !== "false";
  Object.assign(defaults, options);
  win.nextoffer = api;
  if (Array.isArray(queued)) queued.forEach(run);
  // With a page-wide model, the engine and the model start loading now, while the page is still parsing,
  // rather than when the parser reaches the first <nextoffer-offers> (behind the page's stylesheets and
  // blocking scripts), and before the widgets already parsed are set up (define). Not on a page that finished
  // loading without any widget: it pays nothing.
  if (defaults.model && (document.readyState === "loading" || document.querySelector("nextoffer-offers"))) {
    preloadEngine(defaults.model);
  }
  define();
}
