//! The recommendation commands of the CLI: `similar`, `rules`, `evaluate` and `lift`.
//!
//! Each one reads a CSV file, calls the library's `recommend` core and prints its JSON view (or a CSV table
//! with `--format csv`). Option values are checked here, before any file is read, so that a bad command
//! line exits with status 2 and a bad file with status 1, as for the engine commands.

use super::args::{read_file, Args};
use super::orders::{read_events, read_orders, OrderRows, RowCounts};
use super::Failure;
use nextoffer::json::{Object, Value};
use nextoffer::recommend::{
    evaluate_leave_last_out, frequent_itemsets, BasketMode, Baskets, EvaluationOptions,
    FpGrowthOptions, LiftTable, Reason, RecommendError, Recommender, RecommenderOptions,
    RuleMetric, RuleOptions, RuleSet, Similar, Similarity,
};

/// Runs one of the recommendation commands (`command` is known to be one of them).
pub fn run(command: &str, rest: &[String]) -> Result<String, Failure> {
    const FLAGS: &[&str] = &["--lenient"];
    match command {
        "similar" => similar(&Args::parse(
            rest,
            &[
                "--item",
                "--top",
                "--basket",
                "--similarity",
                "--format",
                "--save",
            ],
            FLAGS,
        )?),
        "rules" => rules(&Args::parse(
            rest,
            &[
                "--min-support",
                "--min-confidence",
                "--min-lift",
                "--basket",
                "--max-len",
                "--sort",
                "--format",
            ],
            FLAGS,
        )?),
        "evaluate" => evaluate(&Args::parse(rest, &["--k", "--basket", "--format"], FLAGS)?),
        _ => lift(&Args::parse(rest, &["--format"], FLAGS)?),
    }
}

/// How results are printed.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Csv,
}

fn usage(message: String) -> Failure {
    Failure::Usage(message)
}

fn format(args: &Args) -> Result<Format, Failure> {
    match args.optional("--format").unwrap_or("json") {
        "json" => Ok(Format::Json),
        "csv" => Ok(Format::Csv),
        other => Err(usage(format!(
            "--format must be json or csv, not \"{other}\""
        ))),
    }
}

fn basket_mode(args: &Args) -> Result<BasketMode, Failure> {
    let text = args.optional("--basket").unwrap_or("order");
    BasketMode::parse(text).ok_or_else(|| {
        usage(format!(
            "--basket must be order or customer, not \"{text}\""
        ))
    })
}

/// A whole number of at least 1.
fn count(args: &Args, name: &str, default: usize) -> Result<usize, Failure> {
    match args.optional(name) {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(usage(format!(
                "{name} must be a whole number of at least 1, not \"{text}\""
            ))),
        },
    }
}

/// A number in `low..=high` (`open_low` excludes `low`).
fn threshold(text: &str, name: &str, low: f64, high: f64, open_low: bool) -> Result<f64, Failure> {
    let value = text
        .parse::<f64>()
        .map_err(|_| usage(format!("{name} must be a number, not \"{text}\"")))?;
    let above = if open_low { value > low } else { value >= low };
    if above && value <= high {
        Ok(value)
    } else {
        let open = if open_low { "(" } else { "[" };
        Err(usage(format!(
            "{name} must be in {open}{low}, {high}], not {text}"
        )))
    }
}

/// The single positional argument: the input file.
fn input_file<'a>(args: &'a Args, what: &str) -> Result<&'a str, Failure> {
    match args.positional.as_slice() {
        [file] => Ok(file),
        [] => Err(usage(format!("the {what} file is required"))),
        more => Err(usage(format!(
            "one {what} file is expected, not {}",
            more.len()
        ))),
    }
}

fn load_orders(args: &Args) -> Result<(String, OrderRows), Failure> {
    let file = input_file(args, "orders")?;
    let text = read_file(file)?;
    let rows = read_orders(file, &text, args.flag("--lenient"))?;
    Ok((file.to_owned(), rows))
}

