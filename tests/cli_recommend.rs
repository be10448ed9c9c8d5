//! The recommendation commands of the `nextoffer` CLI (`similar`, `rules`, `evaluate`, `lift`), checked
//! against figures computed by hand from the small fixtures in `tests/spec/orders/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;
use support::{nextoffer, write_temp};

use nextoffer::json::Value;
use nextoffer::recommend::{measure_lift, ArmCounts};

/// Runs a command that must succeed and parses its JSON output.
fn json(args: &[&str]) -> Value {
    let (status, stdout, stderr) = nextoffer(args);
    assert_eq!(status, 0, "{stderr}");
    nextoffer::json::parse(stdout.trim()).unwrap()
}

fn num(v: &Value, key: &str) -> f64 {
    v.get(key)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number {key} in {}", v.to_json()))
}

fn close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-12, "{actual} != {expected}");
}

const COFFEE: &str = "tests/spec/orders/coffee.csv";
const BREAKFAST: &str = "tests/spec/orders/breakfast.csv";
const BAD_ROWS: &str = "tests/spec/orders/bad_rows.csv";

#[test]
fn similar_gives_the_hand_computed_cosine_and_reason_for_filter_with_beans() {
    // Three orders all hold beans; filter is in two of them, the mug in one.
    let out = json(&["similar", COFFEE, "--item", "beans"]);
    assert_eq!(num(&out, "baskets"), 3.0);
    let list = out.get("neighbours").unwrap().as_array().unwrap();
    assert_eq!(list.len(), 2);
    let filter = &list[0];
    assert_eq!(filter.get("item").unwrap().as_str(), Some("filter"));
    close(num(filter, "score"), 2.0 / (3.0f64 * 2.0).sqrt());
    assert_eq!(num(filter, "together"), 2.0);
    close(num(filter, "confidence"), 2.0 / 3.0);
    let reason = filter.get("reason").unwrap();
    assert_eq!(
        reason.get("text").unwrap().as_str(),
        Some("bought together with beans in 67% of orders")
    );
    // The quoted product id keeps its comma and its doubled quotes.
    assert_eq!(list[1].get("item").unwrap().as_str(), Some("mug, \"big\""));
    close(num(&list[1], "score"), 1.0 / 3.0f64.sqrt());
}

#[test]
fn similar_without_an_item_lists_every_item_and_other_measures_rank_by_their_own_score() {
    let out = json(&["similar", COFFEE, "--top", "1", "--similarity", "jaccard"]);
    let items = out.get("items").unwrap().as_array().unwrap();
    assert_eq!(items.len(), 3);
    let filter = items
        .iter()
        .find(|i| i.get("item").unwrap().as_str() == Some("filter"))
        .unwrap();
    assert_eq!(num(filter, "count"), 2.0);
    let n = &filter.get("neighbours").unwrap().as_array().unwrap()[0];
    assert_eq!(n.get("item").unwrap().as_str(), Some("beans"));
    close(num(n, "score"), 2.0 / (2.0 + 3.0 - 2.0)); // jaccard
    assert_eq!(
        n.get("reason").unwrap().get("text").unwrap().as_str(),
        Some("bought together with filter in 100% of orders")
    );
}

#[test]
fn similar_as_csv_quotes_fields_with_commas_and_quotes() {
    let (status, stdout, stderr) =
        nextoffer(&["similar", COFFEE, "--item", "beans", "--format", "csv"]);
    assert_eq!(status, 0, "{stderr}");
    let lines: Vec<&str> = stdout.trim().lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("item,neighbour,score,together,"));
    assert!(lines[1].starts_with("beans,filter,0.816496580927726"));
    assert!(lines[1].ends_with(",bought together with beans in 67% of orders"));
    assert!(lines[2].starts_with("beans,\"mug, \"\"big\"\"\",0.57735026918962"));
}

#[test]
fn customer_baskets_say_customers_in_the_reason() {
    let out = json(&[
        "similar", COFFEE, "--item", "filter", "--basket", "customer",
    ]);
    assert_eq!(out.get("basket").unwrap().as_str(), Some("customer"));
    let n = &out.get("neighbours").unwrap().as_array().unwrap()[0];
    assert_eq!(
        n.get("reason").unwrap().get("text").unwrap().as_str(),
        Some("bought by 100% of customers who bought filter")
    );
}

