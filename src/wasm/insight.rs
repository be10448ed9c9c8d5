//! The insight binding: `insight(orders, options, progress?)`, built only into the second Wasm module
//! (`--features insight-wasm`, `scripts/build-insight.sh`, `pkg/insight/`).
//!
//! Model fitting and its special functions would cost the engine's module much of its 80 KB gzipped budget,
//! so they live in a module of their own: the engine's build never enables this feature, and nothing it
//! exports reaches the insight code. Orders and options cross as JSON text (CSV text is passed as is), the
//! result goes back through `JSON.parse`, errors are `NextofferError`s with `code` and `path` (see
//! `convert.rs`). The progress callback is throttled here, in the binding: the core reports every 65,536 rows
//! or optimizer iteration, which is too often for a UI and would cost a JS call each.

#![cfg(all(target_arch = "wasm32", feature = "insight-wasm"))]

use js_sys::{Date, Function, Reflect};
use wasm_bindgen::prelude::*;

use super::convert::{error, from_json, json_text};
use crate::insight::{
    run_csv, run_json, InsightError, InsightOptions, OptionsError, OrderError, Position, Stage,
};

#[wasm_bindgen(typescript_custom_section)]
const INSIGHT_TYPES: &'static str = r#"
/** One order line as an object (the CSV columns, by name). Ids may be numbers; amounts numeric strings. */
export interface OrderInput {
  customerId?: string | number;
  customer_id?: string | number;
  /** ISO date or date-time (purchases count once per day). */
  date: string;
  amount: number | string;
  category?: string;
}

/** A loyalty tier: reached with at least `minSpend` trailing spend and `minPurchases` trailing purchases. */
export interface LoyaltyTierSpec { name: string; minSpend?: number; minPurchases?: number }

/** Options of `insight(orders, options)`; every key is optional, unknown keys are an error. */
export interface InsightOptions {
  /** Calibration cut (ISO date): later orders are ignored and counted. Default: the latest order's date. */
  asOf?: string | null;
  /** Skip and count bad rows instead of failing on the first one. */
  lenient?: boolean;
  /** Trailing window of the loyalty spend and purchases, in days (default 365). */
  trailingDays?: number;
  /** Time unit of the models (default "weeks"). */
  timeUnit?: "days" | "weeks";
  /** Purchase model (default "bgnbd"). */
  model?: "bgnbd" | "pareto" | "none";
  /** Fit the Gamma-Gamma spend model (default true). */
  fitSpend?: boolean;
  horizonDays?: number;
  clvMonths?: number;
  monthlyDiscount?: number;
  aShare?: number;
  bShare?: number;
  dormantMultiple?: number;
  dormantFallbackDays?: number;
  /** Churn reductions of the retention what-if (0.05 = 5%). */
  churnReductions?: number[];
  tiers?: LoyaltyTierSpec[];
  points?: { perUnit?: number; perPurchase?: number; welcome?: number };
}

/** A stage of an insight run, as passed to the progress callback. */
export type InsightStage = "import" | "rfm" | "fitPurchases" | "fitSpend" | "predict";

/** Called as `progress(stage, done, total)`: at each stage's start, then at most every 1% and 50 ms of work;
 * `done` increases within a stage; `total` is 0 when unknown (streaming import, optimizer iterations). */
export type InsightProgress = (stage: InsightStage, done: number, total: number) => void;

