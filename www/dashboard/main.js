// The CRM dashboard page: loads an orders file (picked, dropped or the bundled demo; read in this browser,
// never uploaded) into the insight worker, then draws what the worker answers: the overview charts, one page
// of the customer table, a customer's detail, the call list and its CSV, and the campaign lift.
//
// The main thread never holds the customers: every request to the worker returns at most one page, so
// drawing stays well inside a frame whatever the file's size. Timings for the benchmark are performance
// marks: `dashboard:load` when a load starts, `dashboard:table` when the first table page is drawn,
// `dashboard:charts` when the charts are; and measures of the main thread's drawing (`dashboard:render-*`).

import { DEFAULT_DIR, PAGE_SIZES, SEGMENTS, expectedNextDays } from "./store.js";
import { formats, nextPurchaseText, pickLocale, segmentLabel, t } from "./i18n.js";
import { barChart, histogramChart, lineChart } from "./charts.js";
import { $, cell, dataTable } from "./dom.js";
import { renderDetail } from "./detail.js";
import { downloadCsv, renderCallList, renderLift } from "./panels.js";

/** @typedef {import("./i18n.js").Locale} Locale */
/** @typedef {import("./store.js").Query} Query */
/** @typedef {import("../../pkg/insight/nextoffer_insight.js").CustomerInsight} CustomerInsight */

/** Table columns: key (a sort key, or null when the column does not sort) and whether it is numeric. */
const COLUMNS = [
  ["customerId", "customerId", false],
  ["rank", "rank", false],
  ["segment", "segment", false],
  ["lifetimeValue", "lifetimeValue", true],
  ["probabilityAlive", "probabilityAlive", true],
  ["expectedDaysToNext", "expectedDaysToNext", true],
  ["loyaltyTier", "loyaltyTier", false],
  ["action", null, false],
  ["reason", null, false],
];

const params = new URLSearchParams(location.search);
/** @type {Locale} */
let locale = pickLocale(params.get("lang"), safeStorage("nextoffer-dashboard-lang"), navigator.language);
/** @type {Required<Query>} */
const query = { sort: "rank", dir: "asc", segment: "", rank: "", risk: "", search: "", page: 0, pageSize: PAGE_SIZES[0] ?? 25 };
/** @type {any} */
let summary = null;
/** @type {{ csv: string, rows: any[] } | null} */
let calls = null;
/** @type {any} */
let liftReport = null;

/** @param {string} key */
function safeStorage(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------------------------------------ worker

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let nextId = 1;
/** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
const pending = new Map();
worker.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "progress") {
    showProgress(msg.stage, msg.fraction);
    return;
  }
  const waiter = pending.get(msg.id);
  if (!waiter) return;
  pending.delete(msg.id);
  if (msg.ok) waiter.resolve(msg.result);
  else waiter.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code, path: msg.error.path }));
};

// A worker that cannot start (its module or the .wasm blocked, a syntax error) fails every waiting request
// with a message instead of leaving the progress bar spinning.
worker.onerror = (event) => {
  event.preventDefault();
  const error = new Error(event.message || "the dashboard's worker could not start");
  for (const waiter of pending.values()) waiter.reject(error);
  pending.clear();
};

/**
 * @param {string} type
 * @param {object} [args]
 * @returns {Promise<any>}
 */
function call(type, args = {}) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...args });
  });
}

// ---------------------------------------------------------------------------------------------- loading

/** @param {string} stage @param {number} fraction */
function showProgress(stage, fraction) {
  $("progress-wrap").hidden = false;
  const bar = /** @type {HTMLProgressElement} */ ($("progress"));
  bar.value = Math.round(fraction * 100);
  const label = t(locale, `stage.${stage}`);
  $("progress-label").textContent = `${t(locale, "progress")}: ${label}`;
  bar.setAttribute("aria-valuetext", `${label} ${Math.round(fraction * 100)}%`);
}

let loading = false;

