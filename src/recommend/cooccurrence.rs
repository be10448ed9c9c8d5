//! Item-to-item co-occurrence: how often two items share a basket, scored by cosine, Jaccard, lift or
//! confidence, and the top-k neighbours of every item.
//!
//! This is the "customers who bought this also bought" signal. Only counts are stored (baskets with the
//! item, baskets with both): every measure is a function of them and of the basket total, so the model
//! stays small and a reason can always quote the real figure ("bought together with X in 41% of orders"
//! is `together / count_a`).

use super::baskets::Baskets;
use super::error::RecommendError;
use super::sort::top_k_by;

/// A measure of how strongly two items go together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Similarity {
    /// `together / sqrt(count_a * count_b)`: cosine of the binary basket vectors.
    #[default]
    Cosine,
    /// `together / (count_a + count_b - together)`.
    Jaccard,
    /// `together * baskets / (count_a * count_b)`: how much more often than chance.
    Lift,
    /// `together / count_a`: the share of baskets with `a` that also hold `b`.
    Confidence,
}

impl Similarity {
    /// Parses `cosine`, `jaccard`, `lift` or `confidence`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "cosine" => Some(Self::Cosine),
            "jaccard" => Some(Self::Jaccard),
            "lift" => Some(Self::Lift),
            "confidence" => Some(Self::Confidence),
            _ => None,
        }
    }

    /// The name [`Similarity::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cosine => "cosine",
            Self::Jaccard => "jaccard",
            Self::Lift => "lift",
            Self::Confidence => "confidence",
        }
    }

    /// The measure for a pair.
    #[inline]
    pub fn score(self, pair: &PairStats) -> f64 {
        match self {
            Self::Cosine => pair.cosine(),
            Self::Jaccard => pair.jaccard(),
            Self::Lift => pair.lift(),
            Self::Confidence => pair.confidence(),
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Cosine => 0,
            Self::Jaccard => 1,
            Self::Lift => 2,
            Self::Confidence => 3,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::Cosine),
            1 => Some(Self::Jaccard),
            2 => Some(Self::Lift),
            3 => Some(Self::Confidence),
            _ => None,
        }
    }
}

/// The counts behind every pair measure. Measures with a zero denominator are 0.
///
/// ```
/// use nextoffer::recommend::PairStats;
/// let p = PairStats { baskets: 100, count_a: 20, count_b: 10, together: 5 };
/// assert_eq!(p.confidence(), 0.25);
/// assert_eq!(p.lift(), 2.5);
/// assert_eq!(p.jaccard(), 0.2);
/// assert!((p.cosine() - 5.0 / 200f64.sqrt()).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairStats {
    /// Number of baskets.
    pub baskets: u32,
    /// Baskets containing `a`.
    pub count_a: u32,
    /// Baskets containing `b`.
    pub count_b: u32,
    /// Baskets containing both.
    pub together: u32,
}

#[inline]
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

impl PairStats {
    /// `together / baskets`.
    pub fn support(&self) -> f64 {
        ratio(f64::from(self.together), f64::from(self.baskets))
    }

    /// `together / count_a`: of the baskets with `a`, the share that also hold `b`.
    pub fn confidence(&self) -> f64 {
        ratio(f64::from(self.together), f64::from(self.count_a))
    }

    /// `together * baskets / (count_a * count_b)`.
    pub fn lift(&self) -> f64 {
        ratio(
            f64::from(self.together) * f64::from(self.baskets),
            f64::from(self.count_a) * f64::from(self.count_b),
        )
    }

    /// `together / (count_a + count_b - together)`.
    pub fn jaccard(&self) -> f64 {
        ratio(
            f64::from(self.together),
            f64::from(self.count_a) + f64::from(self.count_b) - f64::from(self.together),
        )
    }

    /// `together / sqrt(count_a * count_b)`.
    pub fn cosine(&self) -> f64 {
        ratio(
            f64::from(self.together),
            (f64::from(self.count_a) * f64::from(self.count_b)).sqrt(),
        )
    }
}

/// One neighbour of an item: its id and the number of baskets holding both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Neighbour {
    /// The neighbour's item id.
    pub item: u32,
    /// Baskets holding both items.
    pub together: u32,
}

