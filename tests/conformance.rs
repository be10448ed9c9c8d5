//! GrowthBook's own conformance cases (`tests/spec/growthbook-cases.json`, MIT, license beside it): every
//! `evalCondition` case through [`eval_condition`], the strict compiler's verdict on each, and the hashing
//! sections (`hash`, `getBucketRange`, `chooseVariation`, `inNamespace`, `getEqualWeights`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::bucket::{bucket_ranges, choose_variation, equal_weights, hash, in_namespace};
use nextoffer::condition::{
    eval_condition, AttributeKeys, Condition, ConditionErrorKind, Mode, SavedGroups,
};
use nextoffer::json::{parse, Value};

fn section(name: &str) -> Vec<Value> {
    let text = include_str!("spec/growthbook-cases.json");
    let all = parse(text).expect("the conformance file parses");
    all.get(name)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("section {name} is missing"))
        .to_vec()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

struct EvalCase {
    name: String,
    condition: Value,
    attributes: Value,
    expected: bool,
    groups: Value,
}

fn eval_cases() -> Vec<EvalCase> {
    section("evalCondition")
        .into_iter()
        .map(|case| {
            let c = case.as_array().unwrap();
            EvalCase {
                name: c[0].as_str().unwrap().to_owned(),
                condition: c[1].clone(),
                attributes: c[2].clone(),
                expected: c[3].as_bool().unwrap(),
                groups: c.get(4).cloned().unwrap_or(Value::Null),
            }
        })
        .collect()
}

