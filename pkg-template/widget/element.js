// The `<nextoffer-offers>` custom element: asks the engine which offers to show for the customer, the cart and
// the placement, renders them as cards in its shadow root, and feeds what the visitor does with them
// (impressions, clicks, dismissals, purchases) back into the engine and, after consent, into local storage.
//
// It is a guest on someone else's page: every text goes in as text, every URL is checked, every failure ends
// in the fallback content the host put inside the element (within `timeout`, 1.5 s by default) and a
// `nextoffer-error` event, never in an uncaught error.

import { WidgetError, dropEngine, emptyStateOf, sharedEngine } from "./engine.js";
import { StoreVersionError, WidgetStore } from "./store.js";
import { css } from "./styles.js";
import { formatPrice, labels, language, reasonText, safeUrl } from "./text.js";

/** Events kept in memory for the next save; beyond it the oldest go (the store keeps 200 contacts anyway). */
const MAX_PENDING = 1000;

/**
 * The union of two contact histories in time order, each contact once (a tab's pending contacts may already be
 * in the stored history if an earlier save of that tab was written but not acknowledged).
 * @param {Contact[]} stored
 * @param {Contact[]} mine
 * @returns {Contact[]}
 */
function mergeContacts(stored, mine) {
  const key = (/** @type {Contact} */ c) => `${c.at}\u0000${c.offerId}\u0000${c.event}\u0000${c.placement ?? ""}`;
  const seen = new Set(stored.map(key));
  const merged = [...stored, ...mine.filter((c) => !seen.has(key(c)))];
  return merged.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** @typedef {import("nextoffer/web").Model} Model */
/** @typedef {import("nextoffer/web").Contact} Contact */
/** @typedef {import("nextoffer/web").CustomerData} CustomerData */
/** @typedef {import("nextoffer/web").Decision} Decision */
/** @typedef {import("nextoffer/web").RankedOffer} RankedOffer */
/** @typedef {import("nextoffer/web").EventType} EventType */
/** @typedef {import("./engine.js").Shared} Shared */

/**
 * Page-wide settings that every widget uses when it has no attribute or property of its own (the script tag's
 * `data-` attributes and `config` command set them).
 * @typedef {{ model?: string | Model, locale?: string, consent?: boolean, customer?: CustomerData,
 *   cart?: string[], placement?: string, limit?: number, storeKey?: string, timeout?: number }} WidgetDefaults
 */

// One page may hold two copies of this module (the script tag and a bundle): they share the settings and the
// set of connected widgets through one global slot, so a command queued for one copy reaches every widget.
const page = /** @type {{ defaults: WidgetDefaults, connected: Set<{ refresh(): void, forget(): void, purchase(ids: string | string[]): void }> }} */ (
  /** @type {any} */ (globalThis)[Symbol.for("nextoffer.widget")] ??= { defaults: {}, connected: new Set() }
);

/** @type {WidgetDefaults} */
export const defaults = page.defaults;

const connected = page.connected;

/**
 * Changes the page-wide settings and refreshes every widget on the page.
 * @param {WidgetDefaults} options
 */
export function configure(options) {
  Object.assign(defaults, options);
  for (const el of connected) el.refresh();
}

/**
 * Records purchases of products in every widget on the page (each records the offers it showed for them).
 * @param {string | string[]} productIds
 */
export function purchaseAll(productIds) {
  for (const el of connected) el.purchase(productIds);
}

/** Removes what the widgets stored on this device and stops storing, on every widget of the page. */
export function forgetAll() {
  configure({ consent: false });
  for (const el of connected) el.forget();
}

/** @type {CSSStyleSheet | null} */
let sheet = null;

/** A `<div>`, `<span>` … with a part name and text. */
function part(/** @type {string} */ tag, /** @type {string} */ name, text = "") {
  const el = document.createElement(tag);
  el.setAttribute("part", name);
  if (text) el.textContent = text;
  return el;
}

/** @param {string | null} value */
const list = (value) => (value ?? "").split(/[\s,]+/).filter(Boolean);

let uid = 0;
// Importing this module outside a browser (a bundler's server render, a Node test) must not throw.
const Base = /** @type {typeof HTMLElement} */ (globalThis.HTMLElement ?? class {});

/** The offer cards: `<nextoffer-offers placement="cart" limit="3" model="/model.json">fallback</nextoffer-offers>`. */
export class NextofferOffers extends Base {
  static observedAttributes = ["placement", "limit", "model", "customer-id", "cart", "locale", "consent", "store-key"];

  /** @type {ShadowRoot} */ #root;
  /** @type {string | Model | undefined} */ #model;
  /** @type {CustomerData | undefined} */ #customer;
  /** @type {string[] | undefined} */ #cart;
  /** @type {boolean | undefined} */ #consent;
  /** @type {Decision | null} */ #decision = null;
  /** @type {Shared | null} */ #shared = null;
  /** @type {IntersectionObserver | null} */ #observer = null;
  /** @type {Map<string, RankedOffer>} offers shown by this element, by id */ #shown = new Map();
  /** @type {Set<string>} offers whose impression was recorded (once per offer per page) */ #seen = new Set();
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #timer;
  #scheduled = false;
  #generation = 0;
  #rendered = false;
  #focusAfterRender = false;
  #id = `nextoffer-${++uid}`;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(css);
    this.#root.adoptedStyleSheets = [sheet];
  }

  // ------------------------------------------------------------------------------------------ settings

  /** Where the widget is shown: the model's placement (`product`, `cart` …). */
  get placement() {
    return this.getAttribute("placement") ?? defaults.placement ?? "product";
  }
  set placement(value) {
    this.setAttribute("placement", value);
  }

  /** How many cards at most (1 to 100, default 3). */
  get limit() {
    const n = Number(this.getAttribute("limit") ?? defaults.limit ?? 3);
    return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 3;
  }
  set limit(value) {
    this.setAttribute("limit", String(value));
  }

  /** The model: a URL (the `model` attribute) or a model object. */
  get model() {
    return this.#model ?? this.getAttribute("model") ?? defaults.model;
  }
  set model(value) {
    this.#model = value;
    this.#schedule();
  }

  /** The customer (id, attributes, purchases, owned products); the `customer-id` attribute gives the id alone. */
  get customer() {
    const id = this.getAttribute("customer-id");
    return this.#customer ?? (id ? { id } : defaults.customer);
  }
  set customer(value) {
    this.#customer = value;
    this.#schedule();
  }

  /** The product ids in the cart (the `cart` attribute: ids separated by spaces or commas). */
  get cart() {
    return this.#cart ?? (this.hasAttribute("cart") ? list(this.getAttribute("cart")) : defaults.cart ?? []);
  }
  set cart(value) {
    this.#cart = [...value];
    this.#schedule();
  }

  /** The locale of labels and prices: the attribute, the page's `lang`, then the browser's. */
  get locale() {
    return (
      this.getAttribute("locale") ??
      defaults.locale ??
      this.closest("[lang]")?.getAttribute("lang") ??
      globalThis.navigator?.language ??
      "en"
    );
  }
  set locale(value) {
    this.setAttribute("locale", value);
  }

  /** Whether the visitor agreed to local storage: nothing is read or written before. */
  get consent() {
    if (this.#consent !== undefined) return this.#consent;
    if (this.hasAttribute("consent")) return this.getAttribute("consent") !== "false";
    return defaults.consent === true;
  }
  set consent(value) {
    this.#consent = Boolean(value);
    this.#schedule();
  }

  /** The prefix of the localStorage keys (default `nextoffer`). */
  get storeKey() {
    return this.getAttribute("store-key") ?? defaults.storeKey ?? "nextoffer";
  }

  /** The decision on display, or null. */
  get decision() {
    return this.#decision;
  }

  /** `loading`, `ready`, `empty` or `fallback` (also reflected as the `state` attribute). */
  get state() {
    return this.getAttribute("state") ?? "loading";
  }

  // -------------------------------------------------------------------------------------------- lifecycle

  connectedCallback() {
    connected.add(this);
    if (!this.#rendered) this.#renderBusy();
    clearTimeout(this.#timer);
    const timeout = Number(this.getAttribute("timeout") ?? defaults.timeout ?? 1500);
    this.#timer = setTimeout(() => {
      if (!this.#rendered) this.#fail(new WidgetError("timeout", `no offers within ${timeout} ms`));
    }, timeout);
    this.#schedule();
  }

  disconnectedCallback() {
    connected.delete(this);
    clearTimeout(this.#timer);
    this.#observer?.disconnect();
    this.#generation++;
  }

  attributeChangedCallback() {
    this.#schedule();
  }

  /** Decides again now (after a change the element cannot see, e.g. inside the customer object). */
  refresh() {
    this.#schedule();
  }

  /**
   * Records the purchase of products: a `purchase` event for each offer this element showed for them.
   * @param {string | string[]} productIds
   */
  purchase(productIds) {
    const ids = new Set(typeof productIds === "string" ? [productIds] : productIds);
    let any = false;
    for (const offer of this.#shown.values()) {
      if (ids.has(offer.productId ?? offer.id) || ids.has(offer.id)) {
        this.#record("purchase", offer);
        any = true;
      }
    }
    if (any) this.#schedule();
  }

  /** Removes what the widgets stored on this device (for a withdrawn consent) and stops storing. */
  forget() {
    this.#consent = false;
    try {
      new WidgetStore(this.storeKey).clear();
    } catch {
      // storage unavailable: nothing stored either
    }
    if (this.#shared) {
      this.#shared.store = null;
      this.#shared.storeKey = null;
    }
  }

  // ------------------------------------------------------------------------------------------ deciding

  #schedule() {
    if (this.#scheduled || !this.isConnected) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.isConnected) this.#update();
    });
  }

  async #update() {
    const generation = ++this.#generation;
    const model = this.model;
    try {
      if (!model) throw new WidgetError("model", "no model: set the model attribute or property");
      const shared = await sharedEngine(model);
      if (generation !== this.#generation) return;
      this.#shared = shared;
      this.#openStore(shared);
      const decision = this.#decide(shared, model);
      this.#decision = decision;
      this.#render(decision);
    } catch (err) {
      if (generation === this.#generation) this.#fail(err);
    }
  }

  /**
   * @param {Shared} shared
   * @param {string | Model} model
   * @returns {Decision}
   */
  #decide(shared, model) {
    const customer = this.customer ?? {};
    try {
      return shared.engine.decide({
        customer: { ...customer, contacts: [...(customer.contacts ?? []), ...shared.contacts] },
        context: { now: new Date().toISOString(), placement: this.placement, cart: this.cart, locale: this.locale },
        limit: this.limit,
      });
    } catch (err) {
      // A trap leaves the Wasm instance unusable: drop it so the next load starts afresh.
      if (err instanceof WebAssembly.RuntimeError) {
        dropEngine(model);
        throw new WidgetError("engine", `the engine failed: ${err.message}`, err);
      }
      throw new WidgetError("engine", `the decision failed: ${err instanceof Error ? err.message : err}`, err);
    }
  }

  /**
   * After consent, once per page and store key: adds the stored counts and contacts to the shared engine.
   * @param {Shared} shared
   */
  #openStore(shared) {
    if (!this.consent) {
      shared.store = null;
      shared.storeKey = null;
      return;
    }
    if (shared.storeKey === this.storeKey) return;
    shared.storeKey = this.storeKey;
    shared.store = null;
    shared.store = new WidgetStore(this.storeKey);
    this.#save(shared);
  }

  /**
   * Saves what the page learned. The stored state is read again first, since another tab of the site may have
   * saved since: the engine becomes that state plus this page's pending events, and that is what is written.
   * @param {Shared} shared
   */
  #save(shared) {
    const store = shared.store;
    if (!store || !this.consent) return;
    let stored;
    try {
      stored = store.load();
    } catch (err) {
      const code = err instanceof StoreVersionError ? "store-version" : "store";
      this.#emit("nextoffer-error", { code, message: err instanceof Error ? err.message : String(err) });
      // Stop using a store this widget cannot read (a newer widget's, say): one error, never an overwrite.
      shared.store = null;
      return;
    }
    const engine = shared.engine;
    const empty = emptyStateOf(shared);
    try {
      engine.importState(stored?.learned ?? empty);
    } catch {
      // A stored state this model cannot take (saved under another model): start from nothing.
      engine.importState(empty);
    }
    for (const { event } of shared.pending) engine.record(event);
    shared.contacts = mergeContacts(stored?.contacts ?? [], shared.pending.map((p) => p.contact));
    let ok = false;
    try {
      ok = store.save({ learned: engine.exportState(), contacts: shared.contacts });
    } catch {
      ok = false;
    }
    if (ok) shared.pending = [];
    else this.#emit("nextoffer-error", { code: "store", message: "local storage refused the write" });
  }

  /**
   * Feeds one visitor action into the engine, the contact history and (after consent) the store.
   * @param {EventType} type
   * @param {RankedOffer} offer
   * @param {boolean} [cancelable] the event's default action (a click's navigation) can be cancelled
   * @returns {boolean} false when a listener cancelled the event
   */
  #record(type, offer, cancelable = false) {
    const shared = this.#shared;
    const decision = this.#decision;
    if (!shared) return true;
    const at = new Date().toISOString();
    const placement = this.placement;
    const segment = this.customer?.attributes?.segment;
    /** @type {import("nextoffer/web").FeedbackEvent} */
    const event = {
      type,
      offerId: offer.id,
      ...(typeof segment === "string" ? { segment } : {}),
      ...(decision ? { decisionId: decision.decisionId } : {}),
      placement,
      at,
    };
    try {
      emptyStateOf(shared); // taken before the first change
      shared.engine.record(event);
    } catch (err) {
      this.#emit("nextoffer-error", { code: "engine", message: err instanceof Error ? err.message : String(err) });
      return true;
    }
    const contact = { offerId: offer.id, event: type, at, placement };
    shared.contacts.push(contact);
    shared.pending.push({ event, contact });
    // Without consent nothing is saved: keep the latest events only, as the store itself would.
    if (shared.pending.length > MAX_PENDING) shared.pending.splice(0, shared.pending.length - MAX_PENDING);
    this.#save(shared);
    return this.#emit(
      `nextoffer-${type}`,
      { offerId: offer.id, productId: offer.productId, rank: offer.rank, placement, decisionId: decision?.decisionId ?? "", offer },
      cancelable,
    );
  }

  // ----------------------------------------------------------------------------------------- rendering

  /**
   * @param {string} type
   * @param {object} detail
   * @param {boolean} [cancelable]
   */
  #emit(type, detail, cancelable = false) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  /** @param {string} state */
  #setState(state) {
    this.setAttribute("state", state);
  }

  #renderBusy() {
    const busy = part("div", "busy");
    busy.setAttribute("role", "status");
    busy.setAttribute("aria-busy", "true");
    busy.setAttribute("aria-label", labels(language(this.locale)).loading);
    this.#root.replaceChildren(busy);
    this.#setState("loading");
  }

  /** @param {unknown} err */
  #fail(err) {
    clearTimeout(this.#timer);
    const code = err instanceof WidgetError ? err.code : "engine";
    const message = err instanceof Error ? err.message : String(err);
    this.#observer?.disconnect();
    this.#decision = null;
    const box = part("div", "fallback");
    box.append(document.createElement("slot"));
    this.#root.replaceChildren(box);
    this.#setState("fallback");
    this.#emit("nextoffer-error", { code, message });
  }

  /** @param {Decision} decision */
  #render(decision) {
    clearTimeout(this.#timer);
    const hadFocus = this.#root.activeElement !== null || this.#focusAfterRender;
    this.#focusAfterRender = false;
    this.#observer?.disconnect();
    const lang = language(this.locale);
    const words = labels(lang);
    const locale = this.locale;

    const base = part("section", "base");
    const heading = part("div", "heading", this.getAttribute("heading") ?? words.heading);
    heading.id = `${this.#id}-heading`;
    base.setAttribute("aria-labelledby", heading.id);
    const listEl = part("ul", "list");
    listEl.setAttribute("role", "list");
    /** @type {Map<Element, RankedOffer>} */
    const cards = new Map();
    for (const offer of decision.offers) {
      this.#shown.set(offer.id, offer);
      const card = part("li", "card");
      card.dataset.offerId = offer.id;
      const href = safeUrl(offer.link);
      const link = part(href ? "a" : "button", "link");
      if (link instanceof HTMLAnchorElement && href) link.href = href;
      else link.setAttribute("type", "button");
      const src = safeUrl(offer.image);
      if (src) {
        const img = part("img", "image");
        img.setAttribute("alt", "");
        img.setAttribute("width", "120");
        img.setAttribute("height", "120");
        img.setAttribute("decoding", "async");
        img.setAttribute("src", src);
        link.append(img);
      }
      const title = offer.title || offer.id;
      link.append(part("span", "title", title));
      link.addEventListener("click", (event) => this.#onClick(event, offer));
      card.append(link);
      const price = formatPrice(offer.price, offer.currency, locale);
      if (price) card.append(part("span", "price", price));
      card.append(part("span", "reason", reasonText(offer, lang)));
      const dismiss = part("button", "dismiss", "×");
      dismiss.setAttribute("type", "button");
      dismiss.setAttribute("aria-label", words.dismiss(title));
      dismiss.addEventListener("click", () => this.#onDismiss(offer));
      card.append(dismiss);
      listEl.append(card);
      cards.set(card, offer);
    }
    base.append(heading, listEl);
    this.#root.replaceChildren(base);
    this.#setState(decision.offers.length ? "ready" : "empty");
    if (hadFocus) /** @type {HTMLElement | null} */ (listEl.querySelector("[part=link]"))?.focus();

    this.#observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const offer = cards.get(entry.target);
          if (!entry.isIntersecting || !offer) continue;
          this.#observer?.unobserve(entry.target);
          if (this.#seen.has(offer.id)) continue;
          this.#seen.add(offer.id);
          this.#record("impression", offer);
        }
      },
      { threshold: 0.5 },
    );
    for (const card of cards.keys()) this.#observer.observe(card);

    if (!this.#rendered && decision.offers.length) {
      this.#rendered = true;
      performance.mark("nextoffer:first-render");
    }
    this.#emit("nextoffer-render", { decision });
  }

  /**
   * @param {MouseEvent} event
   * @param {RankedOffer} offer
   */
  #onClick(event, offer) {
    // A host that cancels `nextoffer-click` handles the navigation itself (a single-page app's router).
    if (!this.#record("click", offer, true)) event.preventDefault();
  }

  /** @param {RankedOffer} offer */
  #onDismiss(offer) {
    this.#record("dismiss", offer);
    this.#focusAfterRender = true;
    this.#schedule();
  }
}

/**
 * Registers `<nextoffer-offers>`; safe to call any number of times, from any number of copies of the script.
 * @returns {CustomElementConstructor}
 */
export function define() {
  const existing = customElements.get("nextoffer-offers");
  if (existing) return existing;
  customElements.define("nextoffer-offers", NextofferOffers);
  return NextofferOffers;
}
