// The dashboard's words in English and Japanese, and its number formats (yen through Intl). Used by the page
// and by the worker (the call list's CSV carries the reasons in the reader's language), so no DOM here.

/** @typedef {"en" | "ja"} Locale */
/** @typedef {import("../../pkg/insight/nextoffer_insight.js").CustomerInsight} CustomerInsight */

/** @type {Record<Locale, Record<string, string>>} */
const MESSAGES = {
  en: {
    title: "Customer dashboard",
    lead: "Who to call and what to offer, computed in this browser from an orders file. Nothing is uploaded.",
    language: "日本語",
    languageLabel: "Switch the language to Japanese",
    loadHeading: "Orders",
    loadHint: "Drop an orders CSV here (customer_id, date, amount; optional product_id, category …) or",
    pickFile: "Choose a CSV file",
    loadDemo: "Load the demo orders",
    progress: "Progress",
    "stage.read": "Reading the file",
    "stage.import": "Reading orders",
    "stage.rfm": "Scoring RFM and ranks",
    "stage.fitPurchases": "Fitting the purchase model",
    "stage.fitSpend": "Fitting the spend model",
    "stage.predict": "Predicting lifetime value",
    "stage.table": "Preparing the table",
    "stage.done": "Done",
    loadedSummary: "{customers} customers from {rows} order lines ({first} to {last}), as of {asOf}.",
    skipped: "{skipped} lines skipped.",
    loadError: "Could not read the orders: {message}",
    overview: "Overview",
    chartData: "The numbers",
    segmentsChart: "Customers per RFM segment",
    ltvChart: "Distribution of 12-month lifetime value",
    retentionChart: "Retention what-if: value added by less churn",
    customers: "Customers",
    filterSegment: "Segment",
    filterRank: "Rank",
    filterRisk: "Churn risk",
    search: "Customer id",
    all: "All",
    "risk.high": "High",
    "risk.medium": "Medium",
    "risk.low": "Low",
    "risk.unknown": "Unknown",
    "col.customerId": "Customer",
    "col.rank": "Rank",
    "col.segment": "Segment",
    "col.lifetimeValue": "Lifetime value",
    "col.probabilityAlive": "P(alive)",
    "col.expectedDaysToNext": "Next purchase",
    "col.loyaltyTier": "Tier",
    "col.action": "Next best action",
    "col.reason": "Why",
    tableCaption: "{total} customers, page {page} of {pages}",
    sortBy: "Sort by {column}",
    prev: "Previous page",
    next: "Next page",
    pageSize: "Rows per page",
    inDays: "in {days} days",
    unlikely: "unlikely (P(alive) below 5%)",
    noTier: "none",
    noAction: "no action",
    detail: "Customer {id}",
    close: "Close",
    facts: "Facts",
    "fact.totalSpend": "Total spend",
    "fact.frequency": "Repeat purchases",
    "fact.first": "First purchase",
    "fact.last": "Last purchase",
    "fact.daysSinceLast": "Days since last purchase",
    "fact.rfm": "RFM score",
    "fact.churnRisk": "Churn risk",
    "fact.expectedPurchases": "Expected purchases (90 days)",
    "fact.points": "Points",
    "fact.categories": "Categories",
    actions: "Actions, best first",
    purchases: "Products bought",
    suggestions: "Upsell and cross-sell suggestions",
    noRecommender: "No product suggestions from this file: {message}",
    "source.cross_sell": "Cross-sell",
    "source.upsell": "Upsell",
    "source.affinity": "Affinity",
    "source.popular": "Popular",
    noSuggestions: "No suggestion for this customer.",
    callList: "Call list",
    callListHint: "Existing customers to deepen first, then dormant ones to wake, by rank and value.",
    callListSize: "Customers in the list",
    makeCallList: "Make the call list",
    exportCsv: "Download CSV",
    "group.deepen": "Deepen",
    "group.wake": "Wake",
    lift: "Campaign lift",
    liftHint: "Recorded events (offer_id, variant = treatment or control, event = exposure or conversion).",
    liftPick: "Choose an events CSV",
    liftDemo: "Use the demo events",
    liftError: "Could not read the events: {message}",
    liftCaption: "Conversion per action: treatment (contacted) against control (held out)",
    liftSummary: "{offers} actions; {better} convert better than their control with a probability of 95% or more.",
    "liftCol.offer": "Offer",
    "liftCol.treatment": "Treatment",
    "liftCol.control": "Control",
    "liftCol.lift": "Relative lift (95% interval)",
    "liftCol.beats": "P(treatment beats control)",
  },
  ja: {
    title: "顧客ダッシュボード",
    lead: "誰に連絡し、何を提案するか。注文ファイルからこのブラウザの中で計算します。アップロードはしません。",
    language: "English",
    languageLabel: "表示言語を英語に切り替える",
    loadHeading: "注文データ",
    loadHint: "注文CSV(customer_id, date, amount など)をここにドロップするか、",
    pickFile: "CSVファイルを選ぶ",
    loadDemo: "デモの注文データを読み込む",
    progress: "進捗",
    "stage.read": "ファイルを読んでいます",
    "stage.import": "注文を読み込み中",
    "stage.rfm": "RFMとランクを計算中",
    "stage.fitPurchases": "購買モデルを推定中",
    "stage.fitSpend": "購買金額モデルを推定中",
    "stage.predict": "顧客生涯価値を予測中",
    "stage.table": "表を準備中",
    "stage.done": "完了",
    loadedSummary: "{customers}人の顧客、{rows}行の注文({first}〜{last})、基準日 {asOf}。",
    skipped: "{skipped}行をスキップしました。",
    loadError: "注文を読み込めませんでした: {message}",
    overview: "概要",
    chartData: "数値を表示",
    segmentsChart: "RFMセグメント別の顧客数",
    ltvChart: "12か月の顧客生涯価値の分布",
    retentionChart: "離反を減らしたときに増える価値(試算)",
    customers: "顧客",
    filterSegment: "セグメント",
    filterRank: "ランク",
    filterRisk: "離反リスク",
    search: "顧客ID",
    all: "すべて",
    "risk.high": "高",
    "risk.medium": "中",
    "risk.low": "低",
    "risk.unknown": "不明",
    "col.customerId": "顧客",
    "col.rank": "ランク",
    "col.segment": "セグメント",
    "col.lifetimeValue": "生涯価値",
    "col.probabilityAlive": "継続確率",
    "col.expectedDaysToNext": "次回購入",
    "col.loyaltyTier": "会員ランク",
    "col.action": "次の一手",
    "col.reason": "理由",
    tableCaption: "{total}人中 {page}/{pages}ページ",
    sortBy: "{column}で並べ替え",
    prev: "前のページ",
    next: "次のページ",
    pageSize: "1ページの行数",
    inDays: "{days}日後",
    unlikely: "見込みなし（生存確率5%未満）",
    noTier: "なし",
    noAction: "対応なし",
    detail: "顧客 {id}",
    close: "閉じる",
    facts: "基本情報",
    "fact.totalSpend": "累計購入額",
    "fact.frequency": "リピート購入回数",
    "fact.first": "初回購入日",
    "fact.last": "最終購入日",
    "fact.daysSinceLast": "最終購入からの日数",
    "fact.rfm": "RFMスコア",
    "fact.churnRisk": "離反リスク",
    "fact.expectedPurchases": "予想購入回数(90日)",
    "fact.points": "ポイント",
    "fact.categories": "カテゴリ",
    actions: "おすすめの対応(優先順)",
    purchases: "購入した商品",
    suggestions: "アップセル・クロスセルの提案",
    noRecommender: "このファイルからは商品を提案できません: {message}",
    "source.cross_sell": "クロスセル",
    "source.upsell": "アップセル",
    "source.affinity": "好みのカテゴリ",
    "source.popular": "人気",
    noSuggestions: "この顧客への提案はありません。",
    callList: "コールリスト",
    callListHint: "まず既存顧客の深耕、次に休眠顧客の掘り起こし。それぞれランクと価値の順。",
    callListSize: "リストの人数",
    makeCallList: "コールリストを作る",
    exportCsv: "CSVをダウンロード",
    "group.deepen": "深耕",
    "group.wake": "掘り起こし",
    lift: "キャンペーン効果",
    liftHint: "記録したイベント(offer_id, variant = treatment か control, event = exposure か conversion)。",
    liftPick: "イベントCSVを選ぶ",
    liftDemo: "デモのイベントを使う",
    liftError: "イベントを読み込めませんでした: {message}",
    liftCaption: "施策ごとの購入率: 実施群(連絡した顧客)と対照群(連絡しなかった顧客)",
    liftSummary: "{offers}件の施策のうち{better}件が95%以上の確率で対照群を上回っています。",
    "liftCol.offer": "施策",
    "liftCol.treatment": "実施群",
    "liftCol.control": "対照群",
    "liftCol.lift": "リフト(95%区間)",
    "liftCol.beats": "実施群が上回る確率",
  },
};

