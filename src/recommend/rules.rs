//! Association rules from frequent itemsets: support, confidence, lift, leverage and conviction.
//!
//! For every frequent itemset `S` and every non-empty proper subset `A`, the rule `A -> S \ A`. The counts of
//! `A` and of the consequent come from the itemsets' hash index (every subset of a frequent set is
//! frequent). A rule is stored as the itemset's index, a bit mask of its antecedent and three counts (20
//! bytes), so millions of rules stay compact; metrics are computed from the counts when read, with the same
//! formulas as mlxtend's `association_rules`.

use super::error::{check_non_negative, check_unit, RecommendError};
use super::fpgrowth::FrequentItemsets;
use super::sort::{sort_by, sort_u32, top_k_by};

/// Options of [`RuleSet::generate`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleOptions {
    /// Minimum confidence, in `[0, 1]` (default 0.5).
    pub min_confidence: f64,
    /// Minimum lift, at least 0 (default 0: no filter).
    pub min_lift: f64,
}

impl Default for RuleOptions {
    fn default() -> Self {
        Self {
            min_confidence: 0.5,
            min_lift: 0.0,
        }
    }
}

/// A metric to sort rules by (descending).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleMetric {
    /// Share of baskets holding antecedent and consequent.
    Support,
    /// Share of baskets with the antecedent that hold the consequent.
    Confidence,
    /// Confidence over the consequent's support.
    Lift,
    /// Support minus the product of the two sides' supports.
    Leverage,
    /// `(1 - consequent support) / (1 - confidence)`.
    Conviction,
}

impl RuleMetric {
    /// Parses `support`, `confidence`, `lift`, `leverage` or `conviction`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "support" => Some(Self::Support),
            "confidence" => Some(Self::Confidence),
            "lift" => Some(Self::Lift),
            "leverage" => Some(Self::Leverage),
            "conviction" => Some(Self::Conviction),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rule {
    itemset: u32,
    mask: u32,
    count_a: u32,
    count_c: u32,
}

/// The longest itemset rules are generated for: a set of `k` items has `2^k - 2` rules, and its subset
/// counts are tabulated (4 MB at 20 items).
const MAX_RULE_SET_LEN: usize = 20;

/// Association rules, owning the itemsets they come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSet {
    itemsets: FrequentItemsets,
    rules: Vec<Rule>,
}

/// One rule, read from a [`RuleSet`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleView<'a> {
    set: &'a [u32],
    mask: u32,
    /// Baskets holding antecedent and consequent.
    pub count: u32,
    /// Baskets holding the antecedent.
    pub count_antecedent: u32,
    /// Baskets holding the consequent.
    pub count_consequent: u32,
    /// Baskets in all.
    pub transactions: u32,
}

impl<'a> RuleView<'a> {
    /// The antecedent's items, ascending.
    pub fn antecedent(&self) -> impl Iterator<Item = u32> + 'a {
        let mask = self.mask;
        self.set
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask >> i & 1 == 1)
            .map(|(_, &x)| x)
    }

    /// The consequent's items, ascending.
    pub fn consequent(&self) -> impl Iterator<Item = u32> + 'a {
        let mask = self.mask;
        self.set
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask >> i & 1 == 0)
            .map(|(_, &x)| x)
    }

    /// Every item of the rule (antecedent and consequent), ascending.
    pub fn items(&self) -> &'a [u32] {
        self.set
    }

    fn share(&self, count: u32) -> f64 {
        if self.transactions == 0 {
            0.0
        } else {
            f64::from(count) / f64::from(self.transactions)
        }
    }

    /// Support of antecedent and consequent together.
    pub fn support(&self) -> f64 {
        self.share(self.count)
    }

    /// Support of the antecedent.
    pub fn antecedent_support(&self) -> f64 {
        self.share(self.count_antecedent)
    }

    /// Support of the consequent.
    pub fn consequent_support(&self) -> f64 {
        self.share(self.count_consequent)
    }

    /// `support / antecedent support`.
    pub fn confidence(&self) -> f64 {
        if self.count_antecedent == 0 {
            0.0
        } else {
            f64::from(self.count) / f64::from(self.count_antecedent)
        }
    }

    /// `confidence / consequent support`.
    pub fn lift(&self) -> f64 {
        let sc = self.consequent_support();
        if sc == 0.0 {
            0.0
        } else {
            self.confidence() / sc
        }
    }

    /// `support - antecedent support × consequent support`.
    pub fn leverage(&self) -> f64 {
        self.support() - self.antecedent_support() * self.consequent_support()
    }

    /// `(1 - consequent support) / (1 - confidence)`; `inf` when the confidence is 1 (as mlxtend).
    pub fn conviction(&self) -> f64 {
        let conf = self.confidence();
        if conf >= 1.0 {
            f64::INFINITY
        } else {
            (1.0 - self.consequent_support()) / (1.0 - conf)
        }
    }

    /// The value of `metric`.
    pub fn metric(&self, metric: RuleMetric) -> f64 {
        match metric {
            RuleMetric::Support => self.support(),
            RuleMetric::Confidence => self.confidence(),
            RuleMetric::Lift => self.lift(),
            RuleMetric::Leverage => self.leverage(),
            RuleMetric::Conviction => self.conviction(),
        }
    }
}

