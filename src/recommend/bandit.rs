//! Beta-Bernoulli Thompson sampling: which offer or banner to show, learning from clicks.
//!
//! Each arm (an offer, optionally within a customer segment) keeps its successes and failures; a decision
//! draws from every candidate's Beta posterior and shows the largest draw, so arms with little data get
//! explored in proportion to their chance of being best. Draws come from a caller-seeded [`Rng`]: the same
//! seed gives the same choice natively and in Wasm. State is exported to JSON, imported, and merged by
//! adding counts (to combine what several edge instances learned since a shared snapshot, merge each
//! one's delta).

use super::error::{num, RecommendError};
use super::items::FxMap;
use super::rng::Rng;
use crate::json::{Object, Value};

/// The Beta prior every arm starts from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BetaPrior {
    /// Pseudo-successes, positive.
    pub alpha: f64,
    /// Pseudo-failures, positive.
    pub beta: f64,
}

impl Default for BetaPrior {
    /// The uniform prior Beta(1, 1).
    fn default() -> Self {
        Self {
            alpha: 1.0,
            beta: 1.0,
        }
    }
}

/// The outcome of a bandit choice.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Choice {
    /// Index of the chosen arm in the list passed in.
    pub index: usize,
    /// Its draw (Thompson) or score (UCB).
    pub score: f64,
}

#[derive(Clone, Debug, PartialEq)]
struct BetaArm {
    arm: String,
    segment: Option<String>,
    successes: f64,
    failures: f64,
}

/// Thompson sampling over Beta-Bernoulli arms, per arm and per (arm, segment).
///
/// ```
/// use nextoffer::recommend::{BetaPrior, Rng, ThompsonBandit};
/// let mut bandit = ThompsonBandit::new(BetaPrior::default()).unwrap();
/// for i in 0..100 {
///     bandit.record("good", None, i % 2 == 0); // 50% clicks
///     bandit.record("bad", None, i % 10 == 0); // 10% clicks
/// }
/// let mut rng = Rng::new(42);
/// let wins = (0..100).filter(|_| bandit.choose(&["good", "bad"], None, &mut rng).unwrap().index == 0).count();
/// assert!(wins > 95);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ThompsonBandit {
    prior: BetaPrior,
    arms: Vec<BetaArm>,
    index: FxMap<(String, String), usize>,
}

pub(crate) fn state_error(path: impl Into<String>, message: impl Into<String>) -> RecommendError {
    RecommendError::State {
        path: path.into(),
        message: message.into(),
    }
}

pub(crate) fn field<'v>(
    obj: &'v Value,
    key: &str,
    path: &str,
) -> Result<&'v Value, RecommendError> {
    obj.get(key)
        .ok_or_else(|| state_error(format!("{path}.{key}"), "missing"))
}

pub(crate) fn number(obj: &Value, key: &str, path: &str) -> Result<f64, RecommendError> {
    let v = field(obj, key, path)?;
    v.as_f64().ok_or_else(|| {
        state_error(
            format!("{path}.{key}"),
            format!("expected a number, got {}", v.type_name()),
        )
    })
}

pub(crate) fn text<'v>(obj: &'v Value, key: &str, path: &str) -> Result<&'v str, RecommendError> {
    let v = field(obj, key, path)?;
    v.as_str().ok_or_else(|| {
        state_error(
            format!("{path}.{key}"),
            format!("expected a string, got {}", v.type_name()),
        )
    })
}

pub(crate) fn check_header(state: &Value, kind: &str) -> Result<(), RecommendError> {
    if state.as_object().is_none() {
        return Err(state_error(
            "state",
            format!("expected an object, got {}", state.type_name()),
        ));
    }
    let version = number(state, "version", "state")?;
    if version != 1.0 {
        return Err(state_error(
            "state.version",
            format!("version {} is not supported (expected 1)", num(version)),
        ));
    }
    let k = text(state, "kind", "state")?;
    if k != kind {
        return Err(state_error(
            "state.kind",
            format!("expected {kind:?}, got {k:?}"),
        ));
    }
    Ok(())
}

fn check_count(value: f64, path: String) -> Result<f64, RecommendError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(state_error(
            path,
            format!("{} is not a non-negative count", num(value)),
        ))
    }
}

