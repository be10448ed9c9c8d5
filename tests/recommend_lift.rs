#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Effect measurement: rates, intervals, lift and the probability that treatment beats control.

use nextoffer::recommend::{
    measure_lift, ArmCounts, LiftEvent, LiftEventKind, LiftTable, RecommendError, Variant,
};

fn arm(conversions: u64, exposures: u64) -> ArmCounts {
    ArmCounts {
        exposures,
        conversions,
    }
}

#[test]
fn wilson_intervals_match_scipys() {
    // scipy.stats.binomtest(x, n).proportion_ci(method="wilson")
    let w = arm(0, 10).wilson().unwrap();
    assert_eq!(w.low, 0.0);
    assert!((w.high - 0.277_532_799_862_889_26).abs() < 1e-15);
    let w = arm(120, 1000).wilson().unwrap();
    assert!((w.low - 0.101_299_260_601_309_14).abs() < 1e-15);
    assert!((w.high - 0.141_609_075_847_712_76).abs() < 1e-15);
    assert_eq!(arm(0, 0).wilson(), None);
}

#[test]
fn lift_and_its_katz_interval_follow_the_log_ratio() {
    let r = measure_lift(arm(120, 1000), arm(100, 1000)).unwrap();
    let lift = r.relative_lift.unwrap();
    let se = (1.0f64 / 120.0 - 1.0 / 1000.0 + 1.0 / 100.0 - 1.0 / 1000.0).sqrt();
    assert!((lift.estimate - 0.2).abs() < 1e-12);
    assert!((lift.low - ((1.2f64).ln() - 1.959_963_984_540_054 * se).exp() + 1.0).abs() < 1e-12);
    assert!((lift.high - ((1.2f64).ln() + 1.959_963_984_540_054 * se).exp() + 1.0).abs() < 1e-12);
    let d = r.difference.unwrap();
    assert!((d.estimate - 0.02).abs() < 1e-15);
    assert!(d.low < 0.0 && d.high > 0.02);
    // Newcombe's interval is built from the two Wilson intervals.
    let (t, c) = (r.treatment_rate.unwrap(), r.control_rate.unwrap());
    assert!(
        (d.low - (0.02 - ((0.12 - t.low).powi(2) + (c.high - 0.1).powi(2)).sqrt())).abs() < 1e-15
    );
}

#[test]
fn a_clear_effect_is_significant_and_almost_surely_better() {
    let r = measure_lift(arm(300, 2000), arm(200, 2000)).unwrap();
    assert!(r.relative_lift.unwrap().low > 0.0);
    assert!(r.difference.unwrap().low > 0.0);
    assert!(r.probability_treatment_beats_control > 0.9999);
}

#[test]
fn the_probability_is_symmetric_and_one_half_for_equal_arms() {
    let p = |t: ArmCounts, c: ArmCounts| {
        measure_lift(t, c)
            .unwrap()
            .probability_treatment_beats_control
    };
    assert!((p(arm(7, 50), arm(7, 50)) - 0.5).abs() < 1e-12);
    for (a, b) in [
        (arm(3, 40), arm(9, 35)),
        (arm(0, 10), arm(2, 10)),
        (arm(50, 60), arm(45, 60)),
    ] {
        assert!((p(a, b) + p(b, a) - 1.0).abs() < 1e-10);
    }
    assert!((p(arm(0, 0), arm(0, 0)) - 0.5).abs() < 1e-12);
}

#[test]
fn the_normal_approximation_takes_over_smoothly_for_huge_counts() {
    let exact = measure_lift(arm(100_000, 2_000_000), arm(99_000, 2_000_000)).unwrap();
    let approx = measure_lift(arm(100_001, 2_000_000), arm(99_000, 2_000_000)).unwrap();
    let (a, b) = (
        exact.probability_treatment_beats_control,
        approx.probability_treatment_beats_control,
    );
    assert!(a > 0.98 && a < 0.999, "{a}");
    assert!((a - b).abs() < 2e-3, "{a} vs {b}");
}

#[test]
fn undefined_lifts_are_none_and_impossible_counts_are_errors() {
    let r = measure_lift(arm(5, 100), arm(0, 100)).unwrap();
    assert_eq!(r.relative_lift, None);
    assert!(r.difference.is_some());
    let r = measure_lift(arm(0, 0), arm(3, 10)).unwrap();
    assert_eq!(r.treatment_rate, None);
    assert_eq!(r.difference, None);
    let err = measure_lift(arm(11, 10), arm(1, 10)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "treatment: 11 conversions exceed 10 exposures"
    );
}

#[test]
fn the_table_aggregates_events_per_offer_and_arm() {
    use LiftEventKind::*;
    use Variant::*;
    let mut t = LiftTable::default();
    let events = [
        ("o1", Treatment, Exposure),
        ("o1", Treatment, Exposure),
        ("o1", Treatment, Conversion),
        ("o2", Control, Exposure),
        ("o1", Control, Exposure),
    ];
    for (offer, variant, kind) in events {
        t.add(LiftEvent {
            offer,
            variant,
            kind,
        });
    }
    let reports = t.reports().unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].0, "o1");
    assert_eq!(reports[0].1.treatment, arm(1, 2));
    assert_eq!(reports[0].1.control, arm(0, 1));
    t.add(LiftEvent {
        offer: "o2",
        variant: Control,
        kind: Conversion,
    });
    t.add(LiftEvent {
        offer: "o2",
        variant: Control,
        kind: Conversion,
    });
    let err = t.reports().unwrap_err();
    assert!(matches!(err, RecommendError::Counts { .. }));
    assert_eq!(
        err.to_string(),
        "offers[\"o2\"].control: 2 conversions exceed 1 exposures"
    );
}
