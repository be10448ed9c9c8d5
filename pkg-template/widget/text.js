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
 * Currencies written out here, as `Intl.NumberFormat` writes them for the widget's two languages: the symbol in
 * Japanese and in English, and the fraction digits. The first `Intl.NumberFormat` of a renderer process sets up
 * ICU's number formatting: 14 to 100 ms of main-thread CPU on the busy 2-core bench machine (42 ms of the 120 ms
 * from the widget's script to its first render in one traced load of the demo shop), directly on the first
 * render's path. These few formats are plain digit work, identical to Intl's output (www/test/widget.test.mjs
 * compares them with Chromium's Intl over thousands of values); anything else goes to Intl.
 * @type {Record<string, [ja: string, en: string, fractionDigits: number]>}
 */
const EXACT_FORMATS = { JPY: ["￥", "¥", 0], USD: ["$", "$", 2], EUR: ["€", "€", 2] };

/**
 * A price formatted without Intl when the currency is in EXACT_FORMATS and the locale is `ja`, `ja-JP`, `en` or
 * `en-US` (other regions may group digits or place the symbol differently), else null. Rounds as Intl does: the
 * shortest decimal that reads back as the number (what `String` gives and what ICU formats), half away from zero
 * (`halfExpand`), so 1.005 dollars is $1.01 although its double is just under 1.005.
 * @param {number} price positive and finite
 * @param {string} currency
 * @param {string} locale
 * @returns {string | null}
 */
function exactPrice(price, currency, locale) {
  const format = EXACT_FORMATS[currency];
  const region = /^(?:(ja)(?:-jp)?|en(?:-us)?)$/i.exec(locale);
  // At most 13 integer digits and no exponent: the rounded amount in cents stays an exact integer.
  const decimal = format && region ? /^(\d{1,13})(?:\.(\d+))?$/.exec(String(price)) : null;
  if (!format || !region || !decimal) return null;
  const [symbolJa, symbolEn, places] = format;
  const fraction = decimal[2] ?? "";
  // The amount in the currency's smallest unit, rounded on the decimal digits: up when the first cut digit is 5-9.
  const units = Number(decimal[1] + fraction.slice(0, places).padEnd(places, "0")) + (fraction.charCodeAt(places) >= 53 ? 1 : 0);
  const digits = String(units).padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places).replace(/\B(?=(\d{3})+$)/g, ",");
  return (region[1] ? symbolJa : symbolEn) + whole + (places ? "." + digits.slice(-places) : "");
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
  const exact = exactPrice(price, currency, locale);
  if (exact !== null) return exact;
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
