//! A linear contextual bandit (LinUCB, Li et al. 2010; linear Thompson sampling, Agrawal & Goyal 2013)
//! over context features: placement, device, segment, time of day.
//!
//! Beta-Bernoulli arms learn one click rate per offer; a banner that works on mobile carts and not on
//! desktop product pages needs the context. Each arm keeps ridge-regression statistics `A = λI + Σ x xᵀ`
//! and `b = Σ r x`; its expected reward is `θᵀx` with `θ = A⁻¹b`, and its uncertainty `sqrt(xᵀA⁻¹x)`.
//! LinUCB adds `α` times the uncertainty; Thompson sampling draws `θᵀx` from its Gaussian posterior
//! (for one context that is a one-dimensional draw, so no matrix factorization is needed). `A⁻¹` is kept
//! up to date by Sherman-Morrison rank-one updates; exported state holds `Σ x xᵀ` and `b`, which add up
//! under merge.

use super::bandit::{check_header, field, number, state_error, Choice};
use super::error::{num, RecommendError};
use super::items::FxMap;
use super::rng::Rng;
use crate::json::{Object, Value};

/// One-hot encoding of categorical context fields, plus a bias term.
///
/// ```
/// use nextoffer::recommend::FeatureSpace;
/// let space = FeatureSpace::new().field("placement", &["cart", "product"]).field("device", &["mobile", "desktop"]);
/// assert_eq!(space.dim(), 5);
/// assert_eq!(space.encode(&[("placement", "cart"), ("device", "desktop")], None), vec![1.0, 1.0, 0.0, 0.0, 1.0]);
/// // Unknown values and fields leave their slots at zero.
/// assert_eq!(space.encode(&[("placement", "home")], None), vec![1.0, 0.0, 0.0, 0.0, 0.0]);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeatureSpace {
    fields: Vec<(String, Vec<String>)>,
    time_of_day: bool,
}

const DAYPARTS: [&str; 4] = ["night", "morning", "afternoon", "evening"];

impl FeatureSpace {
    /// A space with only the bias term.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a categorical field with its known values.
    pub fn field(mut self, name: &str, values: &[&str]) -> Self {
        self.fields.push((
            name.to_owned(),
            values.iter().map(|v| (*v).to_owned()).collect(),
        ));
        self
    }

    /// Adds the time of day as four one-hot parts: night (0-6 h), morning (6-12), afternoon (12-18),
    /// evening (18-24), from the `hour` passed to [`FeatureSpace::encode`].
    pub fn time_of_day(mut self) -> Self {
        self.time_of_day = true;
        self
    }

    /// Length of the encoded vectors.
    pub fn dim(&self) -> usize {
        1 + self.fields.iter().map(|f| f.1.len()).sum::<usize>()
            + if self.time_of_day { 4 } else { 0 }
    }

    /// Feature names, in vector order: `bias`, `field=value`…, `timeOfDay=night`….
    pub fn names(&self) -> Vec<String> {
        let mut names = vec!["bias".to_owned()];
        for (f, values) in &self.fields {
            names.extend(values.iter().map(|v| format!("{f}={v}")));
        }
        if self.time_of_day {
            names.extend(DAYPARTS.iter().map(|d| format!("timeOfDay={d}")));
        }
        names
    }

    /// The feature vector of a context given as `(field, value)` pairs and an optional local hour
    /// (`0 <= hour < 24`; other values leave the time of day at zero).
    pub fn encode(&self, context: &[(&str, &str)], hour: Option<f64>) -> Vec<f64> {
        let mut x = Vec::with_capacity(self.dim());
        x.push(1.0);
        for (name, values) in &self.fields {
            let given = context.iter().find(|(f, _)| f == name).map(|(_, v)| *v);
            x.extend(
                values
                    .iter()
                    .map(|v| if Some(v.as_str()) == given { 1.0 } else { 0.0 }),
            );
        }
        if self.time_of_day {
            let part = hour
                .filter(|h| (0.0..24.0).contains(h))
                .map(|h| (h / 6.0) as usize);
            x.extend((0..4).map(|p| if Some(p) == part { 1.0 } else { 0.0 }));
        }
        x
    }
}

#[derive(Clone, Debug, PartialEq)]
struct LinArm {
    arm: String,
    gram: Vec<f64>,
    b: Vec<f64>,
    a_inv: Vec<f64>,
    pulls: f64,
}

