//! The item recommender: item-to-item neighbours blended with category affinity and popularity, for one
//! customer and cart, each recommendation with its reasons.
//!
//! Built once from baskets (natively, or in the browser from an orders file), saved to the compact format
//! of [`super::model_format`], queried per request. A query touches only the neighbours of the cart and
//! history items, the top of the popularity list and the top of the customer's categories, so its cost
//! does not grow with the catalog.

use super::baskets::{BasketMode, Baskets, NO_CATEGORY};
use super::cooccurrence::{item_neighbours, NeighbourOptions, Neighbours, PairStats, Similarity};
use super::error::{check_non_negative, RecommendError};
use super::items::Interner;
use super::math::exp2;
use super::reason::Reason;
use super::sort::{sort_by, sort_u32, top_k_by};

/// Options of [`Recommender::build`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecommenderOptions {
    /// How neighbours are computed and ranked.
    pub neighbours: NeighbourOptions,
    /// Items kept per segment for segment popularity (default 200).
    pub segment_top: usize,
}

impl Default for RecommenderOptions {
    fn default() -> Self {
        Self {
            neighbours: NeighbourOptions::default(),
            segment_top: 200,
        }
    }
}

/// The most popular items of one customer segment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SegmentPopularity {
    pub(crate) name: String,
    pub(crate) baskets: u32,
    /// `(item, baskets holding it)`, most popular first.
    pub(crate) ranked: Vec<(u32, u32)>,
    /// The same pairs sorted by item, for lookups.
    pub(crate) by_item: Vec<(u32, u32)>,
}

impl SegmentPopularity {
    pub(crate) fn new(name: String, baskets: u32, ranked: Vec<(u32, u32)>) -> Self {
        let mut by_item = ranked.clone();
        sort_by(&mut by_item, &|a, b| a < b);
        Self {
            name,
            baskets,
            ranked,
            by_item,
        }
    }

    fn count(&self, item: u32) -> u32 {
        self.by_item
            .binary_search_by_key(&item, |p| p.0)
            .ok()
            .and_then(|i| self.by_item.get(i))
            .map_or(0, |p| p.1)
    }
}

/// Weights of the three signals and the recency half-life of the customer's history.
///
/// Each signal is scaled to `[0, 1]` before weighting: item-to-item by the best candidate's score,
/// affinity as category share times the item's popularity relative to its category's best seller,
/// popularity relative to the best seller (of the segment, when given).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Blend {
    /// Weight of item-to-item similarity to the cart and history (default 1).
    pub item_to_item: f64,
    /// Weight of category affinity (default 0.3).
    pub affinity: f64,
    /// Weight of popularity (default 0.1).
    pub popularity: f64,
    /// Half-life in days of a history item's weight (default 90; `inf` for no decay).
    pub half_life_days: f64,
}

impl Default for Blend {
    fn default() -> Self {
        Self {
            item_to_item: 1.0,
            affinity: 0.3,
            popularity: 0.1,
            half_life_days: 90.0,
        }
    }
}

impl Blend {
    /// Only item-to-item similarity.
    pub fn item_to_item_only() -> Self {
        Self {
            item_to_item: 1.0,
            affinity: 0.0,
            popularity: 0.0,
            ..Self::default()
        }
    }

    /// Only category affinity.
    pub fn affinity_only() -> Self {
        Self {
            item_to_item: 0.0,
            affinity: 1.0,
            popularity: 0.0,
            ..Self::default()
        }
    }

    /// Only popularity.
    pub fn popularity_only() -> Self {
        Self {
            item_to_item: 0.0,
            affinity: 0.0,
            popularity: 1.0,
            ..Self::default()
        }
    }

    fn validate(&self) -> Result<(), RecommendError> {
        check_non_negative("blend.item_to_item", self.item_to_item)?;
        check_non_negative("blend.affinity", self.affinity)?;
        check_non_negative("blend.popularity", self.popularity)?;
        if self.half_life_days.is_nan() || self.half_life_days <= 0.0 {
            return Err(RecommendError::OutOfRange {
                option: "blend.half_life_days",
                value: self.half_life_days,
                range: "(0, inf]",
            });
        }
        Ok(())
    }

    /// Weight of a purchase `age` days old.
    pub(crate) fn decay(&self, age: f64) -> f64 {
        if self.half_life_days.is_infinite() {
            1.0
        } else {
            exp2(-age.max(0.0) / self.half_life_days)
        }
    }
}

