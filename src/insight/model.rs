//! What the purchase models share: the time unit, the fitting data (customers with the same history
//! collapsed into one weighted row), fit reports and errors, and the per-customer prediction interface.

use super::summary::CustomerSummary;
use crate::json::{Object, Value};

/// The unit of time the models are fitted in. Parameters such as alpha and beta are rates per unit, so a
/// fit is meaningless without it: every fit summary states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TimeUnit {
    /// Days.
    Days,
    /// Weeks of 7 days (the unit of the published CDNOW figures).
    #[default]
    Weeks,
}

impl TimeUnit {
    /// Days in one unit.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
        }
    }

    /// Units in one month, as `lifetimes` counts them for lifetime value (30 days, 4.345 weeks).
    pub fn per_month(self) -> f64 {
        match self {
            TimeUnit::Days => 30.0,
            TimeUnit::Weeks => 4.345,
        }
    }

    /// `"days"` or `"weeks"`.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Days => "days",
            TimeUnit::Weeks => "weeks",
        }
    }

    /// Parses `"days"`/`"day"`/`"d"` or `"weeks"`/`"week"`/`"w"`.
    pub fn parse(s: &str) -> Option<TimeUnit> {
        match s.to_ascii_lowercase().as_str() {
            "days" | "day" | "d" => Some(TimeUnit::Days),
            "weeks" | "week" | "w" => Some(TimeUnit::Weeks),
            _ => None,
        }
    }
}

/// One customer's model inputs: repeat purchases x, recency t_x and age T (in model time units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct History {
    /// Repeat purchase days (x).
    pub frequency: f64,
    /// Time from first to last purchase (t_x).
    pub recency: f64,
    /// Time from first purchase to the end of the observation (T).
    pub age: f64,
}

impl History {
    /// From a summary, in `unit`.
    pub fn from_summary(c: &CustomerSummary, unit: TimeUnit) -> History {
        History {
            frequency: f64::from(c.frequency),
            recency: f64::from(c.recency_days) / unit.days(),
            age: f64::from(c.age_days) / unit.days(),
        }
    }

    /// Checks the invariants the models rely on: finite, x >= 0 whole, 0 <= t_x <= T, t_x = 0 when x = 0.
    pub fn is_valid(&self) -> bool {
        let (x, tx, t) = (self.frequency, self.recency, self.age);
        x.is_finite()
            && tx.is_finite()
            && t.is_finite()
            && x >= 0.0
            && x.fract() == 0.0
            && tx >= 0.0
            && tx <= t
            && (x > 0.0 || tx == 0.0)
    }
}

/// Fitting data: distinct histories with how many customers share each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FitData {
    /// Distinct histories.
    pub rows: Vec<History>,
    /// Customers per history.
    pub weights: Vec<f64>,
    /// Total customers.
    pub customers: usize,
}

impl FitData {
    /// Collapses histories (any iterator) into distinct weighted rows. Invalid histories are dropped and
    /// counted in the second value.
    pub fn new(histories: impl IntoIterator<Item = History>) -> (FitData, usize) {
        let mut all: Vec<History> = Vec::new();
        let mut invalid = 0;
        for h in histories {
            if h.is_valid() {
                all.push(h);
            } else {
                invalid += 1;
            }
        }
        let customers = all.len();
        super::sort_by(&mut all, |a, b| {
            a.frequency
                .total_cmp(&b.frequency)
                .then(a.recency.total_cmp(&b.recency))
                .then(a.age.total_cmp(&b.age))
                .is_lt()
        });
        let mut rows: Vec<History> = Vec::new();
        let mut weights: Vec<f64> = Vec::new();
        for h in all {
            match (rows.last(), weights.last_mut()) {
                (Some(last), Some(w)) if *last == h => *w += 1.0,
                _ => {
                    rows.push(h);
                    weights.push(1.0);
                }
            }
        }
        (
            FitData {
                rows,
                weights,
                customers,
            },
            invalid,
        )
    }

    /// From customer summaries in `unit`.
    pub fn from_customers(customers: &[CustomerSummary], unit: TimeUnit) -> FitData {
        FitData::new(customers.iter().map(|c| History::from_summary(c, unit))).0
    }

    /// The largest age (used to scale starting points).
    pub fn max_age(&self) -> f64 {
        self.rows.iter().map(|h| h.age).fold(0.0, f64::max)
    }

    /// Customers with at least one repeat purchase.
    pub fn repeat_customers(&self) -> f64 {
        self.rows
            .iter()
            .zip(&self.weights)
            .filter(|(h, _)| h.frequency > 0.0)
            .map(|(_, w)| w)
            .sum()
    }
}

/// Keeps every `step`-th distinct history with its weight multiplied, for cheap restarts on big data.
pub(crate) fn subsample(data: &FitData, max_rows: usize) -> Option<FitData> {
    if data.rows.len() <= max_rows {
        return None;
    }
    let step = data.rows.len().div_ceil(max_rows);
    let mut rows = Vec::with_capacity(max_rows);
    let mut weights = Vec::with_capacity(max_rows);
    for (i, (h, w)) in data.rows.iter().zip(&data.weights).enumerate() {
        if i % step == 0 {
            rows.push(*h);
            weights.push(w * step as f64);
        }
    }
    Some(FitData {
        rows,
        weights,
        customers: data.customers,
    })
}

