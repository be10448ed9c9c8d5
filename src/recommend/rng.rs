//! A small seeded random number generator (xoshiro256**) with the draws bandits need.
//!
//! The engine takes every seed from its caller, so the same request gives the same draws natively and in
//! Wasm; no global or OS randomness is used. The transcendental functions come from [`super::math`] for
//! the same reason.

use super::math::{exp, ln};

/// xoshiro256** (Blackman & Vigna), seeded through SplitMix64.
///
/// ```
/// use nextoffer::recommend::Rng;
/// let mut a = Rng::new(42);
/// let mut b = Rng::new(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let x = a.beta(2.0, 5.0);
/// assert!(x > 0.0 && x < 1.0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Gamma draws give up after this many rejections and return the mean (probability below 1e-300).
const MAX_REJECTIONS: usize = 1000;

impl Rng {
    /// A generator from a 64-bit seed.
    pub fn new(seed: u64) -> Self {
        let mut state = seed;
        let s = [
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
        ];
        Self { s }
    }

    /// A generator from a text seed (64-bit FNV-1a of its UTF-8 bytes).
    pub fn from_text(seed: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in seed.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Self::new(h)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = self.s;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s1 << 17;
        let s2 = s2 ^ s0;
        let s3 = s3 ^ s1;
        let s1 = s1 ^ s2;
        let s0 = s0 ^ s3;
        let s2 = s2 ^ t;
        let s3 = s3.rotate_left(45);
        self.s = [s0, s1, s2, s3];
        result
    }

    /// A uniform draw in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform draw in the open interval `(0, 1)`.
    pub fn open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in `0..n` (0 when `n` is 0), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX - n + 1) % n;
        loop {
            let x = self.next_u64();
            if x <= zone {
                return x % n;
            }
        }
    }

    /// A standard normal draw (Marsaglia's polar method).
    pub fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.next_f64() - 1.0;
            let v = 2.0 * self.next_f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * ln(s) / s).sqrt();
            }
        }
    }

    /// A Gamma(shape, 1) draw (Marsaglia & Tsang). NaN when `shape` is not a positive finite number.
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if !(shape.is_finite() && shape > 0.0) {
            return f64::NAN;
        }
        if shape < 1.0 {
            // Gamma(a) = Gamma(a + 1) * U^(1/a).
            let g = self.gamma(shape + 1.0);
            return g * exp(ln(self.open01()) / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        for _ in 0..MAX_REJECTIONS {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.open01();
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 || ln(u) < 0.5 * x2 + d * (1.0 - v + ln(v)) {
                return d * v;
            }
        }
        shape
    }

    /// A Beta(alpha, beta) draw. NaN when a shape is not a positive finite number; the mean
    /// `alpha / (alpha + beta)` when both Gamma draws underflow to zero (shapes far below 1).
    pub fn beta(&mut self, alpha: f64, beta: f64) -> f64 {
        let x = self.gamma(alpha);
        let y = self.gamma(beta);
        if x.is_nan() || y.is_nan() {
            return f64::NAN;
        }
        let sum = x + y;
        if sum > 0.0 {
            x / sum
        } else {
            alpha / (alpha + beta)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_matches_its_reference_sequence() {
        // Reference: state {1, 2, 3, 4} gives 11520, 0, 1509978240, 1215971899390074240.
        let mut r = Rng { s: [1, 2, 3, 4] };
        assert_eq!(r.next_u64(), 11520);
        assert_eq!(r.next_u64(), 0);
        assert_eq!(r.next_u64(), 1_509_978_240);
        assert_eq!(r.next_u64(), 1_215_971_899_390_074_240);
    }

    #[test]
    fn beta_draws_have_the_right_mean_and_variance() {
        let mut r = Rng::new(7);
        for &(a, b) in &[(2.0, 5.0), (0.5, 0.5), (30.0, 70.0), (1.0, 1.0)] {
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| r.beta(a, b)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            let m = a / (a + b);
            let v = a * b / ((a + b) * (a + b) * (a + b + 1.0));
            assert!(
                (mean - m).abs() < 4.0 * (v / n as f64).sqrt() + 1e-4,
                "mean {mean} vs {m}"
            );
            assert!((var - v).abs() < 0.03 * v, "var {var} vs {v}");
        }
    }

    #[test]
    fn below_stays_in_range_and_invalid_shapes_give_nan() {
        let mut r = Rng::new(1);
        assert!((0..1000).all(|_| r.below(7) < 7));
        assert_eq!(r.below(0), 0);
        assert!(r.gamma(0.0).is_nan());
        assert!(r.beta(1.0, f64::NAN).is_nan());
    }
}
