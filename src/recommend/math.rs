//! Elementary functions written with IEEE basic operations only.
//!
//! `f64::ln` and `f64::exp` come from the platform's libm natively and from a Rust port in Wasm, and may
//! differ in the last bit. Bandit draws, recency weights and lift probabilities must be the same natively
//! and in Wasm for the same seed, so the module computes them here: `+ - * /` and `sqrt` are correctly
//! rounded everywhere, and so is everything built only from them.

const LN2_HI: f64 = 6.931_471_803_691_238e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
const LN2: f64 = std::f64::consts::LN_2;

/// 2^k for an integer k in the normal range, by building the bits.
fn pow2i(k: i32) -> f64 {
    let k = k.clamp(-1022, 1023);
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Natural logarithm: NaN for negative or NaN input, `-inf` at 0, `inf` at `inf`.
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    let (mut x, mut e) = (x, 0i32);
    if x < f64::MIN_POSITIVE {
        x *= 18_014_398_509_481_984.0; // 2^54: subnormals become normal
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln(m) = 2 atanh(s) with s = (m - 1) / (m + 1), |s| <= 0.1716.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut poly = 0.0;
    for k in (1..=11).rev() {
        poly = poly * s2 + 1.0 / f64::from(2 * k + 1);
    }
    let ln_m = 2.0 * s + 2.0 * s * s2 * poly;
    let ef = f64::from(e);
    ef * LN2_HI + (ln_m + ef * LN2_LO)
}

/// e^x, saturating to `inf` and `0`.
pub(crate) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x > 709.782_712_893_384 {
        return f64::INFINITY;
    }
    if x < -745.133_219_101_941_1 {
        return 0.0;
    }
    let k = (x / LN2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor series of e^r on |r| <= 0.35 (14 terms reach 1e-17), in Horner form:
    // 1 + r(1 + r/2(1 + r/3(...))).
    let mut sum = 1.0;
    for n in (1..=14).rev() {
        sum = 1.0 + sum * r / f64::from(n);
    }
    let k = k as i32;
    // Two steps keep results near the subnormal range exact enough.
    if k < -1000 {
        sum * pow2i(k + 600) * pow2i(-600)
    } else if k > 1000 {
        sum * pow2i(k - 600) * pow2i(600)
    } else {
        sum * pow2i(k)
    }
}

/// 2^x.
pub(crate) fn exp2(x: f64) -> f64 {
    exp(x * LN2)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms; relative error about 1e-15). NaN for x <= 0.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x < 0.5 {
        // Γ(x) = Γ(x + 1) / x keeps the Lanczos sum in its accurate range.
        return ln_gamma(x + 1.0) - ln(x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * ln(2.0 * std::f64::consts::PI) + (x + 0.5) * ln(t) - t + ln(a)
}

/// ln B(a, b).
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// The standard normal distribution function Φ(z), absolute error below 1e-15.
pub(crate) fn normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    if z > 8.5 {
        return 1.0;
    }
    if z < -8.5 {
        return 0.0;
    }
    let x = z.abs();
    // Φ(x) = 1/2 + φ(x) Σ x^(2n+1) / (2n+1)!!: every term positive, so no cancellation for x >= 0.
    let mut term = x;
    let mut sum = x;
    let mut n = 1.0;
    while term > sum * 1e-17 {
        n += 2.0;
        term = term * x * x / n;
        sum += term;
    }
    let phi = exp(-0.5 * x * x) / (2.0 * std::f64::consts::PI).sqrt();
    let upper = 0.5 + phi * sum;
    if z >= 0.0 {
        upper
    } else {
        1.0 - upper
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_and_exp_agree_with_the_platform_to_two_ulps() {
        let mut x = 1e-300;
        while x < 1e300 {
            assert!(
                close(ln(x), x.ln(), 4e-16),
                "ln({x}) = {} vs {}",
                ln(x),
                x.ln()
            );
            x *= 1.37;
        }
        let mut y = -700.0;
        while y < 700.0 {
            assert!(
                close(exp(y), y.exp(), 4e-16),
                "exp({y}) = {} vs {}",
                exp(y),
                y.exp()
            );
            y += 0.731;
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(exp(0.0), 1.0);
        assert!(ln(-1.0).is_nan());
        assert_eq!(exp(-1000.0), 0.0);
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut fact = 1.0f64;
        for n in 1..60 {
            // Γ(n + 1) = n!
            fact *= n as f64;
            assert!(close(ln_gamma(n as f64 + 1.0), fact.ln(), 1e-13), "n = {n}");
        }
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-14
        ));
    }

    #[test]
    fn normal_cdf_hits_known_quantiles() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-16);
        assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-15);
        assert!((normal_cdf(-1.0) - 0.158_655_253_931_457_05).abs() < 1e-15);
        assert!((normal_cdf(-5.0) - 2.866_515_718_791_939e-7).abs() < 1e-16);
    }
}
