//! Offline evaluation: does the recommender predict what customers bought next?
//!
//! Leave-last-out: each customer's last purchased product (latest day; the later line on ties) is held
//! out, every other line trains the model, and each method recommends `k` items from the rest of the
//! customer's history. Hit rate at k is the share of customers whose held-out item is among them; NDCG at
//! k credits a hit at rank `r` (1-based) with `1 / log2(r + 1)`. Lines of the held-out product earlier in
//! the same customer's history are dropped from training too, so that the target is a new item (the
//! recommender never suggests what the customer owns).

use super::baskets::{BasketMode, Baskets, OrderLine};
use super::error::RecommendError;
use super::items::Interner;
use super::recommender::{Blend, HistoryItem, RecommendRequest, Recommender, RecommenderOptions};

/// A recommendation method under evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Item-to-item similarity to the history only.
    ItemToItem,
    /// Category affinity only.
    Affinity,
    /// Popularity only.
    Popularity,
    /// The blend of [`EvaluationOptions::blend`].
    Blend,
}

impl Method {
    /// `item_to_item`, `affinity`, `popularity` or `blend`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ItemToItem => "item_to_item",
            Self::Affinity => "affinity",
            Self::Popularity => "popularity",
            Self::Blend => "blend",
        }
    }
}

/// Options of [`evaluate_leave_last_out`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvaluationOptions {
    /// Recommendations per customer (default 10).
    pub k: usize,
    /// How training lines form baskets (default by order).
    pub mode: BasketMode,
    /// How the model is built.
    pub recommender: RecommenderOptions,
    /// The blend evaluated as [`Method::Blend`]; its half-life applies to every method.
    pub blend: Blend,
}

impl Default for EvaluationOptions {
    fn default() -> Self {
        Self {
            k: 10,
            mode: BasketMode::Order,
            recommender: RecommenderOptions::default(),
            blend: Blend::default(),
        }
    }
}

/// The score of one method.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MethodScore {
    /// The method.
    pub method: Method,
    /// Customers whose held-out item was recommended.
    pub hits: usize,
    /// `hits / customers`.
    pub hit_rate: f64,
    /// Mean NDCG at k.
    pub ndcg: f64,
}

/// The outcome of an evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Customers evaluated (with a held-out item and at least one training line).
    pub customers: usize,
    /// Customers skipped (a single distinct product: nothing left to learn from).
    pub skipped: usize,
    /// k.
    pub k: usize,
    /// One score per method: item-to-item, affinity, popularity, blend.
    pub scores: Vec<MethodScore>,
}

impl Evaluation {
    /// The score of a method.
    pub fn score(&self, method: Method) -> Option<&MethodScore> {
        self.scores.iter().find(|s| s.method == method)
    }
}

fn valid(line: &OrderLine<'_>) -> bool {
    let q = line.quantity.unwrap_or(1.0);
    !line.product.is_empty() && q > 0.0
}

/// Runs the leave-last-out evaluation of the four methods on order lines.
///
/// ```
/// use nextoffer::recommend::{evaluate_leave_last_out, EvaluationOptions, Method, OrderLine};
/// let lines = [
///     OrderLine::new("a", 1, "tea"), OrderLine::new("a", 1, "kettle"), OrderLine::new("a", 2, "cups"),
///     OrderLine::new("b", 1, "cups"), OrderLine::new("b", 1, "kettle"), OrderLine::new("b", 2, "tea"),
///     OrderLine::new("c", 1, "tea"), OrderLine::new("c", 1, "cups"), OrderLine::new("c", 2, "kettle"),
///     OrderLine::new("e", 1, "tea"),
/// ];
/// let e = evaluate_leave_last_out(&lines, &EvaluationOptions::default()).unwrap();
/// assert_eq!(e.customers, 3);
/// assert_eq!(e.skipped, 1);
/// assert_eq!(e.score(Method::ItemToItem).unwrap().hit_rate, 1.0);
/// ```
pub fn evaluate_leave_last_out(
    lines: &[OrderLine<'_>],
    options: &EvaluationOptions,
) -> Result<Evaluation, RecommendError> {
    let mut customers = Interner::new();
    let mut last: Vec<usize> = Vec::new();
    let mut line_customer = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let c = customers
            .intern(line.customer)
            .ok_or(RecommendError::Capacity {
                what: "customers",
                max: u64::from(u32::MAX) - 1,
            })?;
        line_customer.push(c);
        if !valid(line) {
            continue;
        }
        if c as usize >= last.len() {
            last.resize(c as usize + 1, usize::MAX);
        }
        if let Some(slot) = last.get_mut(c as usize) {
            let better = match lines.get(*slot) {
                Some(prev) => line.day >= prev.day,
                None => true,
            };
            if better {
                *slot = i;
            }
        }
    }
    let held = |c: u32| {
        last.get(c as usize)
            .and_then(|&i| lines.get(i))
            .map(|l| l.product)
    };
    let mut train: Vec<OrderLine<'_>> = Vec::with_capacity(lines.len());
    let mut history: Vec<Vec<HistoryItem>> = vec![Vec::new(); customers.len()];
    for (line, &c) in lines.iter().zip(&line_customer) {
        if !valid(line) || held(c) == Some(line.product) {
            continue;
        }
        train.push(*line);
        if let Some(h) = history.get_mut(c as usize) {
            h.push(HistoryItem {
                product: line.product.to_owned(),
                day: line.day,
                category: None,
            });
        }
    }
    let baskets = Baskets::from_lines(train.iter().copied(), options.mode)?;
    let model = Recommender::build(&baskets, &options.recommender)?;
    let blend = options.blend;
    let with_half_life = |b: Blend| Blend {
        half_life_days: blend.half_life_days,
        ..b
    };
    let methods = [
        (
            Method::ItemToItem,
            with_half_life(Blend::item_to_item_only()),
        ),
        (Method::Affinity, with_half_life(Blend::affinity_only())),
        (Method::Popularity, with_half_life(Blend::popularity_only())),
        (Method::Blend, blend),
    ];
    let mut hits = [0usize; 4];
    let mut ndcg = [0.0f64; 4];
    let mut evaluated = 0usize;
    let mut skipped = 0usize;
    for c in 0..customers.len() as u32 {
        let Some(target) = held(c) else { continue };
        let Some(hist) = history.get_mut(c as usize) else {
            continue;
        };
        if hist.is_empty() {
            skipped += 1;
            continue;
        }
        evaluated += 1;
        let now = last
            .get(c as usize)
            .and_then(|&i| lines.get(i))
            .map(|l| l.day);
        let mut request = RecommendRequest {
            history: std::mem::take(hist),
            now_day: now,
            limit: options.k,
            ..RecommendRequest::default()
        };
        for (m, (_, b)) in methods.iter().enumerate() {
            request.blend = *b;
            let out = model.recommend(&request)?;
            if let Some(rank) = out.items.iter().position(|r| r.item == target) {
                if let (Some(h), Some(n)) = (hits.get_mut(m), ndcg.get_mut(m)) {
                    *h += 1;
                    *n += 1.0 / ((rank + 2) as f64).log2();
                }
            }
        }
    }
    let denom = evaluated.max(1) as f64;
    let scores = methods
        .iter()
        .zip(hits.iter().zip(&ndcg))
        .map(|((method, _), (&h, &n))| MethodScore {
            method: *method,
            hits: h,
            hit_rate: h as f64 / denom,
            ndcg: n / denom,
        })
        .collect();
    Ok(Evaluation {
        customers: evaluated,
        skipped,
        k: options.k,
        scores,
    })
}
