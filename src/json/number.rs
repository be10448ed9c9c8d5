//! Decimal text to `f64` without the standard library's float parser.
//!
//! `str::parse::<f64>` (core's `dec2flt`, with its tables of powers) costs about 7 KB of gzipped Wasm. Nearly
//! every number a model or request holds is a short decimal (`42`, `0.83`, `29500`, `1.5e3`): its digits
//! fit an integer below 2^53 and its power of ten is at most 10^22, so both are exact doubles and one
//! multiplication or division rounds correctly (Clinger's fast path), giving the same bits as any correct
//! parser. The rest (more than 15 to 19 significant digits, huge exponents) goes to a correct parser: the
//! host's `parseFloat` in the WebAssembly builds, the standard library's natively.

/// Exact powers of ten as doubles: 10^22 is the largest one below 2^53 · 2^22 that is exact.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The largest integer every smaller one of which is an exact double.
const MAX_EXACT: u64 = 1 << 53;

/// The value of a decimal literal (`[+-]digits[.digits][(e|E)[+-]digits]`, at least one mantissa digit,
/// either side of the point may be empty), correctly rounded; `None` when `text` is not one. Infinite
/// when it overflows, as JavaScript's `Number` and Rust's parser answer.
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    fast(text.as_bytes()).or_else(|| slow(text))
}

/// Clinger's fast path, or `None` (also for text that is not a decimal literal: the slow path decides).
fn fast(bytes: &[u8]) -> Option<f64> {
    let (negative, mut rest) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, bytes),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut scale: i32 = 0;
    let accumulate = |d: u8, mantissa: &mut u64| -> Option<()> {
        *mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        (*mantissa <= MAX_EXACT).then_some(())
    };
    while let [d @ b'0'..=b'9', tail @ ..] = rest {
        accumulate(*d, &mut mantissa)?;
        digits += 1;
        rest = tail;
    }
    if let [b'.', tail @ ..] = rest {
        rest = tail;
        while let [d @ b'0'..=b'9', tail @ ..] = rest {
            accumulate(*d, &mut mantissa)?;
            digits += 1;
            scale -= 1;
            rest = tail;
        }
    }
    if digits == 0 {
        return None;
    }
    if let [b'e' | b'E', tail @ ..] = rest {
        let (exponent_negative, mut tail) = match tail {
            [b'-', t @ ..] => (true, t),
            [b'+', t @ ..] => (false, t),
            t => (false, t),
        };
        let mut exponent: i32 = 0;
        let mut exponent_digits = 0;
        while let [d @ b'0'..=b'9', t @ ..] = tail {
            exponent = exponent.checked_mul(10)?.checked_add(i32::from(d - b'0'))?;
            exponent_digits += 1;
            tail = t;
        }
        if exponent_digits == 0 {
            return None;
        }
        scale = scale.checked_add(if exponent_negative {
            -exponent
        } else {
            exponent
        })?;
        rest = tail;
    }
    if !rest.is_empty() {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let m = mantissa as f64;
    let magnitude = if mantissa == 0 {
        0.0
    } else if scale >= 0 {
        m * *POW10.get(usize::try_from(scale).ok()?)?
    } else {
        m / *POW10.get(usize::try_from(-scale).ok()?)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// A correct parser for what the fast path leaves: the host's in Wasm, the standard library's natively.
#[cfg(not(target_arch = "wasm32"))]
fn slow(text: &str) -> Option<f64> {
    if !is_literal(text.as_bytes()) {
        return None;
    }
    text.parse::<f64>().ok()
}

#[cfg(target_arch = "wasm32")]
fn slow(text: &str) -> Option<f64> {
    if !is_literal(text.as_bytes()) {
        return None;
    }
    // `parseFloat` reads the longest decimal prefix, which for a whole literal is all of it.
    Some(js_sys::parse_float(text))
}

/// Whether `bytes` is a decimal literal as [`parse_decimal`] defines it.
fn is_literal(bytes: &[u8]) -> bool {
    let mut rest = match bytes {
        [b'+' | b'-', rest @ ..] => rest,
        _ => bytes,
    };
    let mut digits = 0;
    while let [b'0'..=b'9', tail @ ..] = rest {
        digits += 1;
        rest = tail;
    }
    if let [b'.', tail @ ..] = rest {
        rest = tail;
        while let [b'0'..=b'9', tail @ ..] = rest {
            digits += 1;
            rest = tail;
        }
    }
    if digits == 0 {
        return false;
    }
    if let [b'e' | b'E', tail @ ..] = rest {
        rest = match tail {
            [b'+' | b'-', t @ ..] => t,
            t => t,
        };
        let mut exponent_digits = 0;
        while let [b'0'..=b'9', t @ ..] = rest {
            exponent_digits += 1;
            rest = t;
        }
        if exponent_digits == 0 {
            return false;
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_decimals_parse_to_the_same_bits_as_the_standard_parser() {
        for text in [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "1",
            "42",
            "0.83",
            "29500",
            "1.5e3",
            "1E-7",
            "+2.5",
            ".5",
            "5.",
            "-.5e+2",
            "0.1",
            "0.2",
            "0.3",
            "123456789012345",
            "9007199254740992",
            "9007199254740993",
            "1e22",
            "1e23",
            "4.35",
            "2.675",
            "1.7976931348623157e308",
            "5e-324",
            "1e400",
            "-1e400",
            "1e-400",
            "0e999",
            "123456789012345678901234567890",
            "0.000000000000000000000000000001",
            "3.141592653589793238462643",
            "00012.50",
            "1.00000000000000000000000000001",
        ] {
            let ours = parse_decimal(text).map(f64::to_bits);
            let std = text.parse::<f64>().ok().map(f64::to_bits);
            assert_eq!(ours, std, "{text}");
        }
    }

    #[test]
    fn text_that_is_no_decimal_literal_has_no_value() {
        for text in [
            "", ".", "-", "+", "e5", "1e", "1e+", "1.2.3", "1,5", "0x10", "inf", "NaN", "1 ", "--1",
        ] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn random_decimals_agree_with_the_standard_parser() {
        // A fixed linear congruential sequence: many shapes of mantissa, point and exponent.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        for _ in 0..200_000 {
            let digits = 1 + next() % 20;
            let mut text = String::new();
            for i in 0..digits {
                if i == next() % (digits + 1) {
                    text.push('.');
                }
                text.push(char::from(b'0' + u8::try_from(next() % 10).unwrap_or(0)));
            }
            if next() % 3 == 0 {
                text.push_str(&format!(
                    "e{}",
                    i64::try_from(next() % 60).unwrap_or(0) - 30
                ));
            }
            let ours = parse_decimal(&text).map(f64::to_bits);
            let std = text.parse::<f64>().ok().map(f64::to_bits);
            assert_eq!(ours, std, "{text}");
        }
    }
}
