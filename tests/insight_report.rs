//! A whole insight run as the Wasm layer and the CLI will drive it: options from JSON, orders as JSON or
//! CSV, progress reports, the JSON result, the fitted-models JSON and the engine attributes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::insight::synth::{bgnbd_histories, Rng};
use nextoffer::insight::{
    run_csv, run_json, BgNbd, Date, InsightOptions, ModelChoice, Stage, TimeUnit,
};
use nextoffer::json::{parse, Value};

/// About 400 customers drawn from a BG/NBD model, as CSV, ending 2024-12-31.
fn demo_csv() -> String {
    let histories = bgnbd_histories(
        &BgNbd {
            r: 0.5,
            alpha: 40.0,
            a: 0.8,
            b: 2.4,
        },
        400,
        365,
        21,
    );
    let mut rng = Rng::new(4);
    let end = Date::parse("2024-12-31").unwrap();
    let mut out = String::from("customer_id,date,amount,category\n");
    for (i, h) in histories.iter().enumerate() {
        let mean = 15.0 + 10.0 * rng.gamma(2.0);
        let first = end.add_days(-(h.age as i32));
        let days = std::iter::once(0)
            .chain((1..=h.frequency as i32).map(|j| (h.recency as i32 * j) / h.frequency as i32));
        for d in days {
            let amount = (mean * rng.gamma(5.0) / 5.0 * 100.0).round() / 100.0;
            let category = ["books", "music", "garden"][rng.below(3) as usize];
            out.push_str(&format!("c{i},{},{amount},{category}\n", first.add_days(d)));
        }
    }
    out
}

