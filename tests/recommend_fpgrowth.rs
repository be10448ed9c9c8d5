#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! FP-growth and association rules against a brute-force count on random baskets.

use std::collections::BTreeMap;

use nextoffer::recommend::{
    frequent_itemsets, Baskets, FpGrowthOptions, RecommendError, Rng, RuleMetric, RuleOptions,
    RuleSet,
};

fn random_baskets(seed: u64, n: usize, items: u64, max_len: u64) -> Vec<Vec<u32>> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let len = 1 + rng.below(max_len);
            // Skewed item popularity, so that large itemsets are frequent.
            (0..len)
                .map(|_| (rng.below(items) * rng.below(items) / items) as u32)
                .collect()
        })
        .collect()
}

/// Every itemset with its count, by enumerating the subsets of each basket.
fn brute_force(baskets: &Baskets, min_count: u32) -> BTreeMap<Vec<u32>, u32> {
    let mut counts: BTreeMap<Vec<u32>, u32> = BTreeMap::new();
    for b in baskets.iter() {
        assert!(b.len() < 16);
        for mask in 1u32..(1 << b.len()) {
            let set: Vec<u32> = (0..b.len())
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| b[i])
                .collect();
            *counts.entry(set).or_default() += 1;
        }
    }
    counts.retain(|_, c| *c >= min_count);
    counts
}

#[test]
fn fpgrowth_finds_exactly_the_brute_force_itemsets() {
    for seed in 0..12 {
        let raw = random_baskets(seed, 300, 14, 9);
        let b = Baskets::from_ids(&raw).unwrap();
        for min_support in [0.02, 0.05, 0.2] {
            let f = frequent_itemsets(
                &b,
                &FpGrowthOptions {
                    min_support,
                    max_len: None,
                },
            )
            .unwrap();
            let expected = brute_force(&b, f.min_count());
            let got: BTreeMap<Vec<u32>, u32> = f.iter().map(|(s, c)| (s.to_vec(), c)).collect();
            assert_eq!(got.len(), f.len(), "duplicates at seed {seed}");
            assert_eq!(got, expected, "seed {seed}, support {min_support}");
            for (set, count) in &expected {
                assert_eq!(f.count_of(set), Some(*count));
            }
        }
    }
}

#[test]
fn max_len_caps_the_itemsets() {
    let b = Baskets::from_ids(&random_baskets(3, 200, 10, 8)).unwrap();
    let f = frequent_itemsets(
        &b,
        &FpGrowthOptions {
            min_support: 0.05,
            max_len: Some(2),
        },
    )
    .unwrap();
    assert!(f.iter().all(|(s, _)| s.len() <= 2));
    let all = brute_force(&b, f.min_count());
    assert_eq!(f.len(), all.keys().filter(|s| s.len() <= 2).count());
    let none = frequent_itemsets(
        &b,
        &FpGrowthOptions {
            min_support: 0.05,
            max_len: Some(0),
        },
    )
    .unwrap();
    assert!(none.is_empty());
}

#[test]
fn the_minimum_count_is_the_smallest_count_reaching_the_support() {
    let b = Baskets::from_ids(&(0..10).map(|i| vec![i % 3]).collect::<Vec<_>>()).unwrap();
    let f = frequent_itemsets(
        &b,
        &FpGrowthOptions {
            min_support: 0.3,
            max_len: None,
        },
    )
    .unwrap();
    assert_eq!(f.min_count(), 3);
    assert_eq!(f.len(), 3); // {0}: 4, {1}: 3, {2}: 3
    let f = frequent_itemsets(
        &b,
        &FpGrowthOptions {
            min_support: 0.35,
            max_len: None,
        },
    )
    .unwrap();
    assert_eq!(f.len(), 1);
}

#[test]
fn support_outside_zero_one_is_an_error() {
    let b = Baskets::from_ids(&[vec![0, 1]]).unwrap();
    for s in [0.0, -0.1, 1.5, f64::NAN] {
        let err = frequent_itemsets(
            &b,
            &FpGrowthOptions {
                min_support: s,
                max_len: None,
            },
        )
        .unwrap_err();
        assert!(matches!(
            err,
            RecommendError::OutOfRange {
                option: "min_support",
                ..
            }
        ));
    }
    assert_eq!(
        frequent_itemsets(
            &b,
            &FpGrowthOptions {
                min_support: 2.0,
                max_len: None
            }
        )
        .unwrap_err()
        .to_string(),
        "min_support = 2 is outside (0, 1]"
    );
}

#[test]
fn empty_and_single_item_baskets_give_documented_results() {
    let empty = Baskets::from_ids(&[]).unwrap();
    let f = frequent_itemsets(
        &empty,
        &FpGrowthOptions {
            min_support: 0.5,
            max_len: None,
        },
    )
    .unwrap();
    assert!(f.is_empty());
    assert_eq!(f.count_of(&[0]), None);
    let rules = RuleSet::generate(f, &RuleOptions::default()).unwrap();
    assert!(rules.is_empty());

    let singles = Baskets::from_ids(&[vec![0], vec![0], vec![1]]).unwrap();
    let f = frequent_itemsets(
        &singles,
        &FpGrowthOptions {
            min_support: 0.1,
            max_len: None,
        },
    )
    .unwrap();
    assert_eq!(f.len(), 2);
    assert!(RuleSet::generate(
        f,
        &RuleOptions {
            min_confidence: 0.0,
            min_lift: 0.0
        }
    )
    .unwrap()
    .is_empty());
}

