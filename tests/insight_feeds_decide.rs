//! Customer insight feeds the decision engine: the attributes computed from an orders file (segment, rank,
//! dormancy, churn risk, loyalty tier) are what offer conditions select on.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::insight::{run_csv, CustomerInsight, InsightOptions};
use nextoffer::json::{self, Object, Value};
use nextoffer::Engine;

const MODEL: &str = r#"{
  "currency": "JPY",
  "offers": [
    { "id": "winback", "kind": "reactivation", "value": 2000, "condition": { "dormant": true } },
    { "id": "vip-upgrade", "kind": "upsell", "value": 8000,
      "condition": { "segment": { "$in": ["Champions", "Loyal"] }, "rank": "A" } },
    { "id": "save-call", "kind": "retention", "value": 3000, "condition": { "churnRisk": { "$gt": 0.5 } } }
  ]
}"#;

fn attributes(customer: &CustomerInsight) -> Value {
    Value::Object(
        customer
            .attributes()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Object>(),
    )
}

fn decide(engine: &Engine, customer: &CustomerInsight) -> Vec<String> {
    let mut request = Object::new();
    let mut c = Object::new();
    c.insert("id", customer.summary.customer_id.as_str());
    c.insert("attributes", attributes(customer));
    request.insert("customer", c);
    let mut context = Object::new();
    context.insert("now", "2026-11-01T10:00:00Z");
    request.insert("context", context);
    request.insert("limit", 3.0);
    let decision = json::parse(
        &engine
            .decide_json(&Value::Object(request).to_json())
            .unwrap(),
    )
    .unwrap();
    decision
        .get("offers")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.get("id").unwrap().as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn insight_attributes_select_the_offers_meant_for_each_customer() {
    let file =
        std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/www/demo/orders.csv")).unwrap();
    let insight = run_csv(
        std::io::BufReader::new(file),
        &InsightOptions::default(),
        &mut |_, _, _| {},
    )
    .unwrap();
    let engine = Engine::from_json(MODEL).unwrap();
    let champion = insight
        .customers
        .iter()
        .find(|c| c.rfm.segment.name() == "Champions" && c.rfm.rank.name() == "A" && !c.rfm.dormant)
        .expect("a top-ranked champion");
    let dormant = insight
        .customers
        .iter()
        .find(|c| c.rfm.dormant)
        .expect("a dormant customer");
    let champion_offers = decide(&engine, champion);
    assert!(
        champion_offers.contains(&"vip-upgrade".to_owned()),
        "{champion_offers:?}"
    );
    assert!(
        !champion_offers.contains(&"winback".to_owned()),
        "{champion_offers:?}"
    );
    let dormant_offers = decide(&engine, dormant);
    assert!(
        dormant_offers.contains(&"winback".to_owned()),
        "{dormant_offers:?}"
    );
    assert!(
        !dormant_offers.contains(&"vip-upgrade".to_owned()),
        "{dormant_offers:?}"
    );
    // Churn risk comes from the fitted model: the save call goes exactly to customers whose risk exceeds 0.5.
    let attrs = attributes(dormant);
    let risk = attrs
        .get("churnRisk")
        .and_then(Value::as_f64)
        .expect("a fitted model gives churnRisk");
    assert_eq!(
        dormant_offers.contains(&"save-call".to_owned()),
        risk > 0.5,
        "risk {risk}"
    );
}
