#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The recommender's binary format: round trips, foreign versions, and corrupt or truncated bytes.

use nextoffer::recommend::{
    BasketMode, Baskets, OrderLine, RecommendError, RecommendRequest, Recommender,
    RecommenderOptions, Rng, FORMAT_VERSION,
};

fn model() -> Recommender {
    let mut lines = Vec::new();
    let names: Vec<String> = (0..40).map(|i| format!("p{i}")).collect();
    let customers: Vec<String> = (0..60).map(|i| format!("c{i}")).collect();
    let mut rng = Rng::new(9);
    for c in &customers {
        for _ in 0..(2 + rng.below(6)) {
            let p = &names[rng.below(40) as usize];
            let day = rng.below(30) as i32;
            let cat = if p.len() % 2 == 0 { "even" } else { "odd" };
            lines.push(
                OrderLine::new(c, day, p)
                    .with_category(cat)
                    .with_amount(100.0 + day as f64),
            );
        }
    }
    let b = Baskets::from_lines(lines, BasketMode::Order).unwrap();
    Recommender::build(&b, &RecommenderOptions::default())
        .unwrap()
        .with_segments(&b, 5, |c: &str| {
            Some(if c.len() == 2 { "new" } else { "old" })
        })
        .unwrap()
}

#[test]
fn a_model_survives_the_round_trip_and_answers_the_same() {
    let m = model();
    let bytes = m.to_bytes();
    assert_eq!(&bytes[..4], b"NXRC");
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), FORMAT_VERSION);
    let back = Recommender::from_bytes(&bytes).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.to_bytes(), bytes);
    let req = RecommendRequest {
        cart: vec!["p3".into(), "p17".into()],
        segment: Some("old".into()),
        limit: 5,
        ..RecommendRequest::default()
    };
    assert_eq!(back.recommend(&req).unwrap(), m.recommend(&req).unwrap());
}

#[test]
fn ten_thousand_items_with_twenty_neighbours_fit_in_a_few_megabytes() {
    let mut rng = Rng::new(4);
    let raw: Vec<Vec<u32>> = (0..60_000)
        .map(|_| {
            let len = 2 + rng.below(6);
            (0..len).map(|_| rng.below(10_000) as u32).collect()
        })
        .collect();
    let b = Baskets::from_ids(&raw).unwrap();
    assert_eq!(b.item_count(), 10_000);
    let m = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    assert!(
        m.neighbours().len() > 10_000 * 15,
        "{} neighbours",
        m.neighbours().len()
    );
    let bytes = m.to_bytes().len();
    assert!(bytes < 2_200_000, "{bytes} bytes");
}

#[test]
fn another_version_is_refused_by_name() {
    let mut bytes = model().to_bytes();
    bytes[4] = 2;
    let err = Recommender::from_bytes(&bytes).unwrap_err();
    assert_eq!(
        err,
        RecommendError::ModelVersion {
            found: 2,
            supported: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "recommender model format version 2 is not supported (this build reads version 1)"
    );
}

#[test]
fn foreign_bytes_are_refused_by_their_magic() {
    for bad in [&b""[..], b"NX", b"{\"version\":1}", b"\x89PNG\r\n"] {
        let err = Recommender::from_bytes(bad).unwrap_err();
        assert!(matches!(err, RecommendError::ModelMagic { .. }), "{err}");
    }
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = model().to_bytes();
    for len in 0..bytes.len() {
        let err = Recommender::from_bytes(&bytes[..len]).unwrap_err();
        assert!(
            matches!(
                err,
                RecommendError::ModelTruncated { .. }
                    | RecommendError::ModelMagic { .. }
                    | RecommendError::ModelCorrupt { .. }
            ),
            "{len}: {err}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(
        Recommender::from_bytes(&longer),
        Err(RecommendError::ModelCorrupt { .. })
    ));
}

#[test]
fn random_corruption_never_panics() {
    let bytes = model().to_bytes();
    let mut rng = Rng::new(1);
    let mut accepted = 0;
    for _ in 0..3000 {
        let mut b = bytes.clone();
        for _ in 0..(1 + rng.below(4)) {
            let i = 6 + rng.below((b.len() - 6) as u64) as usize;
            b[i] = rng.next_u64() as u8;
        }
        if let Ok(m) = Recommender::from_bytes(&b) {
            accepted += 1;
            // Whatever loads must answer without panicking.
            let _ = m.recommend(&RecommendRequest {
                cart: vec!["p1".into()],
                limit: 3,
                ..RecommendRequest::default()
            });
        }
    }
    // Flipped prices and counts are still well-formed models; most flips are caught.
    assert!(accepted < 3000);
}

#[test]
fn a_huge_announced_count_is_refused_before_allocating() {
    let mut bytes = b"NXRC\x01\x00\x00\x00".to_vec();
    bytes.extend_from_slice(&10u32.to_le_bytes()); // baskets
    bytes.extend_from_slice(&u32::MAX.to_le_bytes()); // categories
    let err = Recommender::from_bytes(&bytes).unwrap_err();
    assert_eq!(
        err,
        RecommendError::ModelTruncated {
            offset: 12,
            what: "category count"
        }
    );
}

#[test]
fn out_of_range_ids_are_reported_as_corrupt() {
    let b = Baskets::from_ids(&[vec![0, 1]]).unwrap();
    let m = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let mut bytes = m.to_bytes();
    // The last neighbour entry (item u32, together u32) precedes the segment count.
    let n = bytes.len();
    bytes[n - 4 - 8..n - 4 - 4].copy_from_slice(&7u32.to_le_bytes());
    let err = Recommender::from_bytes(&bytes).unwrap_err();
    assert!(
        err.to_string().contains("neighbour item id 7 out of range"),
        "{err}"
    );
}