fn core_error(file: &str) -> impl Fn(RecommendError) -> Failure + '_ {
    move |e| Failure::Input(format!("{file}: {e}"))
}

/// `{"read","skipped","skippedExamples"}`, and a note on standard error when CSV output hides it.
fn rows_value(counts: &RowCounts, format: Format) -> Value {
    if format == Format::Csv && counts.skipped > 0 {
        eprintln!(
            "nextoffer: skipped {} of {} rows (--lenient); first: {}",
            counts.skipped,
            counts.read,
            counts.examples.first().map_or("", String::as_str)
        );
    }
    let mut o = Object::with_capacity(3);
    o.insert("read", counts.read);
    o.insert("skipped", counts.skipped);
    o.insert(
        "skippedExamples",
        counts
            .examples
            .iter()
            .map(|e| Value::from(e.as_str()))
            .collect::<Vec<_>>(),
    );
    Value::Object(o)
}

/// A CSV cell: quoted when it holds a comma, quote or line break.
fn csv_text(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A CSV number: shortest round-trip text, `inf` for an infinite conviction, empty when undefined.
fn csv_number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        format!("{x}")
    }
}

fn csv_table(header: &str, rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = header.to_owned();
    for row in rows {
        out.push('\n');
        out.push_str(&row.join(","));
    }
    out
}

/// The neighbour's view plus the reason a shop would show: "bought together with X in 67% of orders".
fn neighbour_value(item: &str, s: &Similar, mode: BasketMode) -> Value {
    let mut value = s.to_value();
    if let Value::Object(o) = &mut value {
        o.insert("reason", reason(item, s, mode).to_value());
    }
    value
}

fn reason(item: &str, s: &Similar, mode: BasketMode) -> Reason {
    Reason::BoughtTogether {
        with: item.to_owned(),
        together: s.stats.together,
        with_count: s.stats.count_a,
        mode,
    }
}

fn similar(args: &Args) -> Result<String, Failure> {
    let format = format(args)?;
    let mode = basket_mode(args)?;
    let top = count(args, "--top", 10)?;
    let sim_text = args.optional("--similarity").unwrap_or("cosine");
    let similarity = Similarity::parse(sim_text).ok_or_else(|| {
        usage(format!(
            "--similarity must be cosine, jaccard, lift or confidence, not \"{sim_text}\""
        ))
    })?;
    let (file, rows) = load_orders(args)?;
    let baskets = Baskets::from_lines(rows.lines(), mode).map_err(core_error(&file))?;
    let mut options = RecommenderOptions::default();
    options.neighbours.top_k = top;
    options.neighbours.similarity = similarity;
    let rec = Recommender::build(&baskets, &options).map_err(core_error(&file))?;
    if let Some(path) = args.optional("--save") {
        // The compact binary model (`Recommender.load` in JavaScript, `decide --recommender`).
        std::fs::write(path, rec.to_bytes())
            .map_err(|e| Failure::Input(format!("{path}: cannot write: {e}")))?;
    }
    let anchors: Vec<String> = match args.optional("--item") {
        Some(item) => vec![item.to_owned()],
        None => rec.items().names().map(str::to_owned).collect(),
    };
    let mut lists = Vec::with_capacity(anchors.len());
    for item in &anchors {
        lists.push((
            item.as_str(),
            rec.similar(item, top).map_err(core_error(&file))?,
        ));
    }
    if format == Format::Csv {
        rows_value(&rows.counts, format);
        let header = "item,neighbour,score,together,item_count,neighbour_count,baskets,support,confidence,lift,jaccard,cosine,reason";
        let table = lists.iter().flat_map(|(item, list)| {
            list.iter().map(move |s| {
                let p = &s.stats;
                let mut row = vec![csv_text(item), csv_text(&s.item), csv_number(s.score)];
                row.extend([p.together, p.count_a, p.count_b, p.baskets].map(|n| n.to_string()));
                row.extend(
                    [
                        p.support(),
                        p.confidence(),
                        p.lift(),
                        p.jaccard(),
                        p.cosine(),
                    ]
                    .map(csv_number),
                );
                row.push(csv_text(&reason(item, s, mode).to_string()));
                row
            })
        });
        return Ok(csv_table(header, table));
    }
    let mut o = Object::with_capacity(8);
    o.insert("basket", mode.as_str());
    o.insert("similarity", similarity.as_str());
    o.insert("baskets", rec.basket_count());
    o.insert("itemCount", rec.items().len());
    o.insert("ignoredLines", baskets.skipped_lines());
    o.insert("rows", rows_value(&rows.counts, format));
    let neighbours = |item: &str, list: &[Similar]| -> Vec<Value> {
        list.iter()
            .map(|s| neighbour_value(item, s, mode))
            .collect()
    };
    match (args.optional("--item"), lists.first()) {
        (Some(item), Some((_, list))) => {
            o.insert("item", item);
            o.insert("neighbours", neighbours(item, list));
        }
        _ => {
            let counts = rec.item_counts();
            let items: Vec<Value> = lists
                .iter()
                .enumerate()
                .map(|(id, (item, list))| {
                    let mut entry = Object::with_capacity(3);
                    entry.insert("item", *item);
                    entry.insert("count", counts.get(id).copied().unwrap_or(0));
                    entry.insert("neighbours", neighbours(item, list));
                    Value::Object(entry)
                })
                .collect();
            o.insert("items", items);
        }
    }
    Ok(Value::Object(o).to_json())
}

