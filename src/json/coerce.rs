//! JavaScript's `String(v)` and `Number(v)` coercions over [`Value`].
//!
//! GrowthBook's evaluator runs in JavaScript and leans on implicit coercion: `$in` matches with `===` but
//! `$lt`/`$gt` compare with `<`/`>`, which coerce strings and numbers; version operators stringify their
//! operands. Reproducing its answers case for case needs the same coercions.

use std::borrow::Cow;

use super::Value;

/// JavaScript's `Number.prototype.toString()` for any `f64`: `1` not `1.0`, `1e+21`, `-0` as `0`, `NaN`,
/// `Infinity`, `-Infinity`.
///
/// ```
/// use nextoffer::json::number_to_js_string;
/// assert_eq!(number_to_js_string(1.0), "1");
/// assert_eq!(number_to_js_string(-0.0), "0");
/// assert_eq!(number_to_js_string(1e21), "1e+21");
/// assert_eq!(number_to_js_string(0.1 + 0.2), "0.30000000000000004");
/// ```
pub fn number_to_js_string(n: f64) -> Cow<'static, str> {
    if n.is_nan() {
        Cow::Borrowed("NaN")
    } else if n == f64::INFINITY {
        Cow::Borrowed("Infinity")
    } else if n == f64::NEG_INFINITY {
        Cow::Borrowed("-Infinity")
    } else if n == 0.0 {
        Cow::Borrowed("0")
    } else {
        let mut buffer = ryu_js::Buffer::new();
        Cow::Owned(buffer.format_finite(n).to_owned())
    }
}

/// JavaScript's `String(v)`: `null` → `"null"`, booleans and numbers as JavaScript prints them, strings
/// unchanged (borrowed), arrays joined with `,` (with `null` elements as empty strings, as
/// `Array.prototype.join` does), objects `"[object Object]"`.
///
/// ```
/// use nextoffer::json::{js_to_string, parse};
/// assert_eq!(js_to_string(&parse("[1,null,[2,true]]").unwrap()), "1,,2,true");
/// assert_eq!(js_to_string(&parse(r#"{"a":1}"#).unwrap()), "[object Object]");
/// ```
pub fn js_to_string(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Null => Cow::Borrowed("null"),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        Value::Number(n) => number_to_js_string(*n),
        Value::String(s) => Cow::Borrowed(s),
        Value::Array(items) => {
            let mut out = String::new();
            join_into(items, &mut out);
            Cow::Owned(out)
        }
        Value::Object(_) => Cow::Borrowed("[object Object]"),
    }
}

fn join_into(items: &[Value], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Value::Null => {}
            Value::Array(inner) => join_into(inner, out),
            other => out.push_str(&js_to_string(other)),
        }
    }
}

/// JavaScript's `Number(v)`: `null` → 0, booleans 1 and 0, strings by JavaScript's `StringToNumber`
/// (trimmed; `""` → 0; decimal, `Infinity`, or `0x`/`0o`/`0b` integers; anything else NaN), arrays through
/// their string (`[]` → 0, `[5]` → 5, `[1,2]` → NaN), objects NaN.
///
/// ```
/// use nextoffer::json::{js_to_number, Value};
/// assert_eq!(js_to_number(&Value::from(" 12.5e1 ")), 125.0);
/// assert_eq!(js_to_number(&Value::from("")), 0.0);
/// assert_eq!(js_to_number(&Value::from("0x1F")), 31.0);
/// assert!(js_to_number(&Value::from("12px")).is_nan());
/// ```
pub fn js_to_number(value: &Value) -> f64 {
    match value {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => *n,
        Value::String(s) => string_to_number(s),
        Value::Array(_) => string_to_number(&js_to_string(value)),
        Value::Object(_) => f64::NAN,
    }
}

/// JavaScript's `StringToNumber`.
pub(crate) fn string_to_number(s: &str) -> f64 {
    let s = s.trim_matches(is_js_whitespace);
    if s.is_empty() {
        return 0.0;
    }
    match s {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let bytes = s.as_bytes();
    if let [b'0', prefix, digits @ ..] = bytes {
        let radix = match prefix {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            return radix_integer(digits, radix);
        }
    }
    if is_decimal_literal(bytes) {
        super::number::parse_decimal(s).unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

fn radix_integer(digits: &[u8], radix: u32) -> f64 {
    if digits.is_empty() {
        return f64::NAN;
    }
    let mut value = 0.0;
    for &b in digits {
        match char::from(b).to_digit(radix) {
            Some(d) => value = value * f64::from(radix) + f64::from(d),
            None => return f64::NAN,
        }
    }
    value
}

/// `StrDecimalLiteral`: optional sign, digits with an optional point (at least one digit), optional
/// exponent with at least one digit.
fn is_decimal_literal(bytes: &[u8]) -> bool {
    let mut rest = match bytes {
        [b'+' | b'-', rest @ ..] => rest,
        _ => bytes,
    };
    let mut mantissa_digits = 0;
    while let [b'0'..=b'9', tail @ ..] = rest {
        mantissa_digits += 1;
        rest = tail;
    }
    if let [b'.', tail @ ..] = rest {
        rest = tail;
        while let [b'0'..=b'9', tail @ ..] = rest {
            mantissa_digits += 1;
            rest = tail;
        }
    }
    if mantissa_digits == 0 {
        return false;
    }
    if let [b'e' | b'E', tail @ ..] = rest {
        rest = match tail {
            [b'+' | b'-', tail @ ..] => tail,
            _ => tail,
        };
        let mut exponent_digits = 0;
        while let [b'0'..=b'9', tail @ ..] = rest {
            exponent_digits += 1;
            rest = tail;
        }
        if exponent_digits == 0 {
            return false;
        }
    }
    rest.is_empty()
}

/// JavaScript's WhiteSpace and LineTerminator characters, which `String.prototype.trim` removes.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}
