//! The `nextoffer` command line: results on stdout, one-line errors on stderr, exit status 1 or 2.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;
use support::{nextoffer, write_temp};

use std::process::Command;

const MODEL: &str = "tests/spec/models/coffee-shop.json";

#[test]
fn decide_prints_the_decision_as_json() {
    let request = write_temp(
        "req.json",
        r#"{"customer":{"attributes":{"plan":"pro"}},"context":{"placement":"cart","now":"2026-11-23T10:00:00Z"},"limit":1}"#,
    );
    let (status, stdout, stderr) = nextoffer(&["decide", "--model", MODEL, "--request", &request]);
    assert_eq!(status, 0, "{stderr}");
    let decision = nextoffer::json::parse(stdout.trim()).unwrap();
    let offers = decision.get("offers").unwrap().as_array().unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].get("id").unwrap().as_str(), Some("grinder-pro"));
}

#[test]
fn a_bad_request_file_gives_one_line_and_exit_status_one() {
    let request = write_temp("bad.json", r#"{"context":{"now":"tomorrow"}}"#);
    let (status, stdout, stderr) = nextoffer(&["decide", "--model", MODEL, "--request", &request]);
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("context.now") && stderr.contains("ISO date"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_and_a_bad_command_line_are_distinguished() {
    let (status, _, stderr) = nextoffer(&[
        "decide",
        "--model",
        "/nonexistent/model.json",
        "--request",
        "x",
    ]);
    assert_eq!(status, 1);
    assert!(stderr.contains("cannot read"), "{stderr}");
    let (status, _, stderr) = nextoffer(&["decide", "--model"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("--model needs a value"), "{stderr}");
    let (status, _, _) = nextoffer(&["frobnicate"]);
    assert_eq!(status, 2);
}

#[test]
fn merge_state_adds_the_counts_of_every_file() {
    let a = write_temp(
        "a.json",
        r#"{"format":"nextoffer-state","version":1,"offers":{"mug":{"total":{"clicks":2}}}}"#,
    );
    let b = write_temp(
        "b.json",
        r#"{"format":"nextoffer-state","version":1,"offers":{"mug":{"total":{"clicks":3,"impressions":10}}}}"#,
    );
    let (status, stdout, stderr) = nextoffer(&["merge-state", &a, &b]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains(r#""mug":{"total":{"impressions":10,"clicks":5"#),
        "{stdout}"
    );
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextoffer"))
        // 2.5 MB of output: far more than a pipe buffers, so the write meets the closed pipe.
        .args(["insight", "www/demo/orders.csv"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe while the command is still writing.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
