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

/**
 * Pays the page's first `Intl.NumberFormat` ahead of the first render, in a task of its own. The first one a
 * renderer process makes costs V8 some 18 ms (it builds the set of locales that have number data, once per
 * process, whatever the locale and options), the next ones 0.2 ms. Called when the engine and the model start
 * loading: the cost then falls while they are fetched and compiled, rather than between the decision and the
 * first cards (and the host page's own first formatter is cheap too).
 */
export function warmPriceFormats() {
  setTimeout(() => {
    try {
      new Intl.NumberFormat();
    } catch {
      // Intl missing or broken: formatPrice reports it where it matters
    }
  }, 0);
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