/// Ridge-regression arms with LinUCB and linear Thompson sampling.
///
/// ```
/// use nextoffer::recommend::{FeatureSpace, LinearBandit, Rng};
/// let space = FeatureSpace::new().field("device", &["mobile", "desktop"]);
/// let mut bandit = LinearBandit::new(space.dim(), 1.0).unwrap();
/// let mobile = space.encode(&[("device", "mobile")], None);
/// let desktop = space.encode(&[("device", "desktop")], None);
/// for _ in 0..50 {
///     bandit.record("banner-a", &mobile, 1.0).unwrap();
///     bandit.record("banner-a", &desktop, 0.0).unwrap();
///     bandit.record("banner-b", &mobile, 0.0).unwrap();
///     bandit.record("banner-b", &desktop, 1.0).unwrap();
/// }
/// assert_eq!(bandit.choose_ucb(&["banner-a", "banner-b"], &mobile, 0.5).unwrap().unwrap().index, 0);
/// assert_eq!(bandit.choose_ucb(&["banner-a", "banner-b"], &desktop, 0.5).unwrap().unwrap().index, 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LinearBandit {
    dim: usize,
    lambda: f64,
    arms: Vec<LinArm>,
    index: FxMap<String, usize>,
}

/// Largest supported dimension (a `d × d` matrix per arm).
const MAX_DIM: usize = 512;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn mat_vec(m: &[f64], d: usize, x: &[f64]) -> Vec<f64> {
    m.chunks_exact(d).map(|row| dot(row, x)).collect()
}

/// Inverse of `λI + gram` by Gauss-Jordan elimination with partial pivoting (`None` if singular).
fn inverse(gram: &[f64], d: usize, lambda: f64) -> Option<Vec<f64>> {
    let mut m = gram.to_vec();
    for (i, row) in m.chunks_exact_mut(d).enumerate() {
        *row.get_mut(i)? += lambda;
    }
    let mut inv = vec![0.0; d * d];
    for (i, row) in inv.chunks_exact_mut(d).enumerate() {
        *row.get_mut(i)? = 1.0;
    }
    for col in 0..d {
        let pivot = (col..d).max_by(|&a, &b| {
            let va = m.get(a * d + col).map_or(0.0, |v| v.abs());
            let vb = m.get(b * d + col).map_or(0.0, |v| v.abs());
            va.total_cmp(&vb)
        })?;
        let p = *m.get(pivot * d + col)?;
        if p.is_nan() || p.abs() <= 1e-300 {
            return None;
        }
        if pivot != col {
            for j in 0..d {
                m.swap(col * d + j, pivot * d + j);
                inv.swap(col * d + j, pivot * d + j);
            }
        }
        let prow: Vec<f64> = m.get(col * d..col * d + d)?.iter().map(|v| v / p).collect();
        let irow: Vec<f64> = inv
            .get(col * d..col * d + d)?
            .iter()
            .map(|v| v / p)
            .collect();
        for r in 0..d {
            let f = if r == col { 0.0 } else { *m.get(r * d + col)? };
            let (mr, ir) = (m.get_mut(r * d..r * d + d)?, inv.get_mut(r * d..r * d + d)?);
            if r == col {
                mr.copy_from_slice(&prow);
                ir.copy_from_slice(&irow);
            } else if f != 0.0 {
                mr.iter_mut().zip(&prow).for_each(|(a, b)| *a -= f * b);
                ir.iter_mut().zip(&irow).for_each(|(a, b)| *a -= f * b);
            }
        }
    }
    Some(inv)
}

impl LinearBandit {
    /// A bandit over `dim`-long feature vectors with ridge penalty `lambda` (the prior precision).
    pub fn new(dim: usize, lambda: f64) -> Result<Self, RecommendError> {
        if dim == 0 || dim > MAX_DIM {
            return Err(RecommendError::OutOfRange {
                option: "dim",
                value: dim as f64,
                range: "[1, 512]",
            });
        }
        if !(lambda.is_finite() && lambda > 0.0) {
            return Err(RecommendError::OutOfRange {
                option: "lambda",
                value: lambda,
                range: "(0, inf)",
            });
        }
        Ok(Self {
            dim,
            lambda,
            arms: Vec::new(),
            index: FxMap::default(),
        })
    }

    /// The feature dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }

    fn check(&self, x: &[f64], context: &'static str) -> Result<(), RecommendError> {
        if x.len() != self.dim {
            return Err(RecommendError::Dimension {
                context,
                expected: self.dim,
                found: x.len(),
            });
        }
        if let Some(v) = x.iter().find(|v| !v.is_finite()) {
            return Err(RecommendError::OutOfRange {
                option: "features",
                value: *v,
                range: "finite numbers",
            });
        }
        Ok(())
    }

