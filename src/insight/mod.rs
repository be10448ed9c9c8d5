//! Customer insight from an orders file: who is valuable, who is slipping away, who to approach first.
//!
//! A CRM dashboard or a sales team needs, for every customer, rank and segment, expected value, churn risk
//! and timing; this module computes them from order rows, locally, with models that agree with the
//! published references (and with the Python `lifetimes` package) to the digits the tests check.
//!
//! ## Flow
//! 1. [`OrderBook`] folds order rows (CSV from any `BufRead`, or [`OrderRow`]s / JSON objects) into one
//!    aggregate per customer; memory follows customers, not rows. An `as_of` date cuts the history.
//! 2. [`CustomerSummary`]: first and last purchase, frequency, recency, age, spend.
//! 3. [`rfm`]: quintile scores, named segments, A/B/C value rank, dormancy.
//! 4. Lifetime value models fitted by maximum likelihood: [`BgNbd`], [`ParetoNbd`], [`GammaGamma`];
//!    per-customer probability alive, expected purchases, purchase probability, spend and discounted value.
//! 5. [`retention`]: the value of cutting churn by a share, computed from the fitted model.
//! 6. [`loyalty`]: tiers, points and progress; [`leads`]: points and logistic lead scoring.
//! 7. [`run`] ties them together into an [`Insight`] with per-customer rows, JSON and CSV output, and the
//!    attributes the decision engine reads (`segment`, `rank`, `churnRisk`, `dormant`, `loyaltyTier`).
//!
//! ```
//! use nextoffer::insight::{run_csv, InsightOptions};
//! let csv = "customer_id,date,amount\na,2024-01-02,30\na,2024-03-01,20\nb,2024-02-10,99\n";
//! let insight = run_csv(csv.as_bytes(), &InsightOptions::default(), &mut |_, _, _| {}).unwrap();
//! assert_eq!(insight.customers.len(), 2);
//! assert_eq!(insight.customers[0].summary.frequency, 1);
//! ```

mod bgnbd;
pub(crate) mod csv;
mod date;
mod daylog;
mod gamma_gamma;
mod index;
pub mod leads;
pub mod loyalty;
mod model;
pub mod optimize;
mod options;
mod orders;
mod output;
mod pareto;
mod predict;
mod report;
pub mod retention;
pub mod rfm;
mod rows;
pub mod special;
mod summary;
pub mod synth;

pub use bgnbd::{fit_bgnbd, BgNbd, BgNbdFit, BGNBD_PARAMETERS};
pub use csv::CsvError;
pub use date::{Date, DateError};
pub use gamma_gamma::{fit_gamma_gamma, GammaGamma, GammaGammaFit, SpendHistory};
pub use loyalty::{LoyaltyOptions, LoyaltyStatus};
pub use model::{FitData, FitError, FitReport, History, PurchaseModel, TimeUnit};
pub use options::{InsightOptions, ModelChoice, OptionsError};
pub use orders::{ImportOptions, ImportStats, OrderBook, OrderError, OrderRow, Position};
pub use output::CUSTOMER_COLUMNS;
pub use pareto::{fit_pareto_nbd, ParetoNbd, ParetoNbdFit, PARETO_PARAMETERS};
pub use predict::{customer_lifetime_value, Prediction, PredictionOptions};
pub use report::{
    run, run_csv, run_json, run_rows, CustomerInsight, Insight, InsightError, PurchaseFit,
};
pub use retention::RetentionWhatIf;
pub use rfm::{RfmOptions, RfmScore, Segment, ValueRank};
pub use summary::{CustomerBase, CustomerSummary};

/// The stage a long run is in, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading rows (`total` is 0 while streaming: unknown).
    Import,
    /// RFM scores, ranks and segments.
    Rfm,
    /// Fitting the purchase model (done and total are optimizer iterations; total is the cap).
    FitPurchases,
    /// Fitting the spend model.
    FitSpend,
    /// Per-customer predictions.
    Predict,
}

impl Stage {
    /// A stable name for the stage (`"import"`, `"rfm"`, `"fitPurchases"`, `"fitSpend"`, `"predict"`).
    pub fn name(self) -> &'static str {
        match self {
            Stage::Import => "import",
            Stage::Rfm => "rfm",
            Stage::FitPurchases => "fitPurchases",
            Stage::FitSpend => "fitSpend",
            Stage::Predict => "predict",
        }
    }
}

/// The progress callback: `(stage, done, total)`; `total` is 0 when unknown.
pub type Progress<'a> = &'a mut dyn FnMut(Stage, u64, u64);

/// Sorts `(key, index)` pairs by key; with `by_index`, equal keys in index order, else in any order.
/// Natively this is `sort_unstable_by_key`: one integer comparison where [`sort_by`]'s adapter makes up
/// to two calls of a float comparison. Where ties may come in any order, the index is left out of the
/// comparison so the sort can sweep runs of equal keys together (frequencies have few distinct values).
/// In Wasm it is the crate's small heapsort, as for [`sort_by`].
pub(crate) fn sort_pairs(items: &mut [(u64, u32)], by_index: bool) {
    #[cfg(target_arch = "wasm32")]
    if by_index {
        crate::sort::sort_by(items, |a, b| a < b);
    } else {
        crate::sort::sort_by(items, |a, b| a.0 < b.0);
    }
    #[cfg(not(target_arch = "wasm32"))]
    if by_index {
        items.sort_unstable();
    } else {
        items.sort_unstable_by_key(|e| e.0);
    }
}

/// An unsigned key that orders as `f64::total_cmp` orders the floats (negative below positive, -0.0
/// just below 0.0), so float sorts can run on integers. [`float_of_key`] inverts it.
pub(crate) fn key_of_float(v: f64) -> u64 {
    let bits = v.to_bits();
    // Negative: flip all bits (larger magnitude sorts lower); positive: set the sign bit (above all
    // negatives).
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The float whose [`key_of_float`] is `key`.
pub(crate) fn float_of_key(key: u64) -> f64 {
    if key >> 63 == 1 {
        f64::from_bits(key & !(1 << 63))
    } else {
        f64::from_bits(!key)
    }
}

/// Sorts by `less` (not stable: callers break ties themselves). In Wasm this is the crate's one small
/// heapsort (each std sort instantiation costs kilobytes of the size budget); natively it is the standard
/// unstable sort, which the 10-million-row benchmark needs.
pub(crate) fn sort_by<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    #[cfg(target_arch = "wasm32")]
    crate::sort::sort_by(items, less);
    #[cfg(not(target_arch = "wasm32"))]
    items.sort_unstable_by(|a, b| {
        if less(a, b) {
            std::cmp::Ordering::Less
        } else if less(b, a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
}