/// One past purchase of the customer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HistoryItem {
    /// The product id.
    pub product: String,
    /// The purchase day (same day numbers as [`super::OrderLine::day`]).
    pub day: i32,
    /// The category, used for affinity when the product is unknown to the model.
    pub category: Option<String>,
}

/// A request for items for one customer and cart.
///
/// Unknown ids are ignored and listed in [`Recommendations::unknown`]. Items in the cart or the history are
/// not recommended unless listed in `repeatable`; items in `exclude` never are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecommendRequest {
    /// Product ids in the cart (weight 1 each as anchors).
    pub cart: Vec<String>,
    /// Past purchases (weight halving every `blend.half_life_days` before `now_day`).
    pub history: Vec<HistoryItem>,
    /// Today, for recency decay; `None` weighs every purchase 1.
    pub now_day: Option<i32>,
    /// The customer's segment, for segment popularity (unknown segments fall back to all baskets).
    pub segment: Option<String>,
    /// At most this many items are returned.
    pub limit: usize,
    /// Items that may be recommended although already bought or in the cart (consumables).
    pub repeatable: Vec<String>,
    /// Items never to recommend.
    pub exclude: Vec<String>,
    /// Signal weights.
    pub blend: Blend,
}

/// One recommended item with its score, the three scaled signals and the reasons, strongest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    /// The product id.
    pub item: String,
    /// The blended score: `Σ weight × signal`.
    pub score: f64,
    /// Item-to-item signal in `[0, 1]`.
    pub item_to_item: f64,
    /// Affinity signal in `[0, 1]`.
    pub affinity: f64,
    /// Popularity signal in `[0, 1]`.
    pub popularity: f64,
    /// Why, strongest contribution first.
    pub reasons: Vec<Reason>,
}

/// The answer to a [`RecommendRequest`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recommendations {
    /// Recommended items, best first (ties broken by item id order of the model).
    pub items: Vec<Recommendation>,
    /// Ids of the request not known to the model (cart, history, repeatable, exclude), in request order.
    pub unknown: Vec<String>,
}

/// A neighbour of an item, with its counts and score (for `similar`).
#[derive(Clone, Debug, PartialEq)]
pub struct Similar {
    /// The neighbour's product id.
    pub item: String,
    /// The pair's counts.
    pub stats: PairStats,
    /// The score under the model's similarity.
    pub score: f64,
}

/// How strongly an item goes with one of the customer's items (see [`Recommender::association`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Association {
    /// The anchor item (from the cart or the owned items).
    pub with: String,
    /// Counts of the pair, anchor first: `stats.confidence()` is the share of the anchor's baskets that
    /// also hold the item.
    pub stats: PairStats,
    /// The pair's score under the model's similarity.
    pub score: f64,
    /// The reason to show ("bought together with X in 41% of orders").
    pub reason: Reason,
}

/// Anchors beyond this many (the most weighted are kept) do not add candidates: a customer with thousands
/// of purchases costs no more than one with 200.
const MAX_ANCHORS: usize = 200;
const NONE: u32 = u32::MAX;

/// A scored candidate: blended score, the three signals, and what its reasons need.
struct Scored {
    score: f64,
    signals: [f64; 3],
    item: u32,
    anchor: u32,
    together: u32,
    cat: u32,
    seg_count: u32,
}

/// The item recommender model. See the module docs.
///
/// Two models are equal when their stored fields are (unknown prices, NaN, compare equal).
#[derive(Clone, Debug)]
pub struct Recommender {
    pub(crate) mode: BasketMode,
    pub(crate) baskets: u32,
    pub(crate) items: Interner,
    pub(crate) counts: Vec<u32>,
    pub(crate) category: Vec<u32>,
    pub(crate) categories: Interner,
    pub(crate) price: Vec<f64>,
    pub(crate) similarity: Similarity,
    pub(crate) neighbours: Neighbours,
    pub(crate) segments: Vec<SegmentPopularity>,
    popular: Vec<u32>,
    cat_offsets: Vec<u32>,
    cat_items: Vec<u32>,
    cat_max: Vec<u32>,
    count_max: u32,
}