    fn arm_index(&mut self, arm: &str) -> usize {
        let next = self.arms.len();
        let i = *self.index.entry(arm.to_owned()).or_insert(next);
        if i == next {
            let d = self.dim;
            let mut a_inv = vec![0.0; d * d];
            for (k, row) in a_inv.chunks_exact_mut(d).enumerate() {
                if let Some(c) = row.get_mut(k) {
                    *c = 1.0 / self.lambda;
                }
            }
            self.arms.push(LinArm {
                arm: arm.to_owned(),
                gram: vec![0.0; d * d],
                b: vec![0.0; d],
                a_inv,
                pulls: 0.0,
            });
        }
        i
    }

    /// Records a reward (1 for a click, 0 for none, or any finite value) of `arm` shown in context `x`.
    pub fn record(&mut self, arm: &str, x: &[f64], reward: f64) -> Result<(), RecommendError> {
        self.check(x, "record")?;
        if !reward.is_finite() {
            return Err(RecommendError::OutOfRange {
                option: "reward",
                value: reward,
                range: "finite numbers",
            });
        }
        let d = self.dim;
        let i = self.arm_index(arm);
        let Some(a) = self.arms.get_mut(i) else {
            return Ok(());
        };
        for (row, xi) in a.gram.chunks_exact_mut(d).zip(x) {
            row.iter_mut().zip(x).for_each(|(g, xj)| *g += xi * xj);
        }
        a.b.iter_mut().zip(x).for_each(|(b, xi)| *b += reward * xi);
        a.pulls += 1.0;
        // Sherman-Morrison: (A + x xᵀ)⁻¹ = A⁻¹ - (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x).
        let u = mat_vec(&a.a_inv, d, x);
        let denom = 1.0 + dot(x, &u);
        for (row, ui) in a.a_inv.chunks_exact_mut(d).zip(&u) {
            row.iter_mut()
                .zip(&u)
                .for_each(|(c, uj)| *c -= ui * uj / denom);
        }
        Ok(())
    }

    /// `(θᵀx, sqrt(xᵀA⁻¹x))` of an arm; an unknown arm has `θ = 0` and `A⁻¹ = I/λ`.
    fn moments(&self, arm: &str, x: &[f64]) -> (f64, f64) {
        match self.index.get(arm).and_then(|&i| self.arms.get(i)) {
            Some(a) => {
                let theta = mat_vec(&a.a_inv, self.dim, &a.b);
                let u = mat_vec(&a.a_inv, self.dim, x);
                (dot(&theta, x), dot(x, &u).max(0.0).sqrt())
            }
            None => (0.0, (dot(x, x) / self.lambda).sqrt()),
        }
    }

    /// The expected reward `θᵀx`.
    pub fn estimate(&self, arm: &str, x: &[f64]) -> Result<f64, RecommendError> {
        self.check(x, "estimate")?;
        Ok(self.moments(arm, x).0)
    }

    /// The LinUCB score `θᵀx + alpha × sqrt(xᵀA⁻¹x)`.
    pub fn ucb(&self, arm: &str, x: &[f64], alpha: f64) -> Result<f64, RecommendError> {
        self.check(x, "ucb")?;
        let (mean, width) = self.moments(arm, x);
        Ok(mean + alpha * width)
    }

    /// A linear Thompson draw: `θᵀx + scale × sqrt(xᵀA⁻¹x) × z`, `z` standard normal.
    pub fn thompson(
        &self,
        arm: &str,
        x: &[f64],
        scale: f64,
        rng: &mut Rng,
    ) -> Result<f64, RecommendError> {
        self.check(x, "thompson")?;
        let (mean, width) = self.moments(arm, x);
        Ok(mean + scale * width * rng.normal())
    }

    /// The arm with the largest LinUCB score (the first on ties); `None` for no arms.
    pub fn choose_ucb(
        &self,
        arms: &[&str],
        x: &[f64],
        alpha: f64,
    ) -> Result<Option<Choice>, RecommendError> {
        self.check(x, "choose_ucb")?;
        let mut best: Option<Choice> = None;
        for (index, arm) in arms.iter().enumerate() {
            let (mean, width) = self.moments(arm, x);
            let score = mean + alpha * width;
            if best.is_none_or(|b| score > b.score) {
                best = Some(Choice { index, score });
            }
        }
        Ok(best)
    }

    /// The arm with the largest Thompson draw (one draw per arm, in order).
    pub fn choose_thompson(
        &self,
        arms: &[&str],
        x: &[f64],
        scale: f64,
        rng: &mut Rng,
    ) -> Result<Option<Choice>, RecommendError> {
        self.check(x, "choose_thompson")?;
        let mut best: Option<Choice> = None;
        for (index, arm) in arms.iter().enumerate() {
            let (mean, width) = self.moments(arm, x);
            let score = mean + scale * width * rng.normal();
            if best.is_none_or(|b| score > b.score) {
                best = Some(Choice { index, score });
            }
        }
        Ok(best)
    }

