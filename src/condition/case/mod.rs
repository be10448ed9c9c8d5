//! JavaScript's case conversions, from compact range tables instead of the standard library's.
//!
//! `$ini`, `$nini`, `$alli` compare `String(value).toLowerCase()`, and `$regexi` compares code units
//! canonicalized by `toUpperCase` (ECMAScript's `Canonicalize` for non-Unicode patterns). The standard
//! library's `to_lowercase` tables cost 11 KB of gzipped Wasm; the ranges of [`tables`] cost a third of
//! that and come from JavaScript itself.

mod tables;

use tables::{ALTERNATE, LOWER, UPPER};

/// A range table as the binary holds it: per range, `first << 11 | alternate << 10 | (last - first)` in
/// one column and the delta in another. Two columns of words gzip better than the source's triples (the
/// deltas repeat): 450 B less gzipped Wasm. Packed at compile time, so the triples are not in the binary.
struct Packed<const N: usize> {
    keys: [u32; N],
    deltas: [i32; N],
}

/// Packs a table of [`tables`]; a range too long or a code point too high for the key fails the build.
#[allow(clippy::indexing_slicing)] // evaluated at compile time: an index out of bounds fails the build
const fn pack<const N: usize>(table: &[(u32, u32, i32); N]) -> Packed<N> {
    let mut packed = Packed {
        keys: [0; N],
        deltas: [0; N],
    };
    let mut i = 0;
    while i < N {
        let (first, last, delta) = table[i];
        let start = first & !ALTERNATE;
        assert!(start < 1 << 21 && last - start < 1 << 10);
        let alternate = if first & ALTERNATE != 0 { 1 << 10 } else { 0 };
        packed.keys[i] = start << 11 | alternate | (last - start);
        packed.deltas[i] = delta;
        i += 1;
    }
    packed
}

static LOWER_PACKED: Packed<{ LOWER.len() }> = pack(&LOWER);
static UPPER_PACKED: Packed<{ UPPER.len() }> = pack(&UPPER);

/// Looks `cp` up in a packed range table (its `keys` and `deltas`).
fn map(keys: &[u32], deltas: &[i32], cp: u32) -> u32 {
    let index = keys.partition_point(|&key| key >> 11 <= cp);
    let Some(i) = index.checked_sub(1) else {
        return cp;
    };
    let (Some(&key), Some(&delta)) = (keys.get(i), deltas.get(i)) else {
        return cp;
    };
    let start = key >> 11;
    let alternate = key & 1 << 10 != 0;
    if cp > start + (key & 0x3FF) || (alternate && (cp - start) % 2 != 0) {
        return cp;
    }
    cp.checked_add_signed(delta).unwrap_or(cp)
}

fn lower(cp: u32) -> u32 {
    map(&LOWER_PACKED.keys, &LOWER_PACKED.deltas, cp)
}

fn upper(cp: u32) -> u32 {
    map(&UPPER_PACKED.keys, &UPPER_PACKED.deltas, cp)
}

/// The single-character lowercase of `c` (itself when it has none).
pub(crate) fn lower_char(c: char) -> char {
    char::from_u32(lower(u32::from(c))).unwrap_or(c)
}

fn has_case(c: char) -> bool {
    let cp = u32::from(c);
    lower(cp) != cp || upper(cp) != cp
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
    let upper = upper(u32::from(unit));
    match u16::try_from(upper) {
        Ok(upper) if unit < 0x80 || upper >= 0x80 => upper,
        _ => unit,
    }
}

#[cfg(test)]
mod tests {
    use super::tables::{ALTERNATE, LOWER, UPPER};

    /// The source triples, read directly.
    fn unpacked(table: &[(u32, u32, i32)], cp: u32) -> u32 {
        table
            .iter()
            .find(|&&(first, last, _)| {
                let start = first & !ALTERNATE;
                (start..=last).contains(&cp) && (first & ALTERNATE == 0 || (cp - start) % 2 == 0)
            })
            .map_or(cp, |&(_, _, delta)| cp.checked_add_signed(delta).unwrap())
    }

    #[test]
    fn packed_tables_map_code_points_as_the_source_ranges_do() {
        // Every code point of the dense scripts, and both edges of every range.
        let edges = LOWER.iter().chain(&UPPER).flat_map(|&(first, last, _)| {
            let start = first & !ALTERNATE;
            [start - 1, start, start + 1, last - 1, last, last + 1]
        });
        for cp in (0..0x3000).chain(edges).chain([0x10FFFF]) {
            assert_eq!(super::lower(cp), unpacked(&LOWER, cp), "lower {cp:#X}");
            assert_eq!(super::upper(cp), unpacked(&UPPER, cp), "upper {cp:#X}");
        }
    }
}
