//! A small regular-expression engine with JavaScript's syntax and matching rules, for `$regex`/`$regexi`.
//!
//! GrowthBook evaluates `new RegExp(pattern, "i"?).test(value)`. Matching that exactly needs JavaScript's
//! rules, not another engine's: patterns and inputs are sequences of UTF-16 code units (so `.` matches half
//! of an emoji), `.` stops at `\n \r \u2028 \u2029`, `\s` is JavaScript's whitespace set, `\w` and `\b` are
//! ASCII, `{` that does not form a quantifier is a literal, `\8` is `8`. The engine is also far smaller in
//! Wasm than a general-purpose regex crate, which matters under the 80 KB budget.
//!
//! It compiles a pattern to a program for a Thompson NFA and simulates it (Pike's VM without captures):
//! matching takes time proportional to the input length times the program size, never exponential, and
//! programs are capped at [`MAX_PROGRAM`] instructions (`(a{100}){100}` is a compile error). Look-around and
//! backreferences, which need backtracking, are rejected at compile time.
//!
//! One known difference: in a named group's name, any non-ASCII character is accepted, where JavaScript
//! accepts only identifier characters (`(?<é>a)` is a group in both, `(?<a€>a)` only here).

mod parse;
mod vm;

use std::fmt;
use std::sync::Arc;

/// The most instructions a compiled pattern may have (each literal, class or repetition copy is one or two).
pub(crate) const MAX_PROGRAM: usize = 5_000;

/// The deepest nesting of groups in a pattern.
pub(crate) const MAX_GROUP_DEPTH: usize = 32;

/// A compiled pattern, shared by the conditions that use it (cloning it shares the program).
#[derive(Clone, Debug)]
pub(crate) struct Regex {
    program: Arc<vm::Program>,
}

/// Why a pattern does not compile; JavaScript throws a `SyntaxError` for all of these except the
/// unsupported features and the size limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RegexError {
    pub(crate) message: &'static str,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl Regex {
    /// Compiles `pattern` as `new RegExp(pattern, insensitive ? "i" : "")` would.
    pub(crate) fn new(pattern: &str, insensitive: bool) -> Result<Regex, RegexError> {
        let units: Vec<u16> = pattern.encode_utf16().collect();
        let (code, classes) = parse::parse(&units, insensitive)?;
        Ok(Regex {
            program: Arc::new(vm::Program::new(code, classes, insensitive)),
        })
    }

    /// JavaScript's `RegExp.prototype.test` (the regex has no `g` flag, so no state between calls).
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        self.program.is_match(haystack)
    }
}

/// The comparison key of a unit in a case-insensitive pattern: ECMAScript's `Canonicalize`.
pub(crate) fn fold(unit: u16) -> u16 {
    super::case::canonicalize(unit)
}
