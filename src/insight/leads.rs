//! Lead scoring: rank prospects by fit with the ideal customer profile and by intent signals.
//!
//! Two models, both explainable. The points model adds configurable points for fit attributes (job level,
//! company size, industry ...) and intent events (demo request, pricing page, content download ...) and maps
//! the total to a grade, listing every contributing rule as a reason: an executive asking for a demo scores
//! high, a student downloading a white paper low. The logistic model learns the weights from labelled
//! outcomes (won or lost leads) by penalized maximum likelihood (Newton's method with a small ridge penalty,
//! so perfectly separating features still give finite coefficients) and reports its coefficients.

use crate::json::{Object, Value};

/// A prospect: fit attributes (name → value) and intent events (by kind; repeats allowed).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lead {
    /// The lead's id.
    pub id: String,
    /// Fit attributes, e.g. `("job_level", "executive")`. Names and values compare case-insensitively.
    pub attributes: Vec<(String, String)>,
    /// Intent events, e.g. `"demo_request"`.
    pub events: Vec<String>,
}

/// Why a lead could not be read or a model fitted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LeadError {
    /// A lead in JSON is not of the expected shape.
    #[error("leads[{index}]{field}: {message}")]
    BadLead {
        /// 0-based index.
        index: usize,
        /// `.field` or empty.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The logistic model needs both won and lost examples.
    #[error("logistic lead model: needs both won and lost leads (got {won} won, {lost} lost)")]
    OneClass {
        /// Won examples.
        won: usize,
        /// Lost examples.
        lost: usize,
    },
}

impl Lead {
    /// Reads a lead from a JSON object: `id` (string or number), `events` (array of strings), and every
    /// other string, number or boolean field as a fit attribute.
    pub fn from_json(index: usize, v: &Value) -> Result<Lead, LeadError> {
        let bad = |field: &str, message: String| LeadError::BadLead {
            index,
            field: field.to_string(),
            message,
        };
        let obj = v
            .as_object()
            .ok_or_else(|| bad("", format!("expected an object, got {}", v.type_name())))?;
        let mut lead = Lead::default();
        for (key, value) in obj.iter() {
            match (key, value) {
                ("id", Value::String(s)) => lead.id = s.clone(),
                ("id", Value::Number(n)) => {
                    lead.id = crate::json::number_to_js_string(*n).into_owned()
                }
                ("id", other) => {
                    return Err(bad(
                        ".id",
                        format!("expected a string, got {}", other.type_name()),
                    ))
                }
                ("events", Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        match item.as_str() {
                            Some(s) => lead.events.push(s.to_string()),
                            None => {
                                return Err(bad(
                                    &format!(".events[{i}]"),
                                    format!("expected a string, got {}", item.type_name()),
                                ))
                            }
                        }
                    }
                }
                ("events", other) => {
                    return Err(bad(
                        ".events",
                        format!("expected an array, got {}", other.type_name()),
                    ))
                }
                (_, Value::String(s)) => lead.attributes.push((key.to_string(), s.clone())),
                (_, Value::Number(n)) => lead.attributes.push((
                    key.to_string(),
                    crate::json::number_to_js_string(*n).into_owned(),
                )),
                (_, Value::Bool(b)) => lead.attributes.push((key.to_string(), b.to_string())),
                (_, Value::Null) => {}
                (_, other) => {
                    return Err(bad(
                        &format!(".{key}"),
                        format!(
                            "expected a string, number or boolean, got {}",
                            other.type_name()
                        ),
                    ))
                }
            }
        }
        Ok(lead)
    }

    /// The lead's features as `"name=value"` (lower case) and `"event:kind"` strings, each once.
    pub fn features(&self) -> Vec<String> {
        let mut f: Vec<String> = self
            .attributes
            .iter()
            .map(|(k, v)| format!("{}={}", k.to_ascii_lowercase(), v.to_ascii_lowercase()))
            .chain(
                self.events
                    .iter()
                    .map(|e| format!("event:{}", e.to_ascii_lowercase())),
            )
            .collect();
        super::sort_by(&mut f, |a, b| a < b);
        f.dedup();
        f
    }
}