impl PartialEq for Recommender {
    fn eq(&self, other: &Self) -> bool {
        self.mode == other.mode
            && self.baskets == other.baskets
            && self.items == other.items
            && self.counts == other.counts
            && self.category == other.category
            && self.categories == other.categories
            && self.price.len() == other.price.len()
            && self
                .price
                .iter()
                .zip(&other.price)
                .all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()))
            && self.similarity == other.similarity
            && self.neighbours == other.neighbours
            && self.segments == other.segments
    }
}

impl Default for Recommender {
    fn default() -> Self {
        Self::from_parts(Parts::default())
    }
}

/// The stored fields of a [`Recommender`], from which the lookup tables are derived.
#[derive(Default)]
pub(crate) struct Parts {
    pub(crate) mode: BasketMode,
    pub(crate) baskets: u32,
    pub(crate) items: Interner,
    pub(crate) counts: Vec<u32>,
    pub(crate) category: Vec<u32>,
    pub(crate) categories: Interner,
    pub(crate) price: Vec<f64>,
    pub(crate) similarity: Similarity,
    pub(crate) neighbours: Neighbours,
    pub(crate) segments: Vec<SegmentPopularity>,
}

/// Sorts item ids by decreasing count, then increasing id.
fn by_count_desc(ids: &mut [u32], counts: &[u32]) {
    let count = |i: u32| counts.get(i as usize).copied().unwrap_or(0);
    sort_by(ids, &|&a, &b| {
        count(a) > count(b) || (count(a) == count(b) && a < b)
    });
}

impl Recommender {
    pub(crate) fn from_parts(p: Parts) -> Self {
        let n = p.items.len();
        let mut popular: Vec<u32> = (0..n as u32).collect();
        by_count_desc(&mut popular, &p.counts);
        let n_cat = p.categories.len();
        let mut cat_offsets = vec![0u32; n_cat + 1];
        for &c in &p.category {
            if let Some(o) = cat_offsets.get_mut(c as usize + 1) {
                *o += 1;
            }
        }
        for i in 0..n_cat {
            let prev = cat_offsets.get(i).copied().unwrap_or(0);
            if let Some(o) = cat_offsets.get_mut(i + 1) {
                *o += prev;
            }
        }
        let mut fill = cat_offsets.clone();
        let mut cat_items = vec![0u32; cat_offsets.last().copied().unwrap_or(0) as usize];
        // Walking items by popularity fills each category's run already sorted by popularity.
        for &item in &popular {
            let c = p
                .category
                .get(item as usize)
                .copied()
                .unwrap_or(NO_CATEGORY);
            if let Some(pos) = fill.get_mut(c as usize) {
                if let Some(slot) = cat_items.get_mut(*pos as usize) {
                    *slot = item;
                }
                *pos += 1;
            }
        }
        let cat_max = (0..n_cat)
            .map(|c| {
                let first = cat_offsets.get(c).copied().unwrap_or(0);
                let end = cat_offsets.get(c + 1).copied().unwrap_or(0);
                if first < end {
                    cat_items
                        .get(first as usize)
                        .and_then(|&i| p.counts.get(i as usize))
                        .copied()
                        .unwrap_or(0)
                } else {
                    0
                }
            })
            .collect();
        let count_max = popular
            .first()
            .and_then(|&i| p.counts.get(i as usize))
            .copied()
            .unwrap_or(0);
        Self {
            mode: p.mode,
            baskets: p.baskets,
            items: p.items,
            counts: p.counts,
            category: p.category,
            categories: p.categories,
            price: p.price,
            similarity: p.similarity,
            neighbours: p.neighbours,
            segments: p.segments,
            popular,
            cat_offsets,
            cat_items,
            cat_max,
            count_max,
        }
    }

    /// Builds the model: item counts, categories, prices and top-k neighbours of every item.
    ///
    /// Empty baskets give an empty model whose recommendations are empty.
    pub fn build(baskets: &Baskets, options: &RecommenderOptions) -> Result<Self, RecommendError> {
        let neighbours = item_neighbours(baskets, &options.neighbours)?;
        Ok(Self::from_parts(Parts {
            mode: baskets.mode(),
            baskets: u32::try_from(baskets.len()).map_err(|_| RecommendError::Capacity {
                what: "baskets",
                max: u64::from(u32::MAX),
            })?,
            items: baskets.items().clone(),
            counts: baskets.item_supports(),
            category: baskets.item_categories().to_vec(),
            categories: baskets.categories().clone(),
            price: baskets.item_prices().to_vec(),
            similarity: options.neighbours.similarity,
            neighbours,
            segments: Vec::new(),
        }))
    }

