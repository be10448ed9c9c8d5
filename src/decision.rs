//! The result of one decision: ranked offers with every factor of their priority and the reasons in words,
//! the offers left out with the rule that removed them, and a decision id for the feedback events.

use crate::arbitration::{Assignment, Factors};
use crate::catalog::Offer;
use crate::json::{Value, Writer};
use crate::policy::Suppression;
use crate::propensity::PropensityParts;
use crate::tape::{Sink, Tape};
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
    /// Stable code: `audience`, `propensity`, `cross_sell`, `upsell`, `bandit`, `affinity`, `context`, `value`,
    /// `lever`.
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
    /// The decision as compact JSON text, written in one pass with no intermediate tree.
    pub fn to_json(&self) -> String {
        // Sized from the bench decision (3 ranked offers with their reasons, 26 suppressed: 4,886 bytes), so
        // writing it takes one allocation instead of a 1 KB buffer grown three times.
        let mut w = Writer::with_capacity(
            256 + 1024 * self.offers.len() + 96 * (self.suppressed.len() + self.ineligible.len()),
        );
        self.write(&mut w);
        w.finish()
    }

    /// The decision as a [`Tape`], for the Wasm binding's object builder.
    #[cfg_attr(
        not(all(target_arch = "wasm32", feature = "fast-boundary")),
        allow(dead_code)
    )]
    pub(crate) fn to_tape(&self) -> Tape {
        let mut tape = Tape::with_capacity(self.offers.len(), self.suppressed.len());
        self.write(&mut tape);
        tape
    }

    /// Writes the decision's JSON form into `w` (text or tape: the same fields in the same order).
    fn write<S: Sink>(&self, w: &mut S) {
        w.begin_object();
        w.key("decisionId");
        w.string(&self.decision_id);
        if let Some(id) = &self.customer_id {
            w.key("customerId");
            w.string(id);
        }
        if let Some(p) = &self.placement {
            w.key("placement");
            w.string(p);
        }
        w.key("at");
        w.string(&format_instant(self.at));
        w.key("group");
        w.string(self.group.name());
        if let Some(a) = &self.assignment {
            w.key("split");
            w.begin_object();
            w.key("id");
            w.string(&a.split);
            w.key("variation");
            w.number(a.variation as f64);
            w.key("name");
            w.string(&a.name);
            w.end_object();
        }
        if let Some(b) = &self.blocked {
            w.key("blocked");
            w.begin_object();
            write_suppression(w, b);
            w.end_object();
        }
        w.key("offers");
        w.begin_array();
        for offer in &self.offers {
            write_ranked(w, offer);
        }
        w.end_array();
        w.key("suppressed");
        w.begin_array();
        for s in &self.suppressed {
            w.begin_object();
            write_suppression(w, &s.suppression);
            w.key("id");
            w.string(&s.offer.id);
            w.end_object();
        }
        w.end_array();
        w.key("candidates");
        w.number(self.candidates as f64);
        w.key("ineligibleCount");
        w.number(self.ineligible_count as f64);
        if !self.ineligible.is_empty() {
            w.key("ineligible");
            w.begin_array();
            for id in &self.ineligible {
                w.string(id);
            }
            w.end_array();
        }
        w.end_object();
    }

    /// The decision as a JSON value.
    pub fn to_value(&self) -> Value {
        // The text is well-formed by construction; `Null` would only mean a bug in the writer.
        crate::json::parse(&self.to_json()).unwrap_or(Value::Null)
    }
}

fn write_suppression<S: Sink>(w: &mut S, s: &Suppression) {
    w.key("rule");
    w.string(&s.rule);
    w.key("reason");
    w.string(&s.reason);
}

fn write_ranked<S: Sink>(w: &mut S, r: &RankedOffer<'_>) {
    let numbers = |w: &mut S, fields: &[(&'static str, f64)]| {
        for &(key, n) in fields {
            w.key(key);
            w.number(n);
        }
    };
    w.begin_object();
    w.key("rank");
    w.number(r.rank as f64);
    r.offer.write_display_fields(w);
    w.key("score");
    w.number(r.score);
    w.key("factors");
    w.begin_object();
    let f = &r.factors;
    numbers(
        w,
        &[
            ("propensity", f.propensity),
            ("contextWeight", f.context_weight),
            ("value", f.value),
            ("lever", f.lever),
        ],
    );
    w.end_object();
    let p = &r.propensity;
    w.key("propensity");
    w.begin_object();
    numbers(
        w,
        &[
            ("posterior", p.posterior),
            ("successes", p.successes as f64),
            ("impressions", p.impressions as f64),
        ],
    );
    if let Some(segment) = &p.segment {
        w.key("segment");
        w.string(segment);
    }
    if let Some(a) = p.affinity {
        numbers(w, &[("affinity", a)]);
    }
    numbers(w, &[("affinityMultiplier", p.affinity_multiplier)]);
    if let Some(b) = &p.boost {
        w.key("boost");
        w.begin_object();
        w.key("code");
        w.string(b.code);
        numbers(w, &[("multiplier", b.multiplier)]);
        w.key("reason");
        w.string(&b.text);
        w.end_object();
    }
    if let Some(d) = &p.draw {
        w.key("thompson");
        w.begin_object();
        numbers(
            w,
            &[("alpha", d.alpha), ("beta", d.beta), ("sample", d.sample)],
        );
        w.end_object();
    }
    w.end_object();
    w.key("reasons");
    w.begin_array();
    for reason in &r.reasons {
        w.begin_object();
        w.key("code");
        w.string(reason.code);
        w.key("text");
        w.string(&reason.text);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}
