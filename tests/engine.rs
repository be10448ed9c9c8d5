//! The engine through its public Rust API: model validation, learning from feedback, state export and merge,
//! determinism, splits and the control group.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::json::{self, Value};
use nextoffer::{ContactEvent, Engine, LearnedState};

mod support;
use support::coffee_shop;

fn model_with_offer(offer: &str) -> String {
    format!(r#"{{"offers":[{offer}]}}"#)
}

fn model_error(model: &str) -> (String, String, String) {
    let err = Engine::from_json(model).unwrap_err();
    (
        err.code().to_owned(),
        err.path().to_owned(),
        err.to_string(),
    )
}

const REQUEST: &str = r#"{"customer":{"id":"c-1001","attributes":{"plan":"pro","visits":5},
  "owned":["espresso-machine"]},"context":{"placement":"cart","now":"2026-11-23T10:00:00Z"},"limit":5}"#;

fn offer_ids(decision: &str) -> Vec<String> {
    let v = json::parse(decision).unwrap();
    v.get("offers")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .map(|o| o.get("id").unwrap().as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_unknown_operator_is_rejected_at_load_with_its_json_path() {
    let model = r#"{"offers":[{"id":"a","kind":"content"},{"id":"b","kind":"content"},{"id":"c","kind":"content"},
        {"id":"d","kind":"upsell","condition":{"plan":{"$regx":"pro"}}}]}"#;
    let (code, path, message) = model_error(model);
    assert_eq!(code, "invalid-model");
    assert_eq!(path, "offers[3].condition.plan.$regx");
    assert!(message.contains("unknown operator"), "{message}");
}

