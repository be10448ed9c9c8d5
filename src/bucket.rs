//! GrowthBook-compatible deterministic bucketing, for control groups and champion/challenger splits.
//!
//! A visitor must land in the same bucket in every runtime (this engine in Wasm or natively, GrowthBook's
//! SDKs in JavaScript, Python, Go ...), so the hash is GrowthBook's exactly: FNV-1a 32 over UTF-16 code units
//! (JavaScript's `charCodeAt`, not UTF-8 bytes), in its two versions, and its bucket ranges keep its
//! clamping and weight fallbacks.
//!
//! ```
//! use nextoffer::bucket::{bucket_ranges, choose_variation, hash};
//! let n = hash("seed", "a", 2).unwrap();
//! assert_eq!(n, 0.0505);
//! let ranges = bucket_ranges(2, 1.0, None);
//! assert_eq!(choose_variation(n, &ranges), Some(0));
//! ```

/// FNV-1a 32-bit over the UTF-16 code units of the concatenation of `parts` (each unit XORed in whole, as
/// GrowthBook's `hashFnv32a` does with `charCodeAt`).
///
/// ```
/// use nextoffer::bucket::fnv1a32;
/// assert_eq!(fnv1a32(&[""]), 0x811c9dc5);
/// assert_eq!(fnv1a32(&["a"]), 0xe40c292c);
/// assert_eq!(fnv1a32(&["a", "b"]), fnv1a32(&["ab"]));
/// ```
pub fn fnv1a32(parts: &[&str]) -> u32 {
    parts
        .iter()
        .flat_map(|part| part.encode_utf16())
        .fold(0x811c_9dc5_u32, |hash, unit| {
            (hash ^ u32::from(unit)).wrapping_mul(0x0100_0193)
        })
}

/// GrowthBook's `hash(seed, value, version)`: a number in `[0, 1)`, or `None` for an unknown version.
///
/// - version 1 (the original, slightly biased): `fnv(value + seed) % 1000 / 1000`;
/// - version 2 (unbiased): `fnv(decimal string of fnv(seed + value)) % 10000 / 10000`.
///
/// ```
/// use nextoffer::bucket::hash;
/// assert_eq!(hash("", "a", 1), Some(0.22));
/// assert_eq!(hash("seed", "a", 2), Some(0.0505));
/// assert_eq!(hash("abc", "def", 99), None);
/// ```
pub fn hash(seed: &str, value: &str, version: u32) -> Option<f64> {
    match version {
        1 => Some(f64::from(fnv1a32(&[value, seed]) % 1000) / 1000.0),
        2 => {
            let first = fnv1a32(&[seed, value]).to_string();
            Some(f64::from(fnv1a32(&[&first]) % 10_000) / 10_000.0)
        }
        _ => None,
    }
}

/// GrowthBook's `getEqualWeights(n)`: `n` weights of `1/n` (none for `n = 0`).
///
/// ```
/// use nextoffer::bucket::equal_weights;
/// assert_eq!(equal_weights(4), vec![0.25; 4]);
/// assert!(equal_weights(0).is_empty());
/// ```
pub fn equal_weights(n: usize) -> Vec<f64> {
    #[allow(clippy::cast_precision_loss)]
    let weight = 1.0 / n as f64;
    vec![weight; n]
}

/// GrowthBook's `getBucketRanges`: one `[start, end)` range per variation. `coverage` is clamped to
/// `[0, 1]`; `weights` fall back to equal weights when missing, of the wrong length, or not summing to 1
/// within 0.01. Each range starts at the cumulative weight before it and covers `coverage` of its weight.
///
/// ```
/// use nextoffer::bucket::bucket_ranges;
/// assert_eq!(bucket_ranges(2, 0.5, None), vec![(0.0, 0.25), (0.5, 0.75)]);
/// assert_eq!(bucket_ranges(2, 1.0, Some(&[0.4, 0.1])), vec![(0.0, 0.5), (0.5, 1.0)]);
/// ```
pub fn bucket_ranges(
    num_variations: usize,
    coverage: f64,
    weights: Option<&[f64]>,
) -> Vec<(f64, f64)> {
    // Like GrowthBook's comparisons, `clamp` leaves NaN as it is.
    let coverage = coverage.clamp(0.0, 1.0);
    let equal = equal_weights(num_variations);
    let weights = match weights {
        Some(w) if w.len() == num_variations => {
            let total: f64 = w.iter().sum();
            // Written as GrowthBook writes it: a NaN total keeps the weights.
            #[allow(clippy::manual_range_contains)]
            if total < 0.99 || total > 1.01 {
                &equal[..]
            } else {
                w
            }
        }
        _ => &equal[..],
    };
    let mut cumulative = 0.0;
    weights
        .iter()
        .map(|w| {
            let start = cumulative;
            cumulative += w;
            (start, start + coverage * w)
        })
        .collect()
}

/// GrowthBook's `chooseVariation`: the first range holding `n` (start inclusive, end exclusive), or `None`
/// (GrowthBook's `-1`) when `n` falls outside every range.
///
/// ```
/// use nextoffer::bucket::choose_variation;
/// let ranges = [(0.0, 0.25), (0.5, 0.75)];
/// assert_eq!(choose_variation(0.6, &ranges), Some(1));
/// assert_eq!(choose_variation(0.25, &ranges), None);
/// ```
pub fn choose_variation(n: f64, ranges: &[(f64, f64)]) -> Option<usize> {
    ranges
        .iter()
        .position(|&(start, end)| n >= start && n < end)
}

/// GrowthBook's `inNamespace`: whether `user_id` hashes (version 1, seed `"__" + namespace_id`) into
/// `[start, end)`.
///
/// ```
/// use nextoffer::bucket::in_namespace;
/// assert!(in_namespace("1", "namespace1", 0.4, 1.0));
/// assert!(!in_namespace("1", "namespace1", 0.0, 0.4));
/// ```
pub fn in_namespace(user_id: &str, namespace_id: &str, start: f64, end: f64) -> bool {
    let seed = format!("__{namespace_id}");
    hash(&seed, user_id, 1).is_some_and(|n| n >= start && n < end)
}