fn rule<'a>(rules: &'a [Value], antecedent: &str, consequent: &str) -> &'a Value {
    let one = |v: &Value, key: &str| {
        v.get(key).unwrap().as_array().unwrap()[0]
            .as_str()
            .unwrap()
            .to_owned()
    };
    rules
        .iter()
        .find(|r| one(r, "antecedents") == antecedent && one(r, "consequents") == consequent)
        .unwrap_or_else(|| panic!("no rule {antecedent} -> {consequent}"))
}

#[test]
fn rules_match_hand_computed_support_confidence_lift_leverage_and_conviction() {
    // Five baskets (no order ids: a customer's day is a basket, two rows of `a` differ only in time):
    // {bread,butter,milk} {bread,butter} {bread,milk} {butter,jam} {bread,butter,jam}.
    let out = json(&[
        "rules",
        BREAKFAST,
        "--min-support",
        "0.4",
        "--min-confidence",
        "0.7",
    ]);
    assert_eq!(num(&out, "transactions"), 5.0);
    // bread, butter, milk, jam, {bread,butter}, {bread,milk}, {butter,jam}
    assert_eq!(out.get("itemsets").unwrap().as_array().unwrap().len(), 7);
    let rules = out.get("rules").unwrap().as_array().unwrap();
    assert_eq!(rules.len(), 4);
    let r = rule(rules, "bread", "butter");
    assert_eq!(num(r, "count"), 3.0);
    close(num(r, "support"), 0.6);
    close(num(r, "confidence"), 0.75);
    close(num(r, "lift"), 0.75 / 0.8);
    close(num(r, "leverage"), 0.6 - 0.8 * 0.8);
    close(num(r, "conviction"), (1.0 - 0.8) / (1.0 - 0.75));
    let r = rule(rules, "milk", "bread");
    close(num(r, "confidence"), 1.0);
    close(num(r, "lift"), 1.25);
    close(num(r, "leverage"), 0.4 - 0.4 * 0.8);
    assert!(r.get("conviction").unwrap().is_null()); // infinite, written as JSON null
                                                     // Rules are sorted by lift, highest first.
    close(num(&rules[0], "lift"), 1.25);
    close(num(&rules[3], "lift"), 0.9375);
}

#[test]
fn rules_filter_by_minimum_lift_and_print_csv_with_infinite_conviction() {
    let (status, stdout, stderr) = nextoffer(&[
        "rules",
        BREAKFAST,
        "--min-support",
        "0.4",
        "--min-confidence",
        "0.7",
        "--min-lift",
        "1.1",
        "--format",
        "csv",
    ]);
    assert_eq!(status, 0, "{stderr}");
    let mut lines: Vec<&str> = stdout.trim().lines().collect();
    assert_eq!(
        lines.remove(0),
        "antecedents,consequents,count,antecedent_support,consequent_support,support,confidence,lift,leverage,conviction"
    );
    lines.sort_unstable();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("jam,butter,2,0.4,0.8,0.4,1,1.25,"));
    assert!(lines[1].starts_with("milk,bread,2,0.4,0.8,0.4,1,1.25,"));
    assert!(lines.iter().all(|l| l.ends_with(",inf")));
}

#[test]
fn rules_with_max_len_one_keep_single_items_and_no_rules() {
    let out = json(&[
        "rules",
        BREAKFAST,
        "--min-support",
        "0.4",
        "--min-confidence",
        "0",
        "--max-len",
        "1",
    ]);
    assert_eq!(out.get("itemsets").unwrap().as_array().unwrap().len(), 4);
    assert!(out.get("rules").unwrap().as_array().unwrap().is_empty());
}

#[test]
fn thresholds_outside_zero_to_one_are_command_line_errors() {
    for (support, confidence, wanted) in [
        ("1.5", "0.5", "--min-support must be in (0, 1], not 1.5"),
        ("0", "0.5", "--min-support must be in (0, 1], not 0"),
        (
            "0.5",
            "-0.1",
            "--min-confidence must be in [0, 1], not -0.1",
        ),
        ("abc", "0.5", "--min-support must be a number, not \"abc\""),
    ] {
        let (status, stdout, stderr) = nextoffer(&[
            "rules",
            BREAKFAST,
            "--min-support",
            support,
            "--min-confidence",
            confidence,
        ]);
        assert_eq!(status, 2, "{stderr}");
        assert!(stdout.is_empty());
        assert_eq!(
            stderr.lines().next(),
            Some(&*format!("nextoffer: {wanted}"))
        );
    }
    let (status, _, stderr) = nextoffer(&["rules", BREAKFAST, "--min-confidence", "0.5"]);
    assert_eq!(status, 2);
    assert!(stderr.starts_with("nextoffer: --min-support is required"));
}

