//! The entry functions of nextoffer's fuzz targets, one per input the library takes from outside.
//!
//! Each takes arbitrary bytes, feeds them to the public API the way a host would, and checks what must hold
//! whatever the input: no panic (a panic in Wasm kills the instance for every later call), and a few
//! invariants of accepted input (a loaded state exports and reads back the same, merging commutes, ranks are
//! sorted). libFuzzer calls them from `fuzz_targets/*.rs`; `tests/fuzz_replay.rs` compiles this same file on
//! stable and replays every committed corpus file and past crasher through them, so a fixed crash stays fixed.
//!
//! Several documents travel in one input separated by a `0xFF` byte, which never occurs in UTF-8 text, so a
//! seed file stays readable (`condition{0xFF}attributes`). Bytes that are not UTF-8 are read lossily: the
//! library's entry points take `&str`, as the Wasm boundary hands them.

#![allow(clippy::indexing_slicing, clippy::panic)]

use std::borrow::Cow;
use std::sync::OnceLock;

use nextoffer::condition::{eval_condition, AttributeKeys, Condition, Mode, SavedGroups};
use nextoffer::insight::{run_csv, InsightOptions, ModelChoice};
use nextoffer::json::{self, Value};
use nextoffer::recommend::{HistoryItem, RecommendRequest, Recommender};
use nextoffer::{Engine, LearnedState};

/// The model `decide` and `state` inputs run against: the README's coffee shop (7 offers, every policy kind,
/// a control group and an arbitration split).
pub const FIXED_MODEL: &str = include_str!("../../tests/spec/models/coffee-shop.json");

/// Names of the targets, as `fuzz_targets/NAME.rs`, `fuzz/corpus/NAME/` and `fuzz/regressions/NAME/` name them.
pub const TARGETS: [&str; 6] = [
    "model",
    "condition",
    "orders_csv",
    "decide",
    "state",
    "recommend_model",
];

/// Runs the entry function of target `name` on `data`; false for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "model" => model(data),
        "condition" => condition(data),
        "orders_csv" => orders_csv(data),
        "decide" => decide(data),
        "state" => state(data),
        "recommend_model" => recommend_model(data),
        _ => return false,
    }
    true
}

/// The first `n` parts of `data` split at `0xFF` bytes, as text; missing parts are empty.
fn parts(data: &[u8], n: usize) -> Vec<Cow<'_, str>> {
    let mut out: Vec<Cow<'_, str>> = data
        .splitn(n, |&b| b == 0xFF)
        .map(String::from_utf8_lossy)
        .collect();
    out.resize(n, Cow::Borrowed(""));
    out
}

/// A request every model accepts, for a smoke decision after a model loads.
const PLAIN_REQUEST: &str = r#"{"customer":{"id":"c1","attributes":{"plan":"pro","visits":5}},"context":{"now":"2026-11-23T10:00:00Z"},"explain":true}"#;

/// Model loading: JSON text to a validated model. An accepted model must then answer a plain request, and a
/// decision must be JSON the library's own parser reads back.
pub fn model(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(engine) = Engine::from_json(&text) else {
        return;
    };
    if let Ok(decision) = engine.decide_json(PLAIN_REQUEST) {
        check_decision(&decision);
    }
    let state = engine.export_state().to_json();
    assert!(
        LearnedState::from_value(&state).is_ok(),
        "an exported state reads back"
    );
}

/// Condition evaluation: `condition{FF}attributes{FF}savedGroups`. GrowthBook mode never fails; when strict
/// mode also compiles the condition, both modes must give the same answer (the modes differ only in what
/// they reject).
pub fn condition(data: &[u8]) {
    let p = parts(data, 3);
    let read = |text: &str| json::parse(text).unwrap_or(Value::Null);
    let (rule, attributes, groups) = (read(&p[0]), read(&p[1]), read(&p[2]));
    let answer = eval_condition(&rule, &attributes, &groups);
    // Strict mode rejects saved groups GrowthBook reads leniently: compare only when both read them alike.
    let strict_groups = match &groups {
        Value::Null => Ok(SavedGroups::new()),
        other => SavedGroups::from_value(other),
    };
    let Ok(strict_groups) = strict_groups else {
        return;
    };
    let mut keys = AttributeKeys::new();
    if let Ok(strict) = Condition::compile(&rule, Mode::Strict, &mut keys, &strict_groups) {
        assert_eq!(
            strict.eval(&keys.resolve(&attributes)),
            answer,
            "strict and GrowthBook modes agree on a valid condition"
        );
    }
}