/// Options of [`item_neighbours`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NeighbourOptions {
    /// Neighbours kept per item (default 20).
    pub top_k: usize,
    /// The measure that ranks neighbours (default cosine).
    pub similarity: Similarity,
    /// Pairs sharing fewer baskets are ignored (default 1; raise it to keep lift from crowning rare pairs).
    pub min_together: u32,
}

impl Default for NeighbourOptions {
    fn default() -> Self {
        Self {
            top_k: 20,
            similarity: Similarity::Cosine,
            min_together: 1,
        }
    }
}

/// The top-k neighbours of every item, best first (ties broken by the smaller item id), in one flat vector.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Neighbours {
    pub(crate) offsets: Vec<u32>,
    pub(crate) entries: Vec<Neighbour>,
}

impl Neighbours {
    /// Neighbours of `item`, best first (empty for an unknown id).
    #[inline]
    pub fn of(&self, item: u32) -> &[Neighbour] {
        let i = item as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&s), Some(&e)) => self.entries.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Number of items (rows).
    pub fn item_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Total number of stored neighbours.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no item has a neighbour.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// For each item, the baskets that hold it (an inverted index in compressed rows).
fn inverted_index(baskets: &Baskets, n_items: usize) -> (Vec<u32>, Vec<u32>) {
    let mut offsets = vec![0u32; n_items + 1];
    for basket in baskets.iter() {
        for &item in basket {
            if let Some(o) = offsets.get_mut(item as usize + 1) {
                *o += 1;
            }
        }
    }
    for i in 0..n_items {
        let prev = offsets.get(i).copied().unwrap_or(0);
        if let Some(o) = offsets.get_mut(i + 1) {
            *o += prev;
        }
    }
    let total = offsets.last().copied().unwrap_or(0) as usize;
    let mut fill = offsets.clone();
    let mut rows = vec![0u32; total];
    for (b, basket) in baskets.iter().enumerate() {
        for &item in basket {
            if let Some(pos) = fill.get_mut(item as usize) {
                if let Some(slot) = rows.get_mut(*pos as usize) {
                    *slot = b as u32;
                }
                *pos += 1;
            }
        }
    }
    (offsets, rows)
}

/// Up to this many items, pairs are counted in a dense matrix of 4 n² bytes (16 MB at 2,048 items).
const DENSE_ITEMS: usize = 2048;

/// The co-occurrence count of every pair of items, as a dense symmetric matrix in rows of `n` (the diagonal
/// left at zero). Baskets are sorted and without repeats, so each pair is counted once, in the upper triangle,
/// then mirrored.
fn dense_pair_counts(baskets: &Baskets, n: usize) -> Vec<u32> {
    let mut matrix = vec![0u32; n * n];
    for basket in baskets.iter() {
        for (k, &a) in basket.iter().enumerate() {
            let row = a as usize * n;
            for &b in basket.get(k + 1..).unwrap_or_default() {
                if let Some(c) = matrix.get_mut(row + b as usize) {
                    *c += 1;
                }
            }
        }
    }
    for a in 0..n {
        for b in a + 1..n {
            let together = matrix.get(a * n + b).copied().unwrap_or(0);
            if let Some(c) = matrix.get_mut(b * n + a) {
                *c = together;
            }
        }
    }
    matrix
}

/// Computes the top-k neighbours of every item of `baskets`.
///
/// Cost: the sum over baskets of their squared size, plus a partial sort per item. An item with no
/// co-occurring item gets an empty list; `top_k = 0` gives empty lists.
///
/// ```
/// use nextoffer::recommend::{item_neighbours, Baskets, NeighbourOptions};
/// let b = Baskets::from_ids(&[vec![0, 1], vec![0, 1, 2], vec![2, 3]]).unwrap();
/// let n = item_neighbours(&b, &NeighbourOptions::default()).unwrap();
/// assert_eq!(n.of(0)[0].item, 1);
/// assert_eq!(n.of(0)[0].together, 2);
/// ```
pub fn item_neighbours(
    baskets: &Baskets,
    options: &NeighbourOptions,
) -> Result<Neighbours, RecommendError> {
    neighbours_with(baskets, options, DENSE_ITEMS)
}

