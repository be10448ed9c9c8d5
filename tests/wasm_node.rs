//! The core compiled to wasm32 and run in Node by `wasm-bindgen-test-runner` (`make test-wasm-node`):
//! GrowthBook's conformance sections and the golden decide cases. Natively (`cargo test`) the same checks
//! run too, with one more: every case file of `tests/spec/` is embedded for the Wasm runs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod wasm_cases;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn all_248_eval_condition_cases_pass() {
    wasm_cases::eval_condition_cases_pass();
}

#[test]
fn hash_cases_pass() {
    wasm_cases::hash_cases_pass();
}

#[test]
fn bucket_range_cases_pass() {
    wasm_cases::bucket_range_cases_pass();
}

#[test]
fn choose_variation_cases_pass() {
    wasm_cases::choose_variation_cases_pass();
}

#[test]
fn in_namespace_cases_pass() {
    wasm_cases::in_namespace_cases_pass();
}

#[test]
fn golden_decide_cases_pass() {
    wasm_cases::golden_decide_cases_pass();
}

/// The file stems of `tests/spec/<dir>/*.json`, sorted.
#[cfg(not(target_arch = "wasm32"))]
fn spec_stems(dir: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/spec")
        .join(dir);
    let mut stems: Vec<String> = std::fs::read_dir(path)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    stems
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_spec_file_is_embedded_for_the_wasm_runs() {
    let listed = |files: &[(&str, &str)]| {
        let mut names: Vec<String> = files.iter().map(|(n, _)| (*n).to_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(
        listed(wasm_cases::GOLDEN),
        spec_stems("decide"),
        "add the new tests/spec/decide/ files to GOLDEN in tests/wasm_cases/mod.rs"
    );
    assert_eq!(
        listed(wasm_cases::MODELS),
        spec_stems("models"),
        "add the new tests/spec/models/ files to MODELS in tests/wasm_cases/mod.rs"
    );
}
