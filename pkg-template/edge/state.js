// Learned state across isolates. Every isolate keeps the counts of the events it recorded itself ("own"
// counts) and publishes them to the store as one cumulative snapshot per isolate; the engine's state is its
// own counts plus the latest snapshot of every other isolate. Counts only grow and each isolate writes only
// its own slot, so any order of flushes and syncs converges to the same sums (a grow-only counter per
// isolate) and a sync never counts an event twice.
//
// A flush is crash-safe without transactions: it writes the snapshot under a new versioned key, and only
// then moves the isolate's pointer to it (and deletes the version before). A flush interrupted anywhere
// leaves the pointer on the previous complete snapshot, which stays readable.

import { keys, listKeys } from "./store.js";

/** @typedef {import("./store.js").ProfileStore} ProfileStore */
/** @typedef {import("../server/nextoffer.js").EventCounts} EventCounts */
/** @typedef {import("../server/nextoffer.js").LearnedState} LearnedState */

/** The count field of each event type, as the engine's `exportState()` names them. */
const FIELD = /** @type {const} */ ({
  impression: "impressions",
  click: "clicks",
  accept: "accepts",
  dismiss: "dismisses",
  purchase: "purchases",
});

/** @returns {EventCounts} */
const zero = () => ({ impressions: 0, clicks: 0, accepts: 0, dismisses: 0, purchases: 0 });

/** @returns {LearnedState} */
export const emptyState = () => ({ format: "nextoffer-state", version: 1, offers: {} });

/**
 * Adds one event to a state, as `engine.record` does: to the offer's total and, when given, its segment.
 * Call it only after the engine accepted the event, so both agree on what counts.
 * @param {LearnedState} state
 * @param {{ type: keyof typeof FIELD, offerId: string, segment?: string, count?: number }} event
 */
export function addEvent(state, event) {
  const field = FIELD[event.type];
  const count = event.count ?? 1;
  const offer = (state.offers[event.offerId] ??= { total: zero(), segments: {} });
  offer.total[field] += count;
  if (event.segment !== undefined) (offer.segments[event.segment] ??= zero())[field] += count;
}

/**
 * Adds every count of `source` to `target`.
 * @param {LearnedState} target
 * @param {LearnedState} source
 */
export function addState(target, source) {
  for (const [offerId, counts] of Object.entries(source.offers ?? {})) {
    const offer = (target.offers[offerId] ??= { total: zero(), segments: {} });
    addCounts(offer.total, counts.total);
    for (const [segment, c] of Object.entries(counts.segments ?? {})) {
      addCounts((offer.segments[segment] ??= zero()), c);
    }
  }
}

/** @param {EventCounts} target @param {Partial<EventCounts> | undefined} source */
function addCounts(target, source) {
  for (const field of Object.values(FIELD)) target[field] += Number(source?.[field]) || 0;
}

/** A random isolate id: isolates are never told who they are. */
function newIsolateId() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The learned state of one isolate and its exchange with the store.
 */
export class StateSync {
  /**
   * @param {{ isolateId?: string }} [options]
   */
  constructor(options = {}) {
    /** @type {string | undefined} chosen on first use: Workers allow no random values at global scope. */
    this.id = options.isolateId;
    /** The counts of the events this isolate recorded (cumulative since it started). */
    this.own = emptyState();
    /** Version of the last snapshot written. */
    this.seq = 0;
    /** Events recorded since the last flush. */
    this.dirty = false;
    /** When the last sync with the store completed (ms since the epoch), 0 before the first. */
    this.syncedAt = 0;
    /** When the last flush completed, 0 before the first. */
    this.flushedAt = 0;
    /** How many other isolates' snapshots the last sync merged. */
    this.peers = 0;
    /** Whether the slot's previous snapshot (a restart under a fixed `isolateId`) was taken over. */
    this.resumed = false;
  }

