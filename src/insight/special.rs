//! Special functions the lifetime-value models need: log-gamma, digamma and the Gauss hypergeometric
//! function 2F1 on [0, 1).
//!
//! `std` has no stable log-gamma, and a maths crate would be Wasm weight for four functions. The models only
//! ever call 2F1 with positive parameters and 0 <= z < 1, where the power series has positive terms (no
//! cancellation); the series is summed in scaled form so huge values come back as logarithms, and when z is
//! so close to 1 that the series would need more than `MAX_TERMS` terms, the remaining tail is added as the
//! geometric series its ratio tends to (an optimizer's far excursions only; fitted parameters stay well
//! inside the fast region).

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, relative error about 1e-15). Non-positive input gives
/// +infinity, which callers treat as an impossible parameter.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const P: [f64; 9] = [
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
        return f64::INFINITY;
    }
    if x < 0.5 {
        // Γ(x) = Γ(x + 1) / x keeps the Lanczos sum in its accurate range.
        return ln_gamma(x + 1.0) - x.ln();
    }
    if x > 1e7 {
        // Stirling: the Lanczos sum loses nothing here but the series is cheaper and exact enough.
        return (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * x);
    }
    let x = x - 1.0;
    let mut a = P[0];
    for (i, p) in P.iter().enumerate().skip(1) {
        a += p / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ψ(x), the digamma function, for x > 0 (recurrence up to 10, then the asymptotic series).
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0
                                    - inv2 * (1.0 / 132.0 - inv2 * (691.0 / 32760.0))))));
    acc + x.ln() - 0.5 * inv - series
}

/// ln(e^a + e^b) without overflow.
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

/// ln(e^a - e^b) for a >= b (negative infinity when they are equal).
pub fn log_sub_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    if b >= a {
        return f64::NEG_INFINITY;
    }
    a + (-(b - a).exp_m1()).ln()
}

/// Terms summed before the tail of a slowly converging series is extrapolated.
const MAX_TERMS: usize = 200_000;
/// Rescaling threshold for the running sum (kept as mantissa and log scale).
const BIG: f64 = 1e250;

/// ln 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1, by the power series (all terms positive).
///
/// ```
/// use nextoffer::insight::special::ln_hyp2f1;
/// // 2F1(1, 1; 2; z) = -ln(1 - z) / z
/// let z: f64 = 0.5;
/// assert!((ln_hyp2f1(1.0, 1.0, 2.0, z).exp() - (-(1.0 - z).ln() / z)).abs() < 1e-14);
/// ```
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    if z == 0.0 {
        return 0.0;
    }
    if !(a > 0.0 && b > 0.0 && c > 0.0 && (0.0..1.0).contains(&z)) {
        return f64::NAN;
    }
    let (sum, scale, _) = positive_series(a, b, c, z, MAX_TERMS);
    scale + sum.ln()
}

/// [`ln_hyp2f1`] within `max_terms` terms of the series, or `None` when z is too close to 1 for that (no
/// extrapolated tail). For a fit's objective: it must stay cheap wherever the optimizer wanders, and a point
/// that needs the full series is far from any sensible fit.
pub(crate) fn ln_hyp2f1_within(a: f64, b: f64, c: f64, z: f64, max_terms: usize) -> Option<f64> {
    if z == 0.0 {
        return Some(0.0);
    }
    if !(a > 0.0 && b > 0.0 && c > 0.0 && (0.0..1.0).contains(&z)) {
        return Some(f64::NAN);
    }
    let (sum, scale, finished) = positive_series(a, b, c, z, max_terms);
    finished.then(|| scale + sum.ln())
}

/// c · 2F1(a, b; c; z) for a, b > 0, c > -1, 0 <= z < 1: finite even as c → 0, where 2F1 itself has a
/// pole (the BG/NBD conditional expectation multiplies 2F1 by exactly this c).
pub fn c_times_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    if z == 0.0 {
        return c;
    }
    if c > 0.5 {
        return c * ln_hyp2f1(a, b, c, z).exp();
    }
    if !(a > 0.0 && b > 0.0 && c > -1.0 && (0.0..1.0).contains(&z)) {
        return f64::NAN;
    }
    // c·F = c + Σ_{n>=1} (a)_n (b)_n z^n / ((c+1)_{n-1} n!): every term is positive for c > -1.
    let first = a * b * z;
    let mut term = first;
    let mut sum = first;
    let mut n = 1.0;
    for _ in 0..MAX_TERMS {
        let ratio = (a + n) * (b + n) * z / ((c + n) * (n + 1.0));
        term *= ratio;
        sum += term;
        n += 1.0;
        if ratio < 1.0 && term < 1e-17 * sum * (1.0 - z) {
            return c + sum;
        }
        if !sum.is_finite() {
            return f64::INFINITY;
        }
    }
    let ratio = (a + n) * (b + n) * z / ((c + n) * (n + 1.0));
    c + sum + term * ratio / (1.0 - ratio).max(1e-300)
}

