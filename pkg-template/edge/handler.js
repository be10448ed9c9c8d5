// The fetch handler of `nextoffer/edge`, independent of how the Wasm module was instantiated: each entry
// (workerd.js, node.js, web.js) passes in its initialized `Engine` class. One handler owns, per isolate, the
// engine (model loaded once, on the first request), a small cache of prepared customers, and the learned
// state that it exchanges with the store (state.js).
//
//   POST /v1/decide        a decide request for a customer id; profile and contacts come from the store
//   POST /v1/events        feedback events: learned counts, and the customer's contact history
//   GET  /v1/health        the engine is loaded (503 while it cannot be)
//   GET  /v1/state, POST /v1/state/sync   the isolate's learned state; only with an `adminToken`
//   anything else          proxied to the origin; HTML pages get their offer slots filled

import { HttpError, errorResponse, engineError, json, readJson } from "./http.js";
import { renderOffers } from "./render.js";
import { rewriteSlots } from "./rewriter.js";
import { loadModel, resolveStore } from "./sources.js";
import { StateSync, addEvent } from "./state.js";
import { keys } from "./store.js";
import { defaultIdentify, deviceOf } from "./visitor.js";

/** @typedef {import("./index.d.ts").EdgeOptions} EdgeOptions */
/** @typedef {import("./index.d.ts").EdgeHandler} EdgeHandler */
/** @typedef {import("./store.js").ProfileStore} ProfileStore */
/** @typedef {import("../server/nextoffer.js").Engine} Engine */
/** @typedef {import("../server/nextoffer.js").Customer} Customer */
/** @typedef {import("../server/nextoffer.js").Contact} Contact */
/** @typedef {{ Engine: typeof import("../server/nextoffer.js").Engine, ready?: () => Promise<unknown> }} EngineModule */
/** @typedef {{ waitUntil(promise: Promise<unknown>): void }} Context */
/**
 * A cached customer: prepared with the contact history it was read with (`withContacts`, used while that history
 * is unchanged), and the profile prepared alone (`customer`), at once when there is no such history and otherwise
 * on first use, from the stored profile's `text` (see `customerEntry`).
 * @typedef {{ customer: Customer | null, text: string | null, at: number,
 *   withContacts: { customer: Customer, contacts: Contact[] } | null }} CustomerEntry
 */

const DEFAULT_LIMITS = { bodyBytes: 65_536, events: 100, contacts: 200, customers: 1_000 };
const RETRY_MS = 5_000;
/** The headers of a decision (the Response copies them). */
const DECISION_HEADERS = Object.freeze({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });

/**
 * Builds a fetch handler over an initialized engine module.
 * @param {EngineModule} engineModule
 * @param {EdgeOptions} options
 * @returns {EdgeHandler}
 */
