// The call list and campaign lift panels, drawn from the worker's answers, and the CSV download.

import { actionLabel, formats, segmentLabel, t } from "./i18n.js";
import { $, cell } from "./dom.js";

/** @typedef {import("./i18n.js").Locale} Locale */

/** @param {Locale} locale */
function callHeader(locale) {
  return ["#", t(locale, "col.customerId"), t(locale, "col.rank"), t(locale, "col.segment"), t(locale, "col.lifetimeValue"), t(locale, "col.action"), t(locale, "col.reason")];
}

/**
 * Draws the call list (or hides it when there is none yet).
 * @param {{ csv: string, rows: any[] } | null} calls
 * @param {Locale} locale
 */
export function renderCallList(calls, locale) {
  const table = /** @type {HTMLTableElement} */ ($("call-table"));
  /** @type {HTMLButtonElement} */ ($("export-calls")).disabled = !calls;
  if (!calls) {
    table.hidden = true;
    return;
  }
  const f = formats(locale);
  $("call-head").replaceChildren(...callHeader(locale).map((h) => Object.assign(document.createElement("th"), { scope: "col", textContent: h })));
  $("call-body").replaceChildren(...calls.rows.map((r) => {
    const tr = document.createElement("tr");
    tr.append(
      cell(String(r.position), "num"),
      cell(r.customer.customerId),
      cell(r.customer.rank),
      cell(`${segmentLabel(locale, r.customer.segment)} · ${t(locale, `group.${r.group}`)}`),
      cell(f.yen(r.customer.lifetimeValue), "num"),
      cell(r.action.label),
      cell(r.action.reason, "reason"),
    );
    return tr;
  }));
  $("call-caption").textContent = `${t(locale, "callList")}: ${f.count(calls.rows.length)}`;
  table.hidden = false;
}

/**
 * Saves text as a CSV file through a Blob URL (nothing leaves the browser).
 * @param {string} csv
 * @param {string} name
 */
export function downloadCsv(csv, name) {
  // A byte-order mark so that spreadsheet programs read the Japanese text as UTF-8.
  const blob = new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Draws the campaign lift table (or hides it when no events were read).
 * @param {any[] | null} liftReport  `lift()`'s result
 * @param {Locale} locale
 */
export function renderLift(liftReport, locale) {
  const table = /** @type {HTMLTableElement} */ ($("lift-table"));
  if (!liftReport) {
    table.hidden = true;
    $("lift-summary").textContent = "";
    return;
  }
  const f = formats(locale);
  /** @param {{ estimate: number, low: number, high: number } | null} e @param {(v: number) => string} fmt */
  const interval = (e, fmt) => (e ? `${fmt(e.estimate)} (${fmt(e.low)} – ${fmt(e.high)})` : "–");
  /** @param {{ exposures: number, conversions: number, rate: { estimate: number } | null }} arm */
  const arm = (arm) => `${f.pct1(arm.rate?.estimate ?? null)} (${f.count(arm.conversions)} / ${f.count(arm.exposures)})`;
  const signed = (/** @type {number} */ v) => `${v > 0 ? "+" : ""}${f.pct1(v)}`;
  $("lift-caption").textContent = t(locale, "liftCaption");
  $("lift-head").replaceChildren(...["offer", "treatment", "control", "lift", "beats"].map((k) =>
    Object.assign(document.createElement("th"), { scope: "col", textContent: t(locale, `liftCol.${k}`) })));
  $("lift-body-rows").replaceChildren(...liftReport.map((/** @type {any} */ r) => {
    const tr = document.createElement("tr");
    tr.dataset.offer = r.offer;
    tr.append(
      cell(actionLabel(locale, r.offer, r.offer)),
      cell(arm(r.treatment), "num"),
      cell(arm(r.control), "num"),
      cell(interval(r.relativeLift, signed), "num"),
      cell(f.pct1(r.probabilityTreatmentBeatsControl), "num"),
    );
    return tr;
  }));
  const better = liftReport.filter((/** @type {any} */ r) => r.probabilityTreatmentBeatsControl >= 0.95).length;
  $("lift-summary").textContent = t(locale, "liftSummary", { offers: f.count(liftReport.length), better: f.count(better) });
  table.hidden = false;
}
