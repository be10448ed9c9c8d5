//! Upsell ladders: within a category, the next tier up from what the customer has.
//!
//! Upsell means a higher tier of what the customer already buys (DESIGN.md). A category's items form a
//! ladder of rungs, ordered by an explicit tier when the catalog has one and by price otherwise. The next
//! step up from an item is the nearest higher rung whose price stays within a jump band (a 40,000 yen
//! grinder is not an upsell from a 900 yen filter), never an item the customer owns, and never one whose
//! margin is below the floor. Within a rung, the larger margin amount ranks first.

use super::error::{check_unit, num, RecommendError};
use super::items::Interner;
use super::reason::Reason;
use super::recommender::Recommender;
use super::sort::{sort_by, top_k_by};

/// One catalog entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LadderItem {
    /// Product id.
    pub id: String,
    /// Category: ladders never cross categories.
    pub category: String,
    /// Price, positive.
    pub price: f64,
    /// Explicit tier (higher is better); when both items have one, it orders them instead of the price.
    pub tier: Option<f64>,
    /// Margin rate in `[0, 1]`, when known.
    pub margin: Option<f64>,
}

/// Options of [`Ladders`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LadderOptions {
    /// Smallest price ratio `candidate / current` (default 1.05).
    pub min_jump: f64,
    /// Largest price ratio (default 2.5; `inf` for no cap).
    pub max_jump: f64,
    /// Candidates with a known margin rate below this are skipped (default none).
    pub min_margin: Option<f64>,
}

impl Default for LadderOptions {
    fn default() -> Self {
        Self {
            min_jump: 1.05,
            max_jump: 2.5,
            min_margin: None,
        }
    }
}

/// One step up a ladder.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The upsell item.
    pub item: String,
    /// The item it upgrades.
    pub from: String,
    /// Its price.
    pub price: f64,
    /// Price of `from`.
    pub from_price: f64,
    /// `price / from_price`.
    pub jump: f64,
    /// 1 for the next rung up, 2 for the one after…
    pub rung: u32,
    /// Margin amount (`price × margin rate`), when the margin is known.
    pub margin_amount: Option<f64>,
}

impl Step {
    /// The reason to show: "next tier up from Y (32000 vs 12000, +167%)".
    pub fn reason(&self) -> Reason {
        Reason::NextTierUp {
            from: self.from.clone(),
            from_price: self.from_price,
            price: self.price,
        }
    }
}

/// Upsell ladders over a catalog.
#[derive(Clone, Debug, Default)]
pub struct Ladders {
    items: Vec<LadderItem>,
    index: Interner,
    /// Item indices per category.
    by_category: Vec<Vec<u32>>,
    category_of: Vec<u32>,
    options: LadderOptions,
}

