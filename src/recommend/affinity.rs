//! Personal affinity: which categories (or brands) a customer buys, weighted toward recent purchases.
//!
//! Personalization treats each customer one-to-one by their interests (DESIGN.md). A purchase `age` days
//! old weighs `2^(-age / half_life)`, so a category bought weekly last month outweighs one bought once two
//! years ago. The same computation serves categories and brands: it is keyed by any string. Popularity by
//! segment, the cold-start fallback, lives in [`super::Recommender::with_segments`].

use super::error::RecommendError;
use super::math::exp2;
use super::sort::sort_by;

/// One key's affinity.
#[derive(Clone, Debug, PartialEq)]
pub struct Affinity {
    /// The category or brand.
    pub key: String,
    /// The decayed weight of its purchases.
    pub weight: f64,
    /// Its share of the total decayed weight, in `[0, 1]`.
    pub share: f64,
    /// Number of purchases counted.
    pub purchases: u32,
}

/// Affinity per key from `(key, day, weight)` purchases (use weight 1 to count purchases, the amount to
/// weigh by spend), decayed to `now_day` with `half_life_days` (`inf`: no decay). Purchases after
/// `now_day` count as today's. Sorted by share, descending (ties by key). Empty keys and purchases of
/// non-positive or non-finite weight are ignored.
///
/// ```
/// use nextoffer::recommend::category_affinity;
/// let a = category_affinity([("coffee", 100, 1.0), ("tea", 10, 1.0), ("coffee", 90, 1.0)], 100, 90.0).unwrap();
/// assert_eq!(a[0].key, "coffee");
/// // coffee: 1 + 2^(-10/90); tea: 2^(-90/90) = 0.5
/// let coffee = 1.0 + 2f64.powf(-10.0 / 90.0);
/// assert!((a[0].share - coffee / (coffee + 0.5)).abs() < 1e-12);
/// ```
pub fn category_affinity<'a, I>(
    purchases: I,
    now_day: i32,
    half_life_days: f64,
) -> Result<Vec<Affinity>, RecommendError>
where
    I: IntoIterator<Item = (&'a str, i32, f64)>,
{
    if half_life_days.is_nan() || half_life_days <= 0.0 {
        return Err(RecommendError::OutOfRange {
            option: "half_life_days",
            value: half_life_days,
            range: "(0, inf]",
        });
    }
    let mut acc: Vec<Affinity> = Vec::new();
    let mut total = 0.0;
    for (key, day, weight) in purchases {
        if key.is_empty() || !(weight.is_finite() && weight > 0.0) {
            continue;
        }
        let age = (f64::from(now_day) - f64::from(day)).max(0.0);
        let w = if half_life_days.is_infinite() {
            weight
        } else {
            weight * exp2(-age / half_life_days)
        };
        total += w;
        match acc.iter_mut().find(|a| a.key == key) {
            Some(a) => {
                a.weight += w;
                a.purchases += 1;
            }
            None => acc.push(Affinity {
                key: key.to_owned(),
                weight: w,
                share: 0.0,
                purchases: 1,
            }),
        }
    }
    for a in acc.iter_mut() {
        a.share = if total > 0.0 { a.weight / total } else { 0.0 };
    }
    sort_by(&mut acc, &|a, b| {
        a.share > b.share || (a.share == b.share && a.key < b.key)
    });
    Ok(acc)
}
