// Declarations of `nextoffer/widget` (the ES module) and of the `<nextoffer-offers>` element, its events and
// the `window.nextoffer` API of the script-tag build.

import type { CustomerData, Decision, LearnedState, Contact, Model, RankedOffer } from "../web/nextoffer.js";

/** Page-wide settings used by every widget that has no attribute or property of its own. */
export interface WidgetDefaults {
  model?: string | Model;
  locale?: string;
  consent?: boolean;
  customer?: CustomerData;
  cart?: string[];
  placement?: string;
  limit?: number;
  storeKey?: string;
  /** Milliseconds before the fallback shows when no offers rendered (default 1500). */
  timeout?: number;
}

/** The detail of `nextoffer-impression`, `nextoffer-click`, `nextoffer-dismiss` and `nextoffer-purchase`. */
export interface OfferEventDetail {
  offerId: string;
  productId?: string;
  rank: number;
  placement: string;
  decisionId: string;
  offer: RankedOffer;
}

/** What failed: loading the Wasm, the model, a decision, the local store, or nothing arrived in time. */
export type WidgetErrorCode = "wasm" | "model" | "engine" | "store" | "store-version" | "timeout";

/** The detail of `nextoffer-error`. */
export interface ErrorEventDetail {
  code: WidgetErrorCode;
  message: string;
}

/** The detail of `nextoffer-render`. */
export interface RenderEventDetail {
  decision: Decision;
}

/** The events of `<nextoffer-offers>` (they bubble and cross the shadow boundary). */
export interface NextofferEventMap {
  "nextoffer-impression": CustomEvent<OfferEventDetail>;
  /** Cancelable: `preventDefault()` stops the link's navigation (a single-page app routes itself). */
  "nextoffer-click": CustomEvent<OfferEventDetail>;
  "nextoffer-dismiss": CustomEvent<OfferEventDetail>;
  "nextoffer-purchase": CustomEvent<OfferEventDetail>;
  "nextoffer-error": CustomEvent<ErrorEventDetail>;
  "nextoffer-render": CustomEvent<RenderEventDetail>;
}

/** `<nextoffer-offers placement="cart" limit="3" model="/model.json">fallback</nextoffer-offers>` */
export class NextofferOffers extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The model's placement (attribute `placement`, default `product`). */
  placement: string;
  /** At most this many cards, 1 to 100 (attribute `limit`, default 3). */
  limit: number;
  /** A model URL (attribute `model`) or a model object. */
  model: string | Model | undefined;
  /** The customer; the attribute `customer-id` gives the id alone. */
  customer: CustomerData | undefined;
  /** Product ids in the cart (attribute `cart`, separated by spaces or commas). */
  cart: string[];
  /** Locale of labels and prices (attribute `locale`, else the page's `lang`, else the browser's). */
  locale: string;
  /** Whether local storage may be used (attribute `consent`); nothing is stored before. */
  consent: boolean;
  /** Prefix of the localStorage keys (attribute `store-key`, default `nextoffer`). */
  readonly storeKey: string;
  /** The decision on display. */
  readonly decision: Decision | null;
  /** `loading`, `ready`, `empty` or `fallback` (reflected as the `state` attribute). */
  readonly state: "loading" | "ready" | "empty" | "fallback";
  /** Decides again. */
  refresh(): void;
  /** Records purchases of products for the offers this element showed for them. */
  purchase(productIds: string | string[]): void;
  /** Removes what was stored on this device and stops storing. */
  forget(): void;
  connectedCallback(): void;
  disconnectedCallback(): void;
  attributeChangedCallback(): void;
  addEventListener<K extends keyof NextofferEventMap>(
    type: K,
    listener: (this: NextofferOffers, event: NextofferEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: NextofferOffers, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

/** Registers `<nextoffer-offers>` (once; later calls return the registered class). */
export function define(): CustomElementConstructor;
/** Changes the page-wide settings and refreshes every widget. */
export function configure(options: WidgetDefaults): void;
/** The page-wide settings. */
export const defaults: WidgetDefaults;
/** Removes what was stored on this device and stops storing, for every widget on the page. */
export function forgetAll(): void;
/** Records purchases in every widget on the page. */
export function purchaseAll(productIds: string | string[]): void;
/**
 * Where the engine module is imported from (the script-tag build uses the file next to its own URL), and
 * optionally its .wasm, which is then fetched and compiled while the module is imported.
 */
export function setEngineLoader(loader: () => Promise<typeof import("../web/nextoffer.js")>, wasm?: string | URL): void;

/** An error of the widget, with the stage that failed. */
export class WidgetError extends Error {
  constructor(code: WidgetErrorCode, message: string, cause?: unknown);
  name: "NextofferWidgetError";
  code: WidgetErrorCode;
}

/** What the widget stores on the device. */
export interface StoreData {
  learned: LearnedState | null;
  contacts: Contact[];
}

export const STORE_FORMAT: "nextoffer-widget-store";
export const STORE_VERSION: 2;

/** A stored state of another format or a later version: rejected, never overwritten. */
export class StoreVersionError extends Error {
  constructor(message: string);
  code: "store-version";
}

/** The versioned, crash-safe local store (two slots and a pointer in localStorage). */
export class WidgetStore {
  constructor(key: string, storage?: Storage);
  readonly key: string;
  /** The stored data, or null; migrates version 1; throws `StoreVersionError`. */
  load(): StoreData | null;
  /** Writes the inactive slot then flips the pointer; false when the storage refused. */
  save(data: StoreData, now?: number): boolean;
  /** Removes every key of this store. */
  clear(): void;
}

/** A price in the locale's currency format, or "" without a price. */
export function formatPrice(price: number | undefined, currency: string, locale: string): string;
/** The offer's reason in plain words, Japanese or English. */
export function reasonText(offer: RankedOffer, lang: "ja" | "en"): string;

/** One command of the `window.nextoffer` queue. */
export type NextofferCommand =
  | ["config", WidgetDefaults]
  | ["consent", boolean]
  | ["customer", CustomerData]
  | ["cart", string[]]
  | ["purchase", string | string[]]
  | ["forget"]
  | ["on", keyof NextofferEventMap, (detail: unknown, event: Event) => void]
  | ((api: NextofferApi) => void);

/** `window.nextoffer` once the script-tag build has loaded. */
export interface NextofferApi {
  loaded: true;
  version: string;
  push(...commands: NextofferCommand[]): void;
  defaults: WidgetDefaults;
}

declare global {
  interface HTMLElementTagNameMap {
    "nextoffer-offers": NextofferOffers;
  }
  interface HTMLElementEventMap extends NextofferEventMap {}
  interface Window {
    nextoffer?: NextofferCommand[] | NextofferApi;
  }
}
