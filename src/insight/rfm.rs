//! RFM: recency, frequency and monetary quintile scores, the standard named segments, an A/B/C value rank
//! and the dormancy flag that triggers reactivation.
//!
//! ## Scores
//! Each customer gets 1 to 5 for recency (days since last purchase, fewer is better), frequency (purchase
//! days) and monetary value (total spend). The score is `1 + floor(5 · p)` (at most 5), where p is the
//! mid-point percentile of the customer's tie group: customers with equal values always share a score, and
//! when everybody is equal (or there is one customer) everybody scores 3.
//!
//! ## Segments
//! From the recency score R and FM = round-half-up((F + M) / 2), by this grid (the widespread R×F map, with
//! "Lost" split off the least active corner of "Hibernating"):
//!
//! | R \ FM | 1 | 2 | 3 | 4 | 5 |
//! |---|---|---|---|---|---|
//! | 5 | New | Potential loyalist | Potential loyalist | Champions | Champions |
//! | 4 | Promising | Potential loyalist | Potential loyalist | Loyal | Loyal |
//! | 3 | About to sleep | About to sleep | Need attention | Loyal | Loyal |
//! | 2 | Hibernating | Hibernating | At risk | At risk | Can't lose them |
//! | 1 | Lost | Lost | At risk | At risk | Can't lose them |
//!
//! ## Value rank
//! Customers sorted by total spend (ties keep input order): A while the revenue share of the customers before
//! them is under `a_share` (80%), B under `b_share` (95%), C after. With no revenue at all everyone is C.
//!
//! ## Dormancy
//! Dormant when days since last purchase exceed `dormant_multiple` × the customer's own mean gap between
//! purchase days; one-time buyers use the median gap of repeat buyers, and when nobody bought twice,
//! `dormant_fallback_days`.

use super::summary::CustomerSummary;

/// RFM, rank and dormancy settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RfmOptions {
    /// Revenue share covered by A customers.
    pub a_share: f64,
    /// Revenue share covered by A and B customers.
    pub b_share: f64,
    /// Dormant after this many typical gaps without a purchase.
    pub dormant_multiple: f64,
    /// Typical gap when nobody bought twice, in days.
    pub dormant_fallback_days: f64,
}

impl Default for RfmOptions {
    fn default() -> Self {
        RfmOptions {
            a_share: 0.8,
            b_share: 0.95,
            dormant_multiple: 2.0,
            dormant_fallback_days: 365.0,
        }
    }
}

/// The named RFM segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// Bought recently, often, and spent the most.
    Champions,
    /// Buy regularly and respond to promotions.
    Loyal,
    /// Recent customers with average frequency.
    PotentialLoyalist,
    /// Bought most recently, but not often.
    New,
    /// Recent shoppers who have not spent much.
    Promising,
    /// Above-average recency, frequency and value; may not have bought very recently.
    NeedAttention,
    /// Below-average recency and frequency: will be lost unless reactivated.
    AboutToSleep,
    /// Spent big and often, but long ago.
    AtRisk,
    /// Made the biggest purchases, often, but have not returned for a long time.
    CantLoseThem,
    /// Last purchase long ago, low spend and few orders.
    Hibernating,
    /// Lowest recency, frequency and value.
    Lost,
}

impl Segment {
    /// All segments, best first.
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalist,
        Segment::New,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// The display name (`"Champions"`, `"Can't lose them"` ...).
    pub fn name(self) -> &'static str {
        match self {
            Segment::Champions => "Champions",
            Segment::Loyal => "Loyal",
            Segment::PotentialLoyalist => "Potential loyalist",
            Segment::New => "New",
            Segment::Promising => "Promising",
            Segment::NeedAttention => "Need attention",
            Segment::AboutToSleep => "About to sleep",
            Segment::AtRisk => "At risk",
            Segment::CantLoseThem => "Can't lose them",
            Segment::Hibernating => "Hibernating",
            Segment::Lost => "Lost",
        }
    }

    /// The segment for a recency score and a combined frequency-monetary score (both 1-5), by the grid in
    /// the module docs.
    pub fn from_scores(r: u8, fm: u8) -> Segment {
        use Segment::*;
        const GRID: [[Segment; 5]; 5] = [
            [
                New,
                PotentialLoyalist,
                PotentialLoyalist,
                Champions,
                Champions,
            ],
            [
                Promising,
                PotentialLoyalist,
                PotentialLoyalist,
                Loyal,
                Loyal,
            ],
            [AboutToSleep, AboutToSleep, NeedAttention, Loyal, Loyal],
            [Hibernating, Hibernating, AtRisk, AtRisk, CantLoseThem],
            [Lost, Lost, AtRisk, AtRisk, CantLoseThem],
        ];
        let row = usize::from(5 - r.clamp(1, 5));
        let col = usize::from(fm.clamp(1, 5) - 1);
        GRID.get(row)
            .and_then(|cells| cells.get(col))
            .copied()
            .unwrap_or(Lost)
    }
}

