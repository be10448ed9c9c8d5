//! The result of one decision: ranked offers with every factor of their priority and the reasons in words,
//! the offers left out with the rule that removed them, and a decision id for the feedback events.

use crate::arbitration::{Assignment, Factors};
use crate::catalog::Offer;
use crate::json::{Object, Value};
use crate::policy::Suppression;
use crate::propensity::PropensityParts;
use crate::time::format_instant;

/// Whether the customer is measured as treatment or held out as control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Gets offers.
    Treatment,
    /// Held out: gets no offer, so lift can be measured.
    Control,
}

impl Group {
    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Group::Treatment => "treatment",
            Group::Control => "control",
        }
    }
}

/// One reason behind a ranked offer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// Stable code: `audience`, `propensity`, `affinity`, `context`, `value`, `lever`.
    pub code: &'static str,
    /// The reason in words, with its figures.
    pub text: String,
}

/// An offer chosen for the customer.
#[derive(Debug, Clone)]
pub struct RankedOffer<'m> {
    /// The offer.
    pub offer: &'m Offer,
    /// 1 for the best.
    pub rank: usize,
    /// The priority.
    pub score: f64,
    /// The factors of the priority.
    pub factors: Factors,
    /// How the propensity was reached.
    pub propensity: PropensityParts,
    /// The reasons, in words.
    pub reasons: Vec<Reason>,
}

/// An offer left out, and why.
#[derive(Debug, Clone)]
pub struct SuppressedOffer<'m> {
    /// The offer.
    pub offer: &'m Offer,
    /// The rule and reason.
    pub suppression: Suppression,
}

/// The outcome of `decide`.
#[derive(Debug, Clone)]
pub struct Decision<'m> {
    /// Identifies this decision in feedback events.
    pub decision_id: String,
    /// The customer's id, if given.
    pub customer_id: Option<String>,
    /// The placement decided for.
    pub placement: Option<String>,
    /// The request's `now`, seconds since the epoch.
    pub at: i64,
    /// Treatment or control.
    pub group: Group,
    /// The arbitration split variation, when the model has a split.
    pub assignment: Option<Assignment>,
    /// A rule that withheld every offer (control group, placement cap).
    pub blocked: Option<Suppression>,
    /// Offers to show, best first.
    pub offers: Vec<RankedOffer<'m>>,
    /// Eligible offers removed by a contact or suitability rule.
    pub suppressed: Vec<SuppressedOffer<'m>>,
    /// How many live candidates the placement had.
    pub candidates: usize,
    /// How many candidates failed their eligibility condition or date window.
    pub ineligible_count: usize,
    /// Ids of those offers (only when the request asked to `explain`).
    pub ineligible: Vec<&'m str>,
}

impl Decision<'_> {
    /// The decision as JSON.
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(12);
        o.insert("decisionId", self.decision_id.as_str());
        if let Some(id) = &self.customer_id {
            o.insert("customerId", id.as_str());
        }
        if let Some(p) = &self.placement {
            o.insert("placement", p.as_str());
        }
        o.insert("at", format_instant(self.at));
        o.insert("group", self.group.name());
        if let Some(a) = &self.assignment {
            let mut split = Object::with_capacity(3);
            split.insert("id", a.split.as_str());
            split.insert("variation", a.variation);
            split.insert("name", a.name.as_str());
            o.insert("split", split);
        }
        if let Some(b) = &self.blocked {
            o.insert("blocked", suppression_json(b));
        }
        o.insert(
            "offers",
            Value::Array(self.offers.iter().map(ranked_json).collect()),
        );
        let suppressed = self
            .suppressed
            .iter()
            .map(|s| {
                let mut item = suppression_json(&s.suppression);
                item.insert("id", s.offer.id.as_str());
                Value::Object(item)
            })
            .collect();
        o.insert("suppressed", Value::Array(suppressed));
        o.insert("candidates", self.candidates);
        o.insert("ineligibleCount", self.ineligible_count);
        if !self.ineligible.is_empty() {
            o.insert(
                "ineligible",
                Value::Array(self.ineligible.iter().map(|&id| Value::from(id)).collect()),
            );
        }
        Value::Object(o)
    }

    /// The decision as compact JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_json()
    }
}

fn suppression_json(s: &Suppression) -> Object {
    let mut o = Object::with_capacity(3);
    o.insert("rule", s.rule.as_str());
    o.insert("reason", s.reason.as_str());
    o
}

fn ranked_json(r: &RankedOffer<'_>) -> Value {
    let mut o = Object::with_capacity(16);
    o.insert("rank", r.rank);
    r.offer.display_fields(&mut o);
    o.insert("score", r.score);
    o.insert("factors", r.factors.to_json());
    let p = &r.propensity;
    let mut parts = Object::with_capacity(7);
    parts.insert("posterior", p.posterior);
    parts.insert("successes", p.successes as f64);
    parts.insert("impressions", p.impressions as f64);
    if let Some(s) = &p.segment {
        parts.insert("segment", s.as_str());
    }
    if let Some(a) = p.affinity {
        parts.insert("affinity", a);
    }
    parts.insert("affinityMultiplier", p.affinity_multiplier);
    o.insert("propensity", parts);
    let reasons = r
        .reasons
        .iter()
        .map(|reason| {
            let mut item = Object::with_capacity(2);
            item.insert("code", reason.code);
            item.insert("text", reason.text.as_str());
            Value::Object(item)
        })
        .collect();
    o.insert("reasons", Value::Array(reasons));
    Value::Object(o)
}
