//! The value lists of `$in`, `$nin`, `$ini`, `$nini` and saved groups, compiled for membership tests.
//!
//! JavaScript's `Array.prototype.includes` matches only primitives (objects compare by reference, so a
//! condition's object never equals an attribute's), so the list splits into strings, numbers, booleans and
//! `null`. Long string lists become a hash set with a small Fx-style hasher: the keys come from the model,
//! lookups never insert, so hash flooding is not a concern.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::json::Value;

/// String lists longer than this are hashed; shorter ones scanned.
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
    Many(HashSet<Box<str>, BuildHasherDefault<FxHasher>>),
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
                Value::String(s) if folded => strings.push(s.to_lowercase().into()),
                Value::String(s) => strings.push(s.as_str().into()),
                Value::Number(n) => set.numbers.push(*n),
                Value::Bool(true) => set.has_true = true,
                Value::Bool(false) => set.has_false = true,
                Value::Null => set.has_null = true,
                Value::Array(_) | Value::Object(_) => {}
            }
        }
        set.strings = if strings.len() > LINEAR_SCAN_MAX {
            Strings::Many(strings.into_iter().collect())
        } else {
            Strings::Few(strings)
        };
        set
    }

    /// GrowthBook's `isIn`: an array attribute matches when any element is in the set.
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
            Strings::Many(set) => set.contains(s),
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
    f(&s.to_lowercase())
}

/// A fast non-cryptographic hasher (the rustc "Fx" multiply-rotate scheme).
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        if let Some(dst) = tail.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.add(u64::from_le_bytes(tail) ^ (rest.len() as u64));
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}