    /// Adds popularity by segment: `segment_of` names each customer's segment (or `None`), and each
    /// segment keeps its `top` most frequent items. Replaces segments added before.
    ///
    /// `baskets` must be the baskets the model was built from (items are matched by name, so other baskets
    /// work too; their unknown items are ignored).
    pub fn with_segments<F, S>(
        mut self,
        baskets: &Baskets,
        top: usize,
        segment_of: F,
    ) -> Result<Self, RecommendError>
    where
        F: Fn(&str) -> Option<S>,
        S: AsRef<str>,
    {
        let mut names = Interner::new();
        let mut customer_segment = Vec::with_capacity(baskets.customers().len());
        for customer in baskets.customers().names() {
            let seg = match segment_of(customer) {
                Some(s) if !s.as_ref().is_empty() => {
                    names.intern(s.as_ref()).ok_or(RecommendError::Capacity {
                        what: "segments",
                        max: u64::from(u32::MAX) - 1,
                    })?
                }
                _ => NONE,
            };
            customer_segment.push(seg);
        }
        let item_map: Vec<u32> = baskets
            .items()
            .names()
            .map(|n| self.items.id(n).unwrap_or(NONE))
            .collect();
        let mut counts = vec![vec![0u32; self.items.len()]; names.len()];
        let mut seg_baskets = vec![0u32; names.len()];
        for (b, basket) in baskets.iter().enumerate() {
            let customer = baskets.basket_customers().get(b).copied().unwrap_or(NONE);
            let seg = customer_segment
                .get(customer as usize)
                .copied()
                .unwrap_or(NONE);
            let (Some(row), Some(nb)) = (
                counts.get_mut(seg as usize),
                seg_baskets.get_mut(seg as usize),
            ) else {
                continue;
            };
            *nb += 1;
            for &item in basket {
                if let Some(c) = item_map
                    .get(item as usize)
                    .and_then(|&m| row.get_mut(m as usize))
                {
                    *c += 1;
                }
            }
        }
        self.segments = names
            .names()
            .zip(counts)
            .zip(seg_baskets)
            .map(|((name, row), nb)| {
                let mut ids: Vec<u32> = (0..row.len() as u32)
                    .filter(|&i| row.get(i as usize) > Some(&0))
                    .collect();
                by_count_desc(&mut ids, &row);
                ids.truncate(top);
                let ranked = ids
                    .iter()
                    .map(|&i| (i, row.get(i as usize).copied().unwrap_or(0)))
                    .collect();
                SegmentPopularity::new(name.to_owned(), nb, ranked)
            })
            .collect();
        Ok(self)
    }

    /// How baskets were grouped.
    pub fn mode(&self) -> BasketMode {
        self.mode
    }

    /// Number of baskets counted.
    pub fn basket_count(&self) -> u32 {
        self.baskets
    }

    /// The item names; an item's id is its index.
    pub fn items(&self) -> &Interner {
        &self.items
    }

    /// The measure ranking neighbours.
    pub fn similarity(&self) -> Similarity {
        self.similarity
    }

    /// The neighbour lists.
    pub fn neighbours(&self) -> &Neighbours {
        &self.neighbours
    }

    /// Baskets holding each item.
    pub fn item_counts(&self) -> &[u32] {
        &self.counts
    }

    /// The category of an item, if known.
    pub fn category_of(&self, item: u32) -> Option<&str> {
        self.category
            .get(item as usize)
            .and_then(|&c| self.categories.name(c))
    }

    /// The mean unit price of an item, if known.
    pub fn price_of(&self, item: u32) -> Option<f64> {
        self.price
            .get(item as usize)
            .copied()
            .filter(|p| p.is_finite())
    }

