// `nextoffer/edge`: a fetch handler for Cloudflare Workers (workerd), Node 20+, Deno, Vercel and Netlify edge.
import type { AttachRecommenderOptions, Decision, Model } from "../server/nextoffer.js";

/** What the handler needs of a key-value store. A Cloudflare `KVNamespace` is one; so is `memoryStore()`. */
export interface ProfileStore {
  /** The value as text, or `null` when absent. */
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<unknown>;
  delete?(key: string): Promise<unknown>;
  list?(options: { prefix?: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}

/** A store given as itself, as the name of a binding of `env` (e.g. a KV namespace), or as a function of `env`. */
export type StoreOption = ProfileStore | string | ((env: unknown) => ProfileStore);

/** The `ctx` of a Workers fetch handler; its `waitUntil` keeps background flushes alive after the response. */
export interface EdgeContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** Where a page slot's decision comes from: `<div data-nextoffer-slot="hero">` → `slots.hero`. */
export interface SlotConfig {
  /** The model placement decided for (the element's `data-nextoffer-placement` wins). */
  placement?: string;
  /** How many offers to render (default 1; the element's `data-nextoffer-limit` wins). */
  limit?: number;
}

export interface EdgeOptions {
  /**
   * The model: an object, its JSON text (a static import), its UTF-8 bytes (a data module or an ArrayBuffer
   * wrapped in a `Uint8Array`: the fastest to load in a fresh isolate), or a function of `env` resolving one.
   */
  model?: Model | string | Uint8Array | ((env: unknown) => Model | string | Uint8Array | Promise<Model | string | Uint8Array>);
  /** A URL the model is fetched from, once per isolate. */
  modelUrl?: string | ((env: unknown) => string);
  /** The model as text under a key of a store (default: key `"model"` of the profile store). */
  modelKv?: { binding?: StoreOption; key?: string };
  /**
   * A recommender saved by the insight module (`Recommender.save()`, or the CLI's `similar --save`), attached to
   * the engine so that decisions boost and generate cross-sell and upsell offers: its bytes, or a function of
   * `env` resolving them (a data binding, a KV value read with `{ type: "arrayBuffer" }`), or nothing.
   */
  recommender?: BufferSource | ((env: unknown) => BufferSource | null | undefined | Promise<BufferSource | null | undefined>) | null;
  /** The options of `engine.attachRecommender`, or a function of `env` resolving them. */
  recommenderOptions?: AttachRecommenderOptions | ((env: unknown) => AttachRecommenderOptions | undefined);
  /**
   * The profile store: customer profiles under `profile:<id>` (the engine's `CustomerData` as JSON) and contact
   * histories under `contacts:<id>` (a JSON array of contacts, appended by `POST /v1/events`).
   */
  profiles?: StoreOption;
  /**
   * Learned state shared between isolates through a store (default: the profile store), or `false` to keep it
   * per isolate. Each isolate flushes its own counts at most every `flushEveryMs` (default 10 s) and merges the
   * others' every `syncEveryMs` (default 60 s), in the background of a request.
   */
  state?: false | { store?: StoreOption; flushEveryMs?: number; syncEveryMs?: number; isolateId?: string };
  /**
   * The origin of pages: an `http(s)://` base URL, the name of a service binding of `env`, or a function. Without
   * it, every path outside `/v1/` is a 404.
   */
  origin?: string | ((request: Request, env: unknown, ctx: EdgeContext | undefined) => Promise<Response>);
  /** Slot names of the pages and what to decide for them. */
  slots?: Record<string, SlotConfig>;
  /** The customer id of a page request (default: the `nextoffer_id` cookie, else `x-nextoffer-customer`). */
  identify?: (request: Request) => string | null | undefined;
  /** The markup of a slot, or `null` to keep its fallback. It must escape what it inserts (see `escapeHtml`). */
  render?: (decision: Decision, where: { slot: string; locale?: string }) => string | null;
  /** How long a prepared customer and a contact history are reused in an isolate (default 30 s). */
  cacheTtlMs?: number;
  /** Enables `GET /v1/state` and `POST /v1/state/sync` for `Authorization: Bearer <token>`. */
  adminToken?: string | ((env: unknown) => string | undefined);
  limits?: {
    /** Largest request body (default 65,536 bytes): larger is a 413 `body-too-large`. */
    bodyBytes?: number;
    /** Most events in one `POST /v1/events` (default 100). */
    events?: number;
    /** Contacts kept per customer (default 200, the newest). */
    contacts?: number;
    /** Prepared customers kept per isolate (default 1,000); each holds up to two prepared copies (with and without its stored contacts). */
    customers?: number;
  };
}

/** A fetch handler: `export default createHandler({...})` is a complete Worker. */
export interface EdgeHandler {
  fetch(request: Request, env?: unknown, ctx?: EdgeContext): Promise<Response>;
  /** Resolves once the engine is loaded (rejects with the load error). */
  ready(env?: unknown): Promise<void>;
  /** Flushes this isolate's counts and merges every other isolate's. */
  sync(env?: unknown): Promise<void>;
  /** This isolate's slot in the shared state. */
  readonly isolateId: string;
}

/** The error body of every 4xx and 5xx answer. */
export interface EdgeErrorBody {
  error: { code: EdgeErrorCode; message: string; path?: string };
  /** `POST /v1/events`: how many events were recorded before the failing one. */
  recorded?: number;
}

export type EdgeErrorCode =
  | "invalid-json"
  | "invalid-request"
  | "invalid-event"
  | "unknown-offer"
  | "unknown-placement"
  | "unknown-customer"
  | "invalid-profile"
  | "body-too-large"
  | "too-many-events"
  | "unsupported-media-type"
  | "method-not-allowed"
  | "not-found"
  | "engine-unavailable"
  | "engine-failed"
  | "state-disabled"
  | "store-unbound"
  | "origin-unbound"
  | "origin-failed"
  | "internal";

/** Builds the handler. The engine of the runtime's entry is used (workerd, Node, or the web build). */
export function createHandler(options: EdgeOptions & { wasm?: WebAssembly.Module | BufferSource | URL | string }): EdgeHandler;

/** A `ProfileStore` over a `Map`, with KV semantics (`null` for a missing key, `list` by prefix). */
export function memoryStore(entries?: Map<string, string> | Iterable<[string, string]>): ProfileStore & { map: Map<string, string> };

/** The store's key layout. */
export const keys: {
  profile(id: string): string;
  contacts(id: string): string;
  model: string;
  stateHead: string;
  head(isolate: string): string;
  snapshot(isolate: string, seq: number): string;
};

/** The customer id of a page request: the `nextoffer_id` cookie, else the `x-nextoffer-customer` header. */
export function defaultIdentify(request: Request): string | null;

/** Escapes text for an HTML text node or a quoted attribute. */
export function escapeHtml(value: unknown): string;

/** The default slot markup: one card per offer, every value escaped; `null` when there is no offer. */
export function renderOffers(decision: Decision, where: { slot: string; locale?: string }): string | null;

/**
 * Fills the `data-nextoffer-slot` elements of an HTML response (HTMLRewriter when the runtime has it, a streaming
 * tokenizer elsewhere). `fill` resolving `null`, or throwing, keeps the slot's fallback content.
 */
export function rewriteSlots(
  response: Response,
  fill: (slot: string, attributes: Record<string, string>) => Promise<string | null>,
): Response;
