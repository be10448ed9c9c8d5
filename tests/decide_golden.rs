//! Runs the shared golden cases of `tests/spec/decide/` natively; the Node tests of the built package run the
//! same files through Wasm, so both builds must give the same decisions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::json::{self, Value};
use nextoffer::Engine;
use std::path::{Path, PathBuf};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec")
}

fn check_case(path: &Path) -> Result<(), String> {
    let case = json::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let model_name = case.get("model").and_then(Value::as_str).unwrap();
    let model =
        std::fs::read_to_string(spec_dir().join(format!("models/{model_name}.json"))).unwrap();
    let engine = Engine::from_json(&model).map_err(|e| format!("model: {e}"))?;
    let request = case.get("request").unwrap().to_json();
    let result = engine.decide_json(&request);
    if let Some(expected) = case.get("expectedError") {
        let err = match result {
            Ok(_) => return Err("expected an error, got a decision".into()),
            Err(e) => e,
        };
        let code = expected.get("code").and_then(Value::as_str).unwrap();
        let want_path = expected.get("path").and_then(Value::as_str).unwrap();
        if err.code() != code || err.path() != want_path {
            return Err(format!(
                "expected {code} at {want_path}, got {} at {} ({err})",
                err.code(),
                err.path()
            ));
        }
        return Ok(());
    }
    let decision = json::parse(&result.map_err(|e| e.to_string())?).unwrap();
    let expected = case.get("expected").unwrap();
    let offers = decision.get("offers").and_then(Value::as_array).unwrap();
    let ids: Vec<&str> = offers
        .iter()
        .map(|o| o.get("id").and_then(Value::as_str).unwrap())
        .collect();
    let want: Vec<&str> = expected
        .get("offerIds")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    if ids != want {
        return Err(format!("offers {ids:?}, expected {want:?}"));
    }
    if let Some(scores) = expected.get("scores").and_then(Value::as_object) {
        for (id, score) in scores.iter() {
            let offer = offers
                .iter()
                .find(|o| o.get("id").and_then(Value::as_str) == Some(id))
                .unwrap();
            let got = offer.get("score").and_then(Value::as_f64).unwrap();
            let want = score.as_f64().unwrap();
            if (got - want).abs() > 1e-9 * want.abs().max(1.0) {
                return Err(format!("score of {id} is {got}, expected {want}"));
            }
        }
    }
    if let Some(suppressed) = expected.get("suppressed").and_then(Value::as_object) {
        let got = decision
            .get("suppressed")
            .and_then(Value::as_array)
            .unwrap();
        let got: Vec<(&str, &str)> = got
            .iter()
            .map(|s| {
                (
                    s.get("id").and_then(Value::as_str).unwrap(),
                    s.get("rule").and_then(Value::as_str).unwrap(),
                )
            })
            .collect();
        let want: Vec<(&str, &str)> = suppressed
            .iter()
            .map(|(id, rule)| (id, rule.as_str().unwrap()))
            .collect();
        let (mut got_sorted, mut want_sorted) = (got.clone(), want.clone());
        got_sorted.sort();
        want_sorted.sort();
        if got_sorted != want_sorted {
            return Err(format!("suppressed {got:?}, expected {want:?}"));
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
        let rule = decision.get("blocked").and_then(|b| b.get("rule"));
        if rule != Some(want) {
            return Err(format!("blocked by {rule:?}, expected {want:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_golden_decide_case_gives_the_expected_decision() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(spec_dir().join("decide"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "golden cases missing");
    let failures: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            check_case(p)
                .err()
                .map(|e| format!("{}: {e}", p.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
}