export function createEdgeHandler(engineModule, options = {}) {
  if (options.model === undefined && options.modelUrl === undefined && options.modelKv === undefined) {
    throw new TypeError("createHandler: give one of model, modelUrl or modelKv");
  }
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  /**
   * The engine over a model object, its text, or its UTF-8 bytes (`Engine.fromBytes`: one copy into Wasm memory).
   * Bytes are first offered to `Engine.preloaded`: a module pre-initialized with exactly that model at build time
   * (`nextoffer/edge/preinit`) hands out the engine it holds, which saves the isolate parsing the model (about
   * 45 ms of an 84 ms cold start for the 500-offer bench model in a fresh Node process). Only the server build
   * (the workerd entry's) has `preloaded`; the browser build, under the Node and web entries, leaves it out.
   * @param {import("../server/nextoffer.js").Model | string | Uint8Array} model
   */
  const newEngine = (model) =>
    model instanceof Uint8Array
      ? (engineModule.Engine.preloaded?.(model) ?? engineModule.Engine.fromBytes(model))
      : new engineModule.Engine(model);
  const cacheTtlMs = options.cacheTtlMs ?? 30_000;
  const slots = options.slots ?? {};
  const shared = options.state !== false && Boolean(options.state?.store ?? options.profiles);
  const stateOptions = shared ? { flushEveryMs: 10_000, syncEveryMs: 60_000, ...options.state } : null;
  const render = options.render ?? renderOffers;
  const identify = options.identify ?? defaultIdentify;

  /** @type {Engine | null} */
  let engine = null;
  /** @type {Promise<Engine> | null} */
  let loading = null;
  let failedAt = 0;
  /** @type {unknown} */
  let failure = null;
  /** A Wasm trap leaves the instance unusable: from then on the isolate only degrades. */
  let broken = false;
  const sync = new StateSync({ isolateId: stateOptions?.isolateId });
  /** @type {Promise<unknown> | null} */
  let syncing = null;
  /** Prepared customers and contact histories, most recently inserted last. */
  /** @type {Map<string, CustomerEntry>} */
  const customers = new Map();
  /** @type {Map<string, { contacts: Contact[], at: number, text: string | null | undefined }>} */
  const contactCache = new Map();

  // A model given as a value loads now, while the isolate starts (in Workers, during the TLS handshake that
  // precedes the first request; CPU work is allowed at global scope, I/O is not), so no request waits for it.
  // A load error is kept for the requests to report, never thrown at startup: it would stop the Worker.
  // A recommender given as a function of `env` is attached by the first request.
  let attached = options.recommender === undefined || options.recommender === null;
  const staticModel =
    typeof options.model === "string" || (typeof options.model === "object" && options.model !== null);
  if (staticModel && !engineModule.ready) {
    try {
      const model = /** @type {import("../server/nextoffer.js").Model | string | Uint8Array} */ (options.model);
      const loaded = newEngine(model);
      if (!attached && typeof options.recommender !== "function") {
        const extra = options.recommenderOptions;
        attachRecommender(loaded, options.recommender, typeof extra === "function" ? undefined : extra);
        attached = true;
      }
      engine = loaded;
    } catch (err) {
      failedAt = Date.now();
      failure = err;
    }
  }

  /**
   * Attaches a saved recommender (the insight module's `Recommender.save()` bytes) to the engine.
   * @param {Engine} target
   * @param {unknown} bytes
   * @param {unknown} extra
   */
  function attachRecommender(target, bytes, extra) {
    const view = bytes instanceof Uint8Array ? bytes
      : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
      : null;
    if (!view) throw new TypeError("the recommender must be bytes (an ArrayBuffer or a typed array)");
    target.attachRecommender(view, /** @type {never} */ (extra ?? undefined));
  }

  /** @param {unknown} env */
  const profileStore = (env) => resolveStore(options.profiles, env, "profiles");
  /** @param {unknown} env */
  const stateStore = (env) => resolveStore(stateOptions?.store ?? options.profiles, env, "state.store");

  /**
   * The engine, loading the model on first use; a failed load is retried after a pause.
   * @param {unknown} env
   * @returns {Promise<Engine>}
   */
  function ready(env) {
    if (broken) return Promise.reject(new HttpError(503, "engine-failed", "the engine failed in this isolate"));
    if (engine && attached) return Promise.resolve(engine);
    if (!loading) {
      if (failedAt && Date.now() - failedAt < RETRY_MS) {
        const message = `the model could not be loaded: ${describe(failure)}`;
        return Promise.reject(new HttpError(503, "engine-unavailable", message));
      }
      loading = (async () => {
        await engineModule.ready?.();
        const loaded = engine ?? newEngine(await loadModel(options, env));
        if (!attached) {
          const spec = options.recommender;
          const bytes = typeof spec === "function" ? await spec(env) : spec;
          const extra = options.recommenderOptions;
          if (bytes) attachRecommender(loaded, bytes, typeof extra === "function" ? await extra(env) : extra);
          attached = true;
        }
        engine = loaded;
        return loaded;
      })();
      loading.then(
        () => (loading = null),
        (err) => {
          loading = null;
          failedAt = Date.now();
          failure = err;
        },
      );
    }
    return loading.catch((err) => {
      throw new HttpError(503, "engine-unavailable", `the model could not be loaded: ${describe(err)}`);
    });
  }

  /**
   * Runs a call into the engine; a Wasm trap marks the isolate broken.
   * @template T
   * @param {() => T} call
   * @returns {T}
   */
  function guarded(call) {
    try {
      return call();
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) {
        broken = true;
        engine = null;
        throw new HttpError(503, "engine-failed", "the engine failed in this isolate");
      }
      throw err;
    }
  }

  /**
   * Starts a background sync when the last one is older than `syncEveryMs`.
   * @param {unknown} env
   * @param {Context | undefined} ctx
   */
  function maybeSync(env, ctx) {
    if (!stateOptions || !engine || syncing) return;
    const now = Date.now();
    const due = now - sync.syncedAt >= stateOptions.syncEveryMs;
    const flushDue = sync.dirty && now - sync.flushedAt >= stateOptions.flushEveryMs;
    if (!due && !flushDue) return;
    background(ctx, due ? runSync(env) : runFlush(env));
  }

  /**
   * @param {unknown} env
   * @returns {Promise<unknown>}
   */
  function runSync(env) {
    const current = engine;
    if (!current) return ready(env).then(() => runSync(env));
    syncing ??= sync.sync(stateStore(env), current).finally(() => (syncing = null));
    return syncing;
  }

  /** @param {unknown} env */
  function runFlush(env) {
    syncing ??= sync.flush(stateStore(env)).finally(() => (syncing = null));
    return syncing;
  }

  /**
   * The stored profile's text of an id when it must be read (no fresh cache entry): `null` when the cache has
   * it, `undefined` when the store has none.
   * @param {ProfileStore} store
   * @param {string} id
   * @returns {Promise<string | null | undefined>}
   */
  async function profileToRead(store, id) {
    if (fresh(customers.get(id))) return null;
    return (await store.get(keys.profile(id))) ?? undefined;
  }

  /**
   * The cache entry of a customer: the cached one when `text` is `null` (it was fresh when the reads began), one
   * that a concurrent request prepared meanwhile, or one prepared now from the stored profile's text; `null` when
   * the store has no profile (`text` undefined). Synchronous, so that no other request evicts (and frees) the
   * entry before the decision that follows uses it.
   *
   * A profile read with a contact history (and no contacts of its own) is prepared once, with that history, so
   * that its decisions send no contacts while the history stays the same array (events replace it): the engine
   * then neither receives nor parses them per decision, which on the bench request (10 contacts) saves 15% of the
   * instructions of a whole `POST /v1/decide` on workerd's thread (962k -> 821k, callgrind). The engine puts a
   * request's contacts before the prepared ones, so with none in the request it sees the same list in the same
   * order as when they came in it, and decides the same. The profile alone is prepared only when a request needs
   * it (extra contacts in the request, or a history changed by events); preparing both on every cache miss was
   * a second `customer()` in a fresh isolate's first request. A profile with contacts of its own, or contacts the
   * engine rejects, keep the per-request way (and so its answers and errors).
   * @param {Engine} current
   * @param {string} id
   * @param {string | null | undefined} text
   * @param {Contact[]} contacts
   * @returns {CustomerEntry | null}
   */
  function customerEntry(current, id, text, contacts) {
    const cached = customers.get(id);
    if (text === null) return cached ?? null;
    if (cached && fresh(cached)) return cached;
    if (text === undefined) return null;
    const profile = parseProfile(id, text);
    /** @type {CustomerEntry} */
    const entry = { customer: null, text: null, at: Date.now(), withContacts: null };
    if (contacts.length && !Object.hasOwn(profile, "contacts")) {
      try {
        const customer = guarded(() => current.customer(/** @type {never} */ ({ ...profile, contacts })));
        entry.withContacts = { customer, contacts };
        // The text, not the parsed profile, kept for the profile alone: a third of the memory or less.
        entry.text = text;
      } catch (err) {
        if (err instanceof HttpError) throw err;
      }
    }
    // Without a prepared history (or when the engine refused it), the profile alone, now: its errors are the
    // request's answer.
    if (!entry.withContacts) entry.customer = prepareProfile(current, id, profile);
    customers.delete(id);
    customers.set(id, entry);
    if (cached) release(cached);
    while (customers.size > limits.customers) {
      const [oldest, old] = customers.entries().next().value ?? [];
      if (oldest === undefined || !old) break;
      customers.delete(oldest);
      release(old);
    }
    return entry;
  }

  /**
   * @param {string} id
   * @param {string} text the stored profile
   * @returns {Record<string, unknown>}
   */
  function parseProfile(id, text) {
    /** @type {Record<string, unknown>} */
    let profile;
    try {
      profile = JSON.parse(text);
    } catch {
      throw new HttpError(422, "invalid-profile", `the stored profile of customer "${id}" is not JSON`);
    }
    if (!profile || typeof profile !== "object" || Array.isArray(profile)) {
      throw new HttpError(422, "invalid-profile", `the stored profile of customer "${id}" is not an object`);
    }
    profile.id ??= id;
    return profile;
  }

  /**
   * The customer prepared from its profile alone.
   * @param {Engine} current
   * @param {string} id
   * @param {Record<string, unknown>} profile
   * @returns {Customer}
   */
  function prepareProfile(current, id, profile) {
    try {
      return guarded(() => current.customer(/** @type {never} */ (profile)));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      const e = /** @type {{ path?: string, message?: string }} */ (err);
      throw new HttpError(422, "invalid-profile", `the stored profile of customer "${id}": ${e.message}`, e.path);
    }
  }

  /**
   * The entry's customer prepared from its profile alone, prepared on first use.
   * @param {Engine} current
   * @param {string} id
   * @param {CustomerEntry} entry
   * @returns {Customer}
   */
  function profileCustomer(current, id, entry) {
    if (!entry.customer) {
      if (entry.text === null) throw new HttpError(500, "internal", `customer "${id}" cached without its profile`);
      entry.customer = prepareProfile(current, id, parseProfile(id, entry.text));
      entry.text = null;
    }
    return entry.customer;
  }

  /**
   * Whether a cache entry is younger than the cache's time to live.
   * @param {{ at: number } | undefined} entry
   */
  function fresh(entry) {
    return entry !== undefined && Date.now() - entry.at < cacheTtlMs;
  }

  /** @param {CustomerEntry} entry */
  function release(entry) {
    entry.customer?.free();
    entry.withContacts?.customer.free();
  }

  /**
   * The customer's stored contact history.
   * @param {ProfileStore} store
   * @param {string} id
   * @returns {Promise<Contact[]>}
   */
  async function storedContacts(store, id) {
    const cached = contactCache.get(id);
    if (cached && fresh(cached)) return cached.contacts;
    const text = await store.get(keys.contacts(id));
    // The same text as the history in the cache (read again at its expiry, or by concurrent requests): keep its
    // array, which a customer prepared with its contacts is matched against (decideStored).
    const known = contactCache.get(id);
    if (known && known.text === text) {
      rememberContacts(id, known.contacts, text);
      return known.contacts;
    }
    let contacts = [];
    if (text !== null) {
      try {
        const parsed = JSON.parse(text);
        if (Array.isArray(parsed)) contacts = parsed;
      } catch {
        throw new HttpError(422, "invalid-profile", `the stored contact history of customer "${id}" is not JSON`);
      }
    }
    rememberContacts(id, contacts, text);
    return contacts;
  }

  /** @param {string} id @param {Contact[]} contacts @param {string | null} text the stored JSON of `contacts` */
  function rememberContacts(id, contacts, text) {
    contactCache.delete(id);
    contactCache.set(id, { contacts, at: Date.now(), text });
    while (contactCache.size > limits.customers) {
      const oldest = contactCache.keys().next().value;
      if (oldest === undefined) break;
      contactCache.delete(oldest);
    }
  }

  /**
   * Decides for a request object whose customer is given by id (looked up) or absent (anonymous).
   * @param {Record<string, unknown>} body
   * @param {unknown} env
   * @returns {Promise<string>} the decision as JSON text
   */
  async function decideText(body, env) {
    const { customer: given, customerId, ...rest } = body;
    if (given !== undefined && (!given || typeof given !== "object" || Array.isArray(given))) {
      throw new HttpError(400, "invalid-request", "customer must be an object", "customer");
    }
    const customerData = /** @type {Record<string, unknown>} */ (given ?? {});
    for (const key of Object.keys(customerData)) {
      if (key !== "id" && key !== "contacts") {
        const message = `customer.${key}: comes from the profile store, send the customer id`;
        throw new HttpError(400, "invalid-request", message, `customer.${key}`);
      }
    }
    const rawId = customerId ?? customerData.id;
    const idPath = customerId !== undefined ? "customerId" : "customer.id";
    const idLength = String(rawId).length;
    const validId = (typeof rawId === "string" || typeof rawId === "number") && idLength > 0 && idLength <= 256;
    if (rawId !== undefined && !validId) {
      throw new HttpError(400, "invalid-request", "the customer id must be a non-empty string or a number", idPath);
    }
    const extraContacts = customerData.contacts;
    if (extraContacts !== undefined && !Array.isArray(extraContacts)) {
      throw new HttpError(400, "invalid-request", "customer.contacts must be an array", "customer.contacts");
    }
    // A loaded engine is taken as it is, and a warm customer (history and prepared customer cached) reads nothing:
    // the usual request then reaches the engine without waiting on a promise.
    const current = engine && attached && !broken ? engine : await ready(env);
    if (rawId === undefined) {
      const text = JSON.stringify(extraContacts ? { ...rest, customer: { contacts: extraContacts } } : rest);
      return guarded(() => current.decideJson(text));
    }
    const id = String(rawId);
    const store = profileStore(env);
    const cachedContacts = contactCache.get(id);
    const warm = cachedContacts && fresh(cachedContacts) && fresh(customers.get(id));
    const [contacts, stored] = warm
      ? [cachedContacts.contacts, null]
      : await Promise.all([storedContacts(store, id), profileToRead(store, id)]);
    // A cached entry evicted while the reads ran: read the profile again.
    const profileText = stored === null && !customers.has(id) ? await profileToRead(store, id) : stored;
    // From here to the decision, synchronous: the entry cannot be evicted and freed in between.
    const entry = customerEntry(current, id, profileText, contacts);
    if (!entry) throw new HttpError(404, "unknown-customer", `no profile for customer "${id}"`, idPath);
    const baked = entry.withContacts;
    if (!extraContacts && baked && baked.contacts === contacts) {
      const text = JSON.stringify(rest);
      return guarded(() => current.decideForJson(baked.customer, text));
    }
    const customer = profileCustomer(current, id, entry);
    const all = extraContacts ? [...contacts, ...extraContacts] : contacts;
    const text = JSON.stringify(all.length ? { ...rest, customer: { contacts: all } } : rest);
    return guarded(() => current.decideForJson(customer, text));
  }

  /**
   * @param {Request} request
   * @param {unknown} env
   * @param {Context | undefined} ctx
   */
  async function decideRoute(request, env, ctx) {
    const body = await readJson(request, limits.bodyBytes);
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      throw new HttpError(400, "invalid-request", "the body must be a JSON object", "");
    }
    let text;
    try {
      text = await decideText(/** @type {Record<string, unknown>} */ (body), env);
    } catch (err) {
      throw engineError(err);
    }
    maybeSync(env, ctx);
    return new Response(text, { headers: DECISION_HEADERS });
  }

  /**
   * @param {Request} request
   * @param {unknown} env
   * @param {Context | undefined} ctx
   */
  async function eventsRoute(request, env, ctx) {
    const body = await readJson(request, limits.bodyBytes);
    const object = body !== null && typeof body === "object";
    const wrapped = object && Array.isArray(body.events);
    const list = Array.isArray(body) ? body : wrapped ? body.events : object ? [body] : null;
    const listPath = Array.isArray(body) ? "" : "events";
    if (!list) {
      const message = "the body must be an event, an array of events or { events: [...] }";
      throw new HttpError(400, "invalid-request", message, "");
    }
    if (list.length > limits.events) {
      const message = `${list.length} events in one request, at most ${limits.events}`;
      throw new HttpError(413, "too-many-events", message, listPath);
    }
    const current = await ready(env);
    /** @type {Map<string, Contact[]>} */
    const newContacts = new Map();
    const now = new Date().toISOString();
    let recorded = 0;
    try {
      for (const [i, event] of list.entries()) {
        const at = listPath ? `${listPath}[${i}]` : `[${i}]`;
        if (!event || typeof event !== "object" || Array.isArray(event)) {
          throw new HttpError(400, "invalid-event", "an event must be an object", at);
        }
        try {
          guarded(() => current.record(event));
        } catch (err) {
          const e = engineError(err);
          throw new HttpError(e.status, e.code, e.message, e.path ? `${at}.${e.path}` : at);
        }
        if (stateOptions) {
          addEvent(sync.own, event);
          sync.dirty = true;
        }
        recorded++;
        if (typeof event.customerId === "string" && event.customerId) {
          /** @type {Contact} */
          const contact = { offerId: event.offerId, event: event.type, at: event.at ?? now };
          if (typeof event.placement === "string") contact.placement = event.placement;
          if (typeof event.decisionId === "string") contact.decisionId = event.decisionId;
          const forCustomer = newContacts.get(event.customerId) ?? [];
          forCustomer.push(contact);
          newContacts.set(event.customerId, forCustomer);
        }
      }
    } catch (err) {
      await appendContacts(env, newContacts);
      if (err instanceof HttpError) err.extra = { recorded };
      throw err;
    }
    await appendContacts(env, newContacts);
    maybeSync(env, ctx);
    return json(200, { recorded, isolate: sync.isolateId });
  }

  /**
   * Adds contacts to the customers' stored histories, keeping the newest `limits.contacts`.
   * @param {unknown} env
   * @param {Map<string, Contact[]>} additions
   */
  async function appendContacts(env, additions) {
    if (!additions.size) return;
    const store = profileStore(env);
    await Promise.all(
      [...additions].map(async ([id, added]) => {
        contactCache.delete(id);
        const existing = await storedContacts(store, id).catch(() => []);
        const byTime = (/** @type {Contact} */ a, /** @type {Contact} */ b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);
        const all = [...existing, ...added].sort(byTime).slice(-limits.contacts);
        const text = JSON.stringify(all);
        await store.put(keys.contacts(id), text);
        rememberContacts(id, all, text);
      }),
    );
  }

  /**
   * @param {Request} request
   * @param {unknown} env
   */
  function adminAllowed(request, env) {
    const token = typeof options.adminToken === "function" ? options.adminToken(env) : options.adminToken;
    if (!token) return false;
    return request.headers.get("authorization") === `Bearer ${token}`;
  }

  /**
   * @param {unknown} env
   */
  async function stateReport(env) {
    const current = await ready(env);
    return {
      isolate: sync.isolateId,
      seq: sync.seq,
      peers: sync.peers,
      dirty: sync.dirty,
      state: guarded(() => current.exportState()),
      own: sync.own,
    };
  }

  /**
   * The origin's response for a page request.
   * @param {Request} request
   * @param {unknown} env
   * @param {Context | undefined} ctx
   * @returns {Promise<Response>}
   */
  async function fromOrigin(request, env, ctx) {
    const origin = options.origin;
    if (typeof origin === "function") return origin(request, env, ctx);
    if (typeof origin === "string" && /^https?:\/\//.test(origin)) {
      const url = new URL(request.url);
      return fetch(new Request(new URL(url.pathname + url.search, origin), request));
    }
    if (typeof origin === "string") {
      /** @typedef {{ fetch(r: Request): Promise<Response> }} Fetcher */
      const binding = /** @type {Record<string, Fetcher | undefined> | undefined} */ (env)?.[origin];
      if (!binding) throw new HttpError(500, "origin-unbound", `no origin binding "${origin}" in env`);
      return binding.fetch(request);
    }
    throw new HttpError(404, "not-found", `nothing at ${new URL(request.url).pathname}`);
  }

  /**
   * Fetches the page from the origin and fills its slots; any failure of ours leaves the page as it came.
   * @param {Request} request
   * @param {unknown} env
   * @param {Context | undefined} ctx
   */
  async function pageRoute(request, env, ctx) {
    const engineReady = ready(env).catch(() => null);
    const response = await fromOrigin(request, env, ctx);
    const type = response.headers.get("content-type") ?? "";
    const utf8 = !/charset=/i.test(type) || /charset="?utf-8/i.test(type);
    if (request.method !== "GET" || !/^text\/html\b/i.test(type) || !utf8) {
      return response;
    }
    const current = await engineReady;
    if (!current || broken) return response;
    maybeSync(env, ctx);
    const rawId = identify(request);
    const id = rawId ? String(rawId) : undefined;
    const url = new URL(request.url);
    const base = { now: new Date().toISOString(), page: url.pathname, device: deviceOf(request) };
    const locale = request.headers.get("accept-language")?.split(",")[0]?.trim() || undefined;
    /** @type {import("./rewriter.js").FillSlot} */
    const fill = async (slot, attributes) => {
      const config = slots[slot] ?? {};
      const placement = attributes["data-nextoffer-placement"] ?? config.placement;
      if (!placement) return null;
      const limitAttr = Number(attributes["data-nextoffer-limit"]);
      const limit = Number.isInteger(limitAttr) && limitAttr > 0 ? limitAttr : config.limit ?? 1;
      const context = { ...base, placement, ...(locale ? { locale } : {}) };
      let text;
      try {
        text = await decideText({ customer: id ? { id } : {}, context, limit }, env);
      } catch (err) {
        // A visitor without a stored profile still gets an anonymous decision.
        if (!(err instanceof HttpError && err.code === "unknown-customer")) throw err;
        text = await decideText({ context, limit }, env);
      }
      return render(JSON.parse(text), { slot, locale });
    };
    const headers = new Headers(response.headers);
    headers.set("cache-control", "private, no-store");
    headers.append("vary", "cookie");
    const { status, statusText } = response;
    return rewriteSlots(new Response(response.body, { status, statusText, headers }), fill);
  }

  /** @type {EdgeHandler} */
  const handler = {
    async fetch(request, env, ctx) {
      const url = new URL(request.url);
      const api = url.pathname.startsWith("/v1/");
      try {
        if (!api) return await pageRoute(request, env, ctx);
        const route = `${request.method} ${url.pathname}`;
        switch (route) {
          case "POST /v1/decide":
            return await decideRoute(request, env, ctx);
          case "POST /v1/events":
            return await eventsRoute(request, env, ctx);
          case "GET /v1/health": {
            const current = await ready(env);
            maybeSync(env, ctx);
            return json(200, { ok: true, offers: current.offerCount, isolate: sync.isolateId });
          }
          case "GET /v1/state":
            if (!adminAllowed(request, env)) break;
            return json(200, await stateReport(env));
          case "POST /v1/state/sync":
            if (!adminAllowed(request, env)) break;
            if (!stateOptions) throw new HttpError(409, "state-disabled", "this handler keeps no shared state");
            await runSync(env);
            return json(200, await stateReport(env));
        }
        const known = ["/v1/decide", "/v1/events", "/v1/health"].includes(url.pathname);
        if (known) {
          throw new HttpError(405, "method-not-allowed", `${request.method} is not allowed on ${url.pathname}`);
        }
        throw new HttpError(404, "not-found", `no API route ${url.pathname}`);
      } catch (err) {
        if (!api && !(err instanceof HttpError)) {
          // The page could not be fetched or rewritten: answer what the origin answers, untouched.
          const failed = () => errorResponse(new HttpError(502, "origin-failed", describe(err)));
          return fromOrigin(request, env, ctx).catch(failed);
        }
        return errorResponse(err instanceof HttpError ? err : new HttpError(500, "internal", describe(err)));
      }
    },
    ready: (env) => ready(env).then(() => undefined),
    sync: (env) => runSync(env).then(() => undefined),
    get isolateId() {
      return sync.isolateId;
    },
  };
  return handler;
}

/**
 * @param {Context | undefined} ctx
 * @param {Promise<unknown>} promise
 */
function background(ctx, promise) {
  const quiet = promise.catch(() => undefined);
  if (ctx && typeof ctx.waitUntil === "function") ctx.waitUntil(quiet);
}

/** @param {unknown} err */
function describe(err) {
  return err instanceof Error ? err.message : String(err);
}
