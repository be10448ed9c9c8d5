//! The value lists of `$in`, `$nin`, `$ini`, `$nini` and saved groups, compiled for membership tests.
//!
//! JavaScript's `Array.prototype.includes` matches only primitives (objects compare by reference, so a
//! condition's object never equals an attribute's), so the list splits into strings, numbers, booleans and
//! `null`. Long string lists are sorted for binary search (a hash set would be faster still for very long
//! lists, but costs Wasm size for every key type it is instantiated with).

use super::case::to_lower;
use crate::json::Value;

/// String lists longer than this are sorted and binary-searched; shorter ones scanned.
const LINEAR_SCAN_MAX: usize = 8;

/// Lowercasing into a stack buffer avoids an allocation for short ASCII attributes.
const STACK_LOWERCASE_MAX: usize = 64;

#[derive(Clone, Debug, Default)]
pub(crate) struct InSet {
    strings: Strings,
    numbers: Vec<f64>,
    has_true: bool,
    has_false: bool,
    has_null: bool,
    /// Strings were lowercased at compile time and attributes are lowercased at lookup (`$ini`, `$nini`).
    folded: bool,
}

#[derive(Clone, Debug)]
enum Strings {
    Few(Vec<Box<str>>),
    /// Sorted, for binary search.
    Many(Vec<Box<str>>),
}

impl Default for Strings {
    fn default() -> Self {
        Strings::Few(Vec::new())
    }
}

impl InSet {
    /// Builds the set from a list; `folded` lowercases its strings for case-insensitive matching.
    pub(crate) fn new(items: &[Value], folded: bool) -> InSet {
        let mut strings: Vec<Box<str>> = Vec::new();
        let mut set = InSet {
            folded,
            ..InSet::default()
        };
        for item in items {
            match item {
                Value::String(s) if folded => strings.push(to_lower(s).into()),
                Value::String(s) => strings.push(s.as_str().into()),
                Value::Number(n) => set.numbers.push(*n),
                Value::Bool(true) => set.has_true = true,
                Value::Bool(false) => set.has_false = true,
                Value::Null => set.has_null = true,
                Value::Array(_) | Value::Object(_) => {}
            }
        }
        set.strings = if strings.len() > LINEAR_SCAN_MAX {
            crate::sort::sort_by(&mut strings, |a, b| a < b);
            Strings::Many(strings)
        } else {
            Strings::Few(strings)
        };
        set
    }

    /// GrowthBook's `isIn`: an array attribute matches when any element is in the set. Out of line in the server
    /// build, as the other operators of `Op::eval` (see the note above `folded_equals` in `tree.rs`).
    #[cfg_attr(feature = "preload", inline(never))]
    pub(crate) fn matches(&self, actual: &Value) -> bool {
        match actual {
            Value::Array(items) => items.iter().any(|item| self.contains(item)),
            other => self.contains(other),
        }
    }

    fn contains(&self, value: &Value) -> bool {
        match value {
            Value::String(s) if self.folded => with_lowercase(s, |lower| self.contains_str(lower)),
            Value::String(s) => self.contains_str(s),
            Value::Number(n) => self.numbers.iter().any(|m| m == n),
            Value::Bool(true) => self.has_true,
            Value::Bool(false) => self.has_false,
            Value::Null => self.has_null,
            Value::Array(_) | Value::Object(_) => false,
        }
    }

    fn contains_str(&self, s: &str) -> bool {
        match &self.strings {
            Strings::Few(list) => list.iter().any(|item| &**item == s),
            Strings::Many(sorted) => sorted.binary_search_by(|item| (**item).cmp(s)).is_ok(),
        }
    }
}

/// Calls `f` with `s` lowercased as JavaScript's `toLowerCase` would, without allocating for short ASCII.
pub(crate) fn with_lowercase<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    if s.is_ascii() {
        if !s.bytes().any(|b| b.is_ascii_uppercase()) {
            return f(s);
        }
        let mut buffer = [0u8; STACK_LOWERCASE_MAX];
        if let Some(dst) = buffer.get_mut(..s.len()) {
            dst.copy_from_slice(s.as_bytes());
            dst.make_ascii_lowercase();
            if let Ok(lower) = std::str::from_utf8(dst) {
                return f(lower);
            }
        }
    }
    f(&to_lower(s))
}
