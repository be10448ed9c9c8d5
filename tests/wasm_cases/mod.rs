//! Cases shared by the wasm-bindgen tests: `wasm_node.rs` runs them in Node and `wasm_browser.rs` in headless
//! Chromium, through the core compiled to wasm32 (and `wasm_node.rs` natively too, so a failure that only
//! Wasm shows stands out). GrowthBook's conformance sections and the golden decide cases of `tests/spec/`.
//!
//! A browser has no file system, so the files are embedded with `include_str!`. `GOLDEN` and `MODELS` list
//! them by name; a native test in `wasm_node.rs` fails when a file is added to `tests/spec/` but not here.
#![allow(dead_code)] // each test binary uses a part

use nextoffer::bucket::{bucket_ranges, choose_variation, hash, in_namespace};
use nextoffer::condition::eval_condition;
use nextoffer::json::{parse, Value};
use nextoffer::Engine;

macro_rules! spec_files {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../spec/", $dir, "/", $name, ".json")))),*]
    };
}

/// The golden decide cases of `tests/spec/decide/`, by file stem.
pub const GOLDEN: &[(&str, &str)] = spec_files!("decide":
    "a-dormant-customer-without-history-gets-the-winback",
    "a-malformed-purchase-date-names-its-index",
    "a-request-without-now-is-rejected",
    "an-exhausted-placement-cap-withholds-every-offer",
    "an-unknown-placement-is-rejected",
    "offer-cap-suppresses-after-three-impressions-in-seven-days",
    "open-complaint-gets-service-before-sales",
    "owned-and-carted-products-are-not-offered",
    "ranks-by-priority-with-affinity",
    "two-ignores-in-fourteen-days-pause-the-offer",
    "recommender-boosts-and-generates-cross-sell-and-upsell-offers",
    "thompson-propensity-draws-from-the-posterior-with-the-request-seed",
);

/// The models of `tests/spec/models/` the golden cases name.
pub const MODELS: &[(&str, &str)] =
    spec_files!("models": "coffee-shop", "demo-shop", "demo-shop-bandit");

/// The recommenders (`tests/spec/models/*.nxrc`, the binary format) the golden cases attach, by file stem:
/// `demo-orders` is `nextoffer similar www/demo/orders.csv --top 20 --save`.
pub const RECOMMENDERS: &[(&str, &[u8])] = &[(
    "demo-orders",
    include_bytes!("../spec/models/demo-orders.nxrc"),
)];

const GROWTHBOOK: &str = include_str!("../spec/growthbook-cases.json");

fn section(name: &str) -> Vec<Value> {
    let all = parse(GROWTHBOOK).expect("the conformance file parses");
    all.get(name)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("section {name} is missing"))
        .to_vec()
}

fn num(value: &Value) -> f64 {
    value.as_f64().expect("a number")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Panics listing every failure, so one run shows them all.
fn report(what: &str, checked: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {checked} {what} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every `evalCondition` case: the condition, the attributes, the expected verdict, the saved groups.
pub fn eval_condition_cases_pass() {
    let cases = section("evalCondition");
    assert_eq!(cases.len(), 248);
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, case)| {
            let c = case.as_array().expect("a case is an array");
            let expected = c[3].as_bool().expect("a boolean verdict");
            let groups = c.get(4).cloned().unwrap_or(Value::Null);
            let got = eval_condition(&c[1], &c[2], &groups);
            (got != expected).then(|| format!("case {i} {}: got {got}", c[0].to_json()))
        })
        .collect();
    report("evalCondition cases", cases.len(), &failures);
}

/// Every `hash` case (seed, value, version, expected; `null` for an unknown version).
pub fn hash_cases_pass() {
    let cases = section("hash");
    assert_eq!(cases.len(), 15);
    for case in &cases {
        let c = case.as_array().expect("a case is an array");
        let (seed, value) = (c[0].as_str().expect("seed"), c[1].as_str().expect("value"));
        let got = hash(seed, value, num(&c[2]) as u32);
        match c[3].as_f64() {
            Some(expected) => assert!(
                got.is_some_and(|n| close(n, expected)),
                "hash({seed:?}, {value:?}) = {got:?}, expected {expected}"
            ),
            None => assert_eq!(got, None, "hash({seed:?}, {value:?}) of an unknown version"),
        }
    }
}

fn pair(value: &Value) -> (f64, f64) {
    let p = value.as_array().expect("a [start, end] pair");
    (num(&p[0]), num(&p[1]))
}

/// Every `getBucketRange` case: variation count, coverage and weights give the expected ranges.
pub fn bucket_range_cases_pass() {
    let cases = section("getBucketRange");
    assert_eq!(cases.len(), 13);
    for case in &cases {
        let c = case.as_array().expect("a case is an array");
        let args = c[1].as_array().expect("arguments");
        let weights: Option<Vec<f64>> = args[2].as_array().map(|w| w.iter().map(num).collect());
        let got = bucket_ranges(num(&args[0]) as usize, num(&args[1]), weights.as_deref());
        let expected: Vec<(f64, f64)> = c[2].as_array().expect("ranges").iter().map(pair).collect();
        assert_eq!(got.len(), expected.len(), "{}", c[0].to_json());
        for (g, e) in got.iter().zip(&expected) {
            assert!(
                close(g.0, e.0) && close(g.1, e.1),
                "{}: {got:?}, expected {expected:?}",
                c[0].to_json()
            );
        }
    }
}

/// Every `chooseVariation` case (-1 means no variation).
pub fn choose_variation_cases_pass() {
    let cases = section("chooseVariation");
    assert_eq!(cases.len(), 13);
    for case in &cases {
        let c = case.as_array().expect("a case is an array");
        let ranges: Vec<(f64, f64)> = c[2].as_array().expect("ranges").iter().map(pair).collect();
        let expected = num(&c[3]);
        let got = choose_variation(num(&c[1]), &ranges).map_or(-1.0, |i| i as f64);
        assert_eq!(got, expected, "{}", c[0].to_json());
    }
}

