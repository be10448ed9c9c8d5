//! Options of a whole insight run, with defaults and a JSON reader (the Wasm `insight(orders, options)` and
//! the CLI pass options as JSON objects with camelCase keys).

use super::loyalty::{LoyaltyOptions, PointsRules, Tier};
use super::predict::PredictionOptions;
use super::rfm::RfmOptions;
use super::{Date, ImportOptions, TimeUnit};
use crate::json::Value;

/// Which purchase model to fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ModelChoice {
    /// BG/NBD (the default: fast, robust, closed-form).
    #[default]
    BgNbd,
    /// Pareto/NBD.
    ParetoNbd,
    /// No lifetime-value model (RFM, ranks, loyalty only).
    None,
}

impl ModelChoice {
    /// Parses `"bgnbd"`, `"pareto"` (or `"pareto_nbd"`, `"paretonbd"`) or `"none"`.
    pub fn parse(s: &str) -> Option<ModelChoice> {
        match s.to_ascii_lowercase().replace(['-', '/'], "_").as_str() {
            "bgnbd" | "bg_nbd" => Some(ModelChoice::BgNbd),
            "pareto" | "pareto_nbd" | "paretonbd" => Some(ModelChoice::ParetoNbd),
            "none" => Some(ModelChoice::None),
            _ => None,
        }
    }
}

/// Everything a run can be told.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightOptions {
    /// Import: `as_of`, lenient mode, trailing window.
    pub import: ImportOptions,
    /// Time unit of the models.
    pub time_unit: TimeUnit,
    /// Purchase model.
    pub model: ModelChoice,
    /// Fit the Gamma-Gamma spend model (needed for expected spend and lifetime value).
    pub fit_spend: bool,
    /// Prediction horizon and lifetime-value discounting.
    pub prediction: PredictionOptions,
    /// RFM, ranks and dormancy.
    pub rfm: RfmOptions,
    /// Loyalty tiers and points.
    pub loyalty: LoyaltyOptions,
    /// Churn reductions for the retention what-if (0.05 = 5%).
    pub churn_reductions: Vec<f64>,
}

impl Default for InsightOptions {
    fn default() -> Self {
        InsightOptions {
            import: ImportOptions::default(),
            time_unit: TimeUnit::Weeks,
            model: ModelChoice::BgNbd,
            fit_spend: true,
            prediction: PredictionOptions::default(),
            rfm: RfmOptions::default(),
            loyalty: LoyaltyOptions::default(),
            churn_reductions: vec![0.05],
        }
    }
}

/// A bad option, naming it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("options.{key}: {message}")]
pub struct OptionsError {
    /// The option's path (`asOf`, `tiers[1].minSpend`).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

fn err(key: impl Into<String>, message: impl Into<String>) -> OptionsError {
    OptionsError {
        key: key.into(),
        message: message.into(),
    }
}

fn js(v: f64) -> std::borrow::Cow<'static, str> {
    crate::json::number_to_js_string(v)
}

fn number(key: &str, v: &Value, min: f64, max: f64) -> Result<f64, OptionsError> {
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= min && n <= max => Ok(n),
        Some(n) if n < min => Err(err(key, format!("{} is below {}", js(n), js(min)))),
        Some(n) if n > max => Err(err(key, format!("{} is above {}", js(n), js(max)))),
        Some(_) => Err(err(key, "must be a finite number")),
        None => Err(err(
            key,
            format!("expected a number, got {}", v.type_name()),
        )),
    }
}

fn text<'a>(key: &str, v: &'a Value) -> Result<&'a str, OptionsError> {
    v.as_str()
        .ok_or_else(|| err(key, format!("expected a string, got {}", v.type_name())))
}