/// [`item_neighbours`], counting pairs densely up to `dense_items` items.
fn neighbours_with(
    baskets: &Baskets,
    options: &NeighbourOptions,
    dense_items: usize,
) -> Result<Neighbours, RecommendError> {
    let n_items = baskets.item_count();
    let supports = baskets.item_supports();
    let total = u32::try_from(baskets.len()).map_err(|_| RecommendError::Capacity {
        what: "baskets",
        max: u64::from(u32::MAX),
    })?;
    // Few items: count every pair once in a dense matrix (no branch per increment, half the increments).
    // Many: accumulate one item's row at a time through the inverted index (memory stays linear).
    let dense = (n_items <= dense_items).then(|| dense_pair_counts(baskets, n_items));
    let (inv_offsets, inv_rows) = match dense {
        Some(_) => (Vec::new(), Vec::new()),
        None => inverted_index(baskets, n_items),
    };
    let mut counts = vec![0u32; if dense.is_some() { 0 } else { n_items }];
    let mut touched: Vec<u32> = Vec::new();
    let mut scored: Vec<(f64, u32, u32)> = Vec::new();
    let mut offsets = Vec::with_capacity(n_items + 1);
    let mut entries = Vec::with_capacity(n_items.saturating_mul(options.top_k.min(64)));
    offsets.push(0u32);
    let min_together = options.min_together.max(1);
    for item in 0..n_items {
        scored.clear();
        let count_a = supports.get(item).copied().unwrap_or(0);
        let mut score = |other: u32, together: u32| {
            if other as usize == item || together < min_together {
                return;
            }
            let pair = PairStats {
                baskets: total,
                count_a,
                count_b: supports.get(other as usize).copied().unwrap_or(0),
                together,
            };
            scored.push((options.similarity.score(&pair), other, together));
        };
        if let Some(matrix) = &dense {
            let row = matrix
                .get(item * n_items..(item + 1) * n_items)
                .unwrap_or_default();
            for (other, &together) in (0u32..).zip(row) {
                score(other, together);
            }
        } else {
            let start = inv_offsets.get(item).copied().unwrap_or(0) as usize;
            let end = inv_offsets.get(item + 1).copied().unwrap_or(0) as usize;
            for &b in inv_rows.get(start..end).unwrap_or(&[]) {
                for &other in baskets.basket(b as usize) {
                    if let Some(c) = counts.get_mut(other as usize) {
                        if *c == 0 {
                            touched.push(other);
                        }
                        *c += 1;
                    }
                }
            }
            for &other in &touched {
                let together = counts
                    .get_mut(other as usize)
                    .map(std::mem::take)
                    .unwrap_or(0);
                score(other, together);
            }
            touched.clear();
        }
        top_k_by(&mut scored, options.top_k, &|x, y| {
            x.0 > y.0 || (x.0 == y.0 && x.1 < y.1)
        });
        entries.extend(
            scored
                .iter()
                .map(|&(_, item, together)| Neighbour { item, together }),
        );
        let end = u32::try_from(entries.len()).map_err(|_| RecommendError::Capacity {
            what: "neighbour entries",
            max: u64::from(u32::MAX),
        })?;
        offsets.push(end);
    }
    Ok(Neighbours { offsets, entries })
}

/// The counts for one pair of items, by a scan of the baskets (for one-off queries and checks).
pub fn pair_stats(baskets: &Baskets, a: u32, b: u32) -> PairStats {
    let mut stats = PairStats {
        baskets: baskets.len() as u32,
        ..PairStats::default()
    };
    for basket in baskets.iter() {
        let has_a = basket.binary_search(&a).is_ok();
        let has_b = basket.binary_search(&b).is_ok();
        stats.count_a += u32::from(has_a);
        stats.count_b += u32::from(has_b);
        stats.together += u32::from(has_a && has_b);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_pair_counting_give_the_same_neighbours() {
        // 300 baskets over 60 items from a fixed LCG: sizes 1 to 12, with repeats the baskets drop.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        let ids: Vec<Vec<u32>> = (0..300)
            .map(|_| (0..=next(12)).map(|_| next(60) as u32).collect())
            .collect();
        let baskets = Baskets::from_ids(&ids).unwrap();
        for similarity in [
            Similarity::Cosine,
            Similarity::Jaccard,
            Similarity::Lift,
            Similarity::Confidence,
        ] {
            let options = NeighbourOptions {
                top_k: 7,
                similarity,
                min_together: 2,
            };
            let dense = neighbours_with(&baskets, &options, usize::MAX).unwrap();
            let sparse = neighbours_with(&baskets, &options, 0).unwrap();
            assert!(!dense.is_empty());
            assert_eq!(dense, sparse, "{similarity:?}");
        }
    }
}
