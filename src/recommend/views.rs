//! JSON views of the module's results, for the Wasm binding and the CLI (camelCase keys, as the engine's
//! model and decisions). Non-finite numbers (an infinite conviction) are written as `null`, as
//! `JSON.stringify` does.

use super::cooccurrence::PairStats;
use super::evaluate::Evaluation;
use super::items::Interner;
use super::ladder::Step;
use super::lift::{ArmCounts, Interval, LiftReport};
use super::reason::Reason;
use super::recommender::{Association, Recommendation, Recommendations, Similar};
use super::rules::RuleView;
use crate::json::{Object, Value};

fn interval(i: Option<Interval>) -> Value {
    match i {
        Some(i) => {
            let mut o = Object::with_capacity(3);
            o.insert("estimate", i.estimate);
            o.insert("low", i.low);
            o.insert("high", i.high);
            Value::Object(o)
        }
        None => Value::Null,
    }
}

impl Reason {
    /// `{"code":"bought_together","text":"bought together with p1 in 41% of orders","with":"p1",
    /// "together":41,"withCount":100,"share":0.41}`; each kind carries its own figures.
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(6);
        o.insert("code", self.code());
        o.insert("text", self.to_string());
        match self {
            Reason::BoughtTogether {
                with,
                together,
                with_count,
                ..
            } => {
                o.insert("with", with.as_str());
                o.insert("together", *together);
                o.insert("withCount", *with_count);
                let share = if *with_count == 0 {
                    0.0
                } else {
                    f64::from(*together) / f64::from(*with_count)
                };
                o.insert("share", share);
            }
            Reason::CategoryAffinity { category, share } => {
                o.insert("category", category.as_str());
                o.insert("share", *share);
            }
            Reason::Popular {
                segment,
                count,
                baskets,
                ..
            } => {
                o.insert("segment", segment.as_deref());
                o.insert("count", *count);
                o.insert("baskets", *baskets);
            }
            Reason::NextTierUp {
                from,
                from_price,
                price,
            } => {
                o.insert("from", from.as_str());
                o.insert("fromPrice", *from_price);
                o.insert("price", *price);
            }
        }
        Value::Object(o)
    }
}

impl Recommendation {
    /// `{"item","score","itemToItem","affinity","popularity","reasons":[…]}`.
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(6);
        o.insert("item", self.item.as_str());
        o.insert("score", self.score);
        o.insert("itemToItem", self.item_to_item);
        o.insert("affinity", self.affinity);
        o.insert("popularity", self.popularity);
        o.insert(
            "reasons",
            self.reasons
                .iter()
                .map(Reason::to_value)
                .collect::<Vec<_>>(),
        );
        Value::Object(o)
    }
}

impl Recommendations {
    /// `{"items":[…],"unknown":["id",…]}`.
    ///
    /// ```
    /// use nextoffer::recommend::{Baskets, RecommendRequest, Recommender, RecommenderOptions};
    /// let b = Baskets::from_ids(&[vec![0, 1], vec![0, 1], vec![1, 2]]).unwrap();
    /// let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    /// let req = RecommendRequest { cart: vec!["0".into(), "x".into()], limit: 1, ..Default::default() };
    /// let json = rec.recommend(&req).unwrap().to_value().to_json();
    /// assert!(json.starts_with(r#"{"items":[{"item":"1","score":1.1,"itemToItem":1,"affinity":0,"popularity":1,"#));
    /// assert!(json.contains(r#""text":"bought together with 0 in 100% of orders""#));
    /// assert!(json.ends_with(r#""unknown":["x"]}"#));
    /// ```
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(2);
        o.insert(
            "items",
            self.items
                .iter()
                .map(Recommendation::to_value)
                .collect::<Vec<_>>(),
        );
        o.insert(
            "unknown",
            self.unknown
                .iter()
                .map(|u| Value::from(u.as_str()))
                .collect::<Vec<_>>(),
        );
        Value::Object(o)
    }
}

impl PairStats {
    /// `{"baskets","countA","countB","together","support","confidence","lift","jaccard","cosine"}`.
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(9);
        o.insert("baskets", self.baskets);
        o.insert("countA", self.count_a);
        o.insert("countB", self.count_b);
        o.insert("together", self.together);
        o.insert("support", self.support());
        o.insert("confidence", self.confidence());
        o.insert("lift", self.lift());
        o.insert("jaccard", self.jaccard());
        o.insert("cosine", self.cosine());
        Value::Object(o)
    }
}

