#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Category and brand affinity with recency decay.

use nextoffer::recommend::{category_affinity, RecommendError};

#[test]
fn a_purchase_one_half_life_old_weighs_half() {
    let a = category_affinity([("coffee", 10, 1.0), ("tea", 100, 1.0)], 100, 90.0).unwrap();
    assert_eq!(a[0].key, "tea");
    assert!((a[1].weight - 0.5).abs() < 1e-15);
    assert!((a[0].share - 2.0 / 3.0).abs() < 1e-15);
    assert!((a.iter().map(|x| x.share).sum::<f64>() - 1.0).abs() < 1e-15);
}

#[test]
fn spend_can_weigh_purchases_and_counts_are_kept() {
    let a = category_affinity(
        [("acme", 0, 300.0), ("zen", 0, 100.0), ("zen", 0, 100.0)],
        0,
        30.0,
    )
    .unwrap();
    assert_eq!(a[0].key, "acme");
    assert_eq!(a[0].share, 0.6);
    assert_eq!(a[1].purchases, 2);
}

#[test]
fn without_decay_every_purchase_counts_the_same() {
    let a = category_affinity([("a", 0, 1.0), ("b", 1000, 1.0)], 1000, f64::INFINITY).unwrap();
    assert_eq!(a[0].share, 0.5);
    assert_eq!(a[0].key, "a"); // ties by key
}

#[test]
fn future_purchases_count_as_today_and_bad_weights_are_ignored() {
    let a = category_affinity(
        [
            ("a", 200, 1.0),
            ("b", 100, 1.0),
            ("", 100, 1.0),
            ("c", 100, f64::NAN),
            ("d", 100, -1.0),
        ],
        100,
        10.0,
    )
    .unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].weight, 1.0);
    assert_eq!(a[1].weight, 1.0);
}

#[test]
fn no_purchases_give_no_affinity_and_bad_half_lives_are_errors() {
    assert!(category_affinity(std::iter::empty(), 0, 30.0)
        .unwrap()
        .is_empty());
    for h in [0.0, -1.0, f64::NAN] {
        assert!(matches!(
            category_affinity([("a", 0, 1.0)], 0, h),
            Err(RecommendError::OutOfRange {
                option: "half_life_days",
                ..
            })
        ));
    }
}