/// The A/B/C value rank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValueRank {
    /// The customers that make up the first `a_share` of revenue.
    A,
    /// The next ones, up to `b_share`.
    B,
    /// The rest.
    C,
}

impl ValueRank {
    /// `"A"`, `"B"` or `"C"`.
    pub fn name(self) -> &'static str {
        match self {
            ValueRank::A => "A",
            ValueRank::B => "B",
            ValueRank::C => "C",
        }
    }
}

/// One customer's RFM result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RfmScore {
    /// Recency score 1-5 (5 = bought most recently).
    pub recency: u8,
    /// Frequency score 1-5.
    pub frequency: u8,
    /// Monetary score 1-5.
    pub monetary: u8,
    /// The named segment.
    pub segment: Segment,
    /// The A/B/C value rank.
    pub rank: ValueRank,
    /// 1-based position by total spend (1 = biggest spender).
    pub revenue_position: u32,
    /// True when overdue by `dormant_multiple` typical gaps.
    pub dormant: bool,
    /// The days without purchase after which this customer counts as dormant.
    pub dormant_after_days: f64,
}

/// Scores every customer (same order as the input).
///
/// ```
/// use nextoffer::insight::rfm::{score, RfmOptions, Segment};
/// use nextoffer::insight::{ImportOptions, OrderBook};
/// let csv = "customer_id,date,amount\na,2024-06-01,500\na,2024-06-20,400\nb,2023-01-01,10\n";
/// let mut book = OrderBook::new(ImportOptions::default());
/// book.read_csv(csv.as_bytes(), &mut |_, _, _| {}).unwrap();
/// let base = book.finish().unwrap();
/// let s = score(&base.customers, &RfmOptions::default());
/// assert_eq!((s[0].recency, s[1].recency), (4, 2));
/// assert!(s[1].dormant);
/// ```
pub fn score(customers: &[CustomerSummary], options: &RfmOptions) -> Vec<RfmScore> {
    let n = customers.len();
    let recency = quintiles(
        customers
            .iter()
            .map(|c| -f64::from(c.days_since_last))
            .collect(),
    );
    let frequency = quintiles(
        customers
            .iter()
            .map(|c| f64::from(c.purchase_days))
            .collect(),
    );
    let monetary = quintiles(customers.iter().map(|c| c.total_spend).collect());
    let (ranks, positions) = value_ranks(customers, options);
    let median_gap = median(customers.iter().filter_map(|c| c.mean_gap_days).collect());
    (0..n)
        .map(|i| {
            let (r, f, m) = (
                recency.get(i).copied().unwrap_or(3),
                frequency.get(i).copied().unwrap_or(3),
                monetary.get(i).copied().unwrap_or(3),
            );
            let c = customers.get(i);
            let gap = c.and_then(|c| c.mean_gap_days).or(median_gap);
            let after = gap.map_or(options.dormant_fallback_days, |g| {
                g * options.dormant_multiple
            });
            RfmScore {
                recency: r,
                frequency: f,
                monetary: m,
                segment: Segment::from_scores(r, (f + m).div_ceil(2)),
                rank: ranks.get(i).copied().unwrap_or(ValueRank::C),
                revenue_position: positions.get(i).copied().unwrap_or(0),
                dormant: c.is_some_and(|c| f64::from(c.days_since_last) > after),
                dormant_after_days: after,
            }
        })
        .collect()
}

