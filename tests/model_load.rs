//! Loading a model from its text: offers are read straight from the text (no tree), so these tests pin what
//! must not depend on that: the key order of the text, which error wins when several are present, syntax
//! errors outranking invalid fields, duplicate keys, escapes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::json::{self, Object, Value};
use nextoffer::{Engine, Model};

mod support;
use support::coffee_shop;

fn error(model: &str) -> (String, String) {
    let err = Engine::from_json(model).unwrap_err();
    (err.code().to_owned(), err.to_string())
}

/// A small deterministic permutation source (an LCG), so a failing order can be replayed from its seed.
struct Shuffle(u64);

impl Shuffle {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    /// The value with the keys of every object in a random order, except inside conditions and saved
    /// groups, whose key order is part of their meaning (the order clauses are tested in).
    fn value(&mut self, value: &Value) -> Value {
        match value {
            Value::Object(object) => {
                let mut entries: Vec<(String, Value)> = object
                    .iter()
                    .map(|(k, v)| {
                        let kept = matches!(k, "condition" | "savedGroups");
                        (k.to_owned(), if kept { v.clone() } else { self.value(v) })
                    })
                    .collect();
                for i in (1..entries.len()).rev() {
                    let j = self.below(i + 1);
                    entries.swap(i, j);
                }
                Value::Object(entries.into_iter().collect::<Object>())
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.value(v)).collect()),
            other => other.clone(),
        }
    }
}

#[test]
fn a_model_loads_to_the_same_engine_whatever_the_key_order_of_its_text() {
    let text = coffee_shop();
    let want = format!("{:?}", Model::from_json(&text).unwrap());
    let tree = json::parse(&text).unwrap();
    for seed in 0..40 {
        let shuffled = Shuffle(seed).value(&tree).to_json();
        let got = format!("{:?}", Model::from_json(&shuffled).unwrap());
        assert_eq!(got, want, "seed {seed}: {shuffled}");
    }
}

#[test]
fn an_invalid_model_reports_the_same_error_whatever_the_key_order_of_its_text() {
    let models = [
        // kind is checked before price, the offers before the policies, version before the offers.
        r#"{"offers":[{"price":-1,"id":"a","kind":"gift"}]}"#,
        r#"{"policies":[{"id":"p"}],"offers":[{"id":"a","kind":"content","lever":-2}]}"#,
        r#"{"offers":[{"id":"a","kind":"gift"}],"version":2,"currency":"yen"}"#,
        r#"{"offers":[{"id":"a","kind":"content","placements":["hero"]}],"placements":["cart"]}"#,
        r#"{"offers":[{"id":"a","kind":"content","zz":1,"title":7}],"segmentAttribute":3}"#,
        r#"{"offers":[{"id":"a","kind":"content"},{"id":"a","kind":"content","condition":{"x":{"$regx":1}}}]}"#,
        r#"{"offers":[{"id":"a","kind":"content","requires":["p",2],"placements":"cart"}]}"#,
    ];
    for model in models {
        let want = error(model);
        assert_eq!(want.0, "invalid-model", "{model}: {}", want.1);
        let tree = json::parse(model).unwrap();
        for seed in 0..20 {
            let shuffled = Shuffle(seed).value(&tree).to_json();
            assert_eq!(error(&shuffled), want, "seed {seed}: {shuffled}");
        }
    }
}

#[test]
fn root_fields_written_after_the_offers_still_apply_to_them() {
    let model = Model::from_json(
        r#"{"offers":[{"id":"a","kind":"content"}],"currency":"JPY","savedGroups":{"vip":["c1"]}}"#,
    )
    .unwrap();
    assert_eq!(model.offers()[0].currency, "JPY");
    let (code, message) = error(
        r#"{"offers":[{"id":"a","kind":"content","condition":{"id":{"$inGroup":"staff"}},"placements":["hero"]}],
            "savedGroups":{"staff":["c1"]},"placements":["cart"]}"#,
    );
    assert_eq!(code, "invalid-model");
    assert!(message.contains("offers[0].placements"), "{message}");
}

#[test]
fn a_syntax_error_anywhere_outranks_an_invalid_offer() {
    let (code, message) =
        error("{\"offers\":[{\"id\":\"a\",\"kind\":\"gift\"}],\n\"policies\":[1,]}");
    assert_eq!(code, "invalid-json");
    assert!(message.contains("line 2, column 15"), "{message}");
}

#[test]
fn a_repeated_key_is_a_json_error_at_its_line_in_an_offer_and_at_the_root() {
    let (code, message) =
        error("{\"offers\":[{\"id\":\"a\",\n\"kind\":\"content\",\"id\":\"b\"}]}");
    assert_eq!(code, "invalid-json");
    assert!(
        message.contains("line 2, column 18: duplicate key \"id\""),
        "{message}"
    );
    let (code, message) = error(r#"{"offers":[],"currency":"JPY","offers":[]}"#);
    assert_eq!(code, "invalid-json");
    assert!(message.contains("duplicate key \"offers\""), "{message}");
}

#[test]
fn escaped_keys_and_strings_of_an_offer_are_decoded() {
    let model = Model::from_json(
        r#"{"offers":[{"\u0069d":"a\u0062","kind":"content","title":"tab\there","placements":["c\u0061rt"]}]}"#,
    )
    .unwrap();
    let offer = &model.offers()[0];
    assert_eq!(
        (offer.id.as_str(), offer.title.as_str()),
        ("ab", "tab\there")
    );
}

#[test]
fn a_model_from_a_parsed_value_equals_the_model_from_its_text() {
    let text = coffee_shop();
    let from_value = Model::from_value(&json::parse(&text).unwrap()).unwrap();
    assert_eq!(
        format!("{from_value:?}"),
        format!("{:?}", Model::from_json(&text).unwrap())
    );
}
