//! The core compiled to wasm32 and run in headless Chromium by `wasm-bindgen-test-runner` through
//! ChromeDriver (`make test-wasm-browser`; the browser's flags are in `webdriver.json`): the same GrowthBook
//! conformance sections and golden decide cases as in Node. Only built for wasm32.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod wasm_cases;

use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn all_248_eval_condition_cases_pass_in_the_browser() {
    wasm_cases::eval_condition_cases_pass();
}

#[test]
fn hash_cases_pass_in_the_browser() {
    wasm_cases::hash_cases_pass();
}

#[test]
fn bucket_range_cases_pass_in_the_browser() {
    wasm_cases::bucket_range_cases_pass();
}

#[test]
fn choose_variation_cases_pass_in_the_browser() {
    wasm_cases::choose_variation_cases_pass();
}

#[test]
fn in_namespace_cases_pass_in_the_browser() {
    wasm_cases::in_namespace_cases_pass();
}

#[test]
fn golden_decide_cases_pass_in_the_browser() {
    wasm_cases::golden_decide_cases_pass();
}
