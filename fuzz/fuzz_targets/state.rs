//! Fuzz target `state`: see `nextoffer_fuzz::state` for what it feeds the library and what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nextoffer_fuzz::state(data));