/// Why a model could not be fitted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    /// There is nothing to fit.
    #[error("{model}: no customers to fit")]
    NoCustomers {
        /// The model.
        model: &'static str,
    },
    /// Nobody bought twice: the likelihood grows without bound as purchase rates go to zero, so it has no
    /// maximum and the model would say nothing.
    #[error("{model}: no customer has a repeat purchase, so purchase and dropout rates cannot be estimated")]
    NoRepeatPurchases {
        /// The model.
        model: &'static str,
    },
    /// Too few usable customers for the spend model.
    #[error("gamma-gamma: needs at least 2 customers with repeat purchases of positive value, found {found}")]
    TooFewRepeatBuyers {
        /// How many there were.
        found: usize,
    },
    /// The likelihood has its supremum at the edge of the parameter space (a parameter ran to 0 or
    /// infinity), so the data does not identify the model.
    #[error("{model}: the fit does not settle ({parameter} runs to {direction}); the data does not identify the model")]
    Degenerate {
        /// The model.
        model: &'static str,
        /// The parameter that ran off.
        parameter: &'static str,
        /// "zero" or "infinity".
        direction: &'static str,
    },
    /// The optimizer found no finite likelihood at all.
    #[error("{model}: no starting point gives a finite likelihood")]
    NoFiniteLikelihood {
        /// The model.
        model: &'static str,
    },
}

/// How a fit went: parameters (by name), log-likelihood, time unit and effort.
#[derive(Clone, Debug, PartialEq)]
pub struct FitReport {
    /// `"bgnbd"`, `"pareto_nbd"` or `"gamma_gamma"`.
    pub model: &'static str,
    /// Parameter names and values, in the model's conventional order.
    pub parameters: Vec<(&'static str, f64)>,
    /// Maximized log-likelihood (full, with every constant term, comparable with the published figures).
    pub log_likelihood: f64,
    /// Time unit of rate parameters (`None` for the spend model, which has no time).
    pub time_unit: Option<TimeUnit>,
    /// Customers the fit used.
    pub customers: usize,
    /// Optimizer iterations.
    pub iterations: usize,
    /// Likelihood evaluations.
    pub evaluations: usize,
    /// True if the optimizer met its tolerance.
    pub converged: bool,
}

impl FitReport {
    /// As JSON: `{"model", "parameters": {...}, "logLikelihood", "timeUnit", "customers", "iterations",
    /// "evaluations", "converged"}`.
    pub fn to_json(&self) -> Value {
        let mut o = Object::new();
        o.insert("model", self.model);
        o.insert(
            "parameters",
            self.parameters
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect::<Object>(),
        );
        o.insert("logLikelihood", self.log_likelihood);
        o.insert("timeUnit", self.time_unit.map(TimeUnit::name));
        o.insert("customers", self.customers);
        o.insert("iterations", self.iterations);
        o.insert("evaluations", self.evaluations);
        o.insert("converged", self.converged);
        Value::Object(o)
    }
}

/// Per-customer predictions of a purchase-count model (BG/NBD or Pareto/NBD). Horizons are in the model's
/// time unit.
pub trait PurchaseModel {
    /// The model's name.
    fn name(&self) -> &'static str;
    /// The log-likelihood of one history.
    fn log_likelihood(&self, h: &History) -> f64;
    /// Probability that the customer is still active at the end of the observation.
    fn probability_alive(&self, h: &History) -> f64;
    /// Expected purchases in the next `t` units.
    fn expected_purchases(&self, t: f64, h: &History) -> f64;
    /// Probability of at least one purchase in the next `t` units.
    fn probability_of_purchase(&self, t: f64, h: &History) -> f64;
    /// Expected purchases in the next `t` units if every customer's dropout (churn) fell by `share` from now
    /// on (0 <= share < 1).
    fn expected_purchases_with_less_churn(&self, t: f64, h: &History, share: f64) -> f64;
    /// Expected time (units) to the next purchase if the customer is still active: the reciprocal of the
    /// posterior mean purchase rate.
    fn expected_time_to_next_purchase(&self, h: &History) -> f64;
}

/// Checks that fitted log-parameters stayed in a range where the model means something.
pub(crate) fn check_settled(
    model: &'static str,
    names: &[&'static str],
    log_params: &[f64],
) -> Result<(), FitError> {
    for (name, &lp) in names.iter().zip(log_params) {
        if lp > 18.0 {
            return Err(FitError::Degenerate {
                model,
                parameter: name,
                direction: "infinity",
            });
        }
        if lp < -18.0 {
            return Err(FitError::Degenerate {
                model,
                parameter: name,
                direction: "zero",
            });
        }
    }
    Ok(())
}