impl RuleSet {
    /// Generates every rule of `itemsets` passing the thresholds (antecedent and consequent non-empty).
    ///
    /// ```
    /// use nextoffer::recommend::{frequent_itemsets, Baskets, FpGrowthOptions, RuleOptions, RuleSet};
    /// let b = Baskets::from_ids(&[vec![0, 1], vec![0, 1], vec![0], vec![1, 2]]).unwrap();
    /// let f = frequent_itemsets(&b, &FpGrowthOptions { min_support: 0.5, max_len: None }).unwrap();
    /// let rules = RuleSet::generate(f, &RuleOptions { min_confidence: 0.0, min_lift: 0.0 }).unwrap();
    /// assert_eq!(rules.len(), 2); // {0} -> {1} and {1} -> {0}
    /// let r = rules.get(0).unwrap();
    /// assert!((r.confidence() - 2.0 / 3.0).abs() < 1e-15);
    /// assert!((r.lift() - (2.0 / 3.0) / 0.75).abs() < 1e-15);
    /// ```
    pub fn generate(
        itemsets: FrequentItemsets,
        options: &RuleOptions,
    ) -> Result<Self, RecommendError> {
        let min_conf = check_unit("min_confidence", options.min_confidence)?;
        let min_lift = check_non_negative("min_lift", options.min_lift)?;
        let n = f64::from(itemsets.transactions());
        let mut rules = Vec::new();
        let mut sub_counts: Vec<u32> = Vec::new();
        let mut sub: Vec<u32> = Vec::new();
        for index in 0..itemsets.len() {
            let set = itemsets.itemset(index);
            let k = set.len();
            if k < 2 {
                continue;
            }
            if k > MAX_RULE_SET_LEN {
                return Err(RecommendError::ItemsetTooLong {
                    len: k,
                    max: MAX_RULE_SET_LEN,
                });
            }
            let full: u32 = (1u32 << k) - 1;
            let count = itemsets.count(index);
            // The count of every proper subset, looked up once per set.
            sub_counts.clear();
            sub_counts.resize(full as usize, 0);
            for mask in 1..full {
                sub.clear();
                sub.extend(
                    set.iter()
                        .enumerate()
                        .filter(|(i, _)| mask >> i & 1 == 1)
                        .map(|(_, &x)| x),
                );
                if let Some(slot) = sub_counts.get_mut(mask as usize) {
                    *slot = itemsets.count_of(&sub).unwrap_or(0);
                }
            }
            for mask in 1..full {
                let count_a = sub_counts.get(mask as usize).copied().unwrap_or(0);
                let count_c = sub_counts.get((full ^ mask) as usize).copied().unwrap_or(0);
                if count_a == 0 || count_c == 0 {
                    continue;
                }
                let conf = f64::from(count) / f64::from(count_a);
                if conf < min_conf {
                    continue;
                }
                if min_lift > 0.0 && conf / (f64::from(count_c) / n) < min_lift {
                    continue;
                }
                rules.push(Rule {
                    itemset: index as u32,
                    mask,
                    count_a,
                    count_c,
                });
            }
        }
        Ok(Self { itemsets, rules })
    }

    /// The itemsets the rules come from.
    pub fn itemsets(&self) -> &FrequentItemsets {
        &self.itemsets
    }

    /// Gives the itemsets back (to generate rules again with other thresholds).
    pub fn into_itemsets(self) -> FrequentItemsets {
        self.itemsets
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    fn view(&self, rule: &Rule) -> RuleView<'_> {
        RuleView {
            set: self.itemsets.itemset(rule.itemset as usize),
            mask: rule.mask,
            count: self.itemsets.count(rule.itemset as usize),
            count_antecedent: rule.count_a,
            count_consequent: rule.count_c,
            transactions: self.itemsets.transactions(),
        }
    }

    /// Rule `index`.
    pub fn get(&self, index: usize) -> Option<RuleView<'_>> {
        self.rules.get(index).map(|r| self.view(r))
    }

    /// Every rule, in the current order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = RuleView<'_>> + '_ {
        self.rules.iter().map(move |r| self.view(r))
    }

    /// Sorts rules by `metric`, descending; ties keep a deterministic order (by itemset, then antecedent).
    pub fn sort_by(&mut self, metric: RuleMetric) {
        let mut keyed: Vec<(f64, Rule)> = self
            .rules
            .iter()
            .map(|r| (self.view(r).metric(metric), *r))
            .collect();
        sort_by(&mut keyed, &|a, b| {
            a.0 > b.0 || (a.0 == b.0 && (a.1.itemset, a.1.mask) < (b.1.itemset, b.1.mask))
        });
        self.rules = keyed.into_iter().map(|k| k.1).collect();
    }

    /// "Frequently bought together" for a cart: rules whose antecedent is in the cart and whose consequent
    /// is not, by confidence then lift (descending, then rule order), at most `limit`. `cart` need not be
    /// sorted; unknown ids simply match nothing. Scans every rule.
    pub fn for_cart(&self, cart: &[u32], limit: usize) -> Vec<RuleView<'_>> {
        let mut cart = cart.to_vec();
        sort_u32(&mut cart);
        cart.dedup();
        let inside = |x: u32| cart.binary_search(&x).is_ok();
        let mut found: Vec<(f64, f64, usize)> = self
            .iter()
            .enumerate()
            .filter(|(_, r)| r.antecedent().all(inside) && !r.consequent().any(inside))
            .map(|(i, r)| (r.confidence(), r.lift(), i))
            .collect();
        top_k_by(&mut found, limit, &|a, b| {
            a.0 > b.0 || (a.0 == b.0 && (a.1 > b.1 || (a.1 == b.1 && a.2 < b.2)))
        });
        found.iter().filter_map(|f| self.get(f.2)).collect()
    }
}