fn rules(args: &Args) -> Result<String, Failure> {
    let format = format(args)?;
    let mode = basket_mode(args)?;
    let min_support = threshold(
        args.required("--min-support")?,
        "--min-support",
        0.0,
        1.0,
        true,
    )?;
    let min_confidence = threshold(
        args.required("--min-confidence")?,
        "--min-confidence",
        0.0,
        1.0,
        false,
    )?;
    let min_lift = match args.optional("--min-lift") {
        Some(text) => threshold(text, "--min-lift", 0.0, f64::MAX, false)?,
        None => 0.0,
    };
    let max_len = match args.optional("--max-len") {
        Some(_) => Some(count(args, "--max-len", 1)?),
        None => None,
    };
    let sort_text = args.optional("--sort").unwrap_or("lift");
    let sort = RuleMetric::parse(sort_text).ok_or_else(|| {
        usage(format!(
            "--sort must be support, confidence, lift, leverage or conviction, not \"{sort_text}\""
        ))
    })?;
    let (file, rows) = load_orders(args)?;
    let baskets = Baskets::from_lines(rows.lines(), mode).map_err(core_error(&file))?;
    let itemsets = frequent_itemsets(
        &baskets,
        &FpGrowthOptions {
            min_support,
            max_len,
        },
    )
    .map_err(core_error(&file))?;
    let mut rules = RuleSet::generate(
        itemsets,
        &RuleOptions {
            min_confidence,
            min_lift,
        },
    )
    .map_err(core_error(&file))?;
    rules.sort_by(sort);
    let items = baskets.items();
    let names = |ids: &mut dyn Iterator<Item = u32>| -> Vec<String> {
        ids.map(|i| items.name(i).unwrap_or_default().to_owned())
            .collect()
    };
    if format == Format::Csv {
        rows_value(&rows.counts, format);
        let header = "antecedents,consequents,count,antecedent_support,consequent_support,support,confidence,lift,leverage,conviction";
        let table = rules.iter().map(|r| {
            let mut row = vec![
                csv_text(&names(&mut r.antecedent()).join("|")),
                csv_text(&names(&mut r.consequent()).join("|")),
                r.count.to_string(),
            ];
            row.extend(
                [
                    r.antecedent_support(),
                    r.consequent_support(),
                    r.support(),
                    r.confidence(),
                    r.lift(),
                    r.leverage(),
                    r.conviction(),
                ]
                .map(csv_number),
            );
            row
        });
        return Ok(csv_table(header, table));
    }
    let sets = rules.itemsets();
    let itemsets: Vec<Value> = sets
        .iter()
        .map(|(set, count)| {
            let mut o = Object::with_capacity(3);
            let set_names: Vec<Value> = names(&mut set.iter().copied())
                .into_iter()
                .map(Value::from)
                .collect();
            o.insert("items", set_names);
            o.insert("count", count);
            o.insert(
                "support",
                f64::from(count) / f64::from(sets.transactions().max(1)),
            );
            Value::Object(o)
        })
        .collect();
    let mut o = Object::with_capacity(10);
    o.insert("basket", mode.as_str());
    o.insert("transactions", sets.transactions());
    o.insert("minSupport", min_support);
    o.insert("minConfidence", min_confidence);
    o.insert("minLift", min_lift);
    o.insert("maxLen", max_len.map_or(Value::Null, Value::from));
    o.insert("ignoredLines", baskets.skipped_lines());
    o.insert("rows", rows_value(&rows.counts, format));
    o.insert("itemsets", itemsets);
    o.insert(
        "rules",
        rules.iter().map(|r| r.to_value(items)).collect::<Vec<_>>(),
    );
    Ok(Value::Object(o).to_json())
}