/// One points rule: `points` when attribute `field` equals `value`, or when event `value` occurred
/// (`field` = `"event"`).
#[derive(Clone, Debug, PartialEq)]
pub struct PointsRule {
    /// Attribute name, or `"event"`.
    pub field: String,
    /// Attribute value or event kind.
    pub value: String,
    /// Points added (negative to subtract).
    pub points: f64,
}

/// The points model: rules and grade thresholds.
#[derive(Clone, Debug, PartialEq)]
pub struct PointsModel {
    /// The rules.
    pub rules: Vec<PointsRule>,
    /// Grades with their minimum points, best first; a lead below all of them gets `fallback_grade`.
    pub grades: Vec<(String, f64)>,
    /// The grade below every threshold.
    pub fallback_grade: String,
    /// Count an event kind each time it occurs (true) or once (false, the default: intent, not volume).
    pub count_repeats: bool,
}

impl Default for PointsModel {
    fn default() -> Self {
        let rule = |field: &str, value: &str, points: f64| PointsRule {
            field: field.into(),
            value: value.into(),
            points,
        };
        PointsModel {
            rules: vec![
                rule("job_level", "executive", 30.0),
                rule("job_level", "director", 20.0),
                rule("job_level", "manager", 10.0),
                rule("job_level", "student", -20.0),
                rule("company_size", "1000+", 20.0),
                rule("company_size", "200-999", 15.0),
                rule("company_size", "50-199", 10.0),
                rule("company_size", "1-49", 5.0),
                rule("event", "demo_request", 30.0),
                rule("event", "contact_sales", 25.0),
                rule("event", "pricing_page", 15.0),
                rule("event", "webinar", 10.0),
                rule("event", "content_download", 5.0),
                rule("event", "unsubscribe", -20.0),
            ],
            grades: vec![("A".into(), 70.0), ("B".into(), 45.0), ("C".into(), 20.0)],
            fallback_grade: "D".into(),
            count_repeats: false,
        }
    }
}

/// A rule that contributed to a score.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    /// `"job_level=executive"` or `"event:demo_request"`.
    pub rule: String,
    /// Points it added (times its count for repeated events).
    pub points: f64,
}

/// A lead's points score.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadScore {
    /// The lead's id.
    pub id: String,
    /// Total points.
    pub points: f64,
    /// The grade.
    pub grade: String,
    /// Contributing rules, largest absolute contribution first (equal ones by rule name).
    pub reasons: Vec<Reason>,
}

impl PointsModel {
    /// Scores one lead.
    ///
    /// ```
    /// use nextoffer::insight::leads::{Lead, PointsModel};
    /// let exec = Lead { id: "1".into(), attributes: vec![("job_level".into(), "Executive".into())], events: vec!["demo_request".into()] };
    /// let student = Lead { id: "2".into(), attributes: vec![("job_level".into(), "student".into())], events: vec!["content_download".into()] };
    /// let m = PointsModel::default();
    /// assert_eq!(m.score(&exec).grade, "B");
    /// assert_eq!(m.score(&student).grade, "D");
    /// ```
    pub fn score(&self, lead: &Lead) -> LeadScore {
        let mut reasons: Vec<Reason> = Vec::new();
        for rule in &self.rules {
            let count = if rule.field.eq_ignore_ascii_case("event") {
                let n = lead
                    .events
                    .iter()
                    .filter(|e| e.eq_ignore_ascii_case(&rule.value))
                    .count();
                if self.count_repeats {
                    n
                } else {
                    n.min(1)
                }
            } else {
                lead.attributes
                    .iter()
                    .any(|(k, v)| {
                        k.eq_ignore_ascii_case(&rule.field) && v.eq_ignore_ascii_case(&rule.value)
                    })
                    .into()
            };
            if count > 0 {
                let name = if rule.field.eq_ignore_ascii_case("event") {
                    format!("event:{}", rule.value.to_ascii_lowercase())
                } else {
                    format!(
                        "{}={}",
                        rule.field.to_ascii_lowercase(),
                        rule.value.to_ascii_lowercase()
                    )
                };
                reasons.push(Reason {
                    rule: name,
                    points: rule.points * count as f64,
                });
            }
        }
        super::sort_by(&mut reasons, |a, b| {
            (b.points.abs(), &a.rule) < (a.points.abs(), &b.rule)
        });
        let points: f64 = reasons.iter().map(|r| r.points).sum();
        let grade = self
            .grades
            .iter()
            .find(|(_, min)| points >= *min)
            .map_or_else(|| self.fallback_grade.clone(), |(g, _)| g.clone());
        LeadScore {
            id: lead.id.clone(),
            points,
            grade,
            reasons,
        }
    }
}