#[test]
fn bad_option_values_are_command_line_errors() {
    for (args, wanted) in [
        (
            vec!["similar", COFFEE, "--top", "0"],
            "--top must be a whole number of at least 1, not \"0\"",
        ),
        (
            vec!["similar", COFFEE, "--basket", "week"],
            "--basket must be order or customer, not \"week\"",
        ),
        (
            vec!["similar", COFFEE, "--similarity", "pearson"],
            "--similarity must be cosine, jaccard, lift or confidence, not \"pearson\"",
        ),
        (
            vec!["evaluate", COFFEE, "--format", "xml"],
            "--format must be json or csv, not \"xml\"",
        ),
        (vec!["evaluate"], "the orders file is required"),
        (
            vec!["lift", "a.csv", "b.csv"],
            "one events file is expected, not 2",
        ),
    ] {
        let (status, _, stderr) = nextoffer(&args);
        assert_eq!(status, 2, "{args:?}: {stderr}");
        assert_eq!(
            stderr.lines().next(),
            Some(&*format!("nextoffer: {wanted}"))
        );
    }
}

#[test]
fn a_bad_row_names_its_line_and_column_and_exits_with_one() {
    let (status, stdout, stderr) = nextoffer(&["similar", BAD_ROWS]);
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr.trim(),
        format!(
            "nextoffer: {BAD_ROWS}: line 3, column 2 (date): \"2026-13-05\" is not an ISO date or date-time"
        )
    );
}