#[test]
fn rules_carry_mlxtend_metrics_computed_from_counts() {
    let b = Baskets::from_ids(&random_baskets(5, 400, 12, 7)).unwrap();
    let f = frequent_itemsets(
        &b,
        &FpGrowthOptions {
            min_support: 0.03,
            max_len: None,
        },
    )
    .unwrap();
    let counts = brute_force(&b, 1);
    let n = b.len() as f64;
    let rules = RuleSet::generate(
        f.clone(),
        &RuleOptions {
            min_confidence: 0.0,
            min_lift: 0.0,
        },
    )
    .unwrap();
    let expected: usize = f
        .iter()
        .map(|(s, _)| {
            if s.len() >= 2 {
                (1usize << s.len()) - 2
            } else {
                0
            }
        })
        .sum();
    assert_eq!(rules.len(), expected);
    for r in rules.iter() {
        let a: Vec<u32> = r.antecedent().collect();
        let c: Vec<u32> = r.consequent().collect();
        let (sa, sc, sac) = (
            counts[&a] as f64 / n,
            counts[&c] as f64 / n,
            counts[r.items()] as f64 / n,
        );
        assert_eq!(r.support(), sac);
        assert!((r.confidence() - sac / sa).abs() < 1e-15);
        assert!((r.lift() - sac / sa / sc).abs() < 1e-12);
        assert!((r.leverage() - (sac - sa * sc)).abs() < 1e-15);
        let conf = sac / sa;
        if conf < 1.0 {
            assert!((r.conviction() - (1.0 - sc) / (1.0 - conf)).abs() < 1e-9);
        } else {
            assert_eq!(r.conviction(), f64::INFINITY);
        }
    }
}

#[test]
fn thresholds_filter_rules_and_out_of_range_thresholds_are_errors() {
    // Item 1 almost always comes with item 2: a strong rule among random ones.
    let mut raw = random_baskets(8, 300, 10, 6);
    for (i, basket) in raw.iter_mut().enumerate() {
        if basket.contains(&1) && i % 5 != 0 {
            basket.push(2);
        }
    }
    let b = Baskets::from_ids(&raw).unwrap();
    let f = frequent_itemsets(
        &b,
        &FpGrowthOptions {
            min_support: 0.05,
            max_len: None,
        },
    )
    .unwrap();
    let all = RuleSet::generate(
        f.clone(),
        &RuleOptions {
            min_confidence: 0.0,
            min_lift: 0.0,
        },
    )
    .unwrap();
    let r = RuleSet::generate(
        f.clone(),
        &RuleOptions {
            min_confidence: 0.6,
            min_lift: 1.2,
        },
    )
    .unwrap();
    assert!(!r.is_empty() && r.len() < all.len());
    assert_eq!(
        r.len(),
        all.iter()
            .filter(|x| x.confidence() >= 0.6 && x.lift() >= 1.2)
            .count()
    );
    assert!(r.iter().all(|x| x.confidence() >= 0.6 && x.lift() >= 1.2));
    for (c, l) in [(1.1, 0.0), (-0.5, 0.0), (0.5, -1.0), (0.5, f64::INFINITY)] {
        let err = RuleSet::generate(
            f.clone(),
            &RuleOptions {
                min_confidence: c,
                min_lift: l,
            },
        )
        .unwrap_err();
        assert!(matches!(err, RecommendError::OutOfRange { .. }), "{err}");
    }
}

#[test]
fn rules_sort_by_a_metric_and_answer_for_a_cart() {
    let raw: Vec<Vec<u32>> = [vec![0, 1], vec![0, 1], vec![0, 1, 2], vec![0, 2], vec![3]].to_vec();
    let b = Baskets::from_ids(&raw).unwrap();
    let f = frequent_itemsets(
        &b,
        &FpGrowthOptions {
            min_support: 0.2,
            max_len: None,
        },
    )
    .unwrap();
    let mut rules = RuleSet::generate(
        f,
        &RuleOptions {
            min_confidence: 0.0,
            min_lift: 0.0,
        },
    )
    .unwrap();
    rules.sort_by(RuleMetric::Lift);
    let lifts: Vec<f64> = rules.iter().map(|r| r.lift()).collect();
    assert!(lifts.windows(2).all(|w| w[0] >= w[1]));
    let fbt = rules.for_cart(&[0], 10);
    let consequents: Vec<Vec<u32>> = fbt.iter().map(|r| r.consequent().collect()).collect();
    // {0} -> {1}: 3/4, {0} -> {2}: 2/4, {0} -> {1, 2}: 1/4
    assert_eq!(consequents, [vec![1], vec![2], vec![1, 2]]);
    assert_eq!(fbt[0].confidence(), 0.75);
    assert!(rules
        .for_cart(&[0, 1], 10)
        .iter()
        .all(|r| r.consequent().all(|x| x == 2)));
    assert!(rules.for_cart(&[99], 10).is_empty());
    let bundles = rules.itemsets().bundles_with(0, 5);
    assert_eq!(rules.itemsets().itemset(bundles[0]), &[0, 1]);
}