/// Mid-point-percentile quintile scores (higher value, higher score).
fn quintiles(values: Vec<f64>) -> Vec<u8> {
    let n = values.len();
    // Sort (value, customer) pairs, contiguous, rather than indices into the values: a million random
    // lookups per comparison pass is what made scoring slow. The value is an integer key in float order
    // (`sort_pairs`).
    let mut order: Vec<(u64, u32)> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| (super::key_of_float(v), i as u32))
        .collect();
    super::sort_pairs(&mut order, false);
    let value = |i: usize| order.get(i).map(|e| super::float_of_key(e.0));
    let mut scores = vec![3u8; n];
    let mut i = 0;
    while i < n {
        // Ties are equal floats (so -0.0 and 0.0, adjacent in the order, share a score).
        let v = value(i).unwrap_or(0.0);
        let mut j = i;
        while value(j).is_some_and(|w| w == v) {
            j += 1;
        }
        let pct = (i as f64 + (j - i) as f64 / 2.0) / n as f64;
        let s = (1.0 + (5.0 * pct).floor()).min(5.0) as u8;
        for &(_, k) in order.get(i..j).unwrap_or_default() {
            if let Some(slot) = scores.get_mut(k as usize) {
                *slot = s;
            }
        }
        i = j.max(i + 1);
    }
    scores
}

fn value_ranks(customers: &[CustomerSummary], options: &RfmOptions) -> (Vec<ValueRank>, Vec<u32>) {
    let n = customers.len();
    // Highest spend first (the complemented key), ties in input order.
    let mut order: Vec<(u64, u32)> = customers
        .iter()
        .enumerate()
        .map(|(i, c)| (!super::key_of_float(c.total_spend), i as u32))
        .collect();
    super::sort_pairs(&mut order, true);
    let total: f64 = customers.iter().map(|c| c.total_spend).sum();
    let mut ranks = vec![ValueRank::C; n];
    let mut positions = vec![0u32; n];
    let mut before = 0.0;
    for (pos, &(key, i)) in order.iter().enumerate() {
        let spend = super::float_of_key(!key);
        let i = i as usize;
        let share = if total > 0.0 { before / total } else { 1.0 };
        if let Some(r) = ranks.get_mut(i) {
            *r = if share < options.a_share {
                ValueRank::A
            } else if share < options.b_share {
                ValueRank::B
            } else {
                ValueRank::C
            };
        }
        if let Some(p) = positions.get_mut(i) {
            *p = u32::try_from(pos + 1).unwrap_or(u32::MAX);
        }
        before += spend;
    }
    (ranks, positions)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    super::sort_by(&mut v, |a, b| a.total_cmp(b).is_lt());
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v.get(mid).copied()
    } else {
        Some((v.get(mid - 1)? + v.get(mid)?) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grid_cell_has_a_segment_and_all_eleven_appear() {
        let mut seen = std::collections::BTreeSet::new();
        for r in 1..=5 {
            for fm in 1..=5 {
                seen.insert(Segment::from_scores(r, fm));
            }
        }
        assert_eq!(seen.len(), 11);
        assert_eq!(Segment::from_scores(5, 5), Segment::Champions);
        assert_eq!(Segment::from_scores(1, 1), Segment::Lost);
        assert_eq!(Segment::from_scores(1, 5), Segment::CantLoseThem);
        assert_eq!(Segment::from_scores(5, 1), Segment::New);
    }

    #[test]
    fn quintiles_share_scores_within_ties_and_spread_distinct_values() {
        assert_eq!(
            quintiles((0..10).map(f64::from).collect()),
            vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert_eq!(quintiles(vec![7.0; 4]), vec![3; 4]);
        assert_eq!(quintiles(vec![1.0, 1.0, 1.0, 9.0]), vec![2, 2, 2, 5]);
    }

    #[test]
    fn float_keys_sort_as_total_cmp_and_round_trip() {
        let mut floats = vec![
            3.5,
            -0.0,
            0.0,
            -2.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-300,
            -1e-300,
            42.0,
            -42.5,
        ];
        let mut keys: Vec<u64> = floats
            .iter()
            .map(|&v| crate::insight::key_of_float(v))
            .collect();
        floats.sort_by(f64::total_cmp);
        keys.sort_unstable();
        let back: Vec<u64> = keys
            .iter()
            .map(|&k| crate::insight::float_of_key(k).to_bits())
            .collect();
        assert_eq!(back, floats.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    }

    #[test]
    fn negative_and_positive_zero_share_a_quintile() {
        // Recency is scored on minus the days since the last purchase: 0 days gives -0.0.
        assert_eq!(quintiles(vec![-0.0, 0.0, -5.0, -5.0]), vec![4, 4, 2, 2]);
    }

    #[test]
    fn median_handles_odd_even_and_empty() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
