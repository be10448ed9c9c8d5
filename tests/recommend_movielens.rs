#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! MovieLens 100k (users as baskets of the items they rated 4 or more): FP-growth and rules against
//! mlxtend's figures, and the offline evaluation. The data is downloaded by `make data` into `.cache/`
//! (its terms forbid redistribution); these tests fail with a hint when it is absent.

use nextoffer::recommend::{
    evaluate_leave_last_out, frequent_itemsets, BasketMode, Baskets, EvaluationOptions,
    FpGrowthOptions, Method, NeighbourOptions, OrderLine, RecommenderOptions, RuleOptions, RuleSet,
    Similarity,
};

struct Rating {
    user: String,
    item: String,
    day: i32,
    ts: u64,
}

fn liked() -> Vec<Rating> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".cache/recbole/recbole/dataset_example/ml-100k/ml-100k.inter");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: run `make data` to download MovieLens 100k",
            path.display()
        )
    });
    let mut rows: Vec<Rating> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let rating: f64 = f[2].parse().unwrap();
            let ts: u64 = f[3].parse().unwrap();
            (rating >= 4.0).then(|| Rating {
                user: f[0].to_owned(),
                item: f[1].to_owned(),
                day: (ts / 86_400) as i32,
                ts,
            })
        })
        .collect();
    // Time order, so that "the last line" of a user is the last rating.
    rows.sort_by_key(|r| r.ts);
    rows
}

fn lines(rows: &[Rating]) -> Vec<OrderLine<'_>> {
    rows.iter()
        .map(|r| OrderLine::new(&r.user, r.day, &r.item))
        .collect()
}

#[test]
fn fpgrowth_at_support_one_quarter_finds_mlxtends_31_itemsets_and_16_rules() {
    let rows = liked();
    let baskets = Baskets::from_lines(lines(&rows), BasketMode::Customer).unwrap();
    assert_eq!(baskets.len(), 942);
    assert_eq!(baskets.item_count(), 1447);
    let sets = frequent_itemsets(
        &baskets,
        &FpGrowthOptions {
            min_support: 0.25,
            max_len: None,
        },
    )
    .unwrap();
    assert_eq!(sets.len(), 31);
    assert_eq!(sets.iter().filter(|(s, _)| s.len() == 2).count(), 8);
    // Star Wars (item 50): 501 of the 942 users rated it 4 or more.
    let star_wars = baskets.items().id("50").unwrap();
    assert_eq!(sets.count_of(&[star_wars]), Some(501));
    let rules = RuleSet::generate(
        sets,
        &RuleOptions {
            min_confidence: 0.0,
            min_lift: 0.0,
        },
    )
    .unwrap();
    assert_eq!(rules.len(), 16);
}

#[test]
fn fpgrowth_at_support_one_tenth_counts_mlxtends_3683_itemsets_and_26442_rules() {
    let rows = liked();
    let baskets = Baskets::from_lines(lines(&rows), BasketMode::Customer).unwrap();
    let sets = frequent_itemsets(
        &baskets,
        &FpGrowthOptions {
            min_support: 0.1,
            max_len: None,
        },
    )
    .unwrap();
    assert_eq!(sets.len(), 3683);
    assert_eq!(sets.iter().map(|(s, _)| s.len()).max(), Some(6));
    let rules = RuleSet::generate(
        sets,
        &RuleOptions {
            min_confidence: 0.0,
            min_lift: 0.0,
        },
    )
    .unwrap();
    assert_eq!(rules.len(), 26_442);
    let confident = RuleSet::generate(
        rules.into_itemsets(),
        &RuleOptions {
            min_confidence: 0.9,
            min_lift: 0.0,
        },
    )
    .unwrap();
    assert!(!confident.is_empty() && confident.iter().all(|r| r.confidence() >= 0.9));
}

#[test]
fn item_to_item_beats_popularity_on_hit_rate_at_10() {
    let rows = liked();
    let options = EvaluationOptions {
        k: 10,
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
    let e = evaluate_leave_last_out(&lines(&rows), &options).unwrap();
    let i2i = e.score(Method::ItemToItem).unwrap();
    let pop = e.score(Method::Popularity).unwrap();
    let blend = e.score(Method::Blend).unwrap();
    eprintln!(
        "customers {} skipped {}: item-to-item HR@10 {:.4} NDCG@10 {:.4}; popularity {:.4} / {:.4}; affinity {:.4}; blend {:.4} / {:.4}",
        e.customers,
        e.skipped,
        i2i.hit_rate,
        i2i.ndcg,
        pop.hit_rate,
        pop.ndcg,
        e.score(Method::Affinity).unwrap().hit_rate,
        blend.hit_rate,
        blend.ndcg
    );
    assert!(e.customers > 900, "{} customers evaluated", e.customers);
    assert!(
        i2i.hit_rate > pop.hit_rate,
        "{} vs {}",
        i2i.hit_rate,
        pop.hit_rate
    );
    assert!(i2i.ndcg > pop.ndcg);
    assert!(i2i.ndcg <= i2i.hit_rate);
}
