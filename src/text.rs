//! Numbers in messages and reasons, written the way JavaScript writes them.
//!
//! `format!("{}", f64)` pulls Rust's float printing (Grisu and Dragon4, about 17 KB of Wasm) into the package;
//! the JSON writer already carries `ryu-js`, so every number in text goes through it instead. It also makes
//! `1` read `1`, not `1.0`, exactly as in the JSON output beside it.

use std::fmt;

/// A number as JavaScript's `String(n)` writes it.
pub(crate) struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::json::number_to_js_string(self.0))
    }
}

/// A number rounded to a fixed count of decimals (at most 6), like JavaScript's `n.toFixed(d)`.
pub(crate) struct Fixed(pub f64, pub u32);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Appended into one string rather than written with nested `write!`s: half the instructions.
        let mut out = String::with_capacity(24);
        push_fixed(&mut out, self.0, self.1);
        f.write_str(&out)
    }
}

/// `a` followed by `b`, in a string allocated once. The reasons of suppressed offers are built this way, not
/// with `format!`: a decision writes one per suppressed offer (26 on the bench request), and `format!` cost
/// about 700 instructions each (callgrind, native), this about a fifth of that.
pub(crate) fn join(a: &str, b: &str) -> String {
    let mut out = String::with_capacity(a.len() + b.len());
    out.push_str(a);
    out.push_str(b);
    out
}

/// The items separated by `, ` (`["a", "b"]` → `a, b`), for the lists in error messages. `[&str]::join` is
/// core's generic `join_generic_copy` (about 400 B of Wasm with its overflow panic); this loop is a few dozen.
pub(crate) fn comma_list(items: &[&str]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    out
}

/// Appends `x` rounded to `decimals` decimals (at most 6), like JavaScript's `x.toFixed(decimals)`.
pub(crate) fn push_fixed(out: &mut String, x: f64, decimals: u32) {
    let decimals = decimals.min(6);
    let scale = 10i64.pow(decimals);
    let scaled = (x * scale as f64).round();
    // Beyond 2^53 the integer part is not exact anyway: fall back to the shortest form.
    if !scaled.is_finite() || scaled.abs() >= 9_007_199_254_740_992.0 {
        out.push_str(&crate::json::number_to_js_string(x));
        return;
    }
    let scaled = scaled as i64;
    if scaled < 0 {
        out.push('-');
    }
    // The JSON writer's integer formatting (no `core::fmt`); both parts are below 2^53 here.
    let push_int = |out: &mut String, n: u64| {
        out.push_str(crate::json::itoa_i64(n as i64, &mut [0u8; 20]));
    };
    let magnitude = scaled.unsigned_abs();
    let scale = scale.unsigned_abs();
    push_int(out, magnitude / scale);
    if decimals > 0 {
        out.push('.');
        let fraction = magnitude % scale;
        // Leading zeros of the fraction, as `{:0width$}` wrote them.
        let mut width = 1;
        let mut bound = 10;
        while bound <= fraction {
            width += 1;
            bound *= 10;
        }
        for _ in width..decimals {
            out.push('0');
        }
        push_int(out, fraction);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(x: f64, decimals: u32) -> String {
        Fixed(x, decimals).to_string()
    }

    #[test]
    fn fixed_rounds_like_to_fixed() {
        assert_eq!(fixed(12.345, 1), "12.3");
        assert_eq!(fixed(0.05, 3), "0.050");
        assert_eq!(fixed(-1.25, 1), "-1.3");
        assert_eq!(fixed(99.96, 1), "100.0");
        assert_eq!(fixed(42.0, 0), "42");
    }

    #[test]
    fn fixed_pads_the_fraction_with_zeros() {
        assert_eq!(fixed(1.05, 2), "1.05");
        assert_eq!(fixed(3.0007, 4), "3.0007");
        assert_eq!(fixed(-0.001, 3), "-0.001");
        assert_eq!(fixed(0.0, 2), "0.00");
        assert_eq!(fixed(f64::NAN, 1), "NaN");
    }

    #[test]
    fn join_puts_the_second_text_after_the_first() {
        assert_eq!(join("owns ", "p1"), "owns p1");
        assert_eq!(join("", ""), "");
    }

    #[test]
    fn comma_list_separates_items_with_a_comma_and_a_space() {
        assert_eq!(comma_list(&["a", "bc", "d"]), "a, bc, d");
        assert_eq!(comma_list(&["one"]), "one");
        assert_eq!(comma_list(&[]), "");
    }

    #[test]
    fn num_writes_javascript_numbers() {
        assert_eq!(Num(8000.0).to_string(), "8000");
        assert_eq!(Num(0.1).to_string(), "0.1");
    }
}
