//! Replays every committed fuzz input on stable: the seed corpus (`fuzz/corpus/TARGET/`) and every past
//! crasher (`fuzz/regressions/TARGET/`) go through the same entry functions the fuzz targets call
//! (`fuzz/src/lib.rs`, compiled here as a module), so a crash once found and fixed stays fixed. Each input must
//! finish without a panic and within a bounded time.

#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod entries;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Time allowed for one input in this unoptimised test build (a fuzz input is at most a few kilobytes; the
/// slowest, an orders file with a BG/NBD and Gamma-Gamma fit, takes milliseconds when optimised).
const PER_INPUT: Duration = Duration::from_secs(5);

fn inputs(folder: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder)
        .join(target);
    let Ok(read) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = read
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `target`; returns how many ran.
fn replay(target: &str) -> usize {
    let mut count = 0;
    for folder in ["corpus", "regressions"] {
        for path in inputs(folder, target) {
            let data = std::fs::read(&path).unwrap();
            let start = Instant::now();
            assert!(entries::run(target, &data), "{target} is a fuzz target");
            let took = start.elapsed();
            assert!(
                took < PER_INPUT,
                "{} took {took:?}, more than {PER_INPUT:?}",
                path.display()
            );
            count += 1;
        }
    }
    count
}

#[test]
fn every_fuzz_target_has_a_seed_corpus() {
    for target in entries::TARGETS {
        assert!(
            !inputs("corpus", target).is_empty(),
            "fuzz/corpus/{target}/ has seed inputs"
        );
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/fuzz_targets")
            .join(format!("{target}.rs"));
        assert!(source.is_file(), "{} exists", source.display());
    }
}

#[test]
fn model_loading_inputs_replay_without_panics() {
    assert!(replay("model") > 0);
}

#[test]
fn condition_inputs_replay_without_panics() {
    assert!(replay("condition") > 0);
}

#[test]
fn orders_csv_inputs_replay_without_panics() {
    assert!(replay("orders_csv") > 0);
}

#[test]
fn decide_inputs_replay_without_panics() {
    assert!(replay("decide") > 0);
}

#[test]
fn learned_state_inputs_replay_without_panics() {
    assert!(replay("state") > 0);
}

#[test]
fn recommender_model_inputs_replay_without_panics() {
    assert!(replay("recommend_model") > 0);
}

#[test]
fn an_unknown_target_name_is_refused() {
    assert!(!entries::run("no-such-target", b""));
}