#[test]
fn options_come_from_json_with_defaults_and_named_errors() {
    let o = InsightOptions::from_json(
        &parse(r#"{"asOf":"2024-12-31","timeUnit":"days","model":"pareto","horizonDays":30,"churnReductions":[0.05,0.1],
                   "tiers":[{"name":"Member","minSpend":0,"minPurchases":1},{"name":"VIP","minSpend":1000,"minPurchases":3}],
                   "points":{"perUnit":2,"welcome":100}}"#)
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (o.time_unit, o.model, o.prediction.horizon_days),
        (TimeUnit::Days, ModelChoice::ParetoNbd, 30.0)
    );
    assert_eq!(o.loyalty.tiers[1].name, "VIP");
    assert_eq!(
        (o.loyalty.points.per_unit, o.loyalty.points.welcome),
        (2.0, 100.0)
    );
    assert_eq!(o.prediction.clv_months, 12);
    let err = |text: &str| {
        InsightOptions::from_json(&parse(text).unwrap())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(r#"{"model":"magic"}"#),
        r#"options.model: expected "bgnbd", "pareto" or "none""#
    );
    assert_eq!(
        err(r#"{"asOf":"31/12/2024"}"#),
        r#"options.asOf: "31/12/2024" is not an ISO date (YYYY-MM-DD, YYYYMMDD or YYYY-MM-DDThh:mm[:ss][Z|±hh:mm])"#
    );
    assert_eq!(
        err(r#"{"aShare":0.9,"bShare":0.5}"#),
        "options.bShare: 0.5 is below aShare 0.9"
    );
    assert_eq!(
        err(r#"{"tiers":[{"name":"A","minSpend":-1}]}"#),
        "options.tiers[0].minSpend: -1 is below 0"
    );
    assert_eq!(
        err(r#"{"monthlyDiscount":2}"#),
        "options.monthlyDiscount: 2 is above 1"
    );
    assert_eq!(err(r#"{"horizon":3}"#), "options.horizon: unknown option");
    assert_eq!(
        InsightOptions::from_json(&Value::Null).unwrap(),
        InsightOptions::default()
    );
}

#[test]
fn a_full_run_reports_progress_fits_both_models_and_serializes() {
    let mut options = InsightOptions::default();
    options.import.as_of = Date::parse("2024-12-31").ok();
    let mut stages = Vec::new();
    let insight = run_csv(
        demo_csv().as_bytes(),
        &options,
        &mut |stage, done, total| stages.push((stage, done, total)),
    )
    .unwrap();
    assert!(
        insight.model_errors.is_empty(),
        "{:?}",
        insight.model_errors
    );
    for stage in [
        Stage::Import,
        Stage::Rfm,
        Stage::FitPurchases,
        Stage::FitSpend,
        Stage::Predict,
    ] {
        assert!(stages.iter().any(|s| s.0 == stage), "{stage:?}");
    }
    assert_eq!(stages.last(), Some(&(Stage::Predict, 400, 400)));

    let json = insight.to_json();
    assert_eq!(json.get("asOf").and_then(Value::as_str), Some("2024-12-31"));
    assert_eq!(json.get("timeUnit").and_then(Value::as_str), Some("weeks"));
    let purchase = json.get("models").and_then(|m| m.get("purchase")).unwrap();
    assert_eq!(purchase.get("model").and_then(Value::as_str), Some("bgnbd"));
    assert_eq!(
        purchase.get("timeUnit").and_then(Value::as_str),
        Some("weeks")
    );
    assert!(purchase
        .get("parameters")
        .and_then(|p| p.get("alpha"))
        .and_then(Value::as_f64)
        .is_some());
    let customers = json.get("customers").and_then(Value::as_array).unwrap();
    assert_eq!(customers.len(), 400);
    let first = customers[0].as_object().unwrap();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        nextoffer::insight::CUSTOMER_COLUMNS.to_vec()
    );
    let p = first
        .get("probabilityAlive")
        .and_then(Value::as_f64)
        .unwrap();
    let churn = first.get("churnRisk").and_then(Value::as_f64).unwrap();
    assert!((p + churn - 1.0).abs() < 1e-12);
    // The text round-trips through the crate's own parser.
    assert_eq!(parse(&json.to_json()).unwrap(), json);

    let models = insight.models_json();
    assert_eq!(
        models
            .get("spend")
            .and_then(|s| s.get("model"))
            .and_then(Value::as_str),
        Some("gamma_gamma")
    );
    assert!(models
        .get("spend")
        .and_then(|s| s.get("timeUnit"))
        .unwrap()
        .is_null());

    let attrs = insight.customers[0].attributes();
    let names: Vec<&str> = attrs.iter().map(|(k, _)| *k).collect();
    for want in [
        "segment",
        "rank",
        "dormant",
        "loyaltyTier",
        "churnRisk",
        "lifetimeValue",
    ] {
        assert!(names.contains(&want), "{want}");
    }
    let rank = attrs
        .iter()
        .find(|(k, _)| *k == "rank")
        .unwrap()
        .1
        .as_str()
        .unwrap();
    assert!(["A", "B", "C"].contains(&rank));
    assert_eq!(insight.retention.len(), 1);
    assert!(insight.retention[0].change > 0.0);
}

#[test]
fn pareto_runs_in_days_and_json_orders_match_csv_orders() {
    let csv = demo_csv();
    let mut options = InsightOptions {
        model: ModelChoice::ParetoNbd,
        time_unit: TimeUnit::Days,
        ..InsightOptions::default()
    };
    options.import.as_of = Date::parse("2024-12-31").ok();
    let from_csv = run_csv(csv.as_bytes(), &options, &mut |_, _, _| {}).unwrap();
    assert!(
        from_csv.model_errors.is_empty(),
        "{:?}",
        from_csv.model_errors
    );
    assert_eq!(
        from_csv.purchase_report.as_ref().unwrap().model,
        "pareto_nbd"
    );
    let rows: Vec<Value> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            parse(&format!(
                r#"{{"customerId":"{}","date":"{}","amount":{},"category":"{}"}}"#,
                f[0], f[1], f[2], f[3]
            ))
            .unwrap()
        })
        .collect();
    let from_json = run_json(&Value::Array(rows), &options, &mut |_, _, _| {}).unwrap();
    assert_eq!(from_json.customers.len(), from_csv.customers.len());
    for (a, b) in from_csv.customers.iter().zip(&from_json.customers) {
        assert_eq!(a.summary, b.summary);
        assert_eq!(a.prediction, b.prediction);
    }
    let not_array = run_json(&Value::from("x"), &options, &mut |_, _, _| {}).unwrap_err();
    assert_eq!(
        not_array.to_string(),
        "orders: expected an array of order objects, got string"
    );
}
