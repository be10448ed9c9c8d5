// The customer table's data, held where the insight ran (the dashboard's Web Worker): sorting, filtering and
// paging over every customer happen here, so the page's main thread only ever receives and draws one page.
// Pure functions and one class, no DOM and no Wasm, so the Node tests can check them directly.

/** @typedef {import("../../pkg/insight/nextoffer_insight.js").CustomerInsight} CustomerInsight */
/** @typedef {import("../../pkg/insight/nextoffer_insight.js").Insight} Insight */

/** @typedef {"high" | "medium" | "low" | "unknown"} Risk */

/**
 * @typedef {object} Query
 * @property {string} [sort]      a key of SORT_KEYS
 * @property {"asc" | "desc"} [dir]
 * @property {string} [segment]   a segment name, or "" for all
 * @property {string} [rank]      "A", "B", "C" or ""
 * @property {string} [risk]      a Risk or ""
 * @property {string} [search]    a customer id prefix (case-insensitive) or ""
 * @property {number} [page]      0-based
 * @property {number} [pageSize]
 */

/** Churn reductions of the retention what-if chart (the insight option `churnReductions`). */
export const CHURN_REDUCTIONS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3];

/** The table's page sizes; the first is the default. */
export const PAGE_SIZES = [25, 50, 100];

/** Segment names in the order of the insight module's output, best first. */
export const SEGMENTS = [
  "Champions", "Loyal", "Potential loyalist", "New", "Promising", "Need attention",
  "About to sleep", "At risk", "Can't lose them", "Hibernating", "Lost",
];

/** @type {Record<string, number>} */
const TIER_ORDER = { Platinum: 4, Gold: 3, Silver: 2, Bronze: 1 };

/**
 * A customer's churn risk level: "high" when dormant (no purchase for longer than their usual gap allows) or
 * when the purchase model gives a churn risk of 50% or more, "medium" from 20%, else "low". Dormancy counts
 * because BG/NBD gives a one-time buyer a probability alive of 1 whatever the gap since (as `lifetimes` does).
 * @param {CustomerInsight} c
 * @returns {Risk}
 */
export function riskLevel(c) {
  if (c.dormant) return "high";
  if (c.churnRisk === null || c.churnRisk === undefined) return "unknown";
  if (c.churnRisk >= 0.5) return "high";
  if (c.churnRisk >= 0.2) return "medium";
  return "low";
}

/** Below this probability of being alive, a customer's "next purchase" is not shown as a date. */
export const UNLIKELY_ALIVE = 0.05;

/**
 * Expected days to the next purchase, or null when the models expect none: the models' figure assumes the
 * customer is still active (1 / the posterior purchase rate), which would show a lapsed customer with
 * P(alive) near 0 as due "in 14 days".
 * @param {CustomerInsight} c
 * @returns {number | null}
 */
export function expectedNextDays(c) {
  if (c.expectedDaysToNext === null || c.expectedDaysToNext === undefined) return null;
  if (c.probabilityAlive !== null && c.probabilityAlive !== undefined && c.probabilityAlive < UNLIKELY_ALIVE) return null;
  return c.expectedDaysToNext;
}

/**
 * Sortable columns: each maps a customer to a number or string (null sorts last in both directions).
 * @type {Record<string, (c: CustomerInsight) => number | string | null>}
 */
export const SORT_KEYS = {
  customerId: (c) => c.customerId,
  rank: (c) => c.revenuePosition,
  segment: (c) => SEGMENTS.indexOf(c.segment),
  lifetimeValue: (c) => c.lifetimeValue,
  totalSpend: (c) => c.totalSpend,
  probabilityAlive: (c) => c.probabilityAlive,
  expectedDaysToNext: expectedNextDays,
  loyaltyTier: (c) => (c.loyaltyTier === null ? 0 : (TIER_ORDER[c.loyaltyTier] ?? 0)),
  daysSinceLast: (c) => c.daysSinceLast,
};

/**
 * The direction a column sorts in when first chosen: values high first, positions and ids low first.
 * @type {Record<string, "asc" | "desc">}
 */
