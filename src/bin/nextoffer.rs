//! The `nextoffer` command line (work in progress).
fn main() {}
