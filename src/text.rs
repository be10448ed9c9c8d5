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
        let Fixed(x, decimals) = *self;
        let decimals = decimals.min(6);
        let scale = 10i64.pow(decimals);
        let scaled = (x * scale as f64).round();
        // Beyond 2^53 the integer part is not exact anyway: fall back to the shortest form.
        if !scaled.is_finite() || scaled.abs() >= 9_007_199_254_740_992.0 {
            return Num(x).fmt(f);
        }
        let scaled = scaled as i64;
        if scaled < 0 {
            f.write_str("-")?;
        }
        let magnitude = scaled.unsigned_abs();
        let scale = scale.unsigned_abs();
        write!(f, "{}", magnitude / scale)?;
        if decimals > 0 {
            write!(
                f,
                ".{:0width$}",
                magnitude % scale,
                width = decimals as usize
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_like_to_fixed() {
        assert_eq!(Fixed(12.345, 1).to_string(), "12.3");
        assert_eq!(Fixed(0.05, 3).to_string(), "0.050");
        assert_eq!(Fixed(-1.25, 1).to_string(), "-1.3");
        assert_eq!(Fixed(99.96, 1).to_string(), "100.0");
        assert_eq!(Fixed(42.0, 0).to_string(), "42");
    }

    #[test]
    fn num_writes_javascript_numbers() {
        assert_eq!(Num(8000.0).to_string(), "8000");
        assert_eq!(Num(0.1).to_string(), "0.1");
    }
}