  /**
   * Takes over what a previous life of this isolate id published, so that a restart under a fixed id
   * continues its counts and versions instead of overwriting them (a random id finds nothing).
   * @param {ProfileStore} store
   */
  async resume(store) {
    const pointer = await store.get(keys.head(this.isolateId));
    const previous = pointer === null ? null : await readSnapshot(store, keys.head(this.isolateId));
    if (previous) {
      addState(this.own, previous);
      this.dirty = true;
    }
    if (pointer !== null) {
      try {
        const seq = Number(JSON.parse(pointer).seq);
        if (Number.isInteger(seq) && seq > this.seq) this.seq = seq;
      } catch {
        // An unreadable pointer is replaced by the next flush.
      }
    }
    this.resumed = true;
  }

  /** This isolate's slot in the store. */
  get isolateId() {
    return (this.id ??= newIsolateId());
  }

  /**
   * Writes the own counts as a new snapshot, then points the isolate's head at it, then deletes the previous
   * snapshot. Does nothing when nothing was recorded since the last flush.
   * @param {ProfileStore} store
   * @returns {Promise<boolean>} whether a snapshot was written
   */
  async flush(store) {
    if (!this.resumed) await this.resume(store);
    if (!this.dirty) return false;
    this.dirty = false;
    const seq = this.seq + 1;
    const key = keys.snapshot(this.isolateId, seq);
    const text = JSON.stringify({ ...this.own, isolate: this.isolateId, seq });
    try {
      await store.put(key, text);
      await store.put(keys.head(this.isolateId), JSON.stringify({ key, seq }));
    } catch (err) {
      // The events stay in `own`; the next flush writes them under a fresh version.
      this.dirty = true;
      throw err;
    }
    const previous = this.seq;
    this.seq = seq;
    this.flushedAt = Date.now();
    if (previous > 0 && typeof store.delete === "function") {
      await store.delete(keys.snapshot(this.isolateId, previous)).catch(() => undefined);
    }
    return true;
  }

  /**
   * Every other isolate's last complete snapshot, read through its head pointer.
   * @param {ProfileStore} store
   * @returns {Promise<LearnedState[]>}
   */
  async peerStates(store) {
    const heads = await listKeys(store, keys.stateHead);
    const own = keys.head(this.isolateId);
    /** @type {LearnedState[]} */
    const states = [];
    for (const head of heads) {
      if (head === own) continue;
      const state = await readSnapshot(store, head);
      if (state) states.push(state);
    }
    return states;
  }

  /**
   * Flushes the own counts, then sets the engine's learned state to own + every peer's snapshot.
   * @param {ProfileStore} store
   * @param {{ importState(state: LearnedState): void, mergeState(state: LearnedState): void }} engine
   */
  async sync(store, engine) {
    await this.flush(store);
    const peers = await this.peerStates(store);
    engine.importState(this.own);
    let merged = 0;
    for (const state of peers) {
      try {
        engine.mergeState(state);
        merged++;
      } catch (err) {
        // A snapshot the engine rejects (another format or version, counts that do not add up) is left out
        // rather than blocking every other isolate's counts; a Wasm trap is not a bad snapshot.
        if (err instanceof WebAssembly.RuntimeError) throw err;
      }
    }
    this.peers = merged;
    this.syncedAt = Date.now();
    return { isolate: this.isolateId, peers: merged, seq: this.seq };
  }
}

/**
 * Reads the snapshot a head points at. A head whose snapshot vanished (deleted by a newer flush between the
 * two reads) is read once more; an unreadable one is skipped rather than failing the whole sync.
 * @param {ProfileStore} store
 * @param {string} head
 * @returns {Promise<LearnedState | null>}
 */
export async function readSnapshot(store, head) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const pointer = await store.get(head);
    if (pointer === null) return null;
    let target;
    try {
      target = JSON.parse(pointer);
    } catch {
      return null;
    }
    if (typeof target?.key !== "string") return null;
    const text = await store.get(target.key);
    if (text === null) continue;
    try {
      const { format, version, offers } = JSON.parse(text);
      return { format, version, offers };
    } catch {
      return null;
    }
  }
  return null;
}
