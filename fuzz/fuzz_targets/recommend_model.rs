//! Fuzz target `recommend_model`: see `nextoffer_fuzz::recommend_model` for what it feeds the library and what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nextoffer_fuzz::recommend_model(data));
