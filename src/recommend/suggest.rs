//! Suggestions with a source: the recommender's items (cross-sell, affinity, popularity) and the upsell
//! ladders' next tiers in one ranked list, each with the one reason a person is shown.
//!
//! The widget and the dashboard ask one question ("what should this customer see next?") and show where each
//! answer comes from; the recommender and the ladders answer it separately, so this is where they meet.
//! Upsell steps are scored `upsell × the anchor's weight` (a cart or owned item weighs 1, a past purchase
//! its recency weight), on the same scale as the recommender's blended score (item-to-item weight 1 for the
//! best candidate), so an upsell from the cart competes with the strongest cross-sell at `upsell = 1`.

use super::error::{check_non_negative, RecommendError};
use super::ladder::Ladders;
use super::reason::Reason;
use super::recommender::{RecommendRequest, Recommender};
use super::sort::sort_by;

/// Where a suggestion comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Bought together with an item of the cart or history.
    CrossSell,
    /// The next tier up from an item of the cart, owned or bought.
    Upsell,
    /// In a category the customer buys often.
    Affinity,
    /// Popular (in the customer's segment, when known).
    Popular,
}

impl Source {
    /// `cross_sell`, `upsell`, `affinity` or `popular`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CrossSell => "cross_sell",
            Self::Upsell => "upsell",
            Self::Affinity => "affinity",
            Self::Popular => "popular",
        }
    }

    fn of(reason: &Reason) -> Self {
        match reason {
            Reason::BoughtTogether { .. } => Self::CrossSell,
            Reason::NextTierUp { .. } => Self::Upsell,
            Reason::CategoryAffinity { .. } => Self::Affinity,
            Reason::Popular { .. } => Self::Popular,
        }
    }
}

/// One suggested item.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// The product id.
    pub item: String,
    /// The score the list is ranked by.
    pub score: f64,
    /// Where it comes from: the source of its strongest reason.
    pub source: Source,
    /// Every reason, strongest first (never empty).
    pub reasons: Vec<Reason>,
}

/// A request for suggestions: the recommender's request plus what the customer owns and the upsell weight.
#[derive(Clone, Debug, PartialEq)]
pub struct SuggestRequest {
    /// Cart, history, segment, limit, exclusions and blend of the recommender.
    pub recommend: RecommendRequest,
    /// Products the customer owns (subscriptions, devices): never suggested, and upsell anchors.
    pub owned: Vec<String>,
    /// Weight of upsell steps (default 0.5; 0 for none).
    pub upsell: f64,
}

impl Default for SuggestRequest {
    fn default() -> Self {
        Self {
            recommend: RecommendRequest::default(),
            owned: Vec::new(),
            upsell: 0.5,
        }
    }
}

/// The answer to a [`SuggestRequest`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Suggestions {
    /// Suggested items, best first.
    pub items: Vec<Suggestion>,
    /// Ids of the request not known to the recommender, in request order.
    pub unknown: Vec<String>,
}

/// Ranks the recommender's items and the ladders' next tiers for one customer. See the module docs.
///
/// ```
/// use nextoffer::recommend::{BasketMode, Baskets, LadderOptions, Ladders, OrderLine, Recommender,
///     RecommenderOptions, Source, SuggestRequest, suggest};
/// let line = |c, o, p, amount| OrderLine::new(c, 1, p).with_order(o).with_category("coffee").with_amount(amount);
/// let lines = [line("a", "o1", "beans", 10.0), line("a", "o1", "filter", 3.0),
///              line("b", "o2", "beans", 10.0), line("b", "o2", "filter", 3.0), line("c", "o3", "beans-premium", 14.0)];
/// let rec = Recommender::build(&Baskets::from_lines(lines, BasketMode::Order).unwrap(), &RecommenderOptions::default()).unwrap();
/// let ladders = Ladders::from_recommender(&rec, LadderOptions::default()).unwrap();
/// let mut request = SuggestRequest::default();
/// request.recommend.cart = vec!["beans".into()];
/// request.recommend.limit = 2;
/// request.recommend.blend.popularity = 0.0;
/// request.recommend.blend.affinity = 0.0;
/// let out = nextoffer::recommend::suggest(&rec, &ladders, &request).unwrap();
/// assert_eq!((out.items[0].item.as_str(), out.items[0].source), ("filter", Source::CrossSell));
/// assert_eq!((out.items[1].item.as_str(), out.items[1].source), ("beans-premium", Source::Upsell));
/// assert_eq!(out.items[1].reasons[0].to_string(), "next tier up from beans (14 vs 10, +40%)");
/// ```
pub fn suggest(
    rec: &Recommender,
    ladders: &Ladders,
    request: &SuggestRequest,
) -> Result<Suggestions, RecommendError> {
    check_non_negative("upsell", request.upsell)?;
    let r = &request.recommend;
    let mut base = r.clone();
    base.exclude.extend(request.owned.iter().cloned());
    let out = rec.recommend(&base)?;
    // (suggestion, tie-break rank): recommender items keep their order among equal scores.
    let mut items: Vec<(Suggestion, usize)> = out
        .items
        .into_iter()
        .enumerate()
        .filter_map(|(rank, it)| {
            let source = Source::of(it.reasons.first()?);
            Some((
                Suggestion {
                    item: it.item,
                    score: it.score,
                    source,
                    reasons: it.reasons,
                },
                rank,
            ))
        })
        .collect();

    if request.upsell > 0.0 && r.limit > 0 {
        let repeatable = |name: &str| r.repeatable.iter().any(|x| x == name);
        let mut taken: Vec<&str> = r.cart.iter().map(String::as_str).collect();
        taken.extend(r.history.iter().map(|h| h.product.as_str()));
        taken.retain(|name| !repeatable(name));
        taken.extend(request.owned.iter().map(String::as_str));
        taken.extend(r.exclude.iter().map(String::as_str));
        let decay = |day: i32| match r.now_day {
            Some(now) => r.blend.decay(f64::from(now) - f64::from(day)),
            None => 1.0,
        };
        let anchors = r
            .cart
            .iter()
            .chain(&request.owned)
            .map(|name| (name.as_str(), 1.0))
            .chain(r.history.iter().map(|h| (h.product.as_str(), decay(h.day))));
        let mut rank = items.len();
        for (anchor, weight) in anchors {
            if ladders.item(anchor).is_none() {
                continue;
            }
            let Some(step) = ladders.next_up(anchor, &taken, 1)?.into_iter().next() else {
                continue;
            };
            let score = request.upsell * weight;
            let reason = step.reason();
            match items.iter_mut().find(|(s, _)| s.item == step.item) {
                Some((s, _)) if s.source == Source::Upsell => {
                    if score > s.score {
                        s.score = score;
                        s.reasons = vec![reason];
                    }
                }
                Some((s, _)) => {
                    if score > s.score {
                        s.score = score;
                        s.source = Source::Upsell;
                        s.reasons.insert(0, reason);
                    } else {
                        s.reasons.push(reason);
                    }
                }
                None => {
                    items.push((
                        Suggestion {
                            item: step.item,
                            score,
                            source: Source::Upsell,
                            reasons: vec![reason],
                        },
                        rank,
                    ));
                    rank += 1;
                }
            }
        }
    }
    sort_by(&mut items, &|a, b| {
        a.0.score > b.0.score || (a.0.score == b.0.score && a.1 < b.1)
    });
    items.truncate(r.limit);
    Ok(Suggestions {
        items: items.into_iter().map(|(s, _)| s).collect(),
        unknown: out.unknown,
    })
}