fn evaluate(args: &Args) -> Result<String, Failure> {
    let format = format(args)?;
    let options = EvaluationOptions {
        k: count(args, "--k", 10)?,
        mode: basket_mode(args)?,
        ..EvaluationOptions::default()
    };
    let (file, rows) = load_orders(args)?;
    let evaluation = evaluate_leave_last_out(&rows.lines_in_time_order(), &options)
        .map_err(core_error(&file))?;
    if format == Format::Csv {
        rows_value(&rows.counts, format);
        let table = evaluation.scores.iter().map(|s| {
            vec![
                s.method.as_str().to_owned(),
                s.hits.to_string(),
                csv_number(s.hit_rate),
                csv_number(s.ndcg),
            ]
        });
        return Ok(csv_table("method,hits,hit_rate,ndcg", table));
    }
    let mut value = evaluation.to_value();
    if let Value::Object(o) = &mut value {
        o.insert("basket", options.mode.as_str());
        o.insert("rows", rows_value(&rows.counts, format));
    }
    Ok(value.to_json())
}

fn lift(args: &Args) -> Result<String, Failure> {
    let format = format(args)?;
    let file = input_file(args, "events")?;
    let text = read_file(file)?;
    let (events, counts) = read_events(file, &text, args.flag("--lenient"))?;
    let mut table = LiftTable::default();
    for event in &events {
        table.add(event.event());
    }
    let reports = table.reports().map_err(core_error(file))?;
    if format == Format::Csv {
        rows_value(&counts, format);
        let header = "offer,treatment_exposures,treatment_conversions,treatment_rate,control_exposures,control_conversions,control_rate,lift,lift_low,lift_high,probability_treatment_beats_control";
        let rows = reports.iter().map(|(offer, r)| {
            let rate = |i: Option<nextoffer::recommend::Interval>| {
                i.map_or(String::new(), |i| csv_number(i.estimate))
            };
            let lift = r.relative_lift;
            vec![
                csv_text(offer),
                r.treatment.exposures.to_string(),
                r.treatment.conversions.to_string(),
                rate(r.treatment_rate),
                r.control.exposures.to_string(),
                r.control.conversions.to_string(),
                rate(r.control_rate),
                rate(lift),
                lift.map_or(String::new(), |i| csv_number(i.low)),
                lift.map_or(String::new(), |i| csv_number(i.high)),
                csv_number(r.probability_treatment_beats_control),
            ]
        });
        return Ok(csv_table(header, rows));
    }
    let offers: Vec<Value> = reports
        .iter()
        .map(|(offer, report)| {
            let mut o = Object::with_capacity(6);
            o.insert("offer", offer.as_str());
            if let Value::Object(fields) = report.to_value() {
                for (k, v) in fields {
                    o.insert(k, v);
                }
            }
            Value::Object(o)
        })
        .collect();
    let mut o = Object::with_capacity(2);
    o.insert("rows", rows_value(&counts, format));
    o.insert("offers", offers);
    Ok(Value::Object(o).to_json())
}