#[test]
fn model_validation_names_the_offending_field() {
    let cases = [
        (model_with_offer(r#"{"id":"a","kind":"upsell","price":-5}"#), "offers[0].price", "negative"),
        (model_with_offer(r#"{"id":"a","kind":"upsell","startDate":"2026-02-30"}"#), "offers[0].startDate", "ISO date"),
        (model_with_offer(r#"{"id":"a","kind":"gift"}"#), "offers[0].kind", "unknown kind"),
        (model_with_offer(r#"{"id":"a","kind":"upsell","condtion":{}}"#), "offers[0].condtion", "unknown field"),
        (model_with_offer(r#"{"id":"a","kind":"upsell","condition":{"name":{"$regex":"("}}}"#), "offers[0].condition.name.$regex", "regex"),
        (model_with_offer(r#"{"id":"a","kind":"upsell","startDate":"2026-05-01","endDate":"2026-04-01"}"#), "offers[0].endDate", "after"),
        (model_with_offer(r#"{"id":"a","kind":"upsell","currency":"yen"}"#), "offers[0].currency", "ISO 4217"),
        (r#"{"offers":[{"id":"a","kind":"content"},{"id":"a","kind":"content"}]}"#.to_owned(), "offers[1].id", "duplicate"),
        (r#"{"placements":["cart"],"offers":[{"id":"a","kind":"content","placements":["hero"]}]}"#.to_owned(), "offers[0].placements", "unknown placement"),
        (r#"{"policies":[{"id":"p","scope":"offer","max":3}],"offers":[]}"#.to_owned(), "policies[0].periodDays", "required"),
        (r#"{"controlGroup":{"share":1.5},"offers":[]}"#.to_owned(), "controlGroup.share", "between 0 and 1"),
        (r#"{"priors":{"accepts":5,"impressions":2},"offers":[]}"#.to_owned(), "priors", "Beta prior"),
        (r#"{"version":2,"offers":[]}"#.to_owned(), "version", "unsupported"),
    ];
    for (model, want_path, want_text) in cases {
        let (code, path, message) = model_error(&model);
        assert_eq!(
            (code.as_str(), path.as_str()),
            ("invalid-model", want_path),
            "{message}"
        );
        assert!(
            message.contains(want_text),
            "{message} should mention {want_text}"
        );
    }
}

#[test]
fn malformed_json_is_reported_with_line_and_column() {
    let err = Engine::from_json("{\n  \"offers\": [,]\n}").unwrap_err();
    assert_eq!(err.code(), "invalid-json");
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn clicks_recorded_for_an_offer_raise_it_in_the_next_decision() {
    let mut engine = Engine::from_json(&coffee_shop()).unwrap();
    assert_eq!(
        offer_ids(&engine.decide_json(REQUEST).unwrap())[..2],
        ["grinder-pro", "beans-sub"]
    );
    // beans-sub is worth 1500 against grinder-pro's 8000: it needs a rate over 5.33x the grinder's to win.
    for _ in 0..40 {
        engine
            .record_json(r#"{"type":"impression","offerId":"beans-sub"}"#)
            .unwrap();
        engine
            .record_json(r#"{"type":"impression","offerId":"grinder-pro"}"#)
            .unwrap();
    }
    engine
        .record_json(r#"{"type":"click","offerId":"beans-sub","count":30}"#)
        .unwrap();
    let decision = engine.decide_json(REQUEST).unwrap();
    assert_eq!(offer_ids(&decision)[..2], ["beans-sub", "grinder-pro"]);
    let v = json::parse(&decision).unwrap();
    let first = &v.get("offers").unwrap().as_array().unwrap()[0];
    let posterior = first
        .get("propensity")
        .unwrap()
        .get("posterior")
        .unwrap()
        .as_f64()
        .unwrap();
    assert!((posterior - 31.0 / 60.0).abs() < 1e-12, "{posterior}");
}

#[test]
fn segment_counts_move_only_their_segment() {
    let mut engine = Engine::from_json(&coffee_shop()).unwrap();
    for _ in 0..50 {
        engine
            .record_json(r#"{"type":"impression","offerId":"mug","segment":"gold"}"#)
            .unwrap();
        engine
            .record_json(r#"{"type":"click","offerId":"mug","segment":"gold"}"#)
            .unwrap();
    }
    let request = |segment: &str| {
        REQUEST.replace(
            r#""visits":5"#,
            &format!(r#""visits":5,"segment":"{segment}""#),
        )
    };
    let gold = engine.decide_json(&request("gold")).unwrap();
    let silver = engine.decide_json(&request("silver")).unwrap();
    assert_eq!(offer_ids(&gold)[0], "mug");
    assert_ne!(offer_ids(&silver)[0], "mug");
}

#[test]
fn an_event_for_an_unknown_offer_is_rejected_and_the_engine_keeps_working() {
    let mut engine = Engine::from_json(&coffee_shop()).unwrap();
    let err = engine
        .record_json(r#"{"type":"click","offerId":"nope"}"#)
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("unknown-offer", "offerId"));
    let err = engine
        .record_json(r#"{"type":"clicked","offerId":"mug"}"#)
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("invalid-event", "type"));
    assert_eq!(
        offer_ids(&engine.decide_json(REQUEST).unwrap())[0],
        "grinder-pro"
    );
}

fn state_with(events: &[(&str, ContactEvent, Option<&str>, u64)]) -> LearnedState {
    let mut state = LearnedState::default();
    for &(offer, event, segment, n) in events {
        state.offer_mut(offer).add(event, segment, n);
    }
    state
}

#[test]
fn merging_states_adds_counts_in_any_order() {
    let a = state_with(&[
        ("mug", ContactEvent::Impression, Some("gold"), 5),
        ("guide", ContactEvent::Click, None, 1),
    ]);
    let b = state_with(&[
        ("mug", ContactEvent::Impression, None, 7),
        ("retired-offer", ContactEvent::Accept, None, 2),
    ]);
    let c = state_with(&[("mug", ContactEvent::Click, Some("gold"), 3)]);
    let mut ab_c = a.clone();
    ab_c.merge(&b);
    ab_c.merge(&c);
    let mut c_ba = c.clone();
    c_ba.merge(&b);
    c_ba.merge(&a);
    assert_eq!(ab_c, c_ba);
    let mug = ab_c.offer("mug").unwrap();
    assert_eq!(mug.total.get(ContactEvent::Impression), 12);
    assert_eq!(
        mug.segment("gold").unwrap().get(ContactEvent::Impression),
        5
    );
    assert_eq!(mug.segment("gold").unwrap().get(ContactEvent::Click), 3);
}

#[test]
fn two_engines_that_exchange_states_converge_and_keep_unknown_offers() {
    let mut east = Engine::from_json(&coffee_shop()).unwrap();
    let mut west = Engine::from_json(&coffee_shop()).unwrap();
    east.record_json(r#"{"type":"impression","offerId":"mug","count":4}"#)
        .unwrap();
    west.record_json(r#"{"type":"click","offerId":"mug","segment":"gold"}"#)
        .unwrap();
    let retired = state_with(&[("retired-offer", ContactEvent::Click, None, 9)]);
    east.merge_state(&retired);
    let (east_state, west_state) = (east.export_state(), west.export_state());
    east.merge_state(&west_state);
    west.merge_state(&east_state);
    assert_eq!(east.export_state(), west.export_state());
    let text = east.export_state().to_json().to_json();
    assert!(
        text.contains(r#""retired-offer":{"total":{"impressions":0,"clicks":9"#),
        "{text}"
    );
    let reread = LearnedState::from_value(&json::parse(&text).unwrap()).unwrap();
    assert_eq!(reread, east.export_state());
}

#[test]
fn a_state_of_another_format_or_version_is_rejected() {
    for (text, path) in [
        (r#"{"format":"other","version":1,"offers":{}}"#, "format"),
        (
            r#"{"format":"nextoffer-state","version":2,"offers":{}}"#,
            "version",
        ),
        (
            r#"{"format":"nextoffer-state","version":1,"offers":{"a":{"total":{"clicks":-1}}}}"#,
            "offers.a.total.clicks",
        ),
        (
            r#"{"format":"nextoffer-state","version":1,"offers":{"a":{"total":{"clicks":1},"segments":{"g":{"clicks":2}}}}}"#,
            "offers.a.segments.g",
        ),
    ] {
        let err = LearnedState::from_value(&json::parse(text).unwrap()).unwrap_err();
        assert_eq!(err.path(), path, "{}", err.message());
    }
}

#[test]
fn the_same_request_gives_the_same_decision_and_id() {
    let engine = Engine::from_json(&coffee_shop()).unwrap();
    let first = engine.decide_json(REQUEST).unwrap();
    assert_eq!(first, engine.decide_json(REQUEST).unwrap());
    let other_seed = engine
        .decide_json(&REQUEST.replace(r#""limit":5"#, r#""limit":5,"seed":7"#))
        .unwrap();
    let id = |d: &str| {
        json::parse(d)
            .unwrap()
            .get("decisionId")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_ne!(id(&first), id(&other_seed));
    assert_eq!(id(&first).len(), 16);
}

#[test]
fn the_control_group_holds_out_the_configured_share_of_customers() {
    let model = coffee_shop().replacen(
        r#""offers": ["#,
        r#""controlGroup": {"share": 0.2, "seed": "lift"}, "offers": ["#,
        1,
    );
    let engine = Engine::from_json(&model).unwrap();
    let mut control = 0;
    for i in 0..2000 {
        let request = REQUEST.replace("c-1001", &format!("customer-{i}"));
        let v = json::parse(&engine.decide_json(&request).unwrap()).unwrap();
        if v.get("group").unwrap().as_str() == Some("control") {
            control += 1;
            assert!(v.get("offers").unwrap().as_array().unwrap().is_empty());
            assert_eq!(
                v.get("blocked").unwrap().get("rule").unwrap().as_str(),
                Some("control-group")
            );
        }
    }
    assert!(
        (340..=460).contains(&control),
        "{control} of 2000 in a 20% control group"
    );
}

#[test]
fn an_arbitration_split_assigns_variations_by_customer_and_changes_weights() {
    let model = coffee_shop().replacen(
        r#""offers": ["#,
        r#""arbitrationSplit": {"id": "value-test", "variations": [{"name": "champion"}, {"name": "propensity-first", "valueExponent": 0}]}, "offers": ["#,
        1,
    );
    let engine = Engine::from_json(&model).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for i in 0..200 {
        let request = REQUEST.replace("c-1001", &format!("customer-{i}"));
        let v = json::parse(&engine.decide_json(&request).unwrap()).unwrap();
        let name = v
            .get("split")
            .unwrap()
            .get("name")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        let first = v.get("offers").unwrap().as_array().unwrap()[0].clone();
        let score = first.get("score").unwrap().as_f64().unwrap();
        if name == "propensity-first" {
            // Value^0 = 1: the score is the propensity alone.
            assert!(score < 1.0, "{score}");
        } else {
            assert!(score > 100.0, "{score}");
        }
        *seen.entry(name).or_insert(0) += 1;
        let again = json::parse(&engine.decide_json(&request).unwrap()).unwrap();
        assert_eq!(again.get("split"), v.get("split"));
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
}

#[test]
fn the_kind_cap_allows_one_reactivation_offer_a_day() {
    let engine = Engine::from_json(&coffee_shop()).unwrap();
    let request = |contacts: &str| {
        format!(
            r#"{{"customer":{{"attributes":{{"daysSinceLastOrder":120}},"contacts":[{contacts}]}},
               "context":{{"placement":"home","now":"2026-11-23T10:00:00Z"}},"limit":10}}"#
        )
    };
    assert!(offer_ids(&engine.decide_json(&request("")).unwrap()).contains(&"winback".to_owned()));
    let shown_today = r#"{"offerId":"winback","event":"impression","at":"2026-11-23T07:00:00Z"}"#;
    let v = json::parse(&engine.decide_json(&request(shown_today)).unwrap()).unwrap();
    let suppressed = v.get("suppressed").unwrap().as_array().unwrap();
    assert!(suppressed
        .iter()
        .any(|s| s.get("id").unwrap().as_str() == Some("winback")
            && s.get("rule").unwrap().as_str() == Some("reactivation-daily")));
}

#[test]
fn explain_lists_the_ineligible_offers() {
    let engine = Engine::from_json(&coffee_shop()).unwrap();
    let v = json::parse(
        &engine
            .decide_json(&REQUEST.replace(r#""limit":5"#, r#""explain":true"#))
            .unwrap(),
    )
    .unwrap();
    let ineligible: Vec<&str> = v
        .get("ineligible")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(ineligible, ["winback", "care-call"]);
}

#[test]
fn a_prepared_customer_decides_exactly_like_the_full_request() {
    let engine = Engine::from_json(&coffee_shop()).unwrap();
    for path in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/spec/decide")).unwrap()
    {
        let case = json::parse(&std::fs::read_to_string(path.unwrap().path()).unwrap()).unwrap();
        if case.get("expectedError").is_some() {
            continue;
        }
        let request = case.get("request").unwrap();
        let full = engine.decide_json(&request.to_json()).unwrap();
        let customer = request
            .get("customer")
            .map_or("{}".to_owned(), Value::to_json);
        let prepared = engine.prepare_customer(&customer).unwrap();
        let mut per_call = request.as_object().unwrap().clone();
        per_call.remove("customer");
        let split = engine
            .decide_for_json(&prepared, &Value::Object(per_call).to_json())
            .unwrap();
        assert_eq!(split, full);
    }
}

#[test]
fn contacts_sent_with_each_call_add_to_the_prepared_ones() {
    let engine = Engine::from_json(&coffee_shop()).unwrap();
    let customer = engine
        .prepare_customer(
            r#"{"attributes":{"plan":"pro"},"contacts":[
            {"offerId":"grinder-pro","event":"impression","at":"2026-11-21T09:00:00Z"},
            {"offerId":"grinder-pro","event":"impression","at":"2026-11-22T09:00:00Z"},
            {"offerId":"grinder-pro","event":"click","at":"2026-11-22T09:05:00Z"}]}"#,
        )
        .unwrap();
    let request = |contacts: &str| {
        format!(
            r#"{{"customer":{{"contacts":[{contacts}]}},"context":{{"placement":"cart","now":"2026-11-23T10:00:00Z"}}}}"#
        )
    };
    let before = engine.decide_for_json(&customer, &request("")).unwrap();
    assert_eq!(offer_ids(&before)[0], "grinder-pro");
    let third = r#"{"offerId":"grinder-pro","event":"impression","at":"2026-11-23T09:00:00Z"}"#;
    let after = json::parse(&engine.decide_for_json(&customer, &request(third)).unwrap()).unwrap();
    let suppressed = after.get("suppressed").unwrap().as_array().unwrap();
    assert_eq!(
        suppressed[0].get("rule").unwrap().as_str(),
        Some("offer-cap")
    );
}

#[test]
fn a_prepared_customer_refuses_a_repeated_profile_and_another_engine() {
    let engine = Engine::from_json(&coffee_shop()).unwrap();
    let other = Engine::from_json(&coffee_shop()).unwrap();
    let customer = engine.prepare_customer(r#"{"id":"c1"}"#).unwrap();
    let err = engine
        .decide_for(
            &customer,
            r#"{"customer":{"purchases":[]},"context":{"now":"2026-11-23"}}"#,
        )
        .unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("invalid-request", "customer.purchases")
    );
    let err = other
        .decide_for(&customer, r#"{"context":{"now":"2026-11-23"}}"#)
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("invalid-request", "customer"));
    let err = engine
        .prepare_customer(r#"{"purchases":[{"date":"soon"}]}"#)
        .unwrap_err();
    assert_eq!(err.path(), "purchases[0].date");
}
