//! A callgrind harness over the decide bench's exact inputs (`node www/bench/generate.mjs bench-out` writes
//! them): `cargo run --release --example decide_profile -- <load|decide|decide-for|decide-for-json> [runs]
//! [benchDir]`, then `valgrind --tool=callgrind` on the built binary. Instruction counts, unlike wall-clock
//! figures, hold still on a shared machine; the warm-up call is excluded by running 1 and N and subtracting.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::{DecideRequest, Engine};
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map_or("decide-for-json", String::as_str);
    let runs: usize = args.get(1).map_or(100, |r| r.parse().unwrap());
    let dir = std::path::PathBuf::from(args.get(2).map_or("bench-out", String::as_str));
    let model = std::fs::read_to_string(dir.join("model.json")).unwrap();
    let request = std::fs::read_to_string(dir.join("request.json")).unwrap();
    if mode == "load" {
        for _ in 0..runs {
            black_box(Engine::from_json(black_box(&model)).unwrap());
        }
        return;
    }
    let engine = Engine::from_json(&model).unwrap();
    // The Wasm bench's decideFor: the profile prepared once, each call carries context and contacts.
    let full = nextoffer::json::parse(&request).unwrap();
    let customer = full.get("customer").unwrap();
    let mut profile = String::from("{");
    let mut per_call = String::from("{\"customer\":{\"contacts\":");
    let nextoffer::json::Value::Object(fields) = customer else {
        panic!("customer is not an object")
    };
    for (key, value) in fields.iter() {
        if key == "contacts" {
            per_call.push_str(&value.to_json());
        } else {
            if profile.len() > 1 {
                profile.push(',');
            }
            profile.push_str(&format!("\"{key}\":{}", value.to_json()));
        }
    }
    profile.push('}');
    per_call.push('}');
    for key in ["context", "limit", "seed"] {
        if let Some(value) = full.get(key) {
            per_call.push_str(&format!(",\"{key}\":{}", value.to_json()));
        }
    }
    per_call.push('}');
    let prepared = engine.prepare_customer(&profile).unwrap();
    let mut bytes = 0;
    for _ in 0..runs {
        bytes += match mode {
            "decide" => {
                let req = DecideRequest::from_json(black_box(&request)).unwrap();
                engine.decide(&req).unwrap().to_json().len()
            }
            "decide-json" => engine.decide_json(black_box(&request)).unwrap().len(),
            "decide-for" => engine
                .decide_for(&prepared, black_box(&per_call))
                .unwrap()
                .offers
                .len(),
            "decide-for-json" => engine
                .decide_for_json(&prepared, black_box(&per_call))
                .unwrap()
                .len(),
            other => panic!("unknown mode {other}"),
        };
    }
    black_box(bytes);
}