/** @param {{ demo?: boolean, file?: File }} source */
async function load(source) {
  // One load at a time: a second drop while the worker is busy would only queue behind the first.
  if (loading) return;
  loading = true;
  performance.clearMarks();
  performance.clearMeasures();
  performance.mark("dashboard:load");
  const status = $("status");
  status.classList.remove("error");
  status.textContent = "";
  // aria-disabled, not disabled: a disabled button drops the keyboard focus to the page's start.
  for (const id of ["demo", "pick"]) $(id).setAttribute("aria-disabled", "true");
  $("load").setAttribute("aria-busy", "true");
  showProgress("read", 0);
  try {
    summary = await call("load", { source });
    calls = null;
    Object.assign(query, { page: 0 });
    showProgress("done", 1);
    $("results").hidden = false;
    renderSummary();
    await renderTable();
    performance.mark("dashboard:table");
    // The charts in tasks of their own, after the table has been painted: no single task holds both.
    await nextTask();
    const start = performance.now();
    renderCharts();
    performance.measure("dashboard:render-charts", { start, end: performance.now() });
    performance.mark("dashboard:charts");
    renderCallList(calls, locale);
  } catch (err) {
    const e = /** @type {Error & { path?: string }} */ (err);
    status.classList.add("error");
    status.textContent = t(locale, "loadError", { message: e.path ? `${e.path}: ${e.message}` : e.message });
    $("progress-wrap").hidden = true;
    // The worker dropped the previous data when this load began: hide what was drawn from it.
    summary = null;
    calls = null;
    $("results").hidden = true;
  } finally {
    loading = false;
    for (const id of ["demo", "pick"]) $(id).removeAttribute("aria-disabled");
    $("load").removeAttribute("aria-busy");
  }
}

function renderSummary() {
  if (!summary) return;
  const f = formats(locale);
  const imp = summary.import;
  let text = t(locale, "loadedSummary", {
    customers: f.count(summary.customers), rows: f.count(imp.rowsUsed), first: imp.firstDate ?? "–",
    last: imp.lastDate ?? "–", asOf: summary.asOf,
  });
  if (imp.rowsSkipped > 0) text += ` ${t(locale, "skipped", { skipped: f.count(imp.rowsSkipped) })}`;
  $("status").textContent = text;
}

// ----------------------------------------------------------------------------------------------- charts

function renderCharts() {
  if (!summary) return;
  const f = formats(locale);
  const segLabels = summary.segments.map((/** @type {[string, number]} */ [name]) => segmentLabel(locale, name));
  const segCounts = summary.segments.map((/** @type {[string, number]} */ [, n]) => n);
  barChart($("chart-segments"), segLabels, segCounts, (v) => f.count(v));
  dataTable($("segments-data"), [t(locale, "col.segment"), t(locale, "customers")],
    segLabels.map((/** @type {string} */ l, /** @type {number} */ i) => [l, f.count(segCounts[i])]));

  const { edges, counts } = summary.ltv;
  histogramChart($("chart-ltv"), edges, counts, (v) => f.yen(v), (v) => f.count(v));
  const width = edges.length > 1 ? edges[1] - edges[0] : 0;
  dataTable($("ltv-data"), [t(locale, "col.lifetimeValue"), t(locale, "customers")],
    edges.map((/** @type {number} */ e, /** @type {number} */ i) =>
      [i === edges.length - 1 ? `≥ ${f.yen(e)}` : `${f.yen(e)} – ${f.yen(e + width)}`, f.count(counts[i])]));

  const retention = summary.retention;
  lineChart($("chart-retention"), retention.map((/** @type {any} */ r) => r.churnReduction * 100),
    retention.map((/** @type {any} */ r) => r.change), (v) => `${f.dec(v)}%`, (v) => f.yen(v));
  dataTable($("retention-data"), [t(locale, "filterRisk"), t(locale, "col.lifetimeValue")],
    retention.map((/** @type {any} */ r) => [`−${f.pct(r.churnReduction)}`, `+${f.yen(r.change)} (${f.dec(r.changeShare * 100)}%)`]));
}

// ------------------------------------------------------------------------------------------------ table