impl Similar {
    /// `{"item","score", …the pair's counts and measures}`.
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(11);
        o.insert("item", self.item.as_str());
        o.insert("score", self.score);
        if let Value::Object(stats) = self.stats.to_value() {
            for (k, v) in stats {
                o.insert(k, v);
            }
        }
        Value::Object(o)
    }
}

impl Association {
    /// `{"with","score","confidence","together","withCount","reason":{…}}`.
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(6);
        o.insert("with", self.with.as_str());
        o.insert("score", self.score);
        o.insert("confidence", self.stats.confidence());
        o.insert("together", self.stats.together);
        o.insert("withCount", self.stats.count_a);
        o.insert("reason", self.reason.to_value());
        Value::Object(o)
    }
}

impl RuleView<'_> {
    /// `{"antecedents":[…],"consequents":[…],"count","support","confidence","lift","leverage","conviction"}`
    /// with item names from `items` (the baskets' or recommender's interner).
    pub fn to_value(&self, items: &Interner) -> Value {
        let names = |ids: &mut dyn Iterator<Item = u32>| -> Vec<Value> {
            ids.map(|i| Value::from(items.name(i).unwrap_or_default()))
                .collect()
        };
        let mut o = Object::with_capacity(10);
        o.insert("antecedents", names(&mut self.antecedent()));
        o.insert("consequents", names(&mut self.consequent()));
        o.insert("count", self.count);
        o.insert("antecedentSupport", self.antecedent_support());
        o.insert("consequentSupport", self.consequent_support());
        o.insert("support", self.support());
        o.insert("confidence", self.confidence());
        o.insert("lift", self.lift());
        o.insert("leverage", self.leverage());
        o.insert("conviction", self.conviction());
        Value::Object(o)
    }
}

impl Step {
    /// `{"item","from","price","fromPrice","jump","rung","marginAmount","reason":{…}}`.
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(8);
        o.insert("item", self.item.as_str());
        o.insert("from", self.from.as_str());
        o.insert("price", self.price);
        o.insert("fromPrice", self.from_price);
        o.insert("jump", self.jump);
        o.insert("rung", self.rung);
        o.insert("marginAmount", self.margin_amount);
        o.insert("reason", self.reason().to_value());
        Value::Object(o)
    }
}

fn arm(counts: ArmCounts, rate: Option<Interval>) -> Value {
    let mut o = Object::with_capacity(3);
    o.insert("exposures", counts.exposures);
    o.insert("conversions", counts.conversions);
    o.insert("rate", interval(rate));
    Value::Object(o)
}

impl LiftReport {
    /// `{"treatment":{"exposures","conversions","rate":{"estimate","low","high"}},"control":{…},
    /// "difference":{…},"relativeLift":{…},"probabilityTreatmentBeatsControl"}`; undefined intervals are
    /// `null`.
    pub fn to_value(&self) -> Value {
        let mut o = Object::with_capacity(5);
        o.insert("treatment", arm(self.treatment, self.treatment_rate));
        o.insert("control", arm(self.control, self.control_rate));
        o.insert("difference", interval(self.difference));
        o.insert("relativeLift", interval(self.relative_lift));
        o.insert(
            "probabilityTreatmentBeatsControl",
            self.probability_treatment_beats_control,
        );
        Value::Object(o)
    }
}

impl Evaluation {
    /// `{"customers","skipped","k","methods":[{"method","hits","hitRate","ndcg"}]}`.
    pub fn to_value(&self) -> Value {
        let methods: Vec<Value> = self
            .scores
            .iter()
            .map(|s| {
                let mut o = Object::with_capacity(4);
                o.insert("method", s.method.as_str());
                o.insert("hits", s.hits);
                o.insert("hitRate", s.hit_rate);
                o.insert("ndcg", s.ndcg);
                Value::Object(o)
            })
            .collect();
        let mut o = Object::with_capacity(4);
        o.insert("customers", self.customers);
        o.insert("skipped", self.skipped);
        o.insert("k", self.k);
        o.insert("methods", methods);
        Value::Object(o)
    }
}
