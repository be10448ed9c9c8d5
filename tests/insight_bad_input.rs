//! Bad input: every case of the issue gives a clear error or a documented result, never a panic or a NaN.
//!
//! | input | result |
//! |---|---|
//! | empty file | `OrderError::Empty` |
//! | header only | `OrderError::NoOrders` ("the input has a header but no rows") |
//! | missing column | `OrderError::MissingColumn` naming it and listing the header |
//! | unparseable date or amount | `OrderError::BadValue` at line and column (lenient: skipped, counted) |
//! | negative, NaN or infinite amount | `OrderError::BadValue` (lenient: skipped, counted) |
//! | dates after as_of | ignored and counted; all of them: `OrderError::NoOrders` |
//! | a single customer | RFM scores 3/3/3 ("Need attention"); models fit or report why not |
//! | all customers bought once | RFM and loyalty as usual; models report `NoRepeatPurchases`, no predictions |
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::insight::rfm::Segment;
use nextoffer::insight::{
    fit_bgnbd, fit_gamma_gamma, run_csv, Date, FitData, FitError, History, ImportOptions, Insight,
    InsightError, InsightOptions, OrderBook, OrderError, OrderRow, Position, SpendHistory,
    TimeUnit,
};

fn run(text: &str) -> Result<Insight, InsightError> {
    run_csv(
        text.as_bytes(),
        &InsightOptions::default(),
        &mut |_, _, _| {},
    )
}

fn run_lenient(text: &str) -> Insight {
    let mut o = InsightOptions::default();
    o.import.lenient = true;
    run_csv(text.as_bytes(), &o, &mut |_, _, _| {}).unwrap()
}

