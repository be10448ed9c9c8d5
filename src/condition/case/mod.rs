//! JavaScript's case conversions, from compact range tables instead of the standard library's.
//!
//! `$ini`, `$nini`, `$alli` compare `String(value).toLowerCase()`, and `$regexi` compares code units
//! canonicalized by `toUpperCase` (ECMAScript's `Canonicalize` for non-Unicode patterns). The standard
//! library's `to_lowercase` tables cost 11 KB of gzipped Wasm; the ranges of [`tables`] cost a third of
//! that and come from JavaScript itself.

mod tables;

use tables::{ALTERNATE, LOWER, UPPER};

/// Looks `cp` up in a range table.
fn map(table: &[(u32, u32, i32)], cp: u32) -> u32 {
    let index = table.partition_point(|&(first, _, _)| first & !ALTERNATE <= cp);
    let Some(&(first, last, delta)) = index.checked_sub(1).and_then(|i| table.get(i)) else {
        return cp;
    };
    let start = first & !ALTERNATE;
    let alternate = first & ALTERNATE != 0;
    if cp > last || (alternate && (cp - start) % 2 != 0) {
        return cp;
    }
    cp.checked_add_signed(delta).unwrap_or(cp)
}

/// The single-character lowercase of `c` (itself when it has none).
pub(crate) fn lower_char(c: char) -> char {
    char::from_u32(map(&LOWER, u32::from(c))).unwrap_or(c)
}

fn has_case(c: char) -> bool {
    let cp = u32::from(c);
    map(&LOWER, cp) != cp || map(&UPPER, cp) != cp
}

/// JavaScript's `String.prototype.toLowerCase`: single-character mappings, `İ` to `i̇`, and a final `Σ`
/// (after a cased letter, not before one) to `ς`. Case-ignorable characters between them are not skipped,
/// a simplification of the Unicode rule.
pub(crate) fn to_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    let mut previous: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{130}' => out.push_str("i\u{307}"),
            '\u{3A3}' => {
                let after_cased = previous.is_some_and(has_case);
                let before_cased = chars.peek().is_some_and(|&next| has_case(next));
                out.push(if after_cased && !before_cased {
                    '\u{3C2}'
                } else {
                    '\u{3C3}'
                });
            }
            _ => out.push(lower_char(c)),
        }
        previous = Some(c);
    }
    out
}

/// ECMAScript's `Canonicalize` for a case-insensitive, non-Unicode regex: the unit's uppercase when that
/// is one unit, unless it would turn a non-ASCII unit into an ASCII one.
pub(crate) fn canonicalize(unit: u16) -> u16 {
    let upper = map(&UPPER, u32::from(unit));
    match u16::try_from(upper) {
        Ok(upper) if unit < 0x80 || upper >= 0x80 => upper,
        _ => unit,
    }
}
