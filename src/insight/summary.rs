//! Per-customer purchase summary: the recency / frequency / age figures every model starts from.
//!
//! Definitions follow `lifetimes`' `summary_data_from_transaction_data` so results can be compared one to
//! one: frequency counts *repeat* purchase days, recency is the time from the first to the last purchase
//! day, age (T) the time from the first purchase day to `as_of`.

use super::orders::ImportStats;
use super::Date;

/// One customer's purchase history, summarized. Times are whole days.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerSummary {
    /// The customer's id.
    pub customer_id: String,
    /// Day of the first purchase.
    pub first_purchase: Date,
    /// Day of the last purchase (on or before `as_of`).
    pub last_purchase: Date,
    /// Order rows folded in (line items count separately).
    pub rows: u32,
    /// Distinct purchase days (same-day purchases count once).
    pub purchase_days: u32,
    /// Repeat purchase days: `purchase_days - 1` (x in the models).
    pub frequency: u32,
    /// Days from the first to the last purchase (t_x in the models, in days).
    pub recency_days: i32,
    /// Days from the first purchase to `as_of` (T in the models, in days).
    pub age_days: i32,
    /// Days from the last purchase to `as_of`.
    pub days_since_last: i32,
    /// Total spend.
    pub total_spend: f64,
    /// Total spend over purchase days.
    pub average_spend: f64,
    /// Spend on repeat purchase days (everything after the first purchase day).
    pub repeat_spend: f64,
    /// Repeat spend over repeat purchase days (the Gamma-Gamma input); 0 for one-time buyers.
    pub average_repeat_spend: f64,
    /// Mean days between purchase days (`recency_days / frequency`), `None` for one-time buyers.
    pub mean_gap_days: Option<f64>,
    /// Spend in the trailing window ending at `as_of` (see `ImportOptions::trailing_days`).
    pub trailing_spend: f64,
    /// Purchase days in that window.
    pub trailing_purchases: u32,
    /// Distinct categories bought, in order of first interning.
    pub categories: Vec<String>,
}

impl CustomerSummary {
    /// Builds a summary from the customer's first and last purchase days, distinct purchase days, and
    /// totals.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        customer_id: String,
        (first, last, days): (i32, i32, u32),
        as_of: Date,
        rows: u32,
        total: f64,
        first_spend: f64,
        trailing_spend: f64,
        trailing_purchases: u32,
        categories: Vec<String>,
    ) -> CustomerSummary {
        let last = last.max(first);
        let purchase_days = days.max(1);
        let frequency = purchase_days - 1;
        let recency_days = last - first;
        // Repeat spend is a difference of sums: clamp the rounding residue of a one-day customer to zero.
        let repeat_spend = if frequency == 0 {
            0.0
        } else {
            (total - first_spend).max(0.0)
        };
        CustomerSummary {
            customer_id,
            first_purchase: Date::from_days(first),
            last_purchase: Date::from_days(last),
            rows,
            purchase_days,
            frequency,
            recency_days,
            age_days: as_of.days() - first,
            days_since_last: as_of.days() - last,
            total_spend: total,
            average_spend: total / f64::from(purchase_days),
            repeat_spend,
            average_repeat_spend: if frequency == 0 {
                0.0
            } else {
                repeat_spend / f64::from(frequency)
            },
            mean_gap_days: (frequency > 0).then(|| f64::from(recency_days) / f64::from(frequency)),
            trailing_spend,
            trailing_purchases,
            categories,
        }
    }
}

/// All customers of an import, with the resolved `as_of` and the import's counts.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerBase {
    /// The calibration cut: rows after it were ignored; ages are measured to it.
    pub as_of: Date,
    /// One summary per customer, in order of first appearance.
    pub customers: Vec<CustomerSummary>,
    /// What the import read, used, skipped and ignored.
    pub stats: ImportStats,
}
