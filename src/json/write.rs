//! Compact JSON output, byte-compatible with JavaScript's `JSON.stringify`.
//!
//! GrowthBook compares non-operator condition objects and arrays by their `JSON.stringify` text, so the
//! number format (JavaScript's `Number.prototype.toString`, via `ryu-js`) and the string escapes must match
//! it exactly. Writing recurses once per nesting level: parsed values are at most [`super::MAX_DEPTH`] deep.

use super::{number_to_js_string, Value};

pub(super) fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(*n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(object) => {
            out.push('{');
            for (i, (key, item)) in object.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// `JSON.stringify` writes non-finite numbers as `null`.
fn write_number(n: f64, out: &mut String) {
    if n.is_finite() {
        out.push_str(&number_to_js_string(n));
    } else {
        out.push_str("null");
    }
}

/// Escapes as `JSON.stringify` does: `"` and `\`, the short escapes `\b \f \n \r \t`, other control
/// characters as lowercase `\u00xx`; everything else (including U+2028 and U+2029) raw.
pub(super) fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut run_start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run_start..i).unwrap_or_default());
        run_start = i + 1;
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0xf));
        } else {
            out.push_str(short);
        }
    }
    out.push_str(s.get(run_start..).unwrap_or_default());
    out.push('"');
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).unwrap_or('0')
}