#[test]
fn lenient_mode_skips_and_counts_bad_rows() {
    let out = json(&["similar", BAD_ROWS, "--lenient"]);
    let rows = out.get("rows").unwrap();
    assert_eq!(num(rows, "read"), 7.0);
    assert_eq!(num(rows, "skipped"), 3.0);
    let examples: Vec<&str> = rows
        .get("skippedExamples")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(
        examples,
        [
            "line 3, column 2 (date): \"2026-13-05\" is not an ISO date or date-time",
            "line 5, column 3 (amount): \"abc\" is not a number",
            "line 7, column 4 (product_id): empty",
        ]
    );
    // The four good rows are four single-item orders: o1, o2, o3 (beans) and o4 (filter).
    assert_eq!(num(&out, "baskets"), 4.0);
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_named() {
    let file = write_temp(
        "short.csv",
        "customer_id,date,amount,product_id\nc1,2026-01-01,1,tea\nc2,2026-01-01,1\n",
    );
    let (status, _, stderr) = nextoffer(&[
        "rules",
        &file,
        "--min-support",
        "0.5",
        "--min-confidence",
        "0.5",
    ]);
    assert_eq!(status, 1);
    assert!(
        stderr
            .trim()
            .ends_with("line 3: 3 fields where the header has 4"),
        "{stderr}"
    );
}

#[test]
fn an_orders_file_without_product_ids_says_the_commands_need_them() {
    let (status, _, stderr) = nextoffer(&["evaluate", "tests/spec/orders/no_product.csv"]);
    assert_eq!(status, 1);
    assert!(
        stderr.contains(
            "line 1: no product_id column (similar, rules and evaluate need one product per row)"
        ),
        "{stderr}"
    );
}

#[test]
fn evaluate_reports_hit_rate_and_ndcg_for_the_four_methods() {
    // a, b and c each bought two of {tea, kettle, cups} first and the third last; every co-occurrence
    // points the held-out item back, so item-to-item ranks it first for all three; e has one purchase only.
    let out = json(&["evaluate", "tests/spec/orders/leave_last_out.csv"]);
    assert_eq!(num(&out, "customers"), 3.0);
    assert_eq!(num(&out, "skipped"), 1.0);
    assert_eq!(num(&out, "k"), 10.0);
    let methods = out.get("methods").unwrap().as_array().unwrap();
    let names: Vec<&str> = methods
        .iter()
        .map(|m| m.get("method").unwrap().as_str().unwrap())
        .collect();
    assert_eq!(names, ["item_to_item", "affinity", "popularity", "blend"]);
    assert_eq!(num(&methods[0], "hits"), 3.0);
    close(num(&methods[0], "hitRate"), 1.0);
    close(num(&methods[0], "ndcg"), 1.0);

    let (status, stdout, _) = nextoffer(&[
        "evaluate",
        "tests/spec/orders/leave_last_out.csv",
        "--k",
        "1",
        "--format",
        "csv",
    ]);
    assert_eq!(status, 0);
    let lines: Vec<&str> = stdout.trim().lines().collect();
    assert_eq!(lines[0], "method,hits,hit_rate,ndcg");
    assert_eq!(lines[1], "item_to_item,3,1,1");
}

fn events(treatment: (usize, usize), control: (usize, usize)) -> String {
    let mut text = String::from("offer_id,variant,event,at\n");
    for (variant, (exposures, conversions)) in [("treatment", treatment), ("Control", control)] {
        for _ in 0..exposures {
            text.push_str(&format!("o1,{variant},exposure,2026-01-01\n"));
        }
        for _ in 0..conversions {
            text.push_str(&format!("o1,{variant},CONVERSION,2026-01-02\n"));
        }
    }
    text.push_str("o2,treatment,exposure,2026-01-01\n");
    text
}

#[test]
fn lift_reports_conversion_per_arm_and_the_lift_interval_per_offer() {
    let file = write_temp("events.csv", &events((10, 3), (10, 1)));
    let out = json(&["lift", &file]);
    assert_eq!(num(out.get("rows").unwrap(), "read"), 25.0);
    let offers = out.get("offers").unwrap().as_array().unwrap();
    assert_eq!(offers.len(), 2);
    let o1 = &offers[0];
    assert_eq!(o1.get("offer").unwrap().as_str(), Some("o1"));
    let t = o1.get("treatment").unwrap();
    assert_eq!(num(t, "exposures"), 10.0);
    assert_eq!(num(t, "conversions"), 3.0);
    close(num(t.get("rate").unwrap(), "estimate"), 0.3);
    close(
        num(o1.get("control").unwrap().get("rate").unwrap(), "estimate"),
        0.1,
    );
    // Relative lift 0.3 / 0.1 - 1 = 2, with the log-ratio interval
    // exp(ln 3 ± 1.96 sqrt(1/3 - 1/10 + 1/1 - 1/10)) - 1.
    let lift = o1.get("relativeLift").unwrap();
    close(num(lift, "estimate"), 2.0);
    let se = (1.0f64 / 3.0 - 0.1 + 1.0 - 0.1).sqrt();
    let z = 1.959_963_984_540_054;
    assert!((num(lift, "low") - (3.0 * (-z * se).exp() - 1.0)).abs() < 1e-9);
    assert!((num(lift, "high") - (3.0 * (z * se).exp() - 1.0)).abs() < 1e-9);
    let expected = measure_lift(
        ArmCounts {
            exposures: 10,
            conversions: 3,
        },
        ArmCounts {
            exposures: 10,
            conversions: 1,
        },
    )
    .unwrap();
    close(
        num(o1, "probabilityTreatmentBeatsControl"),
        expected.probability_treatment_beats_control,
    );
    assert!(expected.probability_treatment_beats_control > 0.8);
    // o2 has no control exposures: no lift.
    assert!(offers[1].get("relativeLift").unwrap().is_null());
}

#[test]
fn lift_as_csv_has_one_row_per_offer() {
    let file = write_temp("events-csv.csv", &events((10, 3), (10, 1)));
    let (status, stdout, stderr) = nextoffer(&["lift", &file, "--format", "csv"]);
    assert_eq!(status, 0, "{stderr}");
    let lines: Vec<&str> = stdout.trim().lines().collect();
    assert_eq!(lines.len(), 3);
    let o1: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(o1[..7], ["o1", "10", "3", "0.3", "10", "1", "0.1"]);
    close(o1[7].parse().unwrap(), 2.0); // relative lift
    assert!(o1[8].parse::<f64>().unwrap() < 0.0 && o1[9].parse::<f64>().unwrap() > 20.0);
    assert!(lines[2].starts_with("o2,1,0,0,0,0,,,,,"));
}

#[test]
fn lift_rejects_unknown_variants_and_conversions_without_exposures() {
    let file = write_temp(
        "events-bad.csv",
        "offer_id,variant,event\no1,treatment,exposure\no1,treatmnt,exposure\n",
    );
    let (status, _, stderr) = nextoffer(&["lift", &file]);
    assert_eq!(status, 1);
    assert!(
        stderr
            .trim()
            .ends_with("line 3, column 2 (variant): \"treatmnt\" is neither treatment nor control"),
        "{stderr}"
    );
    let out = json(&["lift", &file, "--lenient"]);
    assert_eq!(num(out.get("rows").unwrap(), "skipped"), 1.0);

    let file = write_temp(
        "events-orphan.csv",
        "offer_id,variant,event\no1,control,conversion\n",
    );
    let (status, _, stderr) = nextoffer(&["lift", &file]);
    assert_eq!(status, 1);
    assert!(stderr.contains("conversions exceed"), "{stderr}");
}

#[test]
fn an_unknown_item_is_an_input_error_naming_it() {
    let (status, stdout, stderr) = nextoffer(&["similar", COFFEE, "--item", "grinder"]);
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr.trim(),
        format!("nextoffer: {COFFEE}: similar: unknown item \"grinder\"")
    );
}

