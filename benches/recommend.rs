//! Recommendation benchmarks, native (`cargo bench --bench recommend`). Prints `name: value unit` lines.
//!
//! - MovieLens 100k, users as baskets of the items they rated 4 or more (942 baskets, 1,447 items, from
//!   `make data`): FP-growth plus association rules at min support 0.05 and min confidence 0.5 (peer:
//!   mlxtend's `fpgrowth` + `association_rules`, target 20x faster); item-item cosine top-20 neighbours of
//!   every item (peer: implicit's `CosineRecommender` fit, target no slower). The peer figures come from
//!   `www/bench/recommend_peer.py` in the same run, with the same parameters and counts.
//! - `recommend` for one customer with a 5-item cart over a 10,000-item model (median of 20,000 calls with
//!   different carts), plus the model's size and load time.
//! - The leave-last-out offline evaluation on MovieLens 100k (hit rate and NDCG at 10).
//!
//! Arguments after `--`: `rules`, `neighbours`, `recommend`, `evaluate` to run only those.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use nextoffer::recommend::{
    evaluate_leave_last_out, frequent_itemsets, item_neighbours, neighbour_threads, BasketMode,
    Baskets, EvaluationOptions, FpGrowthOptions, HistoryItem, Method, NeighbourOptions, OrderLine,
    RecommendRequest, Recommender, RecommenderOptions, Rng, RuleOptions, RuleSet, Similarity,
};

const MIN_SUPPORT: f64 = 0.05;
const MIN_CONFIDENCE: f64 = 0.5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    std::hint::black_box(f());
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

/// `(user, day, item)` of the ratings of 4 or more, in time order.
fn movielens() -> Option<Vec<(String, i32, String)>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".cache/recbole/recbole/dataset_example/ml-100k/ml-100k.inter");
    let text = std::fs::read_to_string(path).ok()?;
    let mut rows: Vec<(u64, String, i32, String)> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let rating: f64 = f[2].parse().unwrap();
            let ts: u64 = f[3].parse().unwrap();
            (rating >= 4.0).then(|| (ts, f[0].to_owned(), (ts / 86_400) as i32, f[1].to_owned()))
        })
        .collect();
    rows.sort_by_key(|r| r.0);
    Some(rows.into_iter().map(|(_, u, d, i)| (u, d, i)).collect())
}

fn lines(rows: &[(String, i32, String)]) -> Vec<OrderLine<'_>> {
    rows.iter()
        .map(|(u, d, i)| OrderLine::new(u, *d, i))
        .collect()
}

fn bench_rules(baskets: &Baskets) {
    let options = FpGrowthOptions {
        min_support: MIN_SUPPORT,
        max_len: None,
    };
    let rule_options = RuleOptions {
        min_confidence: MIN_CONFIDENCE,
        min_lift: 0.0,
    };
    let sets = frequent_itemsets(baskets, &options).unwrap();
    println!("recommend_ml100k_itemsets_s005: {} itemsets", sets.len());
    let rules = RuleSet::generate(sets, &rule_options).unwrap();
    println!("recommend_ml100k_rules_s005_c05: {} rules", rules.len());
    drop(rules);
    let fp = time(5, || frequent_itemsets(baskets, &options).unwrap().len());
    println!("recommend_ml100k_fpgrowth_s005: {:.1} ms", fp * 1e3);
    let total = time(5, || {
        let sets = frequent_itemsets(baskets, &options).unwrap();
        RuleSet::generate(sets, &rule_options).unwrap().len()
    });
    println!(
        "recommend_ml100k_fpgrowth_rules_s005_c05: {:.1} ms",
        total * 1e3
    );
}

fn bench_neighbours(baskets: &Baskets) {
    let options = NeighbourOptions {
        top_k: 20,
        similarity: Similarity::Cosine,
        min_together: 1,
    };
    let n = item_neighbours(baskets, &options).unwrap();
    println!(
        "recommend_ml100k_item_top20_entries: {} neighbours",
        n.len()
    );
    let t = time(15, || item_neighbours(baskets, &options).unwrap().len());
    println!("recommend_ml100k_item_top20: {:.2} ms", t * 1e3);
    // Two threads natively on a machine with two cores or more (implicit's OpenMP loop uses every core).
    println!(
        "recommend_ml100k_item_top20_threads: {} threads",
        neighbour_threads()
    );
}