/** @type {Record<string, string>} */
const SEGMENTS_JA = {
  Champions: "優良顧客",
  Loyal: "ロイヤル顧客",
  "Potential loyalist": "ロイヤル候補",
  New: "新規顧客",
  Promising: "有望顧客",
  "Need attention": "要注意",
  "About to sleep": "休眠予備軍",
  "At risk": "離反リスク",
  "Can't lose them": "失えない顧客",
  Hibernating: "休眠中",
  Lost: "離反済み",
};

/** @type {Record<string, Record<Locale, string>>} */
const ACTIONS = {
  "save-call": { en: "Save call", ja: "引き止めの電話" },
  "vip-upgrade": { en: "Premium upgrade", ja: "上位商品の提案" },
  "cross-sell": { en: "Related product", ja: "関連商品の提案" },
  "loyalty-nudge": { en: "Tier nudge", ja: "会員ランクの案内" },
  welcome: { en: "Welcome follow-up", ja: "2回目購入のフォロー" },
  "winback-call": { en: "Win-back call", ja: "掘り起こしの電話" },
  "winback-mail": { en: "Win-back mail", ja: "掘り起こしのDM" },
};

/**
 * The locale: `?lang=` first, then a stored choice, then the browser's language; English unless Japanese.
 * @param {string | null | undefined} param
 * @param {string | null | undefined} stored
 * @param {string | null | undefined} browser
 * @returns {Locale}
 */
