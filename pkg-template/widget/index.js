// The ES module entry of the widget (`import { define } from "nextoffer/widget"`). No side effects: nothing
// is registered until `define()` is called, so a bundler can drop what a page does not use.

export { NextofferOffers, configure, define, defaults, forgetAll, purchaseAll } from "./element.js";
export { WidgetError, setEngineLoader } from "./engine.js";
export { STORE_FORMAT, STORE_VERSION, StoreVersionError, WidgetStore } from "./store.js";
export { formatPrice, reasonText } from "./text.js";
