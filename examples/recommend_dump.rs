//! Dumps what the recommendation module computes on MovieLens 100k, for the peer validation in
//! `tests/validate/recommend_peers.py` (mlxtend's fpgrowth and association_rules, numpy cosine, scipy).
//!
//! Users are baskets of the items they rated 4 or more (basket mode `customer`).
//!
//! ```text
//! cargo run --example recommend_dump -- itemsets ml-100k.inter 0.25
//! cargo run --example recommend_dump -- rules ml-100k.inter 0.25
//! cargo run --example recommend_dump -- cosine ml-100k.inter 20
//! cargo run --example recommend_dump -- lift XT NT XC NC
//! ```

use std::process::ExitCode;

use nextoffer::recommend::{
    frequent_itemsets, item_neighbours, measure_lift, ArmCounts, BasketMode, Baskets,
    FpGrowthOptions, NeighbourOptions, OrderLine, RuleOptions, RuleSet, Similarity,
};

fn load(path: &str) -> Result<Baskets, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{path}: {e} (run `make data`)"))?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let [user, item, rating, ts] = f.as_slice() else {
            return Err(format!("{path}:{}: expected 4 tab-separated fields", n + 1));
        };
        let rating: f64 = rating
            .parse()
            .map_err(|_| format!("{path}:{}: bad rating", n + 1))?;
        let ts: f64 = ts
            .parse()
            .map_err(|_| format!("{path}:{}: bad timestamp", n + 1))?;
        if rating >= 4.0 {
            rows.push((*user, (ts / 86_400.0).floor() as i32, *item));
        }
    }
    Baskets::from_lines(
        rows.iter().map(|&(u, d, i)| OrderLine::new(u, d, i)),
        BasketMode::Customer,
    )
    .map_err(|e| e.to_string())
}

fn names(b: &Baskets, ids: impl Iterator<Item = u32>) -> String {
    let mut v: Vec<&str> = ids.filter_map(|i| b.items().name(i)).collect();
    v.sort_by_key(|s| (s.len(), *s));
    v.join(",")
}

fn run(args: &[String]) -> Result<(), String> {
    let arg = |i: usize| {
        args.get(i)
            .map(String::as_str)
            .ok_or_else(|| "missing argument".to_string())
    };
    let num = |i: usize| -> Result<f64, String> {
        arg(i)?
            .parse()
            .map_err(|_| format!("bad number {:?}", args.get(i)))
    };
    match arg(0)? {
        "itemsets" => {
            let b = load(arg(1)?)?;
            let f = frequent_itemsets(
                &b,
                &FpGrowthOptions {
                    min_support: num(2)?,
                    max_len: None,
                },
            )
            .map_err(|e| e.to_string())?;
            println!("support\titemsets");
            for (i, (set, _)) in f.iter().enumerate() {
                println!("{}\t{}", f.support(i), names(&b, set.iter().copied()));
            }
        }
        "rules" => {
            let b = load(arg(1)?)?;
            let f = frequent_itemsets(
                &b,
                &FpGrowthOptions {
                    min_support: num(2)?,
                    max_len: None,
                },
            )
            .map_err(|e| e.to_string())?;
            let rules = RuleSet::generate(
                f,
                &RuleOptions {
                    min_confidence: 0.0,
                    min_lift: 0.0,
                },
            )
            .map_err(|e| e.to_string())?;
            println!("antecedents\tconsequents\tantecedent support\tconsequent support\tsupport\tconfidence\tlift\tleverage\tconviction");
            for r in rules.iter() {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    names(&b, r.antecedent()),
                    names(&b, r.consequent()),
                    r.antecedent_support(),
                    r.consequent_support(),
                    r.support(),
                    r.confidence(),
                    r.lift(),
                    r.leverage(),
                    r.conviction()
                );
            }
        }
        "cosine" => {
            let b = load(arg(1)?)?;
            let k = num(2)? as usize;
            let n = item_neighbours(
                &b,
                &NeighbourOptions {
                    top_k: k,
                    similarity: Similarity::Cosine,
                    min_together: 1,
                },
            )
            .map_err(|e| e.to_string())?;
            let supports = b.item_supports();
            println!("item\tneighbour\tcosine");
            for item in 0..b.item_count() as u32 {
                for nb in n.of(item) {
                    let ca = f64::from(supports.get(item as usize).copied().unwrap_or(0));
                    let cb = f64::from(supports.get(nb.item as usize).copied().unwrap_or(0));
                    let cos = f64::from(nb.together) / (ca * cb).sqrt();
                    println!(
                        "{}\t{}\t{}",
                        b.items().name(item).unwrap_or(""),
                        b.items().name(nb.item).unwrap_or(""),
                        cos
                    );
                }
            }
        }
        "lift" => {
            let t = ArmCounts {
                conversions: num(1)? as u64,
                exposures: num(2)? as u64,
            };
            let c = ArmCounts {
                conversions: num(3)? as u64,
                exposures: num(4)? as u64,
            };
            let r = measure_lift(t, c).map_err(|e| e.to_string())?;
            let l = r.relative_lift.ok_or("no relative lift")?;
            println!("probability\tlift\tlift_low\tlift_high");
            println!(
                "{}\t{}\t{}\t{}",
                r.probability_treatment_beats_control, l.estimate, l.low, l.high
            );
        }
        other => {
            return Err(format!(
                "unknown command {other:?}: itemsets, rules, cosine or lift"
            ))
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("recommend_dump: {e}");
            ExitCode::FAILURE
        }
    }
}