/// Σ_{n>=0} t_n with t_0 = 1 and t_{n+1}/t_n = (a+n)(b+n) z / ((c+n)(n+1)), as (mantissa, ln scale, whether
/// it converged within `max_terms`; if not, the tail is extrapolated).
fn positive_series(a: f64, b: f64, c: f64, z: f64, max_terms: usize) -> (f64, f64, bool) {
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut scale = 0.0;
    let mut n = 0.0;
    for _ in 0..max_terms {
        let ratio = (a + n) * (b + n) * z / ((c + n) * (n + 1.0));
        term *= ratio;
        sum += term;
        n += 1.0;
        if sum > BIG {
            sum /= BIG;
            term /= BIG;
            scale += BIG.ln();
        }
        if ratio < 1.0 && term < 1e-17 * sum * (1.0 - z) {
            return (sum, scale, true);
        }
    }
    // Too close to z = 1 to finish: the ratio has settled near its limit, so add the geometric tail.
    let ratio = (a + n) * (b + n) * z / ((c + n) * (n + 1.0));
    let tail = if ratio < 1.0 {
        term * ratio / (1.0 - ratio)
    } else {
        term * max_terms as f64
    };
    (sum + tail, scale, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        let mut fact: f64 = 1.0;
        for n in 1..60 {
            assert!(
                close(ln_gamma(n as f64 + 1.0), (fact * n as f64).ln(), 1e-14),
                "{n}"
            );
            fact *= n as f64;
        }
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-14
        ));
        assert!((ln_gamma(1.0)).abs() < 1e-15 && (ln_gamma(2.0)).abs() < 1e-15);
        assert!(close(
            ln_gamma(1e-8),
            (1e8f64).ln() - 0.5772156649015329e-8,
            1e-12
        ));
        for x in [5e6, 1e7 - 0.5, 2e7] {
            assert!(
                close(ln_gamma(x + 1.0) - ln_gamma(x), f64::ln(x), 1e-7),
                "{x}"
            );
        }
    }

    #[test]
    fn digamma_matches_known_values_and_recurrence() {
        let euler = 0.577_215_664_901_532_9;
        assert!(close(digamma(1.0), -euler, 1e-13));
        assert!(close(digamma(0.5), -euler - 2.0 * 2f64.ln(), 1e-13));
        for x in [0.01, 0.3, 2.5, 17.0, 1234.5] {
            assert!(close(digamma(x + 1.0), digamma(x) + 1.0 / x, 1e-13), "{x}");
        }
    }

    #[test]
    fn hyp2f1_matches_closed_forms() {
        for z in [0.0, 1e-6, 0.1, 0.5, 0.9, 0.99, 0.9999] {
            // 2F1(1,1;2;z) = -ln(1-z)/z ; 2F1(a,b;b;z) = (1-z)^-a
            let z: f64 = z;
            let want = if z == 0.0 { 1.0 } else { -(-z).ln_1p() / z };
            // Beyond 200,000 terms (z = 0.9999) the tail is extrapolated: a little less exact.
            let tol = if z > 0.999 { 1e-9 } else { 1e-12 };
            assert!(close(ln_hyp2f1(1.0, 1.0, 2.0, z).exp(), want, tol), "{z}");
            if z > 0.0 {
                assert!(
                    close(
                        ln_hyp2f1(2.5, 3.7, 3.7, z).exp(),
                        (-2.5 * (-z).ln_1p()).exp(),
                        tol
                    ),
                    "{z}"
                );
            }
        }
        // Huge values come back as logarithms: (1-z)^-400 at z = 0.99.
        assert!(close(
            ln_hyp2f1(400.0, 2.0, 2.0, 0.99),
            -400.0 * 0.01f64.ln(),
            1e-12
        ));
    }

    #[test]
    fn c_times_hyp2f1_is_finite_through_c_equal_zero() {
        // As c → 0, c·2F1(a,b;c;z) → a·b·z·2F1(a+1,b+1;2;z); check continuity across c = 0.
        let (a, b, z) = (0.8, 1.3, 0.4);
        let near = c_times_hyp2f1(a, b, 1e-9, z);
        let below = c_times_hyp2f1(a, b, -1e-9, z);
        assert!(near.is_finite() && close(near, below, 1e-7));
        let direct = 0.7 * ln_hyp2f1(a, b, 0.7, z).exp();
        assert!(close(c_times_hyp2f1(a, b, 0.7, z), direct, 1e-14));
        let low = 0.4;
        assert!(close(
            c_times_hyp2f1(a, b, low, z),
            low * ln_hyp2f1(a, b, low, z).exp(),
            1e-13
        ));
    }

    #[test]
    fn log_add_and_sub_exp_handle_infinities() {
        assert!(close(log_add_exp(0.0, 0.0), 2f64.ln(), 1e-15));
        assert_eq!(log_add_exp(f64::NEG_INFINITY, 3.0), 3.0);
        assert!(close(log_sub_exp(2f64.ln(), 0.0), 0.0f64.exp().ln(), 1e-15));
        assert_eq!(log_sub_exp(1.0, 1.0), f64::NEG_INFINITY);
    }
}
