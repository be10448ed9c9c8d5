//! Fuzz target `orders_csv`: see `nextoffer_fuzz::orders_csv` for what it feeds the library and what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nextoffer_fuzz::orders_csv(data));