/** A fitted model's summary. */
export interface FitReport {
  model: "bgnbd" | "pareto_nbd" | "gamma_gamma";
  /** BG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; Gamma-Gamma: p, q, gamma. */
  parameters: { [name: string]: number };
  logLikelihood: number;
  timeUnit: "days" | "weeks" | null;
  customers: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/** The value of cutting churn by a share, from the fitted model. */
export interface RetentionWhatIf {
  churnReduction: number;
  baseValue: number;
  improvedValue: number;
  change: number;
  changeShare: number;
  basePurchases: number;
  improvedPurchases: number;
  months: number;
}

/** The RFM segment names. */
export type SegmentName = "Champions" | "Loyal" | "Potential loyalist" | "New" | "Promising" | "Need attention"
  | "About to sleep" | "At risk" | "Can't lose them" | "Hibernating" | "Lost";

/** One customer's row; the model columns are null without a fitted model. */
export interface CustomerInsight {
  customerId: string;
  firstPurchase: string;
  lastPurchase: string;
  rows: number;
  purchaseDays: number;
  frequency: number;
  recencyDays: number;
  ageDays: number;
  daysSinceLast: number;
  totalSpend: number | null;
  averageSpend: number | null;
  repeatSpend: number | null;
  averageRepeatSpend: number | null;
  trailingSpend: number | null;
  trailingPurchases: number;
  categories: string[];
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  /** The three scores as text, e.g. "545". */
  rfm: string;
  segment: SegmentName;
  rank: "A" | "B" | "C";
  revenuePosition: number;
  dormant: boolean;
  dormantAfterDays: number | null;
  loyaltyTier: string | null;
  points: number | null;
  loyaltyMessage: string;
  probabilityAlive: number | null;
  churnRisk: number | null;
  expectedPurchases: number | null;
  probabilityOfPurchase: number | null;
  expectedSpend: number | null;
  lifetimeValue: number | null;
  expectedDaysToNext: number | null;
}

/** The result of `insight(orders, options)`. */
export interface Insight {
  asOf: string;
  timeUnit: "days" | "weeks";
  import: {
    rowsRead: number;
    rowsUsed: number;
    rowsSkipped: number;
    rowsAfterAsOf: number;
    skippedExamples: string[];
    firstDate: string | null;
    lastDate: string | null;
    customers: number;
  };
  /** A model that could not be fitted is null, with its reason in `errors`. */
  models: { purchase: FitReport | null; spend: FitReport | null; errors: string[] };
  retention: RetentionWhatIf[];
  segments: { [segment in SegmentName]: number };
  customers: CustomerInsight[];
}

/** Errors thrown by `insight`: bad orders (with `line` and `column` for CSV) or bad options. */
export interface InsightError extends Error {
  name: "NextofferError";
  code: "invalid-json" | "invalid-orders" | "invalid-options";
  /** `orders[3].amount` for objects, `line 12, column 3 (amount)` for CSV, the option's key for options. */
  path: string;
  line?: number;
  column?: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// Orders as CSV text or order objects.
    #[wasm_bindgen(typescript_type = "string | OrderInput[]")]
    pub type OrdersInput;
    /// Options of a run.
    #[wasm_bindgen(typescript_type = "InsightOptions")]
    pub type InsightOptionsInput;
    /// The progress callback.
    #[wasm_bindgen(typescript_type = "InsightProgress")]
    pub type ProgressInput;
    /// The result of a run.
    #[wasm_bindgen(typescript_type = "Insight")]
    pub type InsightOutput;
}

/// Ranks, segments, lifetime value, churn risk and loyalty for every customer of an orders file (CSV text
/// or an array of order objects), with the fitted models. Throws `invalid-orders`, `invalid-options` or
/// `invalid-json`. An exception thrown by `progress` stops further progress calls and is rethrown when the
/// run ends (the run is not cut short; the module stays usable).
#[wasm_bindgen]
pub fn insight(
    orders: &OrdersInput,
    options: Option<InsightOptionsInput>,
    progress: Option<ProgressInput>,
) -> Result<InsightOutput, JsValue> {
    let options = read_options(options.as_ref().map(|o| o.as_ref()))?;
    let mut throttle = Throttle::new(progress.as_ref().map(|p| p.unchecked_ref::<Function>()));
    let result = if let Some(csv) = orders.as_string() {
        run_csv(csv.as_bytes(), &options, &mut |s, d, t| {
            throttle.report(s, d, t)
        })
    } else {
        let text = json_text(orders, "orders")?;
        let value = crate::json::parse(&text)
            .map_err(|e| error("invalid-json", "", &format!("orders: invalid JSON at {e}")))?;
        run_json(&value, &options, &mut |s, d, t| throttle.report(s, d, t))
    };
    let insight = result.map_err(|e| insight_error(&e))?;
    throttle.finish()?;
    Ok(from_json(&insight.to_json().to_json())?.unchecked_into())
}

fn read_options(options: Option<&JsValue>) -> Result<InsightOptions, JsValue> {
    let Some(options) = options.filter(|o| !o.is_undefined() && !o.is_null()) else {
        return Ok(InsightOptions::default());
    };
    let text = json_text(options, "options")?;
    let value = crate::json::parse(&text)
        .map_err(|e| error("invalid-json", "", &format!("options: invalid JSON at {e}")))?;
    InsightOptions::from_json(&value)
        .map_err(|e: OptionsError| error("invalid-options", &e.key, &e.to_string()))
}

fn insight_error(e: &InsightError) -> JsValue {
    let (path, line, column) = match e {
        InsightError::Orders(OrderError::BadValue { at, .. }) => match at {
            Position::Csv { line, column, .. } => (at.to_string(), Some(*line), Some(*column)),
            Position::Row { .. } => (at.to_string(), None, None),
        },
        InsightError::Orders(OrderError::MissingColumn { column, .. }) => {
            ((*column).to_string(), Some(1), None)
        }
        _ => (String::new(), None, None),
    };
    let err = error("invalid-orders", &path, &e.to_string());
    // Reflect::set only fails on frozen or exotic objects; a fresh Error is neither.
    if let Some(line) = line {
        let _ = Reflect::set(&err, &"line".into(), &JsValue::from_f64(line as f64));
    }
    if let Some(column) = column {
        let _ = Reflect::set(&err, &"column".into(), &JsValue::from_f64(column as f64));
    }
    err
}

/// Forwards the core's progress reports to the JS callback: each stage's first report, then only when at
/// least 1% of the stage's total (any amount when the total is unknown) and 50 ms have passed since the
/// last call, so the callback never runs per row or per iteration. `done` only increases within a stage
/// (an optimizer restart starts its iteration count again; those reports are dropped).
struct Throttle<'a> {
    callback: Option<&'a Function>,
    stage: Option<Stage>,
    last_done: u64,
    last_ms: f64,
    thrown: Option<JsValue>,
}

const MIN_INTERVAL_MS: f64 = 50.0;

impl<'a> Throttle<'a> {
    fn new(callback: Option<&'a Function>) -> Self {
        Throttle {
            callback,
            stage: None,
            last_done: 0,
            last_ms: 0.0,
            thrown: None,
        }
    }

    fn report(&mut self, stage: Stage, done: u64, total: u64) {
        let Some(callback) = self.callback else {
            return;
        };
        let now = Date::now();
        if self.stage == Some(stage) {
            let step = (total / 100).max(1);
            if done < self.last_done.saturating_add(step) || now - self.last_ms < MIN_INTERVAL_MS {
                return;
            }
        }
        self.stage = Some(stage);
        self.last_done = done;
        self.last_ms = now;
        let result = callback.call3(
            &JsValue::NULL,
            &JsValue::from_str(stage.name()),
            &JsValue::from_f64(done as f64),
            &JsValue::from_f64(total as f64),
        );
        if let Err(thrown) = result {
            self.callback = None;
            self.thrown = Some(thrown);
        }
    }

    /// The callback's exception, if it threw.
    fn finish(self) -> Result<(), JsValue> {
        self.thrown.map_or(Ok(()), Err)
    }
}