impl LeadScore {
    /// As JSON: `{"id", "points", "grade", "reasons": [{"rule", "points"}]}`.
    pub fn to_json(&self) -> Value {
        let mut o = Object::new();
        o.insert("id", self.id.as_str());
        o.insert("points", self.points);
        o.insert("grade", self.grade.as_str());
        let reasons = self
            .reasons
            .iter()
            .map(|r| {
                let mut ro = Object::new();
                ro.insert("rule", r.rule.as_str());
                ro.insert("points", r.points);
                Value::Object(ro)
            })
            .collect::<Vec<Value>>();
        o.insert("reasons", reasons);
        Value::Object(o)
    }

    /// Attributes for the decision engine: `leadGrade`, `leadPoints`.
    pub fn attributes(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("leadGrade", Value::from(self.grade.as_str())),
            ("leadPoints", Value::from(self.points)),
        ]
    }
}

/// A logistic lead model: P(won) = σ(intercept + Σ coefficient · feature).
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticModel {
    /// The intercept.
    pub intercept: f64,
    /// Feature name (`"job_level=executive"`, `"event:demo_request"`) and coefficient, by name.
    pub coefficients: Vec<(String, f64)>,
    /// Penalized log-likelihood at the fit.
    pub log_likelihood: f64,
    /// Newton iterations used.
    pub iterations: usize,
    /// Examples used.
    pub examples: usize,
}

impl LogisticModel {
    /// Fits on `(lead, won)` examples with ridge penalty `l2` on the coefficients (not the intercept).
    ///
    /// ```
    /// use nextoffer::insight::leads::{Lead, LogisticModel};
    /// let lead = |e: &str| Lead { id: String::new(), attributes: vec![], events: vec![e.into()] };
    /// let mut data = Vec::new();
    /// for i in 0..40 {
    ///     data.push((lead("demo_request"), i % 4 != 0));
    ///     data.push((lead("content_download"), i % 4 == 0));
    /// }
    /// let m = LogisticModel::fit(&data, 0.1).unwrap();
    /// assert!(m.probability(&lead("demo_request")) > 0.7);
    /// assert!(m.probability(&lead("content_download")) < 0.3);
    /// ```
    pub fn fit(examples: &[(Lead, bool)], l2: f64) -> Result<LogisticModel, LeadError> {
        let won = examples.iter().filter(|(_, y)| *y).count();
        let lost = examples.len() - won;
        if won == 0 || lost == 0 {
            return Err(LeadError::OneClass { won, lost });
        }
        let mut names: Vec<String> = examples.iter().flat_map(|(l, _)| l.features()).collect();
        super::sort_by(&mut names, |a, b| a < b);
        names.dedup();
        let rows: Vec<(Vec<usize>, f64)> = examples
            .iter()
            .map(|(l, y)| {
                let idx = l
                    .features()
                    .iter()
                    .filter_map(|f| names.binary_search(f).ok())
                    .map(|i| i + 1)
                    .collect();
                (idx, if *y { 1.0 } else { 0.0 })
            })
            .collect();
        let k = names.len() + 1;
        let l2 = if l2.is_finite() { l2.max(1e-6) } else { 1.0 };
        let mut beta = vec![0.0; k];
        let prior = won as f64 / examples.len() as f64;
        if let Some(b0) = beta.first_mut() {
            *b0 = (prior / (1.0 - prior)).ln();
        }
        let mut iterations = 0;
        for it in 1..=100 {
            iterations = it;
            let mut grad = vec![0.0; k];
            let mut hess = vec![0.0; k * k];
            for (idx, y) in &rows {
                let eta = beta.first().copied().unwrap_or(0.0)
                    + idx
                        .iter()
                        .map(|&j| beta.get(j).copied().unwrap_or(0.0))
                        .sum::<f64>();
                let p = sigmoid(eta);
                let w = p * (1.0 - p);
                let cols: Vec<usize> = std::iter::once(0).chain(idx.iter().copied()).collect();
                for &a in &cols {
                    if let Some(g) = grad.get_mut(a) {
                        *g += y - p;
                    }
                    for &b in &cols {
                        if let Some(h) = hess.get_mut(a * k + b) {
                            *h += w;
                        }
                    }
                }
            }
            for j in 1..k {
                if let Some(g) = grad.get_mut(j) {
                    *g -= l2 * beta.get(j).copied().unwrap_or(0.0);
                }
                if let Some(h) = hess.get_mut(j * k + j) {
                    *h += l2;
                }
            }
            let Some(step) = cholesky_solve(&hess, &grad, k) else {
                break;
            };
            beta.iter_mut().zip(&step).for_each(|(b, s)| *b += s);
            if step.iter().fold(0.0f64, |m, s| m.max(s.abs())) < 1e-10 {
                break;
            }
        }
        let mut log_likelihood = 0.0;
        for (idx, y) in &rows {
            let eta = beta.first().copied().unwrap_or(0.0)
                + idx
                    .iter()
                    .map(|&j| beta.get(j).copied().unwrap_or(0.0))
                    .sum::<f64>();
            log_likelihood += y * log_sigmoid(eta) + (1.0 - y) * log_sigmoid(-eta);
        }
        log_likelihood -= 0.5 * l2 * beta.iter().skip(1).map(|b| b * b).sum::<f64>();
        Ok(LogisticModel {
            intercept: beta.first().copied().unwrap_or(0.0),
            coefficients: names.into_iter().zip(beta.into_iter().skip(1)).collect(),
            log_likelihood,
            iterations,
            examples: examples.len(),
        })
    }