function renderFilters() {
  /** @param {string} id @param {[string, string][]} options @param {string} value */
  const fill = (id, options, value) => {
    const select = /** @type {HTMLSelectElement} */ ($(id));
    select.replaceChildren(...options.map(([v, label]) => new Option(label, v, false, v === value)));
  };
  fill("f-segment", [["", t(locale, "all")], ...SEGMENTS.map((s) => /** @type {[string, string]} */ ([s, segmentLabel(locale, s)]))], query.segment);
  fill("f-rank", [["", t(locale, "all")], ["A", "A"], ["B", "B"], ["C", "C"]], query.rank);
  fill("f-risk", [["", t(locale, "all")], ...["high", "medium", "low"].map((r) => /** @type {[string, string]} */ ([r, t(locale, `risk.${r}`)]))], query.risk);
  fill("f-size", PAGE_SIZES.map((n) => /** @type {[string, string]} */ ([String(n), String(n)])), String(query.pageSize));
}

function renderHead() {
  const row = $("table-head");
  row.replaceChildren(...COLUMNS.map(([name, key, numeric]) => {
    const th = document.createElement("th");
    th.scope = "col";
    if (numeric) th.className = "num";
    const label = t(locale, `col.${name}`);
    if (key) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.sort = String(key);
      button.textContent = label;
      th.append(button);
      th.setAttribute("aria-sort", query.sort === key ? (query.dir === "asc" ? "ascending" : "descending") : "none");
    } else {
      th.textContent = label;
    }
    return th;
  }));
}

/** A new task, after the browser has had a chance to paint. */
function nextTask() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

async function renderTable() {
  const page = await call("page", { query, locale });
  const start = performance.now();
  query.page = page.page;
  const f = formats(locale);
  renderHead();
  const rows = page.rows.map((/** @type {{ customer: CustomerInsight, risk: string, action: any }} */ r) => {
    const c = r.customer;
    const tr = document.createElement("tr");
    tr.dataset.customer = c.customerId;
    const idCell = document.createElement("td");
    const open = document.createElement("button");
    open.type = "button";
    open.className = "link";
    open.textContent = c.customerId;
    open.dataset.detail = c.customerId;
    idCell.append(open);
    const rank = document.createElement("span");
    rank.className = `rank rank-${c.rank}`;
    rank.textContent = c.rank;
    const rankCell = document.createElement("td");
    rankCell.append(rank);
    const segCell = cell(segmentLabel(locale, c.segment));
    const risk = document.createElement("span");
    risk.className = `risk-${r.risk}`;
    risk.textContent = ` · ${t(locale, `risk.${r.risk}`)}`;
    segCell.append(risk);
    tr.append(
      idCell,
      rankCell,
      segCell,
      cell(f.yen(c.lifetimeValue), "num"),
      cell(f.pct(c.probabilityAlive), "num"),
      cell(nextPurchaseText(locale, c, f.count, expectedNextDays(c)), "num"),
      cell(c.loyaltyTier ?? t(locale, "noTier")),
      cell(r.action ? r.action.label : t(locale, "noAction")),
      cell(r.action ? r.action.reason : "", "reason"),
    );
    return tr;
  });
  $("table-body").replaceChildren(...rows);
  const f2 = formats(locale);
  $("table-caption").textContent = t(locale, "tableCaption", { total: f2.count(page.total), page: f2.count(page.page + 1), pages: f2.count(page.pageCount) });
  $("page-info").textContent = `${f2.count(page.page + 1)} / ${f2.count(page.pageCount)}`;
  /** @type {HTMLButtonElement} */ ($("prev")).disabled = page.page === 0;
  /** @type {HTMLButtonElement} */ ($("next")).disabled = page.page >= page.pageCount - 1;
  performance.measure("dashboard:render-table", { start, end: performance.now() });
}

// ----------------------------------------------------------------------------------------------- detail

/** @param {string} id */
async function openDetail(id) {
  renderDetail(await call("detail", { customerId: id, locale }), locale);
  const dialog = /** @type {HTMLDialogElement} */ ($("detail"));
  if (!dialog.open) dialog.showModal();
}

// -------------------------------------------------------------------------------------------- call list

async function makeCallList() {
  const size = Math.max(1, Math.min(100000, Math.floor(Number(/** @type {HTMLInputElement} */ ($("call-size")).value) || 100)));
  calls = await call("callList", { limit: size, locale });
  renderCallList(calls, locale);
}

function exportCallList() {
  if (calls) downloadCsv(calls.csv, "call-list.csv");
}


// ------------------------------------------------------------------------------------------------- lift