    fn add_stats(&mut self, arm: &str, gram: &[f64], b: &[f64], pulls: f64) {
        let i = self.arm_index(arm);
        let (d, lambda) = (self.dim, self.lambda);
        if let Some(a) = self.arms.get_mut(i) {
            a.gram.iter_mut().zip(gram).for_each(|(x, y)| *x += y);
            a.b.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            a.pulls += pulls;
            if let Some(inv) = inverse(&a.gram, d, lambda) {
                a.a_inv = inv;
            }
        }
    }

    /// Adds another bandit's statistics to this one's (same dimension and `lambda`).
    pub fn merge(&mut self, other: &LinearBandit) -> Result<(), RecommendError> {
        if other.dim != self.dim || other.lambda != self.lambda {
            return Err(state_error(
                "state",
                format!(
                    "dim {} / lambda {} differ from this bandit's {} / {}",
                    other.dim,
                    num(other.lambda),
                    self.dim,
                    num(self.lambda)
                ),
            ));
        }
        for a in &other.arms {
            self.add_stats(&a.arm, &a.gram, &a.b, a.pulls);
        }
        Ok(())
    }

    /// The state as JSON: `{"version":1,"kind":"linear","dim":d,"lambda":λ,"arms":[{"arm":"o1","pulls":n,
    /// "gram":[d×d numbers, row-major],"b":[d numbers]}]}`.
    pub fn export(&self) -> Value {
        let arms: Vec<Value> = self
            .arms
            .iter()
            .map(|a| {
                let mut o = Object::with_capacity(4);
                o.insert("arm", a.arm.as_str());
                o.insert("pulls", a.pulls);
                o.insert(
                    "gram",
                    a.gram.iter().map(|&v| Value::from(v)).collect::<Vec<_>>(),
                );
                o.insert("b", a.b.iter().map(|&v| Value::from(v)).collect::<Vec<_>>());
                Value::Object(o)
            })
            .collect();
        let mut o = Object::with_capacity(5);
        o.insert("version", 1u32);
        o.insert("kind", "linear");
        o.insert("dim", self.dim);
        o.insert("lambda", self.lambda);
        o.insert("arms", arms);
        Value::Object(o)
    }

    /// Rebuilds a bandit from [`LinearBandit::export`]'s JSON; errors name the offending path.
    pub fn import(state: &Value) -> Result<Self, RecommendError> {
        check_header(state, "linear")?;
        let dim = number(state, "dim", "state")?;
        let lambda = number(state, "lambda", "state")?;
        if dim.fract() != 0.0 || !(1.0..=MAX_DIM as f64).contains(&dim) {
            return Err(state_error(
                "state.dim",
                format!("{} is not an integer in [1, {MAX_DIM}]", num(dim)),
            ));
        }
        let mut bandit =
            Self::new(dim as usize, lambda).map_err(|e| state_error("state", e.to_string()))?;
        let d = bandit.dim;
        let arms = field(state, "arms", "state")?
            .as_array()
            .ok_or_else(|| state_error("state.arms", "expected an array"))?;
        let numbers = |v: &Value, path: String, len: usize| -> Result<Vec<f64>, RecommendError> {
            let items = v
                .as_array()
                .ok_or_else(|| state_error(path.clone(), "expected an array"))?;
            if items.len() != len {
                return Err(state_error(
                    path,
                    format!("expected {len} numbers, got {}", items.len()),
                ));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    x.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
                        state_error(format!("{path}[{i}]"), "expected a finite number")
                    })
                })
                .collect()
        };
        for (i, a) in arms.iter().enumerate() {
            let path = format!("state.arms[{i}]");
            let arm = super::bandit::text(a, "arm", &path)?;
            let pulls = number(a, "pulls", &path)?;
            if !(pulls.is_finite() && pulls >= 0.0) {
                return Err(state_error(
                    format!("{path}.pulls"),
                    format!("{} is not a non-negative count", num(pulls)),
                ));
            }
            let gram = numbers(field(a, "gram", &path)?, format!("{path}.gram"), d * d)?;
            let b = numbers(field(a, "b", &path)?, format!("{path}.b"), d)?;
            if inverse(&gram, d, bandit.lambda).is_none() {
                return Err(state_error(
                    format!("{path}.gram"),
                    "not a valid Gram matrix (singular)",
                ));
            }
            bandit.add_stats(arm, &gram, &b, pulls);
        }
        Ok(bandit)
    }
}
