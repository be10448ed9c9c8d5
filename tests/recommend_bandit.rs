#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Bandits: reproducible draws, learning, segments, and state export, import and merge.

use nextoffer::json::parse;
use nextoffer::recommend::{
    BetaPrior, FeatureSpace, LinearBandit, RecommendError, Rng, ThompsonBandit,
};

#[test]
fn draws_are_fixed_by_the_seed() {
    // Golden values: a change here changes every seeded decision (natively and in Wasm).
    let mut r = Rng::new(42);
    let draws: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
    let mut again = Rng::new(42);
    assert_eq!(draws, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
    let mut r = Rng::new(42);
    let a = r.beta(3.0, 7.0);
    let mut r = Rng::new(42);
    assert_eq!(a.to_bits(), r.beta(3.0, 7.0).to_bits());
    let mut other = Rng::new(43);
    assert_ne!(a, other.beta(3.0, 7.0));
    assert_eq!(
        Rng::from_text("control").next_u64(),
        Rng::from_text("control").next_u64()
    );
}

#[test]
fn the_same_seed_makes_the_same_choices() {
    let mut b = ThompsonBandit::new(BetaPrior::default()).unwrap();
    b.record_counts("a", None, 3.0, 10.0).unwrap();
    b.record_counts("b", None, 4.0, 10.0).unwrap();
    let run = |seed| {
        let mut rng = Rng::new(seed);
        (0..50)
            .map(|_| b.choose(&["a", "b", "c"], None, &mut rng).unwrap().index)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn thompson_sampling_settles_on_the_better_arm() {
    let rates = [0.04, 0.06, 0.12];
    let arms = ["a", "b", "c"];
    let mut bandit = ThompsonBandit::new(BetaPrior::default()).unwrap();
    let mut policy = Rng::new(1);
    let mut world = Rng::new(2);
    let mut late = [0usize; 3];
    for round in 0..4000 {
        let i = bandit.choose(&arms, None, &mut policy).unwrap().index;
        bandit.record(arms[i], None, world.next_f64() < rates[i]);
        if round >= 3000 {
            late[i] += 1;
        }
    }
    assert!(late[2] > 800, "{late:?}");
    assert!(bandit.mean("c", None) > bandit.mean("a", None));
}

#[test]
fn segments_learn_separately_and_fall_back_to_the_arm_overall() {
    let mut b = ThompsonBandit::new(BetaPrior {
        alpha: 1.0,
        beta: 1.0,
    })
    .unwrap();
    for _ in 0..8 {
        b.record("o1", Some("vip"), true);
    }
    for _ in 0..8 {
        b.record("o1", Some("new"), false);
    }
    assert_eq!(b.posterior("o1", Some("vip")), (9.0, 1.0));
    assert_eq!(b.posterior("o1", Some("new")), (1.0, 9.0));
    assert_eq!(b.posterior("o1", None), (9.0, 9.0));
    assert_eq!(b.posterior("o1", Some("unseen")), (9.0, 9.0));
    assert_eq!(b.posterior("o2", Some("vip")), (1.0, 1.0));
    assert_eq!(b.posterior("o1", Some("")), (9.0, 9.0));
}

#[test]
fn thompson_state_round_trips_through_json_text_and_merges_by_adding() {
    let mut a = ThompsonBandit::new(BetaPrior {
        alpha: 1.0,
        beta: 20.0,
    })
    .unwrap();
    a.record_counts("o1", Some("vip"), 3.0, 17.0).unwrap();
    a.record("o2", None, true);
    let text = a.export().to_json();
    assert_eq!(
        text,
        r#"{"version":1,"kind":"thompson","prior":{"alpha":1,"beta":20},"arms":[{"arm":"o1","successes":3,"failures":17},{"arm":"o1","segment":"vip","successes":3,"failures":17},{"arm":"o2","successes":1,"failures":0}]}"#
    );
    let back = ThompsonBandit::import(&parse(&text).unwrap()).unwrap();
    assert_eq!(back, a);
    let mut merged = back.clone();
    merged.merge(&a).unwrap();
    assert_eq!(merged.posterior("o1", Some("vip")), (7.0, 54.0));
    let other = ThompsonBandit::new(BetaPrior::default()).unwrap();
    assert!(merged.merge(&other).is_err());
}

#[test]
fn bad_thompson_states_are_refused_with_their_path() {
    let cases = [
        (r#"[]"#, "state: expected an object, got array"),
        (
            r#"{"version":2,"kind":"thompson"}"#,
            "state.version: version 2 is not supported (expected 1)",
        ),
        (
            r#"{"version":1,"kind":"linear"}"#,
            "state.kind: expected \"thompson\", got \"linear\"",
        ),
        (
            r#"{"version":1,"kind":"thompson","prior":{"alpha":1,"beta":1},"arms":[{"arm":"o1","successes":-1,"failures":0}]}"#,
            "state.arms[0].successes: -1 is not a non-negative count",
        ),
        (
            r#"{"version":1,"kind":"thompson","prior":{"alpha":1,"beta":1},"arms":[{"arm":3,"successes":1,"failures":0}]}"#,
            "state.arms[0].arm: expected a string, got number",
        ),
        (
            r#"{"version":1,"kind":"thompson","prior":{"alpha":0,"beta":1},"arms":[]}"#,
            "state.prior: prior.alpha = 0 is outside (0, inf)",
        ),
    ];
    for (text, message) in cases {
        let err = ThompsonBandit::import(&parse(text).unwrap()).unwrap_err();
        assert!(matches!(err, RecommendError::State { .. }));
        assert_eq!(err.to_string(), message);
    }
    assert!(ThompsonBandit::new(BetaPrior {
        alpha: f64::NAN,
        beta: 1.0
    })
    .is_err());
    let mut b = ThompsonBandit::new(BetaPrior::default()).unwrap();
    assert!(b.record_counts("o1", None, f64::INFINITY, 0.0).is_err());
}

fn space() -> FeatureSpace {
    FeatureSpace::new()
        .field("placement", &["cart", "product"])
        .field("device", &["mobile", "desktop"])
        .time_of_day()
}

#[test]
fn features_encode_one_hot_with_a_bias_and_the_time_of_day() {
    let s = space();
    assert_eq!(s.dim(), 9);
    assert_eq!(s.names()[1], "placement=cart");
    assert_eq!(s.names()[8], "timeOfDay=evening");
    let x = s.encode(
        &[("device", "mobile"), ("placement", "product")],
        Some(13.5),
    );
    assert_eq!(x, vec![1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    assert_eq!(s.encode(&[], Some(25.0)).iter().sum::<f64>(), 1.0);
}

fn trained(seed: u64, rounds: usize) -> LinearBandit {
    let s = space();
    let mut bandit = LinearBandit::new(s.dim(), 1.0).unwrap();
    let mut world = Rng::new(seed);
    let placements = ["cart", "product"];
    let devices = ["mobile", "desktop"];
    for _ in 0..rounds {
        let p = placements[world.below(2) as usize];
        let d = devices[world.below(2) as usize];
        let x = s.encode(
            &[("placement", p), ("device", d)],
            Some(world.below(24) as f64),
        );
        // Banner A works on mobile, banner B on desktop.
        let (ra, rb) = if d == "mobile" {
            (0.3, 0.05)
        } else {
            (0.05, 0.3)
        };
        bandit
            .record("A", &x, f64::from(u8::from(world.next_f64() < ra)))
            .unwrap();
        bandit
            .record("B", &x, f64::from(u8::from(world.next_f64() < rb)))
            .unwrap();
    }
    bandit
}

#[test]
fn the_linear_bandit_learns_which_banner_suits_which_device() {
    let bandit = trained(3, 3000);
    let s = space();
    let mobile = s.encode(&[("placement", "cart"), ("device", "mobile")], Some(10.0));
    let desktop = s.encode(&[("placement", "cart"), ("device", "desktop")], Some(10.0));
    assert!((bandit.estimate("A", &mobile).unwrap() - 0.3).abs() < 0.05);
    assert!((bandit.estimate("B", &mobile).unwrap() - 0.05).abs() < 0.05);
    assert_eq!(
        bandit
            .choose_ucb(&["A", "B"], &mobile, 1.0)
            .unwrap()
            .unwrap()
            .index,
        0
    );
    assert_eq!(
        bandit
            .choose_ucb(&["A", "B"], &desktop, 1.0)
            .unwrap()
            .unwrap()
            .index,
        1
    );
    let mut rng = Rng::new(5);
    let wins = (0..200)
        .filter(|_| {
            bandit
                .choose_thompson(&["A", "B"], &desktop, 0.5, &mut rng)
                .unwrap()
                .unwrap()
                .index
                == 1
        })
        .count();
    assert!(wins > 190, "{wins}");
    // An arm never seen is maximally uncertain: UCB explores it.
    assert_eq!(
        bandit
            .choose_ucb(&["A", "new"], &mobile, 1.0)
            .unwrap()
            .unwrap()
            .index,
        1
    );
}

#[test]
fn linear_state_round_trips_and_merging_halves_equals_learning_everything() {
    let s = space();
    let x = s.encode(
        &[("placement", "product"), ("device", "desktop")],
        Some(20.0),
    );
    let whole = {
        let mut b = LinearBandit::new(s.dim(), 1.0).unwrap();
        let first = trained(11, 500);
        let second = trained(12, 700);
        b.merge(&first).unwrap();
        b.merge(&second).unwrap();
        b
    };
    let text = whole.export().to_json();
    let back = LinearBandit::import(&parse(&text).unwrap()).unwrap();
    for arm in ["A", "B"] {
        let a = whole.ucb(arm, &x, 0.7).unwrap();
        let b = back.ucb(arm, &x, 0.7).unwrap();
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
    // Sherman-Morrison updates and a fresh inversion agree.
    let incremental = trained(11, 500);
    let reloaded = LinearBandit::import(&incremental.export()).unwrap();
    for arm in ["A", "B"] {
        let a = incremental.ucb(arm, &x, 1.0).unwrap();
        let b = reloaded.ucb(arm, &x, 1.0).unwrap();
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
}

#[test]
fn wrong_dimensions_and_bad_linear_states_are_errors() {
    let mut b = LinearBandit::new(3, 1.0).unwrap();
    let err = b.record("A", &[1.0, 0.0], 1.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "record: feature vector has 2 values, the bandit expects 3"
    );
    assert!(b.record("A", &[1.0, f64::NAN, 0.0], 1.0).is_err());
    assert!(b.record("A", &[1.0, 0.0, 0.0], f64::INFINITY).is_err());
    assert!(LinearBandit::new(0, 1.0).is_err());
    assert!(LinearBandit::new(3, 0.0).is_err());
    let bad = parse(r#"{"version":1,"kind":"linear","dim":2,"lambda":1,"arms":[{"arm":"A","pulls":1,"gram":[1,0,0],"b":[1,0]}]}"#)
        .unwrap();
    assert_eq!(
        LinearBandit::import(&bad).unwrap_err().to_string(),
        "state.arms[0].gram: expected 4 numbers, got 3"
    );
    let singular =
        parse(r#"{"version":1,"kind":"linear","dim":2,"lambda":1,"arms":[{"arm":"A","pulls":1,"gram":[-1,0,0,-1],"b":[1,0]}]}"#)
            .unwrap();
    assert!(LinearBandit::import(&singular).is_err());
    let mut other = LinearBandit::new(4, 1.0).unwrap();
    assert!(other.merge(&b).is_err());
}
