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
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        // Whole numbers below 1e15 print as their digits in JavaScript too; integer formatting is far
        // cheaper than the shortest-round-trip float search.
        out.push_str(itoa_i64(n as i64, &mut [0u8; 20]));
    } else {
        out.push_str(ryu_js::Buffer::new().format_finite(n));
    }
}

/// Formats a whole number into `buffer`, returning the digits.
pub(crate) fn itoa_i64(n: i64, buffer: &mut [u8; 20]) -> &str {
    let mut magnitude = n.unsigned_abs();
    let mut pos = buffer.len();
    loop {
        pos -= 1;
        if let Some(slot) = buffer.get_mut(pos) {
            *slot = b'0' + (magnitude % 10) as u8;
        }
        magnitude /= 10;
        if magnitude == 0 || pos == 1 {
            break;
        }
    }
    if n < 0 {
        pos -= 1;
        if let Some(slot) = buffer.get_mut(pos) {
            *slot = b'-';
        }
    }
    std::str::from_utf8(buffer.get(pos..).unwrap_or_default()).unwrap_or_default()
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

    /// An empty writer with room for `bytes` of text: a writer sized for its output never reallocates.
    pub fn with_capacity(bytes: usize) -> Writer {
        Writer {
            out: String::with_capacity(bytes),
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

/// Bytes that `JSON.stringify` escapes: control characters, `"` and `\`. A table lookup per byte keeps the
/// common case (nothing to escape) to one load and one branch. Built at compile time, so its indexing cannot
/// fail at run time.
#[allow(clippy::indexing_slicing)]
const NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Escapes as `JSON.stringify` does: `"` and `\`, the short escapes `\b \f \n \r \t`, other control
/// characters as lowercase `\u00xx`; everything else (including U+2028 and U+2029) raw.
pub(super) fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    // Copy whole runs between escapes: most strings have none, so this is one scan and one copy.
    while let Some(offset) = bytes.get(run_start..).and_then(first_escape) {
        let at = run_start + offset;
        out.push_str(s.get(run_start..at).unwrap_or_default());
        let b = bytes.get(at).copied().unwrap_or(0);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                out.push_str("\\u00");
                out.push(hex_digit(b >> 4));
                out.push(hex_digit(b & 0xf));
            }
        }
        run_start = at + 1;
    }
    out.push_str(s.get(run_start..).unwrap_or_default());
    out.push('"');
}

/// The index of the first byte that needs an escape. Eight bytes at a time (SWAR: a borrow in the subtraction
/// marks a byte below 0x20, or a zero byte after XOR with `"` or `\`): a decision writes about 240 strings and
/// 4.9 KB, and a byte at a time was about 19 K of its 200 K instructions (callgrind, native).
pub(super) fn first_escape(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // The lowest marked byte is exact in each test (borrows only run upward), so is their union's.
        let marks = (w.wrapping_sub(ONES * 0x20) & !w & HIGHS)
            | zero_byte(w ^ (ONES * u64::from(b'"')))
            | zero_byte(w ^ (ONES * u64::from(b'\\')));
        if marks != 0 {
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| NEEDS_ESCAPE.get(usize::from(b)) == Some(&true))
        .map(|offset| at + offset)
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).unwrap_or('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(n: f64) -> String {
        let mut out = String::new();
        write_number(n, &mut out);
        out
    }

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (7.0, "7"),
            (-42.0, "-42"),
            (999_999_999_999_999.0, "999999999999999"),
            (1e15, "1000000000000000"),
            (1e21, "1e+21"),
            (0.5, "0.5"),
            (-1.25e-7, "-1.25e-7"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
            (i64::MIN as f64, "-9223372036854776000"),
        ];
        for (n, text) in cases {
            assert_eq!(number(n), text, "{n}");
        }
    }

    #[test]
    fn the_word_scan_finds_the_same_first_escape_as_a_byte_scan() {
        let byte_scan = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|&b| NEEDS_ESCAPE.get(usize::from(b)) == Some(&true))
        };
        let alphabet = [
            b'a', b'"', b'\\', 0x1f, 0x20, 0x7f, 0x80, 0xff, 0x00, 0x21, 0x5b, 0x5d,
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for len in 0..40 {
            for _ in 0..300 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Mostly plain bytes, so escapes land at every offset of a word.
                        if seed % 8 == 0 {
                            alphabet[(seed >> 8) as usize % alphabet.len()]
                        } else {
                            b'a' + (seed >> 8) as u8 % 26
                        }
                    })
                    .collect();
                assert_eq!(first_escape(&bytes), byte_scan(&bytes), "{bytes:?}");
            }
        }
    }

    #[test]
    fn strings_escape_exactly_what_json_stringify_escapes() {
        let mut out = String::new();
        write_string("a\"b\\c\n\u{1}\u{2028}é", &mut out);
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001\u{2028}é\"");
    }
}
