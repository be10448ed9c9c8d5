//! Native decide benchmark: `cargo bench --bench decide -- [benchDir]` (run by `make bench`, which first
//! writes the inputs with `www/bench/generate.mjs`: 500 offers with 3 to 5 conditions each, a customer with
//! 200 purchases). Measures, as medians of many runs after a warm-up:
//! - `Engine::from_json` on the model text;
//! - `DecideRequest::from_json` + `engine.decide` on the request text;
//! - `engine.decide_json` (the same plus the decision's JSON text, what the Wasm binding does).
//!
//! Prints the figures and writes them to `benchDir/native.json` for `www/bench/report.mjs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::{DecideRequest, Engine};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

const LOAD_RUNS: usize = 30;
const WARMUP: usize = 2_000;
const RUNS: usize = 20_000;

/// Median and p95 of `runs` timed calls of `f`, in microseconds.
fn measure(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    (at(0.5), at(0.95))
}

fn main() {
    // cargo passes `--bench` to a harness-less bench; the first other argument is the inputs' folder.
    let dir = PathBuf::from(
        std::env::args()
            .skip(1)
            .find(|a| !a.starts_with("--"))
            .unwrap_or_else(|| "bench-out".to_owned()),
    );
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run `node www/bench/generate.mjs` or `make bench` first)",
                dir.join(name).display()
            )
        })
    };
    let model = read("model.json");
    let request_text = read("request.json");

    let (load_us, load_p95_us) = measure(LOAD_RUNS, || {
        black_box(Engine::from_json(black_box(&model)).unwrap());
    });

    let engine = Engine::from_json(&model).unwrap();
    let decide_once = || {
        let request = DecideRequest::from_json(black_box(&request_text)).unwrap();
        let decision = engine.decide(&request).unwrap();
        black_box(&decision);
    };
    for _ in 0..WARMUP {
        decide_once();
    }
    let (decide_us, decide_p95_us) = measure(RUNS, decide_once);
    let (decide_json_us, decide_json_p95_us) = measure(RUNS, || {
        black_box(engine.decide_json(black_box(&request_text)).unwrap());
    });

    let offers = engine.decide_json(&request_text).unwrap();
    println!(
        "native: Engine::from_json: median {load_us:.1} us, p95 {load_p95_us:.1} us ({LOAD_RUNS} runs)"
    );
    println!(
        "native: DecideRequest::from_json + decide: median {decide_us:.1} us, p95 {decide_p95_us:.1} us \
         ({RUNS} runs)"
    );
    println!(
        "native: decide_json (text in, text out): median {decide_json_us:.1} us, p95 \
         {decide_json_p95_us:.1} us ({RUNS} runs)"
    );
    println!("native: decision is {} bytes of JSON", offers.len());

    let json = format!(
        "{{\n  \"loadUs\": {load_us},\n  \"loadP95Us\": {load_p95_us},\n  \"decideUs\": {decide_us},\n  \
         \"decideP95Us\": {decide_p95_us},\n  \"decideJsonUs\": {decide_json_us},\n  \
         \"decideJsonP95Us\": {decide_json_p95_us},\n  \"runs\": {RUNS}\n}}\n"
    );
    std::fs::write(dir.join("native.json"), json).unwrap();
}
