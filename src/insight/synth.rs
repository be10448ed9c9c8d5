//! Deterministic synthetic data, for benchmarks, demos and tests that need more customers than a fixture
//! holds: customer histories drawn from a BG/NBD model, and an endless-on-demand CSV orders stream.
//!
//! Everything takes an explicit seed (the core has no global RNG); the generator is SplitMix64, small and
//! identical on every platform, so the same seed gives the same data natively and in Wasm.

use std::io::{BufRead, Read};

use super::bgnbd::BgNbd;
use super::date::Date;
use super::model::History;

/// SplitMix64: a tiny, fast, seedable generator (not for cryptography).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1): never exactly 0, so logarithms are safe.
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Uniform integer in 0..n (n > 0; 0 for n = 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Standard normal (Box-Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Exponential with the given rate.
    pub fn exponential(&mut self, rate: f64) -> f64 {
        -self.uniform().ln() / rate
    }

    /// Gamma with `shape` and rate 1 (Marsaglia & Tsang; shapes below 1 by the boost u^(1/shape)).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let boost = self.uniform().powf(1.0 / shape);
            return self.gamma(shape + 1.0) * boost;
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Beta(a, b).
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        x / (x + y)
    }
}

/// Draws `n` customer histories from a BG/NBD model whose rates are per day, each customer's first purchase
/// a uniform whole number of days (1 to `max_age_days`) before the end, purchase times rounded down to whole
/// days (same-day purchases merge, as in real order files). Histories are in days.
///
/// ```
/// use nextoffer::insight::{synth::bgnbd_histories, BgNbd};
/// let m = BgNbd { r: 0.24, alpha: 4.4 * 7.0, a: 0.79, b: 2.4 };
/// let h = bgnbd_histories(&m, 1000, 273, 7);
/// assert_eq!(h.len(), 1000);
/// assert!(h.iter().all(|h| h.recency <= h.age && h.age <= 273.0));
/// ```
pub fn bgnbd_histories(model: &BgNbd, n: usize, max_age_days: u32, seed: u64) -> Vec<History> {
    let mut rng = Rng::new(seed);
    let max_age = u64::from(max_age_days.max(1));
    (0..n)
        .map(|_| {
            let age = (1 + rng.below(max_age)) as f64;
            let lambda = rng.gamma(model.r) / model.alpha;
            let p = rng.beta(model.a, model.b);
            let (mut t, mut x, mut last_day) = (0.0, 0.0, 0.0);
            loop {
                t += rng.exponential(lambda.max(1e-300));
                if t > age || !t.is_finite() {
                    break;
                }
                let day = t.floor();
                if day > last_day {
                    x += 1.0;
                    last_day = day;
                }
                if rng.uniform() < p {
                    break;
                }
            }
            History {
                frequency: x,
                recency: last_day,
                age,
            }
        })
        .collect()
}

/// A CSV orders file generated on the fly (`customer_id,date,amount`), `rows` rows over `customers`
/// customers, dated in order across `days` days from `start`. Implements `BufRead`, so it streams into
/// [`super::OrderBook::read_csv`] without ever existing on disk.
pub struct SyntheticOrders {
    rng: Rng,
    rows: u64,
    emitted: u64,
    customers: u64,
    days: u32,
    start: Date,
    buf: Vec<u8>,
    pos: usize,
    /// Each day's `YYYY-MM-DD` text in a fixed slot, with its length.
    dates: Vec<([u8; 16], u8)>,
    header_done: bool,
    /// The current row's day index, and the row count at which it next changes.
    day: usize,
    next_day_at: u64,
}

impl SyntheticOrders {
    /// A stream of `rows` rows.
    pub fn new(rows: u64, customers: u64, start: Date, days: u32, seed: u64) -> SyntheticOrders {
        let days = days.max(1);
        SyntheticOrders {
            rng: Rng::new(seed),
            rows,
            emitted: 0,
            customers: customers.max(1),
            days,
            start,
            buf: Vec::with_capacity(1 << 16),
            pos: 0,
            dates: (0..days)
                .map(|d| {
                    let text = start.add_days(d as i32).to_string();
                    let mut slot = [0u8; 16];
                    let len = text.len().min(16);
                    for (dst, src) in slot.iter_mut().zip(text.bytes()) {
                        *dst = src;
                    }
                    (slot, len as u8)
                })
                .collect(),
            header_done: false,
            day: 0,
            next_day_at: 0,
        }
    }