impl ThompsonBandit {
    /// A bandit with no observations. The prior's shapes must be positive and finite.
    pub fn new(prior: BetaPrior) -> Result<Self, RecommendError> {
        for (option, value) in [("prior.alpha", prior.alpha), ("prior.beta", prior.beta)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(RecommendError::OutOfRange {
                    option,
                    value,
                    range: "(0, inf)",
                });
            }
        }
        Ok(Self {
            prior,
            arms: Vec::new(),
            index: FxMap::default(),
        })
    }

    /// The prior.
    pub fn prior(&self) -> BetaPrior {
        self.prior
    }

    /// Adds counts to the (arm, segment) slot, creating it when new.
    fn bump(&mut self, arm: &str, segment: Option<&str>, successes: f64, failures: f64) {
        let key = (arm.to_owned(), segment.unwrap_or("").to_owned());
        let next = self.arms.len();
        let i = *self.index.entry(key).or_insert(next);
        if i == next {
            self.arms.push(BetaArm {
                arm: arm.to_owned(),
                segment: segment.map(str::to_owned),
                successes: 0.0,
                failures: 0.0,
            });
        }
        if let Some(a) = self.arms.get_mut(i) {
            a.successes += successes;
            a.failures += failures;
        }
    }

    fn get(&self, arm: &str, segment: Option<&str>) -> Option<&BetaArm> {
        let key = (arm.to_owned(), segment.unwrap_or("").to_owned());
        self.index.get(&key).and_then(|&i| self.arms.get(i))
    }

    /// Records one outcome of `arm`; with a segment, both the arm overall and the (arm, segment) pair learn.
    /// An empty segment counts as none.
    pub fn record(&mut self, arm: &str, segment: Option<&str>, success: bool) {
        let (s, f) = if success { (1.0, 0.0) } else { (0.0, 1.0) };
        self.add(arm, segment.filter(|s| !s.is_empty()), s, f);
    }

    fn add(&mut self, arm: &str, segment: Option<&str>, successes: f64, failures: f64) {
        self.bump(arm, None, successes, failures);
        if let Some(seg) = segment {
            self.bump(arm, Some(seg), successes, failures);
        }
    }

    /// Records many outcomes at once (counts must be finite and non-negative).
    pub fn record_counts(
        &mut self,
        arm: &str,
        segment: Option<&str>,
        successes: f64,
        failures: f64,
    ) -> Result<(), RecommendError> {
        check_count(successes, format!("{arm}.successes"))?;
        check_count(failures, format!("{arm}.failures"))?;
        self.add(arm, segment.filter(|s| !s.is_empty()), successes, failures);
        Ok(())
    }

    /// The Beta posterior `(alpha, beta)` of an arm in a segment. A segment that has not seen the arm uses
    /// the arm's overall posterior; an unknown arm the prior.
    pub fn posterior(&self, arm: &str, segment: Option<&str>) -> (f64, f64) {
        let a = segment
            .filter(|s| !s.is_empty())
            .and_then(|s| self.get(arm, Some(s)))
            .or_else(|| self.get(arm, None));
        match a {
            Some(a) => (self.prior.alpha + a.successes, self.prior.beta + a.failures),
            None => (self.prior.alpha, self.prior.beta),
        }
    }

    /// The posterior mean.
    pub fn mean(&self, arm: &str, segment: Option<&str>) -> f64 {
        let (a, b) = self.posterior(arm, segment);
        a / (a + b)
    }

    /// One draw from the posterior.
    pub fn sample(&self, arm: &str, segment: Option<&str>, rng: &mut Rng) -> f64 {
        let (a, b) = self.posterior(arm, segment);
        rng.beta(a, b)
    }

    /// Draws once for every arm, in order, and returns the largest draw (the first on ties); `None` for no
    /// arms.
    pub fn choose(&self, arms: &[&str], segment: Option<&str>, rng: &mut Rng) -> Option<Choice> {
        let mut best: Option<Choice> = None;
        for (index, arm) in arms.iter().enumerate() {
            let score = self.sample(arm, segment, rng);
            if best.is_none_or(|b| score > b.score) {
                best = Some(Choice { index, score });
            }
        }
        best
    }

    /// Adds another bandit's counts to this one's (the priors must match).
    pub fn merge(&mut self, other: &ThompsonBandit) -> Result<(), RecommendError> {
        if other.prior != self.prior {
            return Err(state_error(
                "state.prior",
                format!(
                    "prior ({}, {}) differs from this bandit's ({}, {})",
                    num(other.prior.alpha),
                    num(other.prior.beta),
                    num(self.prior.alpha),
                    num(self.prior.beta)
                ),
            ));
        }
        for a in &other.arms {
            self.bump(&a.arm, a.segment.as_deref(), a.successes, a.failures);
        }
        Ok(())
    }

    /// The state as JSON:
    /// `{"version":1,"kind":"thompson","prior":{"alpha":1,"beta":1},"arms":[{"arm":"o1","segment":"vip","successes":3,"failures":17}]}`
    /// (`segment` only for segment arms).
    pub fn export(&self) -> Value {
        let mut prior = Object::new();
        prior.insert("alpha", self.prior.alpha);
        prior.insert("beta", self.prior.beta);
        let arms: Vec<Value> = self
            .arms
            .iter()
            .map(|a| {
                let mut o = Object::with_capacity(4);
                o.insert("arm", a.arm.as_str());
                if let Some(s) = &a.segment {
                    o.insert("segment", s.as_str());
                }
                o.insert("successes", a.successes);
                o.insert("failures", a.failures);
                Value::Object(o)
            })
            .collect();
        let mut o = Object::with_capacity(4);
        o.insert("version", 1u32);
        o.insert("kind", "thompson");
        o.insert("prior", prior);
        o.insert("arms", arms);
        Value::Object(o)
    }

    /// Rebuilds a bandit from [`ThompsonBandit::export`]'s JSON; errors name the offending path.
    pub fn import(state: &Value) -> Result<Self, RecommendError> {
        check_header(state, "thompson")?;
        let prior_v = field(state, "prior", "state")?;
        let prior = BetaPrior {
            alpha: number(prior_v, "alpha", "state.prior")?,
            beta: number(prior_v, "beta", "state.prior")?,
        };
        let mut bandit = Self::new(prior).map_err(|e| state_error("state.prior", e.to_string()))?;
        let arms = field(state, "arms", "state")?
            .as_array()
            .ok_or_else(|| state_error("state.arms", "expected an array"))?;
        for (i, a) in arms.iter().enumerate() {
            let path = format!("state.arms[{i}]");
            let arm = text(a, "arm", &path)?;
            let segment =
                match a.get("segment") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(v.as_str().ok_or_else(|| {
                        state_error(format!("{path}.segment"), "expected a string")
                    })?),
                };
            let successes =
                check_count(number(a, "successes", &path)?, format!("{path}.successes"))?;
            let failures = check_count(number(a, "failures", &path)?, format!("{path}.failures"))?;
            bandit.bump(arm, segment.filter(|s| !s.is_empty()), successes, failures);
        }
        Ok(bandit)
    }
}
