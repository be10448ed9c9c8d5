// The widget's local memory: the engine's learned counts and the customer's contact history, kept in
// localStorage so that contact policies and learned propensities carry over from one page load to the next.
// Only ever opened after consent (the element decides that).
//
// Crash safety: two slots and a pointer. A save writes the slot the pointer does not name, then flips the
// pointer; localStorage writes each key atomically, so a save cut short (a closed tab, a full quota) leaves the
// pointer on the previous, complete slot. Each slot carries a checksum of its data, so a slot damaged any other
// way is detected and the other slot read instead.
//
// Versions: slots are format `nextoffer-widget-store` version 2. Version 1 (one key written in place, without
// the slots: not crash-safe) is migrated on first load. A slot of another format or a later version is
// rejected with a `StoreVersionError` and never overwritten: it may belong to a newer widget on the same site.

/** @typedef {import("nextoffer/web").LearnedState} LearnedState */
/** @typedef {import("nextoffer/web").Contact} Contact */
/** @typedef {{ learned: LearnedState | null, contacts: Contact[] }} StoreData */

export const STORE_FORMAT = "nextoffer-widget-store";
export const STORE_VERSION = 2;
const MAX_CONTACTS = 200;
const MAX_OFFERS = 500;
const CONTACT_DAYS = 60;

/** A stored state of a format or version this widget does not read. */
export class StoreVersionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "StoreVersionError";
    this.code = "store-version";
  }
}

/**
 * FNV-1a 32 of a string's UTF-16 code units, as 8 hex digits: enough to tell a damaged slot from a whole one.
 * @param {string} text
 */
function checksum(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * Keeps the stored data within bounds: the latest contacts of the last 60 days, and the learned counts of the
 * most shown offers.
 * @param {StoreData} data
 * @param {number} now milliseconds since the epoch
 * @returns {StoreData}
 */
export function bound(data, now) {
  const since = now - CONTACT_DAYS * 86400000;
  const contacts = data.contacts.filter((c) => Date.parse(c.at) >= since).slice(-MAX_CONTACTS);
  let learned = data.learned;
  if (learned && Object.keys(learned.offers).length > MAX_OFFERS) {
    const kept = Object.entries(learned.offers)
      .sort((a, b) => b[1].total.impressions - a[1].total.impressions)
      .slice(0, MAX_OFFERS);
    learned = { ...learned, offers: Object.fromEntries(kept) };
  }
  return { learned, contacts };
}

/**
 * Reads a slot's text: its data, `null` when it is missing or damaged, or a `StoreVersionError`.
 * @param {string | null} raw
 * @returns {StoreData | null}
 */
function readSlot(raw) {
  if (raw === null) return null;
  let slot;
  try {
    slot = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!slot || typeof slot !== "object") return null;
  if (slot.format !== STORE_FORMAT || slot.version !== STORE_VERSION) {
    throw new StoreVersionError(
      `stored state is format ${JSON.stringify(slot.format)} version ${JSON.stringify(slot.version)}; ` +
        `this widget reads ${STORE_FORMAT} version ${STORE_VERSION} (and migrates version 1)`,
    );
  }
  if (typeof slot.data !== "string" || slot.checksum !== checksum(slot.data)) return null;
  try {
    const data = JSON.parse(slot.data);
    return { learned: data.learned ?? null, contacts: Array.isArray(data.contacts) ? data.contacts : [] };
  } catch {
    return null;
  }
}

/** The learned counts and contact history of one site's widgets, in localStorage under one key prefix. */
export class WidgetStore {
  /**
   * @param {string} key the prefix of the storage keys (`KEY:ptr`, `KEY:a`, `KEY:b`; version 1 used `KEY`)
   * @param {Storage} [storage] localStorage by default
   */
  constructor(key, storage = globalThis.localStorage) {
    this.key = key;
    this.storage = storage;
    /** @type {"a" | "b" | null} the slot the pointer names */
    this.active = null;
    this.seq = 0;
  }

  /**
   * The stored data, or `null` when nothing usable is stored. Migrates version 1. Throws `StoreVersionError`.
   * @returns {StoreData | null}
   */
  load() {
    const s = this.storage;
    const ptr = s.getItem(`${this.key}:ptr`);
    if (ptr !== "a" && ptr !== "b") return this.migrate();
    const other = ptr === "a" ? "b" : "a";
    for (const slot of /** @type {const} */ ([ptr, other])) {
      const raw = s.getItem(`${this.key}:${slot}`);
      const data = readSlot(raw);
      if (data) {
        this.active = slot;
        this.seq = Number(JSON.parse(/** @type {string} */ (raw)).seq) || 0;
        return data;
      }
    }
    return null;
  }

  /**
   * Version 1 kept `{ version: 1, state, contacts }` in one key: read it, save it as version 2, remove it.
   * @returns {StoreData | null}
   */
  migrate() {
    const raw = this.storage.getItem(this.key);
    if (raw === null) return null;
    let old;
    try {
      old = JSON.parse(raw);
    } catch {
      return null;
    }
    if (!old || old.version !== 1) {
      throw new StoreVersionError(
        `stored state under "${this.key}" is version ${JSON.stringify(old?.version)}; this widget migrates version 1 only`,
      );
    }
    const data = { learned: old.state ?? null, contacts: Array.isArray(old.contacts) ? old.contacts : [] };
    this.save(data);
    this.storage.removeItem(this.key);
    return data;
  }

  /**
   * Writes the data to the inactive slot, then points at it. Returns false when the storage refused the write
   * (quota, private mode): the previous state is then still the one stored.
   * @param {StoreData} data
   * @param {number} [now]
   * @returns {boolean}
   */
  save(data, now = Date.now()) {
    // Never the slot the stored pointer names, even for a store that was not loaded first.
    const current = this.active ?? this.storage.getItem(`${this.key}:ptr`);
    const target = current === "a" ? "b" : "a";
    let bounded = bound(data, now);
    for (let attempt = 0; attempt < 2; attempt++) {
      const text = JSON.stringify(bounded);
      const slot = { format: STORE_FORMAT, version: STORE_VERSION, seq: this.seq + 1, checksum: checksum(text), data: text };
      try {
        this.storage.setItem(`${this.key}:${target}`, JSON.stringify(slot));
      } catch {
        // Over quota: try once more with half the contact history.
        bounded = { ...bounded, contacts: bounded.contacts.slice(Math.ceil(bounded.contacts.length / 2)) };
        continue;
      }
      try {
        this.storage.setItem(`${this.key}:ptr`, target);
      } catch {
        return false; // the pointer still names the previous, complete slot
      }
      this.active = target;
      this.seq += 1;
      return true;
    }
    return false;
  }

  /** Removes everything this store wrote (consent withdrawn). */
  clear() {
    for (const suffix of [":ptr", ":a", ":b", ""]) this.storage.removeItem(this.key + suffix);
    this.active = null;
    this.seq = 0;
  }
}