    /// The date of the last row (the natural `as_of`).
    pub fn end(&self) -> Date {
        self.start.add_days(self.days.saturating_sub(1) as i32)
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        if !self.header_done {
            self.buf.extend_from_slice(b"customer_id,date,amount\n");
            self.header_done = true;
        }
        // The bench's timed run generates its rows as it reads them, so this loop is written for speed:
        // each row is formatted into a stack buffer and appended once, and the day index (a 64-bit
        // division) is recomputed only when the row count crosses into the next day. It writes exactly
        // the bytes the plain version did, in about a third of the instructions (callgrind).
        while self.buf.len() < (1 << 16) - 64 && self.emitted < self.rows {
            // Skewed customers: a few buy much more often (squared uniform favours low ids).
            let u = self.rng.uniform();
            let customer = ((u * u) * self.customers as f64) as u64;
            if self.emitted >= self.next_day_at {
                self.day = (self.emitted * u64::from(self.days) / self.rows.max(1)) as usize;
                // The first row count that maps to a later day: ceil((day + 1) * rows / days).
                self.next_day_at =
                    ((self.day as u64 + 1) * self.rows).div_ceil(u64::from(self.days));
            }
            let cents = 500 + self.rng.below(20_000);
            // Fixed-size copies into a stack buffer (a variable-length copy is a `memcpy` call each).
            let mut row = [0u8; 80];
            let mut n = 0;
            put(&mut row, &mut n, b"c", 1);
            put_decimal(&mut row, &mut n, customer);
            put(&mut row, &mut n, b",", 1);
            if let Some((date, len)) = self.dates.get(self.day) {
                put(&mut row, &mut n, date, usize::from(*len));
            }
            put(&mut row, &mut n, b",", 1);
            put_decimal(&mut row, &mut n, cents / 100);
            let tail = [
                b'.',
                b'0' + (cents / 10 % 10) as u8,
                b'0' + (cents % 10) as u8,
                b'\n',
            ];
            put(&mut row, &mut n, &tail, 4);
            self.buf.extend_from_slice(row.get(..n).unwrap_or_default());
            self.emitted += 1;
        }
    }
}

/// Writes `len` bytes of `bytes` into `row` at `*n`. Copies the whole (fixed-size) source so the copy
/// is a few register moves; only `len` bytes count. A row never outgrows its buffer: an id of at most 21
/// bytes, a 16-byte date slot, an amount of at most 24.
fn put<const N: usize>(row: &mut [u8; 80], n: &mut usize, bytes: &[u8; N], len: usize) {
    if let Some(dst) = row.get_mut(*n..*n + N) {
        dst.copy_from_slice(bytes);
        *n += len.min(N);
    }
}

/// Writes `v` in decimal (the generator writes millions of numbers; `write!` would dominate its cost).
fn put_decimal(row: &mut [u8; 80], n: &mut usize, v: u64) {
    let mut digits = 1;
    let mut rest = v / 10;
    while rest > 0 {
        digits += 1;
        rest /= 10;
    }
    let mut v = v;
    for i in (0..digits).rev() {
        if let Some(d) = row.get_mut(*n + i) {
            *d = b'0' + (v % 10) as u8;
        }
        v /= 10;
    }
    *n += digits;
}

impl Read for SyntheticOrders {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for SyntheticOrders {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.buf.len() {
            self.refill();
        }
        Ok(self.buf.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.buf.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_and_beta_draws_have_the_right_means() {
        let mut rng = Rng::new(42);
        let n = 200_000;
        let g: f64 = (0..n).map(|_| rng.gamma(0.3)).sum::<f64>() / n as f64;
        assert!((g - 0.3).abs() < 0.01, "{g}");
        let g: f64 = (0..n).map(|_| rng.gamma(4.0)).sum::<f64>() / n as f64;
        assert!((g - 4.0).abs() < 0.03, "{g}");
        let b: f64 = (0..n).map(|_| rng.beta(0.8, 2.4)).sum::<f64>() / n as f64;
        assert!((b - 0.25).abs() < 0.005, "{b}");
    }

    #[test]
    fn synthetic_orders_keep_their_exact_bytes() {
        // FNV-1a of the stream as the plain generator (before its speed-up) wrote it: the bench's 10M
        // rows must stay the same input whatever is done to make generating them cheaper.
        let start = Date::parse("2023-01-01").unwrap();
        let mut text = Vec::new();
        SyntheticOrders::new(12_345, 77, start, 730, 7)
            .read_to_end(&mut text)
            .unwrap();
        let hash = text.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| {
            (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3)
        });
        assert_eq!((text.len(), hash), (260_875, 0x7d13_9caf_0371_9114));
    }

    #[test]
    fn synthetic_orders_stream_exactly_the_rows_asked_for() {
        let start = Date::parse("2024-01-01").unwrap();
        let mut text = String::new();
        SyntheticOrders::new(1000, 50, start, 30, 1)
            .read_to_string(&mut text)
            .unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1001);
        assert_eq!(lines[0], "customer_id,date,amount");
        assert!(lines[1000].contains(",2024-01-30,"));
    }
}