#[test]
fn all_eval_condition_cases_pass() {
    let cases = eval_cases();
    assert_eq!(cases.len(), 248);
    let failures: Vec<String> = cases
        .iter()
        .filter(|case| {
            eval_condition(&case.condition, &case.attributes, &case.groups) != case.expected
        })
        .map(|case| format!("{} (expected {})", case.name, case.expected))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn strict_mode_rejects_exactly_the_invalid_cases_and_agrees_on_the_rest() {
    let mut rejected = Vec::new();
    for case in eval_cases() {
        let groups = if case.groups.is_null() {
            SavedGroups::new()
        } else {
            SavedGroups::from_value(&case.groups).unwrap()
        };
        let mut keys = AttributeKeys::new();
        match Condition::compile(&case.condition, Mode::Strict, &mut keys, &groups) {
            Ok(condition) => assert_eq!(
                condition.eval(&keys.resolve(&case.attributes)),
                case.expected,
                "{}",
                case.name
            ),
            Err(e) => rejected.push(format!("{}: {}", case.name, e)),
        }
    }
    assert_eq!(
        rejected,
        [
            "$in - not array: num.$in: $in expects an array, found number",
            "$nin - not array: num.$nin: $nin expects an array, found number",
            "$ini - not array: num.$ini: $ini expects an array, found number",
            "$nini - not array: num.$nini: $nini expects an array, found number",
            "unknown operator - pass: name.$regx: unknown operator",
            "$regex invalid - pass: name.$regex: invalid regex \"/???***[)\": nothing to repeat",
            "$regex invalid - fail: name.$regex: invalid regex \"/???***[)\": nothing to repeat",
            "$inGroup fails for unknown group id: id.$inGroup: unknown saved group \"unknowngroup_id\"",
            "$notInGroup passes for unknown group id: id.$notInGroup: unknown saved group \"unknowngroup_id\"",
        ]
    );
}

#[test]
fn strict_mode_names_the_path_of_an_unknown_operator_and_an_invalid_regex() {
    let compile = |text: &str| {
        Condition::compile(
            &parse(text).unwrap(),
            Mode::Strict,
            &mut AttributeKeys::new(),
            &SavedGroups::new(),
        )
        .unwrap_err()
    };
    let e = compile(r#"{"name":{"$regx":"hello"}}"#);
    assert_eq!(
        (e.path.as_str(), &e.kind),
        ("name.$regx", &ConditionErrorKind::UnknownOperator)
    );
    let e = compile(r#"{"name":{"$regex":"/???***[)"}}"#);
    assert_eq!(e.path, "name.$regex");
    assert!(
        matches!(e.kind, ConditionErrorKind::InvalidRegex { ref pattern, .. } if pattern == "/???***[)")
    );
}

#[test]
fn hash_cases_pass() {
    let cases = section("hash");
    assert_eq!(cases.len(), 15);
    for case in cases {
        let c = case.as_array().unwrap();
        let (seed, value, version) = (c[0].as_str().unwrap(), c[1].as_str().unwrap(), num(&c[2]));
        let got = hash(seed, value, version as u32);
        match c[3].as_f64() {
            Some(expected) => assert!(
                got.is_some_and(|n| close(n, expected, 1e-9)),
                "hash({seed:?}, {value:?}, {version}) = {got:?}, expected {expected}"
            ),
            None => assert_eq!(got, None, "hash({seed:?}, {value:?}, {version})"),
        }
    }
}

#[test]
fn get_bucket_range_cases_pass() {
    let cases = section("getBucketRange");
    assert_eq!(cases.len(), 13);
    for case in cases {
        let c = case.as_array().unwrap();
        let args = c[1].as_array().unwrap();
        let weights: Option<Vec<f64>> = args[2].as_array().map(|w| w.iter().map(num).collect());
        let got = bucket_ranges(num(&args[0]) as usize, num(&args[1]), weights.as_deref());
        let expected: Vec<(f64, f64)> = c[2].as_array().unwrap().iter().map(pair).collect();
        assert_eq!(got.len(), expected.len(), "{}", c[0]);
        for (g, e) in got.iter().zip(&expected) {
            assert!(
                close(g.0, e.0, 1e-9) && close(g.1, e.1, 1e-9),
                "{}: {got:?} vs {expected:?}",
                c[0]
            );
        }
    }
}

#[test]
fn choose_variation_cases_pass() {
    let cases = section("chooseVariation");
    assert_eq!(cases.len(), 13);
    for case in cases {
        let c = case.as_array().unwrap();
        let ranges: Vec<(f64, f64)> = c[2].as_array().unwrap().iter().map(pair).collect();
        let expected = num(&c[3]);
        let expected = (expected >= 0.0).then_some(expected as usize);
        assert_eq!(choose_variation(num(&c[1]), &ranges), expected, "{}", c[0]);
    }
}

#[test]
fn in_namespace_cases_pass() {
    let cases = section("inNamespace");
    assert_eq!(cases.len(), 16);
    for case in cases {
        let c = case.as_array().unwrap();
        let ns = c[2].as_array().unwrap();
        let got = in_namespace(
            c[1].as_str().unwrap(),
            ns[0].as_str().unwrap(),
            num(&ns[1]),
            num(&ns[2]),
        );
        assert_eq!(got, c[3].as_bool().unwrap(), "{}", c[0]);
    }
}

#[test]
fn get_equal_weights_cases_pass() {
    let cases = section("getEqualWeights");
    assert_eq!(cases.len(), 6);
    for case in cases {
        let c = case.as_array().unwrap();
        // GrowthBook answers [] for any n <= 0; a usize count has no negatives.
        let n = num(&c[0]).max(0.0) as usize;
        let expected: Vec<f64> = c[1].as_array().unwrap().iter().map(num).collect();
        let got = equal_weights(n);
        assert_eq!(got.len(), expected.len(), "n = {}", c[0]);
        for (g, e) in got.iter().zip(&expected) {
            assert!(close(*g, *e, 1e-8), "n = {}: {got:?} vs {expected:?}", c[0]);
        }
    }
}

fn pair(range: &Value) -> (f64, f64) {
    let r = range.as_array().unwrap();
    (num(&r[0]), num(&r[1]))
}