/** @param {{ demo?: boolean, file?: File }} source */
async function loadLift(source) {
  const status = $("lift-summary");
  try {
    liftReport = await call("lift", { source });
    renderLift(liftReport, locale);
  } catch (err) {
    liftReport = null;
    renderLift(liftReport, locale);
    status.textContent = t(locale, "liftError", { message: /** @type {Error} */ (err).message });
  }
}


// ----------------------------------------------------------------------------------------------- labels

function applyLabels() {
  document.documentElement.lang = locale;
  document.title = `${t(locale, "title")} · nextoffer`;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t(locale, /** @type {string} */ (/** @type {HTMLElement} */ (el).dataset.i18n));
  }
  const lang = $("lang");
  lang.textContent = t(locale, "language");
  lang.lang = locale === "ja" ? "en" : "ja";
  lang.title = t(locale, "languageLabel");
  /** @type {HTMLInputElement} */ ($("f-search")).placeholder = "c0001";
  renderFilters();
  renderHead();
}

async function switchLanguage() {
  locale = locale === "ja" ? "en" : "ja";
  try {
    localStorage.setItem("nextoffer-dashboard-lang", locale);
  } catch {
    // Storage may be blocked; the choice then lasts for this page only.
  }
  applyLabels();
  if (summary) {
    renderSummary();
    renderCharts();
    await renderTable();
    if (calls) await makeCallList();
  }
  renderLift(liftReport, locale);
}

// ----------------------------------------------------------------------------------------------- events

/** @param {Partial<Query>} change */
async function requery(change) {
  Object.assign(query, change);
  if (summary) await renderTable();
}

$("lang").addEventListener("click", () => void switchLanguage());
$("demo").addEventListener("click", () => void load({ demo: true }));
$("pick").addEventListener("click", () => {
  if (!loading) /** @type {HTMLInputElement} */ ($("file")).click();
});
$("file").addEventListener("change", () => {
  const input = /** @type {HTMLInputElement} */ ($("file"));
  const file = input.files?.[0];
  if (file) void load({ file });
  input.value = "";
});
const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const file = e.dataTransfer?.files?.[0];
  if (file) void load({ file });
});

$("filters").addEventListener("submit", (e) => e.preventDefault());
$("filters").addEventListener("change", (e) => {
  const el = /** @type {HTMLSelectElement} */ (e.target);
  if (el.name === "search") return;
  void requery({ [el.name]: el.name === "pageSize" ? Number(el.value) : el.value, page: 0 });
});
let searchTimer = 0;
$("f-search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => void requery({ search: /** @type {HTMLInputElement} */ ($("f-search")).value, page: 0 }), 150);
});
$("table-head").addEventListener("click", (e) => {
  const button = /** @type {HTMLElement} */ (e.target).closest("button");
  const key = button?.dataset.sort;
  if (!key) return;
  const dir = query.sort === key ? (query.dir === "asc" ? "desc" : "asc") : (DEFAULT_DIR[key] ?? "asc");
  void requery({ sort: key, dir, page: 0 }).then(() => {
    /** @type {HTMLElement | null} */ (document.querySelector(`#table-head button[data-sort="${key}"]`))?.focus();
  });
});
$("table-body").addEventListener("click", (e) => {
  const id = /** @type {HTMLElement} */ (e.target).closest("button")?.dataset.detail;
  if (id) void openDetail(id);
});
$("prev").addEventListener("click", () => void requery({ page: query.page - 1 }));
$("next").addEventListener("click", () => void requery({ page: query.page + 1 }));
$("detail-close").addEventListener("click", () => /** @type {HTMLDialogElement} */ ($("detail")).close());
$("make-calls").addEventListener("click", () => void makeCallList());
$("export-calls").addEventListener("click", exportCallList);
$("lift-demo").addEventListener("click", () => void loadLift({ demo: true }));
$("lift-pick").addEventListener("click", () => /** @type {HTMLInputElement} */ ($("lift-file")).click());
$("lift-file").addEventListener("change", () => {
  const input = /** @type {HTMLInputElement} */ ($("lift-file"));
  const file = input.files?.[0];
  if (file) void loadLift({ file });
  input.value = "";
});

applyLabels();
