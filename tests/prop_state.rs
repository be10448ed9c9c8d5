//! Property tests of learned state: merging is commutative and associative (instances converge whatever the
//! order their states meet in), an exported state reads back equal, an engine that imports and merges states
//! exports their sum, and a state of another format or version is rejected, never misread.

#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use nextoffer::json::parse;
use nextoffer::{ContactEvent, Engine, LearnedState};
use proptest::prelude::*;

const EVENTS: [ContactEvent; 5] = ContactEvent::ALL;
const OFFERS: [&str; 4] = ["grinder-pro", "mug", "retired", "beans-dark"];
const SEGMENTS: [&str; 3] = ["gold", "silver", "bronze"];

/// One recorded batch: (offer, event, segment, count).
type Op = (usize, usize, Option<usize>, u64);

fn ops() -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(
        (
            0..OFFERS.len(),
            0..EVENTS.len(),
            proptest::option::of(0..SEGMENTS.len()),
            // Counts near 2^53 check that saturation at the largest exact JavaScript integer still merges
            // commutatively.
            prop_oneof![0..50u64, Just(1u64 << 52), Just(1u64 << 53)],
        ),
        0..12,
    )
}

fn build(ops: &[Op]) -> LearnedState {
    let mut state = LearnedState::default();
    for &(offer, event, segment, n) in ops {
        state
            .offer_mut(OFFERS[offer])
            .add(EVENTS[event], segment.map(|s| SEGMENTS[s]), n);
    }
    state
}

fn merged(a: &LearnedState, b: &LearnedState) -> LearnedState {
    let mut out = a.clone();
    out.merge(b);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn merging_states_is_commutative(a in ops(), b in ops()) {
        let (a, b) = (build(&a), build(&b));
        prop_assert_eq!(merged(&a, &b), merged(&b, &a));
    }

    #[test]
    fn merging_states_is_associative(a in ops(), b in ops(), c in ops()) {
        let (a, b, c) = (build(&a), build(&b), build(&c));
        prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
    }

    #[test]
    fn merging_equals_recording_every_event_in_one_state(a in ops(), b in ops()) {
        let all: Vec<Op> = a.iter().chain(&b).copied().collect();
        prop_assert_eq!(merged(&build(&a), &build(&b)), build(&all));
    }

    #[test]
    fn an_exported_state_reads_back_equal(a in ops()) {
        let state = build(&a);
        let text = state.to_json().to_json();
        let back = LearnedState::from_value(&parse(&text).unwrap()).unwrap();
        prop_assert_eq!(back, state);
    }

    #[test]
    fn the_state_written_as_text_is_the_json_of_its_tree(a in ops()) {
        let state = build(&a);
        prop_assert_eq!(state.to_json_text(), state.to_json().to_json());
    }

    #[test]
    fn an_engine_that_imports_and_merges_exports_the_sum(a in ops(), b in ops()) {
        let model = include_str!("spec/models/coffee-shop.json");
        let mut engine = Engine::from_json(model).unwrap();
        let (a, b) = (build(&a), build(&b));
        engine.import_state(&a);
        engine.merge_state(&b);
        let expected = merged(&a, &b);
        // The engine drops offers whose counts are all zero; compare the offers that hold anything.
        let exported = engine.export_state();
        for (id, stats) in expected.iter() {
            if *stats != Default::default() {
                prop_assert_eq!(exported.offer(id), Some(stats), "offer {}", id);
            }
        }
        for (id, _) in exported.iter() {
            prop_assert!(expected.offer(id).is_some(), "offer {} came from nowhere", id);
        }
    }

    #[test]
    fn a_state_of_any_other_version_is_rejected_naming_the_version(version in -3.0f64..10.0) {
        prop_assume!(version != 1.0);
        let text = format!(r#"{{"format":"nextoffer-state","version":{version},"offers":{{}}}}"#);
        let err = LearnedState::from_value(&parse(&text).unwrap()).unwrap_err();
        prop_assert_eq!(err.path(), "version");
        prop_assert!(err.message().contains("unsupported state version"), "{}", err.message());
    }
}