/// A 10,000-item shop: 200,000 orders of 2 to 8 items, each order drawn around a "theme" so that items
/// have real neighbours, popularity skewed, 50 categories, prices.
fn synthetic_shop() -> Baskets {
    let mut rng = Rng::new(2026);
    let names: Vec<String> = (0..10_000).map(|i| format!("sku-{i:05}")).collect();
    let customers: Vec<String> = (0..50_000).map(|i| format!("c{i}")).collect();
    let categories: Vec<String> = (0..50).map(|i| format!("cat-{i}")).collect();
    let mut rows: Vec<(usize, i32, usize)> = Vec::new();
    for order in 0..200_000i32 {
        let theme = (rng.below(100) * rng.below(100)) as usize; // skewed: low themes are popular
        let len = 2 + rng.below(7) as usize;
        for _ in 0..len {
            let item = (theme + rng.below(100) as usize * 100 + rng.below(3) as usize) % 10_000;
            rows.push((rng.below(50_000) as usize, order / 500, item));
        }
    }
    let orders: Vec<String> = (0..rows.len()).map(|i| format!("o{}", i / 5)).collect();
    let lines = rows.iter().zip(&orders).map(|(&(c, d, i), o)| {
        OrderLine::new(&customers[c], d, &names[i])
            .with_order(o)
            .with_category(&categories[i % 50])
            .with_amount(100.0 + (i % 97) as f64 * 10.0)
    });
    Baskets::from_lines(lines, BasketMode::Order).unwrap()
}

fn bench_recommend() {
    let shop = synthetic_shop();
    let start = Instant::now();
    let model = Recommender::build(&shop, &RecommenderOptions::default()).unwrap();
    println!(
        "recommend_10k_build: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    println!("recommend_10k_items: {} items", model.items().len());
    let bytes = model.to_bytes();
    println!(
        "recommend_10k_model_size: {:.2} MB",
        bytes.len() as f64 / 1e6
    );
    let load = time(10, || Recommender::from_bytes(&bytes).unwrap());
    println!("recommend_10k_model_load: {:.2} ms", load * 1e3);

    let mut rng = Rng::new(7);
    let requests: Vec<RecommendRequest> = (0..2_000)
        .map(|_| RecommendRequest {
            cart: (0..5)
                .map(|_| format!("sku-{:05}", rng.below(10_000)))
                .collect(),
            history: (0..10)
                .map(|d| HistoryItem {
                    product: format!("sku-{:05}", rng.below(10_000)),
                    day: 300 + d,
                    category: None,
                })
                .collect(),
            now_day: Some(400),
            limit: 10,
            ..RecommendRequest::default()
        })
        .collect();
    let cart_only: Vec<RecommendRequest> = requests
        .iter()
        .map(|r| RecommendRequest {
            history: Vec::new(),
            ..r.clone()
        })
        .collect();
    for (name, reqs) in [
        ("recommend_10k_cart5", &cart_only),
        ("recommend_10k_cart5_history10", &requests),
    ] {
        let mut samples = Vec::with_capacity(20_000);
        for round in 0..10 {
            for r in reqs.iter() {
                let start = Instant::now();
                let out = model.recommend(r).unwrap();
                let t = start.elapsed().as_secs_f64();
                std::hint::black_box(out);
                if round > 0 {
                    samples.push(t);
                }
            }
        }
        println!("{name}: {:.1} us", median(samples) * 1e6);
    }
}

fn bench_evaluate(rows: &[(String, i32, String)]) {
    let options = EvaluationOptions {
        mode: BasketMode::Customer,
        recommender: RecommenderOptions {
            neighbours: NeighbourOptions {
                top_k: 50,
                similarity: Similarity::Cosine,
                min_together: 1,
            },
            ..RecommenderOptions::default()
        },
        ..EvaluationOptions::default()
    };
    let start = Instant::now();
    let e = evaluate_leave_last_out(&lines(rows), &options).unwrap();
    println!(
        "recommend_ml100k_evaluate: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    for m in [Method::ItemToItem, Method::Popularity, Method::Blend] {
        let s = e.score(m).unwrap();
        println!("recommend_ml100k_hr10_{}: {:.4}", m.as_str(), s.hit_rate);
        println!("recommend_ml100k_ndcg10_{}: {:.4}", m.as_str(), s.ndcg);
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let want = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    let rows = movielens();
    if rows.is_none() {
        eprintln!("recommend bench: MovieLens 100k is missing in .cache/: run `make data` (MovieLens benches skipped)");
    }
    let baskets = rows
        .as_ref()
        .map(|r| Baskets::from_lines(lines(r), BasketMode::Customer).unwrap());
    if let Some(b) = &baskets {
        println!("recommend_ml100k_baskets: {} baskets", b.len());
        if want("rules") {
            bench_rules(b);
        }
        if want("neighbours") {
            bench_neighbours(b);
        }
    }
    if want("recommend") {
        bench_recommend();
    }
    if let (Some(r), true) = (&rows, want("evaluate")) {
        bench_evaluate(r);
    }
}
