// The words the widget shows, in Japanese and English, and the formatting of prices. Every string here ends up
// in the page through `textContent`, never as markup.

/** @typedef {"ja" | "en"} Language */
/** @typedef {import("nextoffer/web").RankedOffer} RankedOffer */

const LABELS = {
  ja: {
    heading: "おすすめ",
    loading: "おすすめを読み込み中",
    dismiss: (/** @type {string} */ title) => `「${title}」を閉じる`,
    reasons: {
      affinity: "いつものお買い物に合わせたおすすめ",
      popular: "よく選ばれています",
      upsell: "ワンランク上の一品",
      cross_sell: "一緒によく買われています",
      retention: "いつもありがとうございます",
      reactivation: "おかえりなさい",
      loyalty: "ご愛顧の感謝を込めて",
      content: "おすすめの読みもの",
    },
  },
  en: {
    heading: "Recommended for you",
    loading: "Loading recommendations",
    dismiss: (/** @type {string} */ title) => `Dismiss ${title}`,
    reasons: {
      affinity: "Goes with what you usually buy",
      popular: "Often chosen by shoppers here",
      upsell: "A step up from what you have",
      cross_sell: "Often bought together",
      retention: "Thank you for staying with us",
      reactivation: "Welcome back",
      loyalty: "A thank-you for being a regular",
      content: "Worth a read",
    },
  },
};

/**
 * The language of the labels for a BCP 47 locale: Japanese for `ja*`, English otherwise.
 * @param {string} locale
 * @returns {Language}
 */
export function language(locale) {
  return /^ja\b/i.test(locale) ? "ja" : "en";
}

/**
 * The labels of a language.
 * @param {Language} lang
 */
export function labels(lang) {
  return LABELS[lang];
}

/**
 * The reason for an offer in plain words, from the factors the engine reports: what the customer buys, then
 * what other shoppers chose, then what kind of offer it is.
 * @param {RankedOffer} offer
 * @param {Language} lang
 * @returns {string}
 */
export function reasonText(offer, lang) {
  const words = LABELS[lang].reasons;
  const p = offer.propensity;
  if (p.affinityMultiplier > 1.05) return words.affinity;
  if (p.successes > 0 && p.posterior >= 0.1) return words.popular;
  return words[offer.kind] ?? words.cross_sell;
}

/** @type {Map<string, Intl.NumberFormat>} */
const formats = new Map();

/** @type {string | null} a same-origin script that, started as a worker, calls `warmHere` and posts a message */
let warmWorkerUrl = null;
let warmed = false;

/**
 * Where `warmPriceFormats` can start its worker: the script-tag build's own URL (embed.js answers as that worker).
 * @param {string | URL | null} url
 */
export function setWarmWorker(url) {
  warmWorkerUrl = url ? String(url) : null;
}

/** Makes the thread's first `Intl.NumberFormat` (what `warmPriceFormats` pays ahead). */
export function warmHere() {
  try {
    new Intl.NumberFormat();
  } catch {
    // Intl missing or broken: formatPrice reports it where it matters
  }
}

/**
 * Pays the page's first `Intl.NumberFormat` ahead of the first render, once per page. The first one a renderer
 * process makes costs some 18 ms of CPU (ICU's set-up for number formats), the next ones 0.1 ms, on any thread of
 * the process: so it is paid on a worker thread when the page allows one (a same-origin script, which the
 * script-tag build names with `setWarmWorker`: itself), beside the main thread's parsing, layout and Wasm set-up
 * instead of among them (the demo shop's product page in a Chromium trace: 18 ms less main-thread work before the
 * first render, the shop's own first yen price 0.1 ms instead of 18; in A/B pairs on the busy 2-core machine the
 * renderer's main thread used 8% less CPU from the navigation to the first render, all of Chromium's processes
 * 3% more: the worker's start-up, on the other core). On one core, or if the worker fails to
 * start (a cross-origin script, a Content-Security-Policy without it), in a task of its own on the main thread
 * while the engine and the model are fetched and compiled.
 */
export function warmPriceFormats() {
  if (warmed) return;
  warmed = true;
  const onMain = () => setTimeout(warmHere, 0);
  // One core: a worker would only add its own start-up to the same core's work.
  if (!warmWorkerUrl || typeof Worker !== "function" || (globalThis.navigator?.hardwareConcurrency ?? 1) < 2) return onMain();
  try {
    const worker = new Worker(warmWorkerUrl, { name: "nextoffer-intl" });
    worker.onmessage = () => worker.terminate();
    worker.onerror = (event) => {
      event.preventDefault(); // not an error of the host page
      worker.terminate();
      onMain();
    };
  } catch {
    onMain(); // a cross-origin script URL throws at once
  }
}

/**
 * A price in the locale's currency format (`¥32,000`, `￥32,000`), or "" when the offer has none.
 * @param {number | undefined} price
 * @param {string} currency an ISO 4217 code
 * @param {string} locale
 * @returns {string}
 */
export function formatPrice(price, currency, locale) {
  if (price === undefined || price === null || !Number.isFinite(price) || price <= 0) return "";
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: "currency", currency });
    } catch {
      // An unknown locale or currency code in a model must not break the card.
      format = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
    }
    formats.set(key, format);
  }
  return format.format(price);
}

/**
 * A URL safe to put in `href` or `src`: http(s) or relative to the page, never `javascript:` or `data:`.
 * @param {string | undefined} url
 * @returns {string | null}
 */
export function safeUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url, document.baseURI);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}
