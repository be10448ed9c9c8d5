// Server-rendered offer markup for a page slot. Every value from the model or the decision is escaped, and
// links and images keep only relative, http and https URLs: a model is data, and a title such as
// `<img src=x onerror=alert(1)>` must reach the page as text.

/**
 * Escapes text for an HTML text node or a quoted attribute value.
 * @param {unknown} value
 * @returns {string}
 */
export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The URL if it is relative or http(s), else `null` (no `javascript:`, `data:` …).
 * @param {unknown} value
 * @returns {string | null}
 */
export function safeUrl(value) {
  if (typeof value !== "string" || value === "") return null;
  const trimmed = value.trim();
  // A scheme is letters, digits, +, - or . before a colon that comes before any /, ? or #.
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed);
  if (scheme && !/^https?$/i.test(scheme[1] ?? "")) return null;
  if (/[\u0000-\u001f]/.test(trimmed)) return null;
  return trimmed;
}

/** Formatters by locale and currency: building one costs about a hundred times more than using it. */
/** @type {Map<string, Intl.NumberFormat | null>} */
const formatters = new Map();
const MAX_FORMATTERS = 256;

/**
 * @param {number} price
 * @param {string} currency
 * @param {string | undefined} locale
 */
function formatPrice(price, currency, locale) {
  const key = `${locale ?? "en"}|${currency}`;
  let format = formatters.get(key);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(locale ?? "en", { style: "currency", currency });
    } catch {
      format = null; // an unknown locale or currency: plain text, remembered as such
    }
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, format);
  }
  return format ? format.format(price) : `${price} ${currency}`;
}

/**
 * The default markup of a slot: one card per offer, marked with the ids the feedback events need.
 * @param {import("../server/nextoffer.js").Decision} decision
 * @param {{ slot: string, locale?: string }} where
 * @returns {string | null} `null` when there is nothing to show (the slot keeps its fallback)
 */
export function renderOffers(decision, where) {
  if (!decision.offers.length) return null;
  const cards = decision.offers.map((offer) => {
    const link = safeUrl(offer.link);
    const image = safeUrl(offer.image);
    const title = `<strong class="nextoffer-title">${escapeHtml(offer.title || offer.id)}</strong>`;
    const picture = image ? `<img class="nextoffer-image" src="${escapeHtml(image)}" alt="" loading="lazy">` : "";
    const head = link ? `<a class="nextoffer-link" href="${escapeHtml(link)}">${picture}${title}</a>` : picture + title;
    const description = offer.description
      ? `<p class="nextoffer-description">${escapeHtml(offer.description)}</p>`
      : "";
    const price = offer.price
      ? `<span class="nextoffer-price">${escapeHtml(formatPrice(offer.price, offer.currency, where.locale))}</span>`
      : "";
    return (
      `<div class="nextoffer-offer" data-nextoffer-offer="${escapeHtml(offer.id)}"` +
      ` data-nextoffer-rank="${offer.rank}">` +
      `${head}${description}${price}</div>`
    );
  });
  return (
    `<div class="nextoffer-offers" data-nextoffer-decision="${escapeHtml(decision.decisionId)}"` +
    ` data-nextoffer-placement="${escapeHtml(decision.placement ?? "")}">${cards.join("")}</div>`
  );
}