    /// P(won) for a lead; features unseen in training contribute nothing.
    pub fn probability(&self, lead: &Lead) -> f64 {
        let eta = self.intercept
            + lead
                .features()
                .iter()
                .filter_map(|f| {
                    self.coefficients
                        .binary_search_by(|(n, _)| n.as_str().cmp(f))
                        .ok()
                })
                .filter_map(|i| self.coefficients.get(i).map(|(_, c)| c))
                .sum::<f64>();
        sigmoid(eta)
    }

    /// As JSON: `{"intercept", "coefficients": {name: value}, "logLikelihood", "iterations", "examples"}`.
    pub fn to_json(&self) -> Value {
        let mut o = Object::new();
        o.insert("intercept", self.intercept);
        o.insert(
            "coefficients",
            self.coefficients
                .iter()
                .map(|(n, c)| (n.clone(), Value::from(*c)))
                .collect::<Object>(),
        );
        o.insert("logLikelihood", self.log_likelihood);
        o.insert("iterations", self.iterations);
        o.insert("examples", self.examples);
        Value::Object(o)
    }
}

fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

fn log_sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        -(-x).exp().ln_1p()
    } else {
        x - x.exp().ln_1p()
    }
}

/// Solves A x = b for symmetric positive definite A (k×k, row-major).
fn cholesky_solve(a: &[f64], b: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut sum = *a.get(i * k + j)?;
            for p in 0..j {
                sum -= l.get(i * k + p)? * l.get(j * k + p)?;
            }
            if i == j {
                if sum <= 0.0 {
                    return None;
                }
                *l.get_mut(i * k + i)? = sum.sqrt();
            } else {
                *l.get_mut(i * k + j)? = sum / l.get(j * k + j)?;
            }
        }
    }
    let mut y = vec![0.0; k];
    for i in 0..k {
        let mut sum = *b.get(i)?;
        for p in 0..i {
            sum -= l.get(i * k + p)? * y.get(p)?;
        }
        *y.get_mut(i)? = sum / l.get(i * k + i)?;
    }
    let mut x = vec![0.0; k];
    for i in (0..k).rev() {
        let mut sum = *y.get(i)?;
        for p in i + 1..k {
            sum -= l.get(p * k + i)? * x.get(p)?;
        }
        *x.get_mut(i)? = sum / l.get(i * k + i)?;
    }
    Some(x)
}
