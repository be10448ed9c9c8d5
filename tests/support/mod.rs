//! Helpers shared by the integration tests: run the built `nextoffer` binary, write input files, read the
//! spec's models.
#![allow(clippy::unwrap_used, dead_code)]

use std::process::Command;

/// Runs `nextoffer` with `args` from the repository root: (exit status, stdout, stderr).
pub fn nextoffer(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nextoffer"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Writes `text` to a temporary file named after `name` and this test process; returns its path.
pub fn write_temp(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("nextoffer-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// The text of the spec's coffee-shop model (`tests/spec/models/coffee-shop.json`).
pub fn coffee_shop() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/spec/models/coffee-shop.json"
    ))
    .unwrap()
}
