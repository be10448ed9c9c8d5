//! Prints what `tests/validate/insight_lifetimes.py` compares with the Python `lifetimes` package, as JSON
//! on stdout.
//!
//! ```text
//! cargo run --release --example insight_dump -- summary <cdnow_customers_summary_with_transactions.csv> [--horizon 39]
//! cargo run --release --example insight_dump -- orders <CDNOW_sample.txt> --as-of 1997-09-30
//! ```
//! `summary` fits BG/NBD, Pareto/NBD and Gamma-Gamma (weeks) on the (ID, x, t_x, T, zbar) file and prints
//! the parameters and, per customer, every prediction at those parameters. `orders` imports the raw
//! whitespace-separated CDNOW transactions through the orders reader and prints each customer's summary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::insight::{
    customer_lifetime_value, fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd, Date, FitData, FitReport,
    History, ImportOptions, OrderBook, OrderRow, PurchaseModel, SpendHistory, TimeUnit,
};
use nextoffer::json::{Object, Value};

fn usage() -> ! {
    eprintln!("usage: insight_dump summary FILE [--horizon WEEKS] | insight_dump orders FILE --as-of DATE");
    std::process::exit(2)
}

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(path)) = (args.first(), args.get(1)) else {
        usage()
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let out = match mode.as_str() {
        "summary" => {
            let horizon: f64 =
                option(&args, "--horizon").map_or(39.0, |h| h.parse().expect("--horizon"));
            dump_summary(&text, horizon)
        }
        "orders" => {
            let as_of = option(&args, "--as-of").map(|d| Date::parse(&d).expect("--as-of"));
            dump_orders(&text, as_of)
        }
        _ => usage(),
    };
    println!("{}", out.to_json());
}

fn report(r: &FitReport) -> Value {
    r.to_json()
}

fn dump_summary(text: &str, horizon: f64) -> Value {
    let rows: Vec<(String, History, f64)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let num = |i: usize| -> f64 { f[i].trim().parse().unwrap() };
            (
                f[0].to_string(),
                History {
                    frequency: num(1),
                    recency: num(2),
                    age: num(3),
                },
                num(4),
            )
        })
        .collect();
    let unit = TimeUnit::Weeks;
    let (data, _) = FitData::new(rows.iter().map(|r| r.1));
    let bg = fit_bgnbd(&data, unit, &mut |_| {}).unwrap();
    let pn = fit_pareto_nbd(&data, unit, &mut |_| {}).unwrap();
    let spend: Vec<SpendHistory> = rows
        .iter()
        .map(|(_, h, z)| SpendHistory {
            frequency: h.frequency,
            mean_value: *z,
        })
        .collect();
    let gg = fit_gamma_gamma(&spend, &mut |_| {}).unwrap();
    let customers: Vec<Value> = rows
        .iter()
        .map(|(id, h, zbar)| {
            let mut o = Object::new();
            o.insert("id", id.as_str());
            let spend = gg.model.expected_spend(h.frequency, *zbar);
            o.insert("gg_spend", spend);
            for (name, m) in [
                ("bg", &bg.model as &dyn PurchaseModel),
                ("pn", &pn.model as &dyn PurchaseModel),
            ] {
                o.insert(format!("{name}_ll"), m.log_likelihood(h));
                o.insert(format!("{name}_alive"), m.probability_alive(h));
                o.insert(format!("{name}_expected"), m.expected_purchases(horizon, h));
                o.insert(
                    format!("{name}_prob_purchase"),
                    m.probability_of_purchase(horizon, h),
                );
                o.insert(
                    format!("{name}_clv"),
                    customer_lifetime_value(m, h, spend, 12, 0.01, unit),
                );
                o.insert(
                    format!("{name}_less_churn"),
                    m.expected_purchases_with_less_churn(horizon, h, 0.05),
                );
            }
            Value::Object(o)
        })
        .collect();
    let mut out = Object::new();
    out.insert("horizon", horizon);
    out.insert("bgnbd", report(&bg.report));
    out.insert("pareto_nbd", report(&pn.report));
    out.insert("gamma_gamma", report(&gg.report));
    out.insert("customers", customers);
    Value::Object(out)
}

fn dump_orders(text: &str, as_of: Option<Date>) -> Value {
    let mut book = OrderBook::new(ImportOptions {
        as_of,
        ..ImportOptions::default()
    });
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let row = OrderRow {
            customer_id: f[1].to_string(),
            date: Date::parse(f[2]).unwrap(),
            amount: f[4].parse().unwrap(),
            category: None,
        };
        book.add(i, &row).unwrap();
    }
    let base = book.finish().unwrap();
    let customers: Vec<Value> = base
        .customers
        .iter()
        .map(|c| {
            let mut o = Object::new();
            o.insert("id", c.customer_id.as_str());
            o.insert("frequency", c.frequency);
            o.insert("recency_days", c.recency_days);
            o.insert("age_days", c.age_days);
            o.insert("monetary_value", c.average_repeat_spend);
            Value::Object(o)
        })
        .collect();
    let mut out = Object::new();
    out.insert("as_of", base.as_of.to_string());
    out.insert("customers", customers);
    Value::Object(out)
}
