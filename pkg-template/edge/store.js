// The profile store of the edge handler: the subset of a Cloudflare KV namespace it uses (`get` as text,
// `put`, `delete`, `list` by prefix), so that a KV binding plugs in as it is, and `memoryStore()` gives the
// same behaviour over a `Map` for tests, Node and single-process hosts.

/**
 * @typedef {object} StoreListResult
 * @property {{ name: string }[]} keys
 * @property {boolean} list_complete
 * @property {string} [cursor]
 */

/**
 * What the handler needs of a key-value store; a Cloudflare `KVNamespace` is one.
 * @typedef {object} ProfileStore
 * @property {(key: string) => Promise<string | null>} get the value as text, or `null` when absent
 * @property {(key: string, value: string) => Promise<unknown>} put
 * @property {(key: string) => Promise<unknown>} [delete]
 * @property {(options: { prefix?: string, cursor?: string }) => Promise<StoreListResult>} [list]
 */

/** Keys of the store, one place so that the README, the hosts and the tests agree. */
export const keys = {
  /** @param {string} id */
  profile: (id) => `profile:${id}`,
  /** @param {string} id */
  contacts: (id) => `contacts:${id}`,
  /** The model, when the handler loads it from the store (`modelKv`). */
  model: "model",
  /** Prefix of every isolate's pointer to its last complete state snapshot. */
  stateHead: "state-head:",
  /** @param {string} isolate */
  head: (isolate) => `state-head:${isolate}`,
  /** @param {string} isolate @param {number} seq */
  snapshot: (isolate, seq) => `state:${isolate}:${seq}`,
};

/**
 * A store over a `Map` (string keys and values), with the semantics of a KV namespace: `get` resolves `null`
 * for a missing key, `list` returns keys by prefix in sorted order.
 * @param {Map<string, string> | Iterable<[string, string]>} [entries]
 * @returns {ProfileStore & { map: Map<string, string> }}
 */
export function memoryStore(entries) {
  const map = entries instanceof Map ? entries : new Map(entries ?? []);
  return {
    map,
    async get(key) {
      return map.get(key) ?? null;
    },
    async put(key, value) {
      if (typeof value !== "string") throw new TypeError(`memoryStore.put(${key}): the value must be a string`);
      map.set(key, value);
    },
    async delete(key) {
      map.delete(key);
    },
    async list({ prefix = "" } = {}) {
      const names = [...map.keys()].filter((k) => k.startsWith(prefix)).sort();
      return { keys: names.map((name) => ({ name })), list_complete: true };
    },
  };
}

/**
 * Every key under a prefix, following the list cursor of a KV namespace.
 * @param {ProfileStore} store
 * @param {string} prefix
 * @returns {Promise<string[]>}
 */
export async function listKeys(store, prefix) {
  if (typeof store.list !== "function") return [];
  /** @type {string[]} */
  const names = [];
  /** @type {string | undefined} */
  let cursor;
  for (let page = 0; page < 1000; page++) {
    const result = await store.list(cursor ? { prefix, cursor } : { prefix });
    for (const key of result.keys) names.push(key.name);
    if (result.list_complete || !result.cursor) break;
    cursor = result.cursor;
  }
  return names;
}