export const DEFAULT_DIR = {
  customerId: "asc", rank: "asc", segment: "asc", lifetimeValue: "desc", totalSpend: "desc",
  probabilityAlive: "desc", expectedDaysToNext: "asc", loyaltyTier: "desc", daysSinceLast: "desc",
};

/** @param {number | string} a @param {number | string} b */
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every customer of one insight run, with cached sort orders. */
export class CustomerStore {
  /** @param {CustomerInsight[]} customers */
  constructor(customers) {
    this.customers = customers;
    /** @type {Map<string, { order: Uint32Array, valued: number }>} */
    this.orders = new Map();
    /** @type {Map<string, number>} */
    this.byId = new Map();
    customers.forEach((c, i) => this.byId.set(c.customerId, i));
  }

  /**
   * Customer indexes ascending by `key` (ties by customer id), the null values at the end, and how many
   * have a value. Computed once per key.
   * @param {string} key
   */
  sorted(key) {
    const cached = this.orders.get(key);
    if (cached) return cached;
    const get = SORT_KEYS[key];
    if (!get) throw new Error(`unknown sort key "${key}"`);
    const values = this.customers.map(get);
    const ids = this.customers.map((c) => c.customerId);
    const order = Uint32Array.from(this.customers.keys());
    order.sort((i, j) => {
      const a = values[i];
      const b = values[j];
      if (a === null || b === null) return a === null ? (b === null ? compare(ids[i], ids[j]) : 1) : -1;
      return compare(a, b) || compare(ids[i], ids[j]);
    });
    const valued = values.filter((v) => v !== null).length;
    const entry = { order, valued };
    this.orders.set(key, entry);
    return entry;
  }

  /**
   * The predicate of a query's filters.
   * @param {Query} q
   * @returns {(c: CustomerInsight) => boolean}
   */
  static filter(q) {
    const search = (q.search ?? "").trim().toLowerCase();
    return (c) =>
      (!q.segment || c.segment === q.segment) &&
      (!q.rank || c.rank === q.rank) &&
      (!q.risk || riskLevel(c) === q.risk) &&
      (!search || c.customerId.toLowerCase().startsWith(search));
  }

  /**
   * Customer indexes matching the query's filters, in its order (nulls last either way).
   * @param {Query} q
   * @returns {number[]}
   */
  matching(q) {
    const { order, valued } = this.sorted(q.sort ?? "rank");
    const keep = CustomerStore.filter(q);
    /** @type {number[]} */
    const out = [];
    const push = (/** @type {number} */ i) => {
      if (keep(/** @type {CustomerInsight} */ (this.customers[i]))) out.push(i);
    };
    if (q.dir === "desc") {
      for (let k = valued - 1; k >= 0; k -= 1) push(/** @type {number} */ (order[k]));
    } else {
      for (let k = 0; k < valued; k += 1) push(/** @type {number} */ (order[k]));
    }
    for (let k = valued; k < order.length; k += 1) push(/** @type {number} */ (order[k]));
    return out;
  }

  /**
   * One page of the table.
   * @param {Query} q
   * @returns {{ total: number, page: number, pageCount: number, pageSize: number, rows: CustomerInsight[] }}
   */
  page(q) {
    const pageSize = PAGE_SIZES.includes(q.pageSize ?? 0) ? /** @type {number} */ (q.pageSize) : /** @type {number} */ (PAGE_SIZES[0]);
    const all = this.matching(q);
    const pageCount = Math.max(1, Math.ceil(all.length / pageSize));
    const page = Math.min(Math.max(0, Math.floor(q.page ?? 0)), pageCount - 1);
    const rows = all.slice(page * pageSize, (page + 1) * pageSize).map((i) => /** @type {CustomerInsight} */ (this.customers[i]));
    return { total: all.length, page, pageCount, pageSize, rows };
  }

  /** @param {string} id */
  get(id) {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.customers[i];
  }

