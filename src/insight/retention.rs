//! Retention what-if: how much more the customer base is worth if churn falls by a share, computed from
//! the fitted model rather than asserted (the "5:25 rule" made concrete for this base).
//!
//! "Churn falls by k" means every customer's dropout from now on is scaled by (1 - k), while the past (and
//! so each customer's probability of being alive today) is unchanged:
//! - BG/NBD: the dropout probability after each purchase p becomes (1 - k) p. With f(t) = E[(1/p)(1 -
//!   e^(-λ p t))] under the posterior, E'[Y(t)] = P(alive) · f((1 - k) t) / (1 - k), the same 2F1 formula
//!   at a shorter horizon.
//! - Pareto/NBD: the dropout rate μ becomes (1 - k) μ, i.e. the posterior Gamma(s, β + T) becomes
//!   Gamma(s, (β + T)/(1 - k)).
//!
//! Value is the discounted expected spend over the lifetime-value horizon, with the Gamma-Gamma expected
//! spend per purchase (or each customer's observed average when no spend model is available).

use super::gamma_gamma::GammaGamma;
use super::model::{History, PurchaseModel, TimeUnit};
use super::predict::{clv_with, PredictionOptions};
use super::summary::CustomerSummary;
use crate::json::{Object, Value};

/// The effect of one churn reduction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetentionWhatIf {
    /// The share by which churn falls (0.05 = 5%).
    pub churn_reduction: f64,
    /// Expected discounted value of the base over the horizon, as is.
    pub base_value: f64,
    /// The same with churn reduced.
    pub improved_value: f64,
    /// improved - base.
    pub change: f64,
    /// change / base (0 when the base value is 0).
    pub change_share: f64,
    /// Expected purchases over the horizon, as is.
    pub base_purchases: f64,
    /// Expected purchases over the horizon with churn reduced.
    pub improved_purchases: f64,
    /// Horizon in months.
    pub months: u32,
}

/// Computes the what-if for each share in `reductions` (shares outside [0, 1) are clamped to [0, 0.99]).
pub fn what_if(
    model: &dyn PurchaseModel,
    spend: Option<&GammaGamma>,
    customers: &[CustomerSummary],
    unit: TimeUnit,
    options: &PredictionOptions,
    reductions: &[f64],
) -> Vec<RetentionWhatIf> {
    let horizon = f64::from(options.clv_months) * unit.per_month();
    let per_customer: Vec<(History, f64)> = customers
        .iter()
        .map(|c| {
            let h = History::from_summary(c, unit);
            let s = spend.map_or(c.average_spend, |g| {
                g.expected_spend(h.frequency, c.average_repeat_spend)
            });
            (h, if s.is_finite() { s.max(0.0) } else { 0.0 })
        })
        .collect();
    let total = |share: f64| -> (f64, f64) {
        let mut value = 0.0;
        let mut purchases = 0.0;
        for (h, s) in &per_customer {
            let curve = |t: f64| {
                if share == 0.0 {
                    model.expected_purchases(t, h)
                } else {
                    model.expected_purchases_with_less_churn(t, h, share)
                }
            };
            value += clv_with(
                curve,
                *s,
                options.clv_months,
                options.monthly_discount,
                unit,
            );
            let p = curve(horizon);
            if p.is_finite() {
                purchases += p;
            }
        }
        (value, purchases)
    };
    let (base_value, base_purchases) = total(0.0);
    reductions
        .iter()
        .map(|&k| {
            let k = if k.is_finite() {
                k.clamp(0.0, 0.99)
            } else {
                0.0
            };
            let (improved_value, improved_purchases) = total(k);
            let change = improved_value - base_value;
            RetentionWhatIf {
                churn_reduction: k,
                base_value,
                improved_value,
                change,
                change_share: if base_value > 0.0 {
                    change / base_value
                } else {
                    0.0
                },
                base_purchases,
                improved_purchases,
                months: options.clv_months,
            }
        })
        .collect()
}

impl RetentionWhatIf {
    /// As a JSON object with camelCase keys.
    pub fn to_json(&self) -> Value {
        let mut o = Object::new();
        o.insert("churnReduction", self.churn_reduction);
        o.insert("baseValue", self.base_value);
        o.insert("improvedValue", self.improved_value);
        o.insert("change", self.change);
        o.insert("changeShare", self.change_share);
        o.insert("basePurchases", self.base_purchases);
        o.insert("improvedPurchases", self.improved_purchases);
        o.insert("months", self.months);
        Value::Object(o)
    }
}
