#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! JSON views of results, as the Wasm binding and the CLI print them.

use nextoffer::recommend::{
    evaluate_leave_last_out, frequent_itemsets, measure_lift, ArmCounts, Baskets,
    EvaluationOptions, FpGrowthOptions, LadderItem, LadderOptions, Ladders, OrderLine, Recommender,
    RecommenderOptions, RuleOptions, RuleSet,
};

#[test]
fn rules_print_item_names_and_an_infinite_conviction_as_null() {
    let b = Baskets::from_lines(
        [
            OrderLine::new("a", 1, "tea"),
            OrderLine::new("a", 1, "cups"),
            OrderLine::new("b", 1, "tea"),
            OrderLine::new("b", 1, "cups"),
            OrderLine::new("c", 1, "cups"),
        ],
        Default::default(),
    )
    .unwrap();
    let f = frequent_itemsets(
        &b,
        &FpGrowthOptions {
            min_support: 0.5,
            max_len: None,
        },
    )
    .unwrap();
    let rules = RuleSet::generate(
        f,
        &RuleOptions {
            min_confidence: 0.9,
            min_lift: 0.0,
        },
    )
    .unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(
        rules.get(0).unwrap().to_value(b.items()).to_json(),
        r#"{"antecedents":["tea"],"consequents":["cups"],"count":2,"antecedentSupport":0.6666666666666666,"consequentSupport":1,"support":0.6666666666666666,"confidence":1,"lift":1,"leverage":0,"conviction":null}"#
    );
}

#[test]
fn lift_reports_write_null_for_undefined_intervals() {
    let r = measure_lift(
        ArmCounts {
            exposures: 10,
            conversions: 2,
        },
        ArmCounts {
            exposures: 10,
            conversions: 0,
        },
    )
    .unwrap();
    let json = r.to_value().to_json();
    assert!(
        json.starts_with(r#"{"treatment":{"exposures":10,"conversions":2,"rate":{"estimate":0.2,"#),
        "{json}"
    );
    assert!(json.contains(r#""relativeLift":null"#), "{json}");
    assert!(
        json.contains(r#""probabilityTreatmentBeatsControl":0.89285714"#),
        "{json}"
    );
}

#[test]
fn steps_similar_items_and_evaluations_have_camel_case_views() {
    let item = |id: &str, price: f64| LadderItem {
        id: id.into(),
        category: "c".into(),
        price,
        ..Default::default()
    };
    let l = Ladders::new(
        vec![item("a", 100.0), item("b", 120.0)],
        LadderOptions::default(),
    )
    .unwrap();
    let step = l.next_up("a", &[], 1).unwrap().remove(0);
    assert_eq!(
        step.to_value().to_json(),
        r#"{"item":"b","from":"a","price":120,"fromPrice":100,"jump":1.2,"rung":1,"marginAmount":null,"reason":{"code":"next_tier_up","text":"next tier up from a (120 vs 100, +20%)","from":"a","fromPrice":100,"price":120}}"#
    );
    let b = Baskets::from_ids(&[vec![0, 1], vec![0, 1, 2]]).unwrap();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let s = rec.similar("0", 1).unwrap();
    assert_eq!(
        s[0].to_value().to_json(),
        r#"{"item":"1","score":1,"baskets":2,"countA":2,"countB":2,"together":2,"support":1,"confidence":1,"lift":1,"jaccard":1,"cosine":1}"#
    );
    let lines = [OrderLine::new("a", 1, "x"), OrderLine::new("a", 2, "y")];
    let e = evaluate_leave_last_out(&lines, &EvaluationOptions::default()).unwrap();
    assert!(e.to_value().to_json().starts_with(
        r#"{"customers":1,"skipped":0,"k":10,"methods":[{"method":"item_to_item","hits":0"#
    ));
}