export function pickLocale(param, stored, browser) {
  for (const v of [param, stored, browser]) {
    if (v && /^ja\b/i.test(v)) return "ja";
    if (v && /^en\b/i.test(v)) return "en";
  }
  return "en";
}

/**
 * A message with `{name}` placeholders filled.
 * @param {Locale} locale
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(locale, key, vars = {}) {
  const text = MESSAGES[locale][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`));
}

/** @param {Locale} locale @param {string} segment */
export function segmentLabel(locale, segment) {
  return locale === "ja" ? (SEGMENTS_JA[segment] ?? segment) : segment;
}

/** @param {Locale} locale @param {string} id @param {string} [fallback] */
export function actionLabel(locale, id, fallback) {
  return ACTIONS[id]?.[locale] ?? fallback ?? id;
}

/** Number formats of a locale: yen with no fraction, percentages, counts. @param {Locale} locale */
export function formats(locale) {
  const tag = locale === "ja" ? "ja-JP" : "en-US";
  const yen = new Intl.NumberFormat(tag, { style: "currency", currency: "JPY", maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 0 });
  const count = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const dec = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  const pct1 = new Intl.NumberFormat(tag, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    /** @param {number | null | undefined} v */
    yen: (v) => (v === null || v === undefined ? "–" : yen.format(v)),
    /** @param {number | null | undefined} v */
    pct: (v) => (v === null || v === undefined ? "–" : pct.format(v)),
    /** @param {number | null | undefined} v */
    pct1: (v) => (v === null || v === undefined ? "–" : pct1.format(v)),
    /** @param {number | null | undefined} v */
    count: (v) => (v === null || v === undefined ? "–" : count.format(v)),
    /** @param {number | null | undefined} v */
    dec: (v) => (v === null || v === undefined ? "–" : dec.format(v)),
  };
}

/**
 * Why the action fits this customer, in words, from the same attributes the action's condition reads.
 * @param {Locale} locale
 * @param {string} actionId
 * @param {CustomerInsight} c
 */
export function actionReason(locale, actionId, c) {
  const f = formats(locale);
  const ja = locale === "ja";
  const seg = segmentLabel(locale, c.segment);
  const days = f.count(c.daysSinceLast);
  switch (actionId) {
    case "save-call":
      return ja
        ? `ランク${c.rank}の${seg}。離反リスク${f.pct(c.churnRisk)}、最終購入から${days}日`
        : `Rank ${c.rank} ${seg}: churn risk ${f.pct(c.churnRisk)}, last purchase ${days} days ago`;
    case "vip-upgrade":
      return ja
        ? `ランクAの${seg}。累計${f.yen(c.totalSpend)}、生涯価値${f.yen(c.lifetimeValue)}`
        : `Rank A ${seg}: spent ${f.yen(c.totalSpend)}, lifetime value ${f.yen(c.lifetimeValue)}`;
    case "cross-sell":
      return ja
        ? `購入中の${seg}(${c.categories.join("・")})。リピート${f.count(c.frequency)}回`
        : `Active ${seg} buying ${c.categories.join(", ")}; ${f.count(c.frequency)} repeat purchases`;
    case "loyalty-nudge":
      return ja
        ? `現在の会員ランク: ${c.loyaltyTier ?? t(locale, "noTier")}。直近1年で${f.count(c.trailingPurchases)}回購入`
        : `Tier ${c.loyaltyTier ?? t(locale, "noTier")}: ${c.loyaltyMessage}`;
    case "welcome":
      return ja
        ? `${seg}。初回購入 ${c.firstPurchase}`
        : `${seg} since ${c.firstPurchase}: a second purchase makes a regular`;
    case "winback-call":
    case "winback-mail":
      return ja
        ? `休眠中: 最終購入から${days}日(通常は${f.count(c.dormantAfterDays)}日以内)。累計${f.yen(c.totalSpend)}`
        : `Dormant: no purchase for ${days} days (usually within ${f.count(c.dormantAfterDays)}); spent ${f.yen(c.totalSpend)}`;
    default:
      return "";
  }
}

/**
 * The "next purchase" cell: a number of days, "unlikely" for a customer the models consider lapsed, or a dash.
 * @param {Locale} locale
 * @param {{ expectedDaysToNext: number | null, probabilityAlive: number | null }} c
 * @param {(n: number) => string} count
 * @param {number | null} days the result of `expectedNextDays(c)`
 * @returns {string}
 */
export function nextPurchaseText(locale, c, count, days) {
  if (days !== null) return t(locale, "inDays", { days: count(days) });
  return c.expectedDaysToNext === null ? "–" : t(locale, "unlikely");
}
