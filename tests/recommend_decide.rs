//! The recommender inside `decide` (`Engine::attach_recommender`, `nextoffer decide --recommender`): feedback
//! on generated offers is learned under their ids and moves their propensity; bad bytes and options are
//! coded errors; the CLI gives the golden case's decision.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;
use support::nextoffer;

use nextoffer::json::{parse, Value};
use nextoffer::Engine;

const MODEL: &str = include_str!("spec/models/demo-shop.json");
const RECOMMENDER: &[u8] = include_bytes!("spec/models/demo-orders.nxrc");

/// The golden case's customer: owns the Grinder Pro (bought in October), a kettle in the cart.
const REQUEST: &str = r#"{"customer":{"id":"c-1","owned":["grinder-pro"],
  "purchases":[{"productId":"grinder-pro","category":"equipment","date":"2026-10-01","amount":32000}]},
  "context":{"placement":"cart","cart":["kettle"],"now":"2026-11-23T10:00:00Z"},"limit":5}"#;

fn engine() -> Engine {
    let mut engine = Engine::from_json(MODEL).unwrap();
    assert_eq!(
        engine
            .attach_recommender(RECOMMENDER, &Value::Null)
            .unwrap(),
        17
    );
    engine
}

fn offer<'a>(decision: &'a Value, id: &str) -> &'a Value {
    decision
        .get("offers")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .find(|o| o.get("id").and_then(Value::as_str) == Some(id))
        .unwrap_or_else(|| panic!("{id} is not ranked in {}", decision.to_json()))
}

fn score(decision: &Value, id: &str) -> f64 {
    offer(decision, id)
        .get("score")
        .and_then(Value::as_f64)
        .unwrap()
}

#[test]
fn clicks_on_a_generated_offer_are_learned_under_its_id_and_raise_its_propensity() {
    let mut engine = engine();
    let before = parse(&engine.decide_json(REQUEST).unwrap()).unwrap();
    // 0.05 prior x 2 (bought with every kettle) x 0.5 (no kitchen purchases) x 165 (550 yen x 0.3).
    assert!((score(&before, "cross-sell:filter") - 8.25).abs() < 1e-9);
    for (kind, count) in [("impression", 20), ("click", 9)] {
        let event = format!(r#"{{"type":"{kind}","offerId":"cross-sell:filter","count":{count}}}"#);
        engine.record_json(&event).unwrap();
    }
    let after = parse(&engine.decide_json(REQUEST).unwrap()).unwrap();
    // Posterior (1 + 9) / (20 + 20) = 0.25 instead of 0.05: five times the score.
    assert!((score(&after, "cross-sell:filter") - 5.0 * 8.25).abs() < 1e-9);
    let state = engine.export_state();
    let stats = state.offer("cross-sell:filter").unwrap();
    assert_eq!(stats.total.get(nextoffer::ContactEvent::Click), 9);
    // An id that names no generated offer is still refused.
    let err = engine
        .record_json(r#"{"type":"click","offerId":"cross-sell:no-such-item"}"#)
        .unwrap_err();
    assert_eq!(err.code(), "unknown-offer");
}

#[test]
fn without_a_recommender_the_same_request_has_no_boost_and_no_generated_offer() {
    let plain = Engine::from_json(MODEL).unwrap();
    let decision = parse(&plain.decide_json(REQUEST).unwrap()).unwrap();
    let ids: Vec<&str> = decision
        .get("offers")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .filter_map(|o| o.get("id").and_then(Value::as_str))
        .collect();
    assert_eq!(ids, ["espresso-upgrade", "scale-bundle", "mug", "guide"]);
    // 0.05 prior x 1.5 equipment affinity x value, with no boost.
    assert!((score(&decision, "espresso-upgrade") - 675.0).abs() < 1e-9);
    assert!((score(&decision, "scale-bundle") - 90.0).abs() < 1e-9);
    assert!(offer(&decision, "scale-bundle")
        .get("propensity")
        .unwrap()
        .get("boost")
        .is_none());
}

#[test]
fn options_limit_generated_offers_to_placements_and_change_the_weights() {
    let mut engine = Engine::from_json(MODEL).unwrap();
    let options = parse(r#"{"placements":["home"],"upsellWeight":1,"crossSellOffers":0}"#).unwrap();
    engine.attach_recommender(RECOMMENDER, &options).unwrap();
    let decision = parse(&engine.decide_json(REQUEST).unwrap()).unwrap();
    let text = decision.to_json();
    assert!(!text.contains("cross-sell:") && !text.contains("upsell:grinder-basic"));
    // 0.05 x 2 (upsellWeight 1) x 1.5 (equipment affinity) x 9000.
    assert!((score(&decision, "espresso-upgrade") - 1350.0).abs() < 1e-9);
}

#[test]
fn bad_bytes_and_bad_options_are_invalid_model_errors_naming_the_field() {
    let mut engine = Engine::from_json(MODEL).unwrap();
    let mut other_version = RECOMMENDER.to_vec();
    other_version[4] = 9;
    let err = engine
        .attach_recommender(&other_version, &Value::Null)
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("invalid-model", "recommender"));
    assert!(err.to_string().contains("version 9"), "{err}");
    let err = engine
        .attach_recommender(&RECOMMENDER[..100], &Value::Null)
        .unwrap_err();
    assert_eq!(err.code(), "invalid-model");
    for (options, path) in [
        (
            r#"{"crossSellWieght":1}"#,
            "recommender.options.crossSellWieght",
        ),
        (
            r#"{"placements":["checkout"]}"#,
            "recommender.options.placements[0]",
        ),
        (
            r#"{"ladder":{"maxJump":0.5}}"#,
            "recommender.options.ladder.maxJump",
        ),
    ] {
        let err = engine
            .attach_recommender(RECOMMENDER, &parse(options).unwrap())
            .unwrap_err();
        assert_eq!((err.code(), err.path()), ("invalid-model", path), "{err}");
    }
    // A failed attach leaves the engine as it was: no recommender.
    let decision = engine.decide_json(REQUEST).unwrap();
    assert!(!decision.contains("cross-sell:"));
}

#[test]
fn the_cli_decides_with_a_recommender_file_as_the_golden_case_expects() {
    let case = parse(include_str!(
        "spec/decide/recommender-boosts-and-generates-cross-sell-and-upsell-offers.json"
    ))
    .unwrap();
    let request = support::write_temp(
        "recommend-decide-request.json",
        &case.get("request").unwrap().to_json(),
    );
    let (status, stdout, stderr) = nextoffer(&[
        "decide",
        "--model",
        "tests/spec/models/demo-shop.json",
        "--request",
        &request,
        "--recommender",
        "tests/spec/models/demo-orders.nxrc",
    ]);
    assert_eq!(status, 0, "{stderr}");
    let decision = parse(stdout.trim()).unwrap();
    let want = case
        .get("expected")
        .unwrap()
        .get("scores")
        .unwrap()
        .as_object()
        .unwrap();
    for (id, s) in want.iter() {
        assert!(
            (score(&decision, id) - s.as_f64().unwrap()).abs() < 1e-9,
            "{id}"
        );
    }
    let (status, _, stderr) = nextoffer(&[
        "decide",
        "--model",
        "tests/spec/models/demo-shop.json",
        "--request",
        &request,
        "--recommender-options",
        "x.json",
    ]);
    assert_eq!(status, 2, "{stderr}");
}