#[test]
fn returns_are_ignored_and_counted_apart_from_bad_rows() {
    let file = write_temp(
        "returns.csv",
        "customer_id,date,amount,product_id,quantity\n\
         c1,2026-01-01,5,tea,1\n\
         c1,2026-01-01,-30,kettle,-1\n\
         c1,2026-01-01,6,cups,\n",
    );
    let out = json(&["similar", &file, "--item", "tea"]);
    assert_eq!(num(&out, "ignoredLines"), 1.0);
    assert_eq!(num(out.get("rows").unwrap(), "skipped"), 0.0);
    let list = out.get("neighbours").unwrap().as_array().unwrap();
    assert_eq!(list.len(), 1); // the returned kettle is not a neighbour
    assert_eq!(list[0].get("item").unwrap().as_str(), Some("cups"));
}

/// MovieLens 100k ratings of 4 or more as an orders CSV (downloaded by `make data`, never committed).
fn movielens_orders() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".cache/recbole/recbole/dataset_example/ml-100k/ml-100k.inter");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: run `make data` to download MovieLens 100k",
            path.display()
        )
    });
    let mut csv = String::from("customer_id,date,amount,product_id\n");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f[2].parse::<f64>().unwrap() >= 4.0 {
            let at = nextoffer::format_instant(f[3].parse::<f64>().unwrap() as i64);
            csv.push_str(&format!("{},{at},1,{}\n", f[0], f[1]));
        }
    }
    write_temp("ml-100k.csv", &csv)
}

#[test]
fn movielens_through_the_cli_gives_mlxtends_itemsets_and_item_to_item_beats_popularity() {
    let file = movielens_orders();
    let out = json(&[
        "rules",
        &file,
        "--basket",
        "customer",
        "--min-support",
        "0.25",
        "--min-confidence",
        "0",
    ]);
    assert_eq!(num(&out, "transactions"), 942.0);
    assert_eq!(out.get("itemsets").unwrap().as_array().unwrap().len(), 31);
    assert_eq!(out.get("rules").unwrap().as_array().unwrap().len(), 16);

    let out = json(&["evaluate", &file, "--basket", "customer"]);
    assert_eq!(num(&out, "customers"), 942.0);
    let methods = out.get("methods").unwrap().as_array().unwrap();
    let hit_rate = |name: &str| {
        num(
            methods
                .iter()
                .find(|m| m.get("method").unwrap().as_str() == Some(name))
                .unwrap(),
            "hitRate",
        )
    };
    assert!(
        hit_rate("item_to_item") > hit_rate("popularity"),
        "{}",
        out.to_json()
    );
}

#[test]
fn similar_with_save_writes_the_binary_model_that_loads_back_with_the_same_neighbours() {
    let path = write_temp("saved-model.nxrc", "");
    let out = json(&["similar", COFFEE, "--item", "beans", "--save", &path]);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..4], b"NXRC");
    let rec = nextoffer::recommend::Recommender::from_bytes(&bytes).unwrap();
    let similar = rec.similar("beans", 10).unwrap();
    let listed = out.get("neighbours").unwrap().as_array().unwrap();
    assert_eq!(similar.len(), listed.len());
    assert_eq!(similar[0].item, "filter");
    assert_eq!(similar[0].stats.together, 2);
}