  /**
   * The call list's candidates in the order of the priority rule: first deepen existing customers (not
   * dormant), then wake dormant ones; within each group the value rank first (A before B before C), then the
   * expected lifetime value for existing customers and the past spend for dormant ones (whose expected value
   * is low by definition: past spend is what there is to win back).
   * @returns {Generator<{ customer: CustomerInsight, group: "deepen" | "wake" }>}
   */
  *callOrder() {
    const rankOf = (/** @type {CustomerInsight} */ c) => "ABC".indexOf(c.rank);
    const active = this.customers.filter((c) => !c.dormant);
    const dormant = this.customers.filter((c) => c.dormant);
    active.sort((a, b) =>
      rankOf(a) - rankOf(b) || (b.lifetimeValue ?? b.totalSpend ?? 0) - (a.lifetimeValue ?? a.totalSpend ?? 0) ||
      compare(a.customerId, b.customerId));
    dormant.sort((a, b) =>
      rankOf(a) - rankOf(b) || (b.totalSpend ?? 0) - (a.totalSpend ?? 0) || compare(a.customerId, b.customerId));
    for (const customer of active) yield { customer, group: "deepen" };
    for (const customer of dormant) yield { customer, group: "wake" };
  }
}

/**
 * A histogram of lifetime values: `bins` equal-width bins from 0 to the 99th percentile, the last one
 * open-ended (so one very large customer does not squeeze everyone else into the first bar).
 * @param {(number | null)[]} values
 * @param {number} [bins]
 * @returns {{ edges: number[], counts: number[] }}
 */
export function histogram(values, bins = 20) {
  const xs = values.filter((v) => v !== null && Number.isFinite(v)).map((v) => /** @type {number} */ (v)).sort((a, b) => a - b);
  if (xs.length === 0) return { edges: [], counts: [] };
  const top = xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? 0;
  const width = top > 0 ? top / bins : 1;
  const edges = Array.from({ length: bins }, (_, i) => i * width);
  const counts = new Array(bins).fill(0);
  for (const x of xs) counts[Math.min(bins - 1, Math.max(0, Math.floor(x / width)))] += 1;
  return { edges, counts };
}

/**
 * One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180); a leading `=`, `+`, `-` or
 * `@` gets a `'` so that a spreadsheet shows the text instead of running it as a formula.
 * @param {unknown} value
 */
export function csvField(value) {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV text from a header and rows.
 * @param {string[]} header
 * @param {unknown[][]} rows
 */
export function toCsv(header, rows) {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/**
 * Reads the lines of an orders CSV into each customer's purchases (product, category, date, amount), for the
 * customer detail and the recommender. Columns by name, as the insight module reads them; quoted fields
 * are handled. Lines the insight module would reject are skipped here too (they carry no usable purchase).
 * @param {string} text
 * @returns {Map<string, { productId: string, category: string, date: string, amount: number }[]>}
 */
export function purchasesByCustomer(text) {
  /** @type {Map<string, { productId: string, category: string, date: string, amount: number }[]>} */
  const out = new Map();
  let start = 0;
  /** @type {Record<string, number>} */
  let columns = {};
  let header = true;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, "");
    start = end + 1;
    if (line === "") continue;
    const fields = line.includes('"') ? splitQuoted(line) : line.split(",");
    if (header) {
      header = false;
      fields.forEach((name, i) => { columns[name.trim().toLowerCase()] = i; });
      continue;
    }
    const id = fields[columns.customer_id ?? -1]?.trim();
    const date = fields[columns.date ?? -1]?.trim();
    if (!id || !date) continue;
    const purchase = {
      productId: fields[columns.product_id ?? -1]?.trim() ?? "",
      category: fields[columns.category ?? -1]?.trim() ?? "",
      date: date.slice(0, 10),
      amount: Number(fields[columns.amount ?? -1] ?? 0),
    };
    const list = out.get(id);
    if (list) list.push(purchase);
    else out.set(id, [purchase]);
  }
  return out;
}

/** @param {string} line */
function splitQuoted(line) {
  const fields = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { field += '"'; i += 1; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { fields.push(field); field = ""; }
    else field += ch;
  }
  fields.push(field);
  return fields;
}
