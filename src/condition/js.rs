//! The JavaScript semantics GrowthBook's evaluator relies on, over [`Value`]: truthiness, loose relational
//! comparison, `JSON.stringify` equality, UTF-16 string order, and `paddedVersionString`.

use std::cmp::Ordering;

use crate::json::{js_to_string, number_to_js_string, string_to_number, Value};

/// JavaScript truthiness: `null`, `false`, `0`, `NaN` and `""` are falsy; arrays and objects always truthy.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Whether `JSON.stringify(a) === JSON.stringify(b)`, without building either string. Non-finite numbers
/// stringify as `null`, `-0` as `0`.
pub(crate) fn json_text_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_finite() && y.is_finite() {
                x == y
            } else {
                !x.is_finite() && !y.is_finite()
            }
        }
        (Value::Number(x), Value::Null) | (Value::Null, Value::Number(x)) => !x.is_finite(),
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_text_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((kx, vx), (ky, vy))| kx == ky && json_text_eq(vx, vy))
        }
        _ => false,
    }
}

/// A sort key giving UTF-16 code unit order (JavaScript's string order) when compared char by char: a BMP
/// character compares by its code, an astral one by its surrogate pair.
fn utf16_key(c: char) -> u32 {
    let u = u32::from(c);
    if u < 0x1_0000 {
        u << 16
    } else {
        let v = u - 0x1_0000;
        ((0xD800 + (v >> 10)) << 16) | (0xDC00 + (v & 0x3FF))
    }
}

/// JavaScript's `<` order on strings: UTF-16 code units, not UTF-8 bytes.
pub(crate) fn cmp_utf16(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.as_bytes().cmp(b.as_bytes());
    }
    a.chars().map(utf16_key).cmp(b.chars().map(utf16_key))
}

/// An operand of `<`, `>`, `<=`, `>=` after JavaScript's `ToPrimitive`: strings stay strings (arrays and
/// objects become their string), everything else becomes a number.
#[derive(Clone, Debug)]
pub(crate) enum Primitive {
    /// A string, with its `Number()` value for comparisons against numbers.
    Str(Box<str>, f64),
    /// A number (booleans and `null` already converted).
    Num(f64),
}

impl Primitive {
    pub(crate) fn of(value: &Value) -> Primitive {
        match value {
            Value::Number(n) => Primitive::Num(*n),
            Value::Bool(b) => Primitive::Num(f64::from(u8::from(*b))),
            Value::Null => Primitive::Num(0.0),
            Value::String(_) | Value::Array(_) | Value::Object(_) => {
                let s = js_to_string(value);
                let n = string_to_number(&s);
                Primitive::Str(s.into(), n)
            }
        }
    }
}

/// JavaScript's abstract relational comparison of `actual` against a pre-converted `expected`; `None`
/// when either side is NaN (every comparison is then false).
pub(crate) fn js_compare(actual: &Value, expected: &Primitive) -> Option<Ordering> {
    let actual_num = match actual {
        Value::Number(n) => *n,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Null => 0.0,
        Value::String(s) => return compare_str(s, expected),
        Value::Array(_) | Value::Object(_) => return compare_str(&js_to_string(actual), expected),
    };
    let expected_num = match expected {
        Primitive::Str(_, n) | Primitive::Num(n) => *n,
    };
    actual_num.partial_cmp(&expected_num)
}

fn compare_str(actual: &str, expected: &Primitive) -> Option<Ordering> {
    match expected {
        Primitive::Str(s, _) => Some(cmp_utf16(actual, s)),
        Primitive::Num(n) => string_to_number(actual).partial_cmp(n),
    }
}

/// The text GrowthBook's `paddedVersionString` starts from: numbers as JavaScript prints them, non-empty
/// strings as they are, anything else `"0"`.
pub(crate) fn version_input(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::Number(n) => number_to_js_string(*n),
        Value::String(s) if !s.is_empty() => std::borrow::Cow::Borrowed(s),
        _ => std::borrow::Cow::Borrowed("0"),
    }
}