impl Ladders {
    /// Validates the catalog (positive finite prices, finite tiers, margins in `[0, 1]`, unique ids) and
    /// the options (`1 <= min_jump <= max_jump`).
    ///
    /// ```
    /// use nextoffer::recommend::{LadderItem, LadderOptions, Ladders};
    /// let item = |id: &str, price: f64| LadderItem { id: id.into(), category: "coffee".into(), price, ..Default::default() };
    /// let l = Ladders::new(vec![item("basic", 100.0), item("plus", 150.0), item("pro", 220.0)], LadderOptions::default()).unwrap();
    /// let steps = l.next_up("basic", &[], 3).unwrap();
    /// assert_eq!(steps[0].item, "plus");
    /// assert_eq!(steps[0].reason().to_string(), "next tier up from basic (150 vs 100, +50%)");
    /// assert_eq!(l.next_up("basic", &["plus"], 3).unwrap()[0].item, "pro");
    /// ```
    pub fn new(items: Vec<LadderItem>, options: LadderOptions) -> Result<Self, RecommendError> {
        if !(options.min_jump.is_finite() && options.min_jump >= 1.0) {
            return Err(RecommendError::OutOfRange {
                option: "min_jump",
                value: options.min_jump,
                range: "[1, inf)",
            });
        }
        if options.max_jump.is_nan() || options.max_jump < options.min_jump {
            return Err(RecommendError::OutOfRange {
                option: "max_jump",
                value: options.max_jump,
                range: "[min_jump, inf]",
            });
        }
        if let Some(m) = options.min_margin {
            check_unit("min_margin", m)?;
        }
        let mut index = Interner::new();
        let mut categories = Interner::new();
        let mut by_category: Vec<Vec<u32>> = Vec::new();
        let mut category_of = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let bad = |message: String| RecommendError::Catalog {
                index: i,
                id: item.id.clone(),
                message,
            };
            if !(item.price.is_finite() && item.price > 0.0) {
                return Err(bad(format!(
                    "price {} is not a positive number",
                    num(item.price)
                )));
            }
            if let Some(t) = item.tier.filter(|t| !t.is_finite()) {
                return Err(bad(format!("tier {} is not finite", num(t))));
            }
            if let Some(m) = item.margin.filter(|m| !(0.0..=1.0).contains(m)) {
                return Err(bad(format!("margin {} is outside [0, 1]", num(m))));
            }
            if index.id(&item.id).is_some() {
                return Err(bad("duplicate id".into()));
            }
            index
                .intern(&item.id)
                .ok_or_else(|| bad("too many items".into()))?;
            let c = categories
                .intern(&item.category)
                .ok_or_else(|| bad("too many categories".into()))?;
            if c as usize == by_category.len() {
                by_category.push(Vec::new());
            }
            if let Some(list) = by_category.get_mut(c as usize) {
                list.push(i as u32);
            }
            category_of.push(c);
        }
        Ok(Self {
            items,
            index,
            by_category,
            category_of,
            options,
        })
    }

    /// Ladders over the items of a recommender that have a category and a known unit price (from order
    /// amounts). No tiers or margins: rungs are prices.
    pub fn from_recommender(
        rec: &Recommender,
        options: LadderOptions,
    ) -> Result<Self, RecommendError> {
        let items = rec
            .items()
            .names()
            .enumerate()
            .filter_map(|(i, name)| {
                let price = rec.price_of(i as u32).filter(|p| *p > 0.0)?;
                let category = rec.category_of(i as u32)?;
                Some(LadderItem {
                    id: name.to_owned(),
                    category: category.to_owned(),
                    price,
                    tier: None,
                    margin: None,
                })
            })
            .collect();
        Self::new(items, options)
    }

    /// The catalog entry of an id.
    pub fn item(&self, id: &str) -> Option<&LadderItem> {
        self.index.id(id).and_then(|i| self.items.get(i as usize))
    }

    /// Upsell steps from `from`, best first, at most `limit`; `owned` items are skipped.
    ///
    /// Candidates: same category; above `from` by tier when both have one, else by price; price ratio in
    /// `[min_jump, max_jump]`; margin at least `min_margin` when known. Order: rung (1 = nearest level
    /// above), then margin amount (unknown last), then price, then id.
    pub fn next_up(
        &self,
        from: &str,
        owned: &[&str],
        limit: usize,
    ) -> Result<Vec<Step>, RecommendError> {
        let fi = self
            .index
            .id(from)
            .ok_or_else(|| RecommendError::UnknownItem {
                item: from.to_owned(),
                context: "next_up",
            })?;
        let (Some(base), Some(&cat)) = (
            self.items.get(fi as usize),
            self.category_of.get(fi as usize),
        ) else {
            return Ok(Vec::new());
        };
        let peers = self
            .by_category
            .get(cat as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        // The level of an item relative to `base`: its tier when both have one, else its price.
        let level = |it: &LadderItem| match (base.tier, it.tier) {
            (Some(_), Some(t)) => (true, t),
            _ => (false, it.price),
        };
        let above = |it: &LadderItem| {
            let (tiered, l) = level(it);
            if tiered {
                base.tier.is_some_and(|bt| l > bt)
            } else {
                l > base.price
            }
        };
        let mut candidates: Vec<(u32, &LadderItem)> = Vec::new();
        for &j in peers {
            let Some(it) = self.items.get(j as usize) else {
                continue;
            };
            if j == fi || owned.contains(&it.id.as_str()) || !above(it) {
                continue;
            }
            let jump = it.price / base.price;
            if jump < self.options.min_jump || jump > self.options.max_jump {
                continue;
            }
            if let (Some(floor), Some(m)) = (self.options.min_margin, it.margin) {
                if m < floor {
                    continue;
                }
            }
            candidates.push((0, it));
        }
        // Rung: the number of distinct levels above `base` up to and including the candidate's, counted
        // over every item of the category (owned ones too: a ladder's rungs do not move with ownership).
        let mut levels: Vec<(bool, f64)> = peers
            .iter()
            .filter_map(|&j| self.items.get(j as usize))
            .filter(|it| above(it))
            .map(level)
            .collect();
        sort_by(&mut levels, &|a, b| {
            a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).is_lt()
        });
        levels.dedup();
        // `levels` is sorted by (tiered, level): a candidate's rung is the number of levels of its kind up to
        // its own, found by two binary searches rather than a scan of every level per candidate.
        for c in candidates.iter_mut() {
            let l = level(c.1);
            let start = levels.partition_point(|x| !x.0 && l.0);
            let end = levels.partition_point(|x| (!x.0 && l.0) || (x.0 == l.0 && x.1 <= l.1));
            c.0 = end.saturating_sub(start) as u32;
        }
        let margin_amount = |it: &LadderItem| it.margin.map(|m| m * it.price);
        top_k_by(&mut candidates, limit, &|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| match (margin_amount(a.1), margin_amount(b.1)) {
                    (Some(x), Some(y)) => y.total_cmp(&x),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                })
                .then(a.1.price.total_cmp(&b.1.price))
                .then(a.1.id.cmp(&b.1.id))
                .is_lt()
        });
        Ok(candidates
            .into_iter()
            .map(|(rung, it)| Step {
                item: it.id.clone(),
                from: base.id.clone(),
                price: it.price,
                from_price: base.price,
                jump: it.price / base.price,
                rung,
                margin_amount: margin_amount(it),
            })
            .collect())
    }
}