fn message(r: Result<Insight, InsightError>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// No NaN or infinity anywhere in the JSON output (the writer would print them as null: check the
/// numbers before that).
fn assert_all_finite(insight: &Insight) {
    let text = insight.to_json().to_json();
    assert!(!text.contains("NaN"), "{text}");
    for c in &insight.customers {
        for (name, v) in c.fields() {
            if let Some(x) = v.as_f64() {
                assert!(x.is_finite(), "{name} = {x}");
            }
        }
        if let Some(p) = &c.prediction {
            for x in [
                p.probability_alive,
                p.churn_risk,
                p.expected_purchases,
                p.probability_of_purchase,
                p.expected_days_to_next,
            ] {
                assert!(x.is_finite());
            }
            assert!(
                p.expected_spend.is_none_or(f64::is_finite)
                    && p.lifetime_value.is_none_or(f64::is_finite)
            );
        }
    }
}

#[test]
fn an_empty_file_is_an_error() {
    assert!(matches!(
        run(""),
        Err(InsightError::Orders(OrderError::Empty))
    ));
    assert!(matches!(
        run("\n\n  \n"),
        Err(InsightError::Orders(OrderError::Empty))
    ));
}

#[test]
fn a_header_without_rows_says_so() {
    assert_eq!(
        message(run("customer_id,date,amount\n")),
        "no usable orders (the input has a header but no rows)"
    );
}

#[test]
fn a_missing_column_is_named_with_the_header_found() {
    assert_eq!(
        message(run("customer_id,date,price\nc,2024-01-01,3\n")),
        "missing column \"amount\" (header has: customer_id, date, price)"
    );
    assert!(message(run("id,date,amount\n")).starts_with("missing column \"customer_id\""));
}

#[test]
fn unparseable_dates_and_amounts_name_line_and_column() {
    let text = "customer_id,date,amount\nc,2024-01-01,3\nc,2024-13-01,3\n";
    assert_eq!(
        message(run(text)),
        "line 3, column 2 (date): \"2024-13-01\" is not a valid calendar date"
    );
    let text = "customer_id,amount,date\nc,3,01/02/2024\n";
    assert!(message(run(text))
        .starts_with("line 2, column 3 (date): \"01/02/2024\" is not an ISO date"));
    let text = "customer_id,date,amount\nc,2024-01-01,$3\n";
    assert_eq!(
        message(run(text)),
        "line 2, column 3 (amount): \"$3\" is not a number"
    );
    let text = "customer_id,date,amount\nc,2024-01-01\n";
    assert_eq!(
        message(run(text)),
        "line 2, column 3 (amount): missing: the row has only 2 columns"
    );
    let text = "customer_id,date,amount\n,2024-01-01,3\n";
    assert_eq!(
        message(run(text)),
        "line 2, column 1 (customer_id): customer id is empty"
    );
}

#[test]
fn negative_nan_and_infinite_amounts_are_rejected() {
    let text = "customer_id,date,amount\nc,2024-01-01,-5\n";
    assert_eq!(
        message(run(text)),
        "line 2, column 3 (amount): amount -5 is negative (net returns against their orders before import)"
    );
    for bad in ["NaN", "inf", "-inf", "infinity"] {
        let text = format!("customer_id,date,amount\nc,2024-01-01,{bad}\n");
        assert!(message(run(&text)).contains("is not a number"), "{bad}");
    }
    let mut book = OrderBook::new(ImportOptions::default());
    let row = OrderRow {
        customer_id: "c".into(),
        date: Date::parse("2024-01-01").unwrap(),
        amount: f64::NAN,
        category: None,
    };
    let err = book.add(7, &row).unwrap_err();
    assert_eq!(
        err.to_string(),
        "orders[7].amount: amount NaN is not a finite number"
    );
    assert!(matches!(
        err,
        OrderError::BadValue {
            at: Position::Row {
                index: 7,
                name: "amount"
            },
            ..
        }
    ));
}

#[test]
fn lenient_mode_skips_and_counts_bad_rows_with_examples() {
    let text =
        "customer_id,date,amount\na,2024-01-01,3\nb,nope,3\nc,2024-01-02,-1\na,2024-02-01,4\n";
    let insight = run_lenient(text);
    assert_eq!(insight.stats.rows_read, 4);
    assert_eq!(insight.stats.rows_skipped, 2);
    assert_eq!(insight.stats.skipped_examples.len(), 2);
    assert!(insight.stats.skipped_examples[0].starts_with("line 3, column 2 (date)"));
    assert_eq!(insight.customers.len(), 1);
    // An unclosed quote is a broken file, not a bad row: lenient mode still stops there.
    let mut o = InsightOptions::default();
    o.import.lenient = true;
    let err = run_csv(
        "customer_id,date,amount\n\"a,2024-01-01,3\n".as_bytes(),
        &o,
        &mut |_, _, _| {},
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: quoted field is not closed before the end of the file"
    );
}

#[test]
fn json_rows_of_the_wrong_shape_are_named() {
    let bad = nextoffer::json::parse(r#"[{"customer_id":"a","date":"2024-01-01","amount":1}, {"customer_id":"a","date":20240101,"amount":1}, 5]"#).unwrap();
    let mut book = OrderBook::new(ImportOptions::default());
    let rows = bad.as_array().unwrap();
    book.add_json(0, &rows[0]).unwrap();
    assert_eq!(
        book.add_json(1, &rows[1]).unwrap_err().to_string(),
        "orders[1].date: expected an ISO date string, got number"
    );
    assert_eq!(
        book.add_json(2, &rows[2]).unwrap_err().to_string(),
        "orders[2].: expected an object, got number"
    );
}

#[test]
fn invalid_utf8_is_an_error_with_its_line() {
    let mut bytes = b"customer_id,date,amount\n".to_vec();
    bytes.extend_from_slice(b"\xff\xfe,2024-01-01,3\n");
    let err = run_csv(&bytes[..], &InsightOptions::default(), &mut |_, _, _| {}).unwrap_err();
    assert_eq!(err.to_string(), "line 2, column 1: text is not UTF-8");
}

#[test]
fn dates_after_as_of_are_ignored_and_counted() {
    let mut o = InsightOptions::default();
    o.import.as_of = Some(Date::parse("2024-01-31").unwrap());
    let text = "customer_id,date,amount\na,2024-01-01,3\na,2024-02-01,4\nb,2024-03-01,4\n";
    let insight = run_csv(text.as_bytes(), &o, &mut |_, _, _| {}).unwrap();
    assert_eq!(
        (insight.stats.rows_used, insight.stats.rows_after_as_of),
        (1, 2)
    );
    assert_eq!(insight.customers.len(), 1);
    assert_eq!(insight.customers[0].summary.age_days, 30);
    o.import.as_of = Some(Date::parse("2023-12-31").unwrap());
    let err = run_csv(text.as_bytes(), &o, &mut |_, _, _| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no usable orders (all 3 rows are dated after as_of)"
    );
}

#[test]
fn a_single_customer_gets_middle_scores_and_no_nan() {
    let insight = run(
        "customer_id,date,amount\nsolo,2024-01-01,10\nsolo,2024-02-01,20\nsolo,2024-04-01,30\n",
    )
    .unwrap();
    let c = &insight.customers[0];
    assert_eq!((c.rfm.recency, c.rfm.frequency, c.rfm.monetary), (3, 3, 3));
    assert_eq!(c.rfm.segment, Segment::NeedAttention);
    // One customer cannot identify four parameters: the fit either settles (and predicts) or says why.
    assert!(insight.purchase.is_some() || !insight.model_errors.is_empty());
    // Gamma-Gamma needs two repeat buyers.
    assert!(
        insight
            .model_errors
            .iter()
            .any(|e| e.contains("gamma-gamma: needs at least 2 customers")),
        "{:?}",
        insight.model_errors
    );
    assert_all_finite(&insight);
}

#[test]
fn when_nobody_bought_twice_models_say_why_and_everything_else_works() {
    let text = "customer_id,date,amount\na,2024-01-01,10\nb,2024-02-01,20\nc,2024-03-01,30\nd,2024-04-01,40\n";
    let insight = run(text).unwrap();
    assert_eq!(insight.customers.len(), 4);
    assert!(insight.purchase.is_none() && insight.spend.is_none() && insight.retention.is_empty());
    assert_eq!(
        insight.model_errors,
        vec![
            "bgnbd: no customer has a repeat purchase, so purchase and dropout rates cannot be estimated".to_string(),
            "gamma-gamma: needs at least 2 customers with repeat purchases of positive value, found 0".to_string(),
        ]
    );
    assert!(insight.customers.iter().all(|c| c.prediction.is_none()));
    // Nobody has a gap of their own: dormancy falls back to 365 days.
    assert!(insight
        .customers
        .iter()
        .all(|c| c.rfm.dormant_after_days == 365.0 && !c.rfm.dormant));
    assert_all_finite(&insight);
    let json = insight.to_json();
    assert!(json
        .get("models")
        .and_then(|m| m.get("purchase"))
        .unwrap()
        .is_null());
}

#[test]
fn fitting_functions_reject_empty_and_degenerate_data_without_panicking() {
    let (empty, _) = FitData::new(Vec::<History>::new());
    assert_eq!(
        fit_bgnbd(&empty, TimeUnit::Weeks, &mut |_| {}).unwrap_err(),
        FitError::NoCustomers { model: "bgnbd" }
    );
    let (invalid, dropped) = FitData::new(vec![
        History {
            frequency: 1.0,
            recency: 5.0,
            age: 3.0,
        },
        History {
            frequency: f64::NAN,
            recency: 0.0,
            age: 3.0,
        },
        History {
            frequency: 0.0,
            recency: 1.0,
            age: 3.0,
        },
    ]);
    assert_eq!((invalid.customers, dropped), (0, 3));
    let spend = [
        SpendHistory {
            frequency: 2.0,
            mean_value: 10.0,
        },
        SpendHistory {
            frequency: 1.0,
            mean_value: f64::NAN,
        },
    ];
    assert_eq!(
        fit_gamma_gamma(&spend, &mut |_| {}).unwrap_err(),
        FitError::TooFewRepeatBuyers { found: 1 }
    );
    // Identical spend for everybody: the likelihood has no interior maximum; the fit must end either way.
    let same: Vec<SpendHistory> = (0..50)
        .map(|_| SpendHistory {
            frequency: 3.0,
            mean_value: 20.0,
        })
        .collect();
    match fit_gamma_gamma(&same, &mut |_| {}) {
        Ok(fit) => assert!((fit.model.expected_spend(3.0, 20.0) - 20.0).abs() < 1e-3),
        Err(e) => assert!(matches!(e, FitError::Degenerate { .. }), "{e}"),
    }
}
