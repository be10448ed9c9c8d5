//! Compact JSON output, byte-compatible with JavaScript's `JSON.stringify`.
//!
//! GrowthBook compares non-operator condition objects and arrays by their `JSON.stringify` text, so the
//! number format (JavaScript's `Number.prototype.toString`, via `ryu-js`) and the string escapes must match
//! it exactly. Writing recurses once per nesting level: parsed values are at most [`super::MAX_DEPTH`] deep.

use super::Value;

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

/// `JSON.stringify` writes non-finite numbers as `null`. Formats on the stack: no allocation per number.
pub(super) fn write_number(n: f64, out: &mut String) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n == 0.0 {
        out.push('0');
    } else {
        out.push_str(ryu_js::Buffer::new().format_finite(n));
    }
}

/// Writes JSON text straight into a buffer, with no tree in between: how decisions are written, since a
/// tree would cost an allocation per key and per string of every ranked and suppressed offer.
///
/// ```
/// let mut w = nextoffer::json::Writer::new();
/// w.begin_object();
/// w.key("ids");
/// w.begin_array();
/// w.string("a\"b");
/// w.number(1.5);
/// w.end_array();
/// w.end_object();
/// assert_eq!(w.finish(), r#"{"ids":["a\"b",1.5]}"#);
/// ```
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    /// Whether the next value or key needs a comma before it.
    after_value: bool,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Writer {
        Writer {
            out: String::with_capacity(1024),
            after_value: false,
        }
    }

    fn separate(&mut self) {
        if self.after_value {
            self.out.push(',');
        }
    }

    /// Opens an object.
    pub fn begin_object(&mut self) {
        self.separate();
        self.out.push('{');
        self.after_value = false;
    }

    /// Closes the current object.
    pub fn end_object(&mut self) {
        self.out.push('}');
        self.after_value = true;
    }

    /// Opens an array.
    pub fn begin_array(&mut self) {
        self.separate();
        self.out.push('[');
        self.after_value = false;
    }

    /// Closes the current array.
    pub fn end_array(&mut self) {
        self.out.push(']');
        self.after_value = true;
    }

    /// Writes a key of the current object; its value follows.
    pub fn key(&mut self, key: &str) {
        self.separate();
        write_string(key, &mut self.out);
        self.out.push(':');
        self.after_value = false;
    }

    /// Writes a string value.
    pub fn string(&mut self, s: &str) {
        self.separate();
        write_string(s, &mut self.out);
        self.after_value = true;
    }

    /// Writes a number value (`null` when not finite, as `JSON.stringify` does).
    pub fn number(&mut self, n: f64) {
        self.separate();
        write_number(n, &mut self.out);
        self.after_value = true;
    }

    /// Writes a boolean value.
    pub fn boolean(&mut self, b: bool) {
        self.separate();
        self.out.push_str(if b { "true" } else { "false" });
        self.after_value = true;
    }

    /// Writes any value.
    pub fn value(&mut self, value: &Value) {
        self.separate();
        write_value(value, &mut self.out);
        self.after_value = true;
    }

    /// The text written.
    pub fn finish(self) -> String {
        self.out
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