/// GrowthBook's `paddedVersionString` as a character stream (no allocation): drop a leading `v` and the
/// build suffix (`+...`), split on `-` and `.`, append `~` to a plain `x.y.z`, left-pad numeric parts to five
/// characters with spaces, join with `-`. Comparing two streams in UTF-16 order compares versions.
pub(crate) fn padded_version(input: &str) -> impl Iterator<Item = char> + '_ {
    let core = version_core(input);
    let count = version_parts(core).count();
    let tilde = if count == 3 { Some("~") } else { None };
    version_parts(core)
        .chain(tilde)
        .enumerate()
        .flat_map(|(i, part)| {
            let separator = if i > 0 { Some('-') } else { None };
            let numeric = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            let pad = if numeric {
                5usize.saturating_sub(part.len())
            } else {
                0
            };
            separator
                .into_iter()
                .chain(std::iter::repeat_n(' ', pad))
                .chain(part.chars())
        })
}

/// `core.split(['-', '.'])` by a byte scan (both separators are ASCII): core's `Split` with a char pattern
/// costs the Wasm package about 0.3 KB for this one use.
fn version_parts(core: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(core);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.bytes().position(|b| b == b'-' || b == b'.') {
            Some(i) => {
                rest = text.get(i + 1..);
                text.get(..i)
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// `input.replace(/(^v|\+.*$)/g, "")`: `.` does not cross line terminators, so the build suffix starts at the
/// first `+` after the last line terminator.
fn version_core(input: &str) -> &str {
    let input = input.strip_prefix('v').unwrap_or(input);
    let after_terminator = input
        .rfind(['\n', '\r', '\u{2028}', '\u{2029}'])
        .map_or(0, |i| i + 1);
    match input
        .get(after_terminator..)
        .and_then(|tail| tail.bytes().position(|b| b == b'+'))
    {
        Some(plus) => input.get(..after_terminator + plus).unwrap_or(input),
        None => input,
    }
}

/// Compares the padded form of `actual` with an already padded `expected`, in JavaScript string order.
pub(crate) fn cmp_padded(actual: &str, expected_padded: &str) -> Ordering {
    if actual.is_ascii() && expected_padded.is_ascii() {
        let mut buffer = [0u8; PADDED_BUFFER];
        if let Some(padded) = padded_ascii(actual.as_bytes(), &mut buffer) {
            // For ASCII, byte order is UTF-16 order.
            return padded.cmp(expected_padded.as_bytes());
        }
    }
    padded_version(actual)
        .map(utf16_key)
        .cmp(expected_padded.chars().map(utf16_key))
}

/// Room for the padded form of a typical version string without allocating.
const PADDED_BUFFER: usize = 96;

/// [`padded_version`] for ASCII input, into a stack buffer: the common case of every `$v...` comparison.
/// `None` when it does not fit.
fn padded_ascii<'b>(input: &[u8], buffer: &'b mut [u8; PADDED_BUFFER]) -> Option<&'b [u8]> {
    let input = input.strip_prefix(b"v").unwrap_or(input);
    let after_terminator = input
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let core = match input
        .get(after_terminator..)?
        .iter()
        .position(|&b| b == b'+')
    {
        Some(plus) => input.get(..after_terminator + plus)?,
        None => input,
    };
    let separator = |b: &u8| *b == b'-' || *b == b'.';
    let tilde: &[u8] = b"~";
    let extra = (core.split(separator).count() == 3).then_some(tilde);
    let mut len = 0;
    let mut push = |byte: u8| -> Option<()> {
        *buffer.get_mut(len)? = byte;
        len += 1;
        Some(())
    };
    for (i, part) in core.split(separator).chain(extra).enumerate() {
        if i > 0 {
            push(b'-')?;
        }
        if !part.is_empty() && part.iter().all(u8::is_ascii_digit) {
            for _ in part.len()..5 {
                push(b' ')?;
            }
        }
        for &b in part {
            push(b)?;
        }
    }
    buffer.get(..len)
}

#[cfg(test)]
mod tests {
    use super::version_parts;

    #[test]
    fn version_parts_split_like_str_split_on_dash_and_dot() {
        for text in ["1.2.3", "1.2.3-beta.1", "", ".", "-", "1..2", "a-", "é.ü-x"] {
            let expected: Vec<&str> = text.split(['-', '.']).collect();
            assert_eq!(version_parts(text).collect::<Vec<_>>(), expected, "{text}");
        }
    }
}