    /// Names of the segments with popularity lists.
    pub fn segment_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().map(|s| s.name.as_str())
    }

    /// Item ids by popularity, most popular first (ties by id).
    pub fn popular(&self) -> &[u32] {
        &self.popular
    }

    fn pair(&self, a: u32, b: u32, together: u32) -> PairStats {
        PairStats {
            baskets: self.baskets,
            count_a: self.counts.get(a as usize).copied().unwrap_or(0),
            count_b: self.counts.get(b as usize).copied().unwrap_or(0),
            together,
        }
    }

    /// The stored neighbours of `item`, best first, at most `top` of them.
    ///
    /// ```
    /// use nextoffer::recommend::{Baskets, Recommender, RecommenderOptions};
    /// let b = Baskets::from_ids(&[vec![0, 1], vec![0, 1, 2], vec![0, 2]]).unwrap();
    /// let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    /// let s = rec.similar("1", 5).unwrap();
    /// assert_eq!(s[0].item, "0");
    /// assert_eq!(s[0].stats.together, 2);
    /// assert!(rec.similar("9", 5).is_err());
    /// ```
    pub fn similar(&self, item: &str, top: usize) -> Result<Vec<Similar>, RecommendError> {
        let id = self
            .items
            .id(item)
            .ok_or_else(|| RecommendError::UnknownItem {
                item: item.to_owned(),
                context: "similar",
            })?;
        Ok(self
            .neighbours
            .of(id)
            .iter()
            .take(top)
            .map(|n| {
                let stats = self.pair(id, n.item, n.together);
                Similar {
                    item: self.items.name(n.item).unwrap_or_default().to_owned(),
                    stats,
                    score: self.similarity.score(&stats),
                }
            })
            .collect())
    }

    /// The strongest association of `item` with any of `anchors` (cart or owned items), for scoring a given
    /// offer's product: among the anchors that list `item` as a neighbour (or that `item` lists), the one
    /// with the highest confidence `together / count(anchor)`, i.e. the share of the anchor's baskets that
    /// also hold `item`. `None` when `item` is unknown or no anchor is associated with it; unknown anchors
    /// and `item` itself are skipped.
    ///
    /// ```
    /// use nextoffer::recommend::{Baskets, Recommender, RecommenderOptions};
    /// let b = Baskets::from_ids(&[vec![0, 1], vec![0, 1], vec![0, 2], vec![1]]).unwrap();
    /// let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    /// let a = rec.association("1", &["0", "2", "nope"]).unwrap();
    /// assert_eq!(a.with, "0");
    /// assert_eq!(a.stats.confidence(), 2.0 / 3.0);
    /// assert_eq!(a.reason.to_string(), "bought together with 0 in 67% of orders");
    /// assert!(rec.association("2", &["1"]).is_none());
    /// ```
    pub fn association(&self, item: &str, anchors: &[&str]) -> Option<Association> {
        let target = self.items.id(item)?;
        let mut best: Option<(f64, u32, u32)> = None;
        for name in anchors {
            let Some(anchor) = self.items.id(name).filter(|&a| a != target) else {
                continue;
            };
            let together = self
                .neighbours
                .of(anchor)
                .iter()
                .find(|n| n.item == target)
                .or_else(|| self.neighbours.of(target).iter().find(|n| n.item == anchor))
                .map(|n| n.together);
            let Some(together) = together else { continue };
            let confidence = self.pair(anchor, target, together).confidence();
            if best.is_none_or(|b| confidence > b.0 || (confidence == b.0 && anchor < b.1)) {
                best = Some((confidence, anchor, together));
            }
        }
        let (_, anchor, together) = best?;
        let stats = self.pair(anchor, target, together);
        let with = self.items.name(anchor).unwrap_or_default().to_owned();
        Some(Association {
            reason: Reason::BoughtTogether {
                with: with.clone(),
                together,
                with_count: stats.count_a,
                mode: self.mode,
            },
            score: self.similarity.score(&stats),
            with,
            stats,
        })
    }

    fn segment(&self, name: Option<&str>) -> Option<&SegmentPopularity> {
        let name = name?;
        self.segments.iter().find(|s| s.name == name)
    }

    /// Items for one customer and cart. See [`RecommendRequest`] for the semantics of each field.
    ///
    /// Errors only on an invalid [`Blend`]. With no known cart or history item, only popularity can
    /// recommend (nothing when its weight is 0).
    pub fn recommend(&self, request: &RecommendRequest) -> Result<Recommendations, RecommendError> {
        let blend = &request.blend;
        blend.validate()?;
        let mut unknown = Vec::new();
        let lookup = |name: &str, unknown: &mut Vec<String>| {
            let id = self.items.id(name);
            if id.is_none() {
                unknown.push(name.to_owned());
            }
            id
        };
        let mut anchors: Vec<(u32, f64)> =
            Vec::with_capacity(request.cart.len() + request.history.len());
        let mut owned: Vec<u32> = Vec::with_capacity(anchors.capacity());
        let mut cat_weights: Vec<(u32, f64)> = Vec::new();
        let mut total_weight = 0.0;
        let add_category = |cat: u32, w: f64, cat_weights: &mut Vec<(u32, f64)>| {
            if cat == NO_CATEGORY {
                return;
            }
            match cat_weights.iter_mut().find(|(c, _)| *c == cat) {
                Some(slot) => slot.1 += w,
                None => cat_weights.push((cat, w)),
            }
        };
        for name in &request.cart {
            total_weight += 1.0;
            if let Some(id) = lookup(name, &mut unknown) {
                anchors.push((id, 1.0));
                owned.push(id);
                add_category(
                    self.category
                        .get(id as usize)
                        .copied()
                        .unwrap_or(NO_CATEGORY),
                    1.0,
                    &mut cat_weights,
                );
            }
        }
        for h in &request.history {
            let w = match request.now_day {
                Some(now) => blend.decay(f64::from(now) - f64::from(h.day)),
                None => 1.0,
            };
            total_weight += w;
            let id = lookup(&h.product, &mut unknown);
            let cat = match id {
                Some(id) => self
                    .category
                    .get(id as usize)
                    .copied()
                    .unwrap_or(NO_CATEGORY),
                None => NO_CATEGORY,
            };
            let cat = if cat == NO_CATEGORY {
                h.category
                    .as_deref()
                    .and_then(|c| self.categories.id(c))
                    .unwrap_or(NO_CATEGORY)
            } else {
                cat
            };
            add_category(cat, w, &mut cat_weights);
            if let Some(id) = id {
                anchors.push((id, w));
                owned.push(id);
            }
        }
        let mut repeatable: Vec<u32> = request
            .repeatable
            .iter()
            .filter_map(|n| lookup(n, &mut unknown))
            .collect();
        sort_u32(&mut repeatable);
        owned.retain(|id| repeatable.binary_search(id).is_err());
        owned.extend(
            request
                .exclude
                .iter()
                .filter_map(|n| lookup(n, &mut unknown)),
        );
        sort_u32(&mut owned);
        owned.dedup();
        let excluded = |id: u32| owned.binary_search(&id).is_ok();

        // One anchor per item, with its largest weight; the most weighted MAX_ANCHORS.
        sort_by(&mut anchors, &|a, b| a.0 < b.0 || (a.0 == b.0 && a.1 > b.1));
        anchors.dedup_by_key(|a| a.0);
        if anchors.len() > MAX_ANCHORS {
            top_k_by(&mut anchors, MAX_ANCHORS, &|a, b| {
                a.1 > b.1 || (a.1 == b.1 && a.0 < b.0)
            });
        }
        for (_, w) in cat_weights.iter_mut() {
            *w = if total_weight > 0.0 {
                *w / total_weight
            } else {
                0.0
            };
        }

        // Candidates: (item, item-to-item contribution, anchor, together).
        let mut cands: Vec<(u32, f64, u32, u32)> = Vec::new();
        if blend.item_to_item > 0.0 {
            for &(anchor, w) in &anchors {
                for n in self.neighbours.of(anchor) {
                    if !excluded(n.item) {
                        let s = self
                            .similarity
                            .score(&self.pair(anchor, n.item, n.together));
                        cands.push((n.item, w * s, anchor, n.together));
                    }
                }
            }
        }
        let limit = request.limit;
        let segment = self.segment(request.segment.as_deref());
        if blend.popularity > 0.0 {
            let ranked: Box<dyn Iterator<Item = u32>> = match segment {
                Some(s) => Box::new(s.ranked.iter().map(|p| p.0)),
                None => Box::new(self.popular.iter().copied()),
            };
            cands.extend(
                ranked
                    .filter(|&i| !excluded(i))
                    .take(limit)
                    .map(|i| (i, 0.0, NONE, 0)),
            );
        }
        if blend.affinity > 0.0 {
            for &(cat, share) in &cat_weights {
                if share <= 0.0 {
                    continue;
                }
                let s = self.cat_offsets.get(cat as usize).copied().unwrap_or(0) as usize;
                let e = self.cat_offsets.get(cat as usize + 1).copied().unwrap_or(0) as usize;
                let run = self.cat_items.get(s..e).unwrap_or(&[]);
                cands.extend(
                    run.iter()
                        .copied()
                        .filter(|&i| !excluded(i))
                        .take(limit)
                        .map(|i| (i, 0.0, NONE, 0)),
                );
            }
        }

        // Merge by item: sum the contributions, keep the strongest anchor.
        sort_by(&mut cands, &|a, b| a.0 < b.0);
        let mut merged: Vec<(u32, f64, u32, u32, f64)> = Vec::new();
        for (item, contribution, anchor, together) in cands {
            match merged.last_mut() {
                Some(last) if last.0 == item => {
                    last.1 += contribution;
                    if contribution > last.4 {
                        last.2 = anchor;
                        last.3 = together;
                        last.4 = contribution;
                    }
                }
                _ => merged.push((item, contribution, anchor, together, contribution)),
            }
        }
        let i2i_max = merged.iter().map(|m| m.1).fold(0.0, f64::max);
        let seg_baskets = segment.map_or(self.baskets, |s| s.baskets);
        let seg_max = segment.map_or(self.count_max, |s| s.ranked.first().map_or(0, |p| p.1));
        let mut scored: Vec<Scored> = Vec::with_capacity(merged.len());
        for (item, raw, anchor, together, _) in merged {
            let count = self.counts.get(item as usize).copied().unwrap_or(0);
            let i2i = if i2i_max > 0.0 { raw / i2i_max } else { 0.0 };
            let cat = self
                .category
                .get(item as usize)
                .copied()
                .unwrap_or(NO_CATEGORY);
            let share = cat_weights.iter().find(|c| c.0 == cat).map_or(0.0, |c| c.1);
            let cmax = self.cat_max.get(cat as usize).copied().unwrap_or(0);
            let aff = if cmax > 0 {
                share * f64::from(count) / f64::from(cmax)
            } else {
                0.0
            };
            let seg_count = segment.map_or(count, |s| s.count(item));
            let pop = if seg_max > 0 {
                f64::from(seg_count) / f64::from(seg_max)
            } else {
                0.0
            };
            let score = blend.item_to_item * i2i + blend.affinity * aff + blend.popularity * pop;
            if score > 0.0 {
                scored.push(Scored {
                    score,
                    signals: [i2i, aff, pop],
                    item,
                    anchor,
                    together,
                    cat,
                    seg_count,
                });
            }
        }
        top_k_by(&mut scored, limit, &|a, b| {
            a.score > b.score || (a.score == b.score && a.item < b.item)
        });

        let items = scored
            .into_iter()
            .map(
                |Scored {
                     score,
                     signals: [i2i, aff, pop],
                     item,
                     anchor,
                     together,
                     cat,
                     seg_count,
                 }| {
                    let mut reasons: Vec<(f64, Reason)> = Vec::with_capacity(3);
                    if i2i > 0.0 && anchor != NONE {
                        reasons.push((
                            blend.item_to_item * i2i,
                            Reason::BoughtTogether {
                                with: self.items.name(anchor).unwrap_or_default().to_owned(),
                                together,
                                with_count: self.counts.get(anchor as usize).copied().unwrap_or(0),
                                mode: self.mode,
                            },
                        ));
                    }
                    if aff > 0.0 {
                        reasons.push((
                            blend.affinity * aff,
                            Reason::CategoryAffinity {
                                category: self.categories.name(cat).unwrap_or_default().to_owned(),
                                share: cat_weights.iter().find(|c| c.0 == cat).map_or(0.0, |c| c.1),
                            },
                        ));
                    }
                    if pop > 0.0 {
                        reasons.push((
                            blend.popularity * pop,
                            Reason::Popular {
                                segment: segment.map(|s| s.name.clone()),
                                count: seg_count,
                                baskets: seg_baskets,
                                mode: self.mode,
                            },
                        ));
                    }
                    reasons.retain(|r| r.0 > 0.0);
                    // At most three: the insertion sort keeps equal contributions in push order.
                    sort_by(&mut reasons, &|a, b| a.0 > b.0);
                    Recommendation {
                        item: self.items.name(item).unwrap_or_default().to_owned(),
                        score,
                        item_to_item: i2i,
                        affinity: aff,
                        popularity: pop,
                        reasons: reasons.into_iter().map(|r| r.1).collect(),
                    }
                },
            )
            .collect();
        Ok(Recommendations { items, unknown })
    }
}