impl InsightOptions {
    /// Reads options from a JSON object; missing keys keep their defaults, unknown keys are an error.
    /// Keys: `asOf`, `lenient`, `trailingDays`, `timeUnit` (`"days"`/`"weeks"`), `model`
    /// (`"bgnbd"`/`"pareto"`/`"none"`), `fitSpend`, `horizonDays`, `clvMonths`, `monthlyDiscount`, `aShare`,
    /// `bShare`, `dormantMultiple`, `dormantFallbackDays`, `churnReductions` (array), `tiers` (array of
    /// `{name, minSpend, minPurchases}`), `points` (`{perUnit, perPurchase, welcome}`).
    ///
    /// ```
    /// use nextoffer::insight::{InsightOptions, ModelChoice};
    /// let v = nextoffer::json::parse(r#"{"asOf":"1997-09-30","model":"pareto","timeUnit":"weeks"}"#).unwrap();
    /// let o = InsightOptions::from_json(&v).unwrap();
    /// assert_eq!(o.model, ModelChoice::ParetoNbd);
    /// assert!(InsightOptions::from_json(&nextoffer::json::parse(r#"{"asof":1}"#).unwrap()).is_err());
    /// ```
    pub fn from_json(v: &Value) -> Result<InsightOptions, OptionsError> {
        let mut o = InsightOptions::default();
        if v.is_null() {
            return Ok(o);
        }
        let obj = v
            .as_object()
            .ok_or_else(|| err("", format!("expected an object, got {}", v.type_name())))?;
        for (key, value) in obj.iter() {
            match key {
                "asOf" => {
                    o.import.as_of = match value {
                        Value::Null => None,
                        _ => Some(
                            Date::parse(text(key, value)?).map_err(|e| err(key, e.to_string()))?,
                        ),
                    }
                }
                "lenient" => {
                    o.import.lenient = value
                        .as_bool()
                        .ok_or_else(|| err(key, "expected a boolean"))?
                }
                "trailingDays" => {
                    o.import.trailing_days = number(key, value, 1.0, 36_500.0)? as u32
                }
                "timeUnit" => {
                    o.time_unit = TimeUnit::parse(text(key, value)?)
                        .ok_or_else(|| err(key, "expected \"days\" or \"weeks\""))?
                }
                "model" => {
                    o.model = ModelChoice::parse(text(key, value)?)
                        .ok_or_else(|| err(key, "expected \"bgnbd\", \"pareto\" or \"none\""))?
                }
                "fitSpend" => {
                    o.fit_spend = value
                        .as_bool()
                        .ok_or_else(|| err(key, "expected a boolean"))?
                }
                "horizonDays" => o.prediction.horizon_days = number(key, value, 0.0, 36_500.0)?,
                "clvMonths" => o.prediction.clv_months = number(key, value, 0.0, 1200.0)? as u32,
                "monthlyDiscount" => o.prediction.monthly_discount = number(key, value, 0.0, 1.0)?,
                "aShare" => o.rfm.a_share = number(key, value, 0.0, 1.0)?,
                "bShare" => o.rfm.b_share = number(key, value, 0.0, 1.0)?,
                "dormantMultiple" => o.rfm.dormant_multiple = number(key, value, 0.0, 1000.0)?,
                "dormantFallbackDays" => {
                    o.rfm.dormant_fallback_days = number(key, value, 0.0, 36_500.0)?
                }
                "churnReductions" => {
                    let items = value
                        .as_array()
                        .ok_or_else(|| err(key, "expected an array of shares"))?;
                    o.churn_reductions = items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| number(&format!("{key}[{i}]"), v, 0.0, 0.99))
                        .collect::<Result<_, _>>()?;
                }
                "tiers" => o.loyalty.tiers = tiers(value)?,
                "points" => o.loyalty.points = points(value)?,
                other => return Err(err(other, "unknown option")),
            }
        }
        if o.rfm.b_share < o.rfm.a_share {
            return Err(err(
                "bShare",
                format!(
                    "{} is below aShare {}",
                    js(o.rfm.b_share),
                    js(o.rfm.a_share)
                ),
            ));
        }
        Ok(o)
    }
}

fn tiers(value: &Value) -> Result<Vec<Tier>, OptionsError> {
    let items = value
        .as_array()
        .ok_or_else(|| err("tiers", "expected an array"))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |k: &str| format!("tiers[{i}]{k}");
        let obj = item
            .as_object()
            .ok_or_else(|| err(at(""), "expected an object"))?;
        let mut tier = Tier {
            name: String::new(),
            min_spend: 0.0,
            min_purchases: 0,
        };
        for (k, v) in obj.iter() {
            match k {
                "name" => tier.name = text(&at(".name"), v)?.to_string(),
                "minSpend" => tier.min_spend = number(&at(".minSpend"), v, 0.0, f64::MAX)?,
                "minPurchases" => {
                    tier.min_purchases = number(&at(".minPurchases"), v, 0.0, 1e6)? as u32
                }
                other => return Err(err(at(&format!(".{other}")), "unknown option")),
            }
        }
        if tier.name.is_empty() {
            return Err(err(at(".name"), "missing"));
        }
        out.push(tier);
    }
    Ok(out)
}

fn points(value: &Value) -> Result<PointsRules, OptionsError> {
    let obj = value
        .as_object()
        .ok_or_else(|| err("points", "expected an object"))?;
    let mut p = PointsRules {
        per_unit: 1.0,
        per_purchase: 0.0,
        welcome: 0.0,
    };
    for (k, v) in obj.iter() {
        let key = format!("points.{k}");
        match k {
            "perUnit" => p.per_unit = number(&key, v, 0.0, 1e6)?,
            "perPurchase" => p.per_purchase = number(&key, v, 0.0, 1e9)?,
            "welcome" => p.welcome = number(&key, v, 0.0, 1e9)?,
            _ => return Err(err(key, "unknown option")),
        }
    }
    Ok(p)
}