/// Every `inNamespace` case.
pub fn in_namespace_cases_pass() {
    let cases = section("inNamespace");
    assert_eq!(cases.len(), 16);
    for case in &cases {
        let c = case.as_array().expect("a case is an array");
        let ns = c[2].as_array().expect("namespace");
        let got = in_namespace(
            c[1].as_str().expect("user id"),
            ns[0].as_str().expect("namespace id"),
            num(&ns[1]),
            num(&ns[2]),
        );
        assert_eq!(Some(got), c[3].as_bool(), "{}", c[0].to_json());
    }
}

fn model_text(name: &str) -> &'static str {
    MODELS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("model {name} is not embedded in tests/wasm_cases/mod.rs"))
}

fn field<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&Value::Null)
}

fn check_golden(text: &str) -> Result<(), String> {
    let case = parse(text).map_err(|e| format!("case: {e}"))?;
    let model = model_text(
        field(&case, "model")
            .as_str()
            .ok_or("case without a model")?,
    );
    let mut engine = Engine::from_json(model).map_err(|e| format!("model: {e}"))?;
    if let Some(name) = field(&case, "recommender").as_str() {
        let bytes = RECOMMENDERS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, bytes)| *bytes)
            .ok_or_else(|| format!("recommender {name} is not embedded"))?;
        engine
            .attach_recommender(bytes, field(&case, "recommenderOptions"))
            .map_err(|e| format!("recommender: {e}"))?;
    }
    let result = engine.decide_json(&field(&case, "request").to_json());

    if let Some(expected) = case.get("expectedError") {
        let err = result.err().ok_or("expected an error, got a decision")?;
        let (code, path) = (field(expected, "code"), field(expected, "path"));
        if code.as_str() != Some(err.code()) || path.as_str() != Some(err.path()) {
            return Err(format!(
                "expected {} at {}, got {} at {} ({err})",
                code.to_json(),
                path.to_json(),
                err.code(),
                err.path()
            ));
        }
        return Ok(());
    }

    let decision = parse(&result.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let expected = field(&case, "expected");
    let offers = field(&decision, "offers").as_array().unwrap_or_default();
    let ids: Vec<&str> = offers
        .iter()
        .filter_map(|o| field(o, "id").as_str())
        .collect();
    let want: Vec<&str> = field(expected, "offerIds")
        .as_array()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if ids != want {
        return Err(format!("offers {ids:?}, expected {want:?}"));
    }
    if let Some(scores) = field(expected, "scores").as_object() {
        for (id, score) in scores.iter() {
            let got = offers
                .iter()
                .find(|o| field(o, "id").as_str() == Some(id))
                .and_then(|o| field(o, "score").as_f64());
            let want = num(score);
            if !got.is_some_and(|g| close(g, want)) {
                return Err(format!("score of {id} is {got:?}, expected {want}"));
            }
        }
    }
    if let Some(suppressed) = field(expected, "suppressed").as_object() {
        let mut got: Vec<(String, String)> = field(&decision, "suppressed")
            .as_array()
            .unwrap_or_default()
            .iter()
            .map(|s| {
                let text = |k| field(s, k).as_str().unwrap_or_default().to_owned();
                (text("id"), text("rule"))
            })
            .collect();
        let mut want: Vec<(String, String)> = suppressed
            .iter()
            .map(|(id, rule)| (id.to_owned(), rule.as_str().unwrap_or_default().to_owned()))
            .collect();
        got.sort();
        want.sort();
        if got != want {
            return Err(format!("suppressed {got:?}, expected {want:?}"));
        }
    }
    if let Some(reasons) = field(expected, "reasons").as_object() {
        for (id, want) in reasons.iter() {
            let got: Vec<String> = offers
                .iter()
                .find(|o| field(o, "id").as_str() == Some(id))
                .map(|o| field(o, "reasons").as_array().unwrap_or_default())
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    let text = |k| field(r, k).as_str().unwrap_or_default();
                    format!("{}: {}", text("code"), text("text"))
                })
                .collect();
            for w in want.as_array().unwrap_or_default() {
                let w = w.as_str().unwrap_or_default();
                if !got.iter().any(|g| g == w) {
                    return Err(format!("{id} has no reason {w:?}; it has {got:?}"));
                }
            }
        }
    }
    for key in ["group", "candidates", "ineligibleCount"] {
        if let Some(want) = expected.get(key) {
            if decision.get(key) != Some(want) {
                return Err(format!(
                    "{key} is {:?}, expected {want:?}",
                    decision.get(key)
                ));
            }
        }
    }
    if let Some(want) = expected.get("blocked") {
        let rule = field(&decision, "blocked").get("rule");
        if rule != Some(want) {
            return Err(format!("blocked by {rule:?}, expected {want:?}"));
        }
    }
    // Same input, same output: a second decision from the same engine is identical.
    let again = engine
        .decide_json(&field(&case, "request").to_json())
        .map_err(|e| e.to_string())?;
    if parse(&again).ok().as_ref() != Some(&decision) {
        return Err("a second decision differs from the first".to_owned());
    }
    Ok(())
}

/// Every golden decide case gives its expected decision (or its expected error).
pub fn golden_decide_cases_pass() {
    assert!(GOLDEN.len() >= 10, "golden cases missing");
    let failures: Vec<String> = GOLDEN
        .iter()
        .filter_map(|(name, text)| check_golden(text).err().map(|e| format!("{name}: {e}")))
        .collect();
    report("golden decide cases", GOLDEN.len(), &failures);
}
