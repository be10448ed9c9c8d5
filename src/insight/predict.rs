//! Per-customer predictions from fitted models: probability alive, churn risk, expected purchases and
//! purchase probability over a horizon, expected spend per purchase, discounted lifetime value and
//! expected days to the next purchase.

use super::gamma_gamma::GammaGamma;
use super::model::{History, PurchaseModel, TimeUnit};
use super::summary::CustomerSummary;
use crate::json::{Object, Value};

/// Horizons and discounting for predictions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PredictionOptions {
    /// Horizon for expected purchases and purchase probability, in days.
    pub horizon_days: f64,
    /// Lifetime value horizon in months (a month is 30 days, or 4.345 weeks, as in `lifetimes`).
    pub clv_months: u32,
    /// Discount rate per month for lifetime value (0.01 = 1% a month).
    pub monthly_discount: f64,
}

impl Default for PredictionOptions {
    fn default() -> Self {
        PredictionOptions {
            horizon_days: 90.0,
            clv_months: 12,
            monthly_discount: 0.01,
        }
    }
}

/// One customer's predictions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    /// Probability the customer is still active at `as_of`.
    pub probability_alive: f64,
    /// 1 - probability alive.
    pub churn_risk: f64,
    /// Expected purchases in the next `horizon_days`.
    pub expected_purchases: f64,
    /// Probability of at least one purchase in the next `horizon_days`.
    pub probability_of_purchase: f64,
    /// Expected spend per future purchase (Gamma-Gamma), if a spend model was fitted.
    pub expected_spend: Option<f64>,
    /// Discounted expected spend over `clv_months`, if a spend model was fitted.
    pub lifetime_value: Option<f64>,
    /// Expected days to the next purchase if still active (1 / posterior mean purchase rate).
    pub expected_days_to_next: f64,
}

fn finite(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// Discounted expected value over `months`: Σ_i spend · (E[Y(i m)] - E[Y((i-1) m)]) / (1 + d)^i, with m the
/// units in a month: the same discrete sum as `lifetimes`' `customer_lifetime_value`.
pub fn customer_lifetime_value(
    model: &dyn PurchaseModel,
    h: &History,
    spend_per_purchase: f64,
    months: u32,
    monthly_discount: f64,
    unit: TimeUnit,
) -> f64 {
    clv_with(
        |t| model.expected_purchases(t, h),
        spend_per_purchase,
        months,
        monthly_discount,
        unit,
    )
}

/// The same sum over any cumulative expected-purchases curve (the retention what-if passes a modified one).
pub(crate) fn clv_with(
    expected: impl Fn(f64) -> f64,
    spend_per_purchase: f64,
    months: u32,
    monthly_discount: f64,
    unit: TimeUnit,
) -> f64 {
    let month = unit.per_month();
    let mut previous = 0.0;
    let mut total = 0.0;
    for i in 1..=months {
        let now = expected(f64::from(i) * month);
        total += spend_per_purchase * (now - previous) / (1.0 + monthly_discount).powi(i as i32);
        previous = now;
    }
    finite(total)
}

/// Predicts for one customer.
pub(crate) fn predict(
    model: &dyn PurchaseModel,
    spend: Option<&GammaGamma>,
    c: &CustomerSummary,
    unit: TimeUnit,
    options: &PredictionOptions,
) -> Prediction {
    let h = History::from_summary(c, unit);
    let t = options.horizon_days / unit.days();
    let alive = finite(model.probability_alive(&h)).clamp(0.0, 1.0);
    let expected_spend = spend
        .map(|g| finite(g.expected_spend(h.frequency, c.average_repeat_spend)))
        .map(|v| v.max(0.0));
    let lifetime_value = expected_spend.map(|s| {
        customer_lifetime_value(
            model,
            &h,
            s,
            options.clv_months,
            options.monthly_discount,
            unit,
        )
        .max(0.0)
    });
    Prediction {
        probability_alive: alive,
        churn_risk: 1.0 - alive,
        expected_purchases: finite(model.expected_purchases(t, &h)).max(0.0),
        probability_of_purchase: finite(model.probability_of_purchase(t, &h)).clamp(0.0, 1.0),
        expected_spend,
        lifetime_value,
        expected_days_to_next: finite(model.expected_time_to_next_purchase(&h) * unit.days())
            .max(0.0),
    }
}

impl Prediction {
    /// As a JSON object with camelCase keys.
    pub fn to_json(&self) -> Value {
        let mut o = Object::new();
        o.insert("probabilityAlive", self.probability_alive);
        o.insert("churnRisk", self.churn_risk);
        o.insert("expectedPurchases", self.expected_purchases);
        o.insert("probabilityOfPurchase", self.probability_of_purchase);
        o.insert("expectedSpend", self.expected_spend);
        o.insert("lifetimeValue", self.lifetime_value);
        o.insert("expectedDaysToNext", self.expected_days_to_next);
        Value::Object(o)
    }
}