/// Orders CSV import and the insight run over it. The first byte picks the options (lenient or strict rows,
/// BG/NBD, Pareto/NBD or no purchase model); the rest is the CSV. Every accepted run must give RFM scores in
/// 1..=5, probabilities in [0, 1] and finite, non-negative lifetime values.
pub fn orders_csv(data: &[u8]) {
    let Some((&flags, csv)) = data.split_first() else {
        return;
    };
    let mut options = InsightOptions::default();
    options.import.lenient = flags & 1 != 0;
    options.model = match (flags >> 1) % 4 {
        0 => ModelChoice::BgNbd,
        1 => ModelChoice::ParetoNbd,
        _ => ModelChoice::None,
    };
    options.fit_spend = flags & 8 != 0;
    let Ok(insight) = run_csv(csv, &options, &mut |_, _, _| {}) else {
        return;
    };
    for customer in &insight.customers {
        let rfm = &customer.rfm;
        for score in [rfm.recency, rfm.frequency, rfm.monetary] {
            assert!((1..=5).contains(&score), "rfm score {score} in 1..=5");
        }
        if let Some(p) = &customer.prediction {
            for prob in [p.probability_alive, p.churn_risk, p.probability_of_purchase] {
                assert!((0.0..=1.0).contains(&prob), "probability {prob} in [0, 1]");
            }
            assert!(
                p.expected_purchases.is_finite() && p.expected_purchases >= 0.0,
                "expected purchases {} finite and non-negative",
                p.expected_purchases
            );
            if let Some(value) = p.lifetime_value {
                assert!(
                    value.is_finite() && value >= 0.0,
                    "lifetime value {value} finite and non-negative"
                );
            }
        }
    }
    let text = insight.to_json().to_json();
    assert!(json::parse(&text).is_ok(), "the insight JSON reads back");
}

fn fixed_engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::from_json(FIXED_MODEL).ok())
        .as_ref()
}

/// `decide` on arbitrary requests against [`FIXED_MODEL`]: `request{FF}customer`. The request goes through
/// `decide_json`, and, with the customer prepared from the second part, through `decide_for_json`.
pub fn decide(data: &[u8]) {
    let Some(engine) = fixed_engine() else {
        return;
    };
    let p = parts(data, 2);
    if let Ok(decision) = engine.decide_json(&p[0]) {
        check_decision(&decision);
    }
    if let Ok(customer) = engine.prepare_customer(&p[1]) {
        if let Ok(decision) = engine.decide_for_json(&customer, &p[0]) {
            check_decision(&decision);
        }
    }
}

/// What every decision must satisfy: JSON that reads back, ranks 1, 2, 3 … with scores never increasing, and
/// no offer both ranked and suppressed.
fn check_decision(text: &str) {
    let decision = json::parse(text).unwrap_or_else(|e| panic!("decision JSON reads back: {e}"));
    let offers = decision
        .get("offers")
        .and_then(Value::as_array)
        .unwrap_or(&[]);
    let mut previous = f64::INFINITY;
    for (i, offer) in offers.iter().enumerate() {
        let rank = offer.get("rank").and_then(Value::as_f64);
        assert_eq!(rank, Some(i as f64 + 1.0), "ranks count up from 1");
        let score = offer
            .get("score")
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN);
        assert!(
            score <= previous,
            "scores never increase down the ranks ({score} after {previous})"
        );
        previous = score;
    }
    let suppressed = decision
        .get("suppressed")
        .and_then(Value::as_array)
        .unwrap_or(&[]);
    for s in suppressed {
        let id = s.get("id");
        assert!(
            offers.iter().all(|o| o.get("id") != id),
            "a suppressed offer is not ranked"
        );
    }
}

/// Learned-state import and merge: `stateA{FF}stateB{FF}event`. An accepted state exports and reads back
/// equal; merging is commutative; an engine imports, records and merges them and exports a state that reads
/// back.
pub fn state(data: &[u8]) {
    let p = parts(data, 3);
    let read = |text: &str| {
        json::parse(text)
            .ok()
            .and_then(|v| LearnedState::from_value(&v).ok())
    };
    let (a, b) = (read(&p[0]), read(&p[1]));
    for s in [&a, &b].into_iter().flatten() {
        let back = LearnedState::from_value(&s.to_json());
        assert_eq!(
            back.as_ref().ok(),
            Some(s),
            "a state exports and reads back equal"
        );
    }
    if let (Some(a), Some(b)) = (&a, &b) {
        let mut ab = a.clone();
        ab.merge(b);
        let mut ba = b.clone();
        ba.merge(a);
        assert_eq!(ab, ba, "merging states commutes");
    }
    let Ok(mut engine) = Engine::from_json(FIXED_MODEL) else {
        return;
    };
    if let Some(a) = &a {
        engine.import_state(a);
    }
    let _ = engine.record_json(&p[2]);
    if let Some(b) = &b {
        engine.merge_state(b);
    }
    let exported = engine.export_state().to_json();
    assert!(
        LearnedState::from_value(&exported).is_ok(),
        "an engine's state reads back"
    );
}

/// Recommender model loading from its binary format. An accepted model writes back the same bytes' meaning
/// (reading its own output gives an equal model) and answers a recommendation and a similar-items lookup.
pub fn recommend_model(data: &[u8]) {
    let Ok(rec) = Recommender::from_bytes(data) else {
        return;
    };
    let again = Recommender::from_bytes(&rec.to_bytes());
    assert_eq!(
        again.as_ref().ok(),
        Some(&rec),
        "a loaded model round-trips"
    );
    let first = rec.items().names().next().map(str::to_owned);
    let request = RecommendRequest {
        cart: first.iter().cloned().collect(),
        history: first
            .iter()
            .map(|item| HistoryItem {
                product: item.clone(),
                day: 10,
                category: None,
            })
            .collect(),
        now_day: Some(20),
        limit: 5,
        ..Default::default()
    };
    let _ = rec.recommend(&request);
    if let Some(item) = &first {
        let _ = rec.similar(item, 5);
    }
}
