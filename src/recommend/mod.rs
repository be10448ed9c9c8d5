//! Recommendations and personalization: the propensity signals and offer generators behind `decide`.
//!
//! Everything here is learned from the shop's own order history and runs in the browser, at the edge and
//! natively, deterministically (seeds and `now` come from the caller).
//!
//! ## What is here
//! - [`Baskets`]: order rows grouped into baskets (an order, a customer's day, or a customer's history),
//!   items interned to `u32`.
//! - Item-to-item co-occurrence ([`item_neighbours`], [`PairStats`]) scored by cosine, Jaccard, lift or
//!   confidence, and the [`Recommender`] that blends it with category affinity and popularity for one
//!   customer and cart, with [`Reason`]s built from the real counts. It saves to a compact, versioned binary
//!   format ([`Recommender::to_bytes`], [`Recommender::from_bytes`]).
//! - Association rules: [`frequent_itemsets`] by FP-growth and [`RuleSet`] (support, confidence, lift,
//!   leverage, conviction), with "frequently bought together" lookups for a cart.
//! - Upsell [`Ladders`]: the next tier up within a category, in a price-jump band, margin-aware; [`suggest`]
//!   ranks them with the recommender's items, each with its [`Source`] (cross-sell, upsell, affinity, popular).
//! - [`OrderRows`]: orders from CSV text or JSON order objects (the Wasm binding's input); [`OrderColumns`]:
//!   order objects as the binding's walk hands them over.
//! - [`category_affinity`]: category or brand affinity with recency decay.
//! - Bandits: Beta-Bernoulli Thompson sampling ([`ThompsonBandit`]) and a linear contextual bandit
//!   ([`LinearBandit`], LinUCB and linear Thompson sampling), seeded by [`Rng`], with state export, import
//!   and merge.
//! - Effect measurement: [`measure_lift`] and [`LiftTable`] (conversion, lift with a 95% interval, the
//!   probability that treatment beats control).
//! - [`api`]: the JavaScript API (`Recommender`, `lift`) in JSON values, wrapped by the Wasm binding.
//! - Offline evaluation: [`evaluate_leave_last_out`] (hit rate and NDCG at k).
//!
//! ## Example
//! ```
//! use nextoffer::recommend::{BasketMode, Baskets, OrderLine, RecommendRequest, Recommender, RecommenderOptions};
//! let lines = [
//!     OrderLine::new("c1", 1, "beans").with_order("o1"),
//!     OrderLine::new("c1", 1, "filter").with_order("o1"),
//!     OrderLine::new("c2", 2, "beans").with_order("o2"),
//!     OrderLine::new("c2", 2, "filter").with_order("o2"),
//!     OrderLine::new("c3", 3, "beans").with_order("o3"),
//!     OrderLine::new("c3", 3, "mug").with_order("o3"),
//! ];
//! let baskets = Baskets::from_lines(lines, BasketMode::Order).unwrap();
//! let rec = Recommender::build(&baskets, &RecommenderOptions::default()).unwrap();
//! let out = rec.recommend(&RecommendRequest { cart: vec!["beans".into()], limit: 1, ..Default::default() }).unwrap();
//! assert_eq!(out.items[0].item, "filter");
//! assert_eq!(out.items[0].reasons[0].to_string(), "bought together with beans in 67% of orders");
//! ```

mod affinity;
pub mod api;
mod api_input;
mod bandit;
mod baskets;
mod cooccurrence;
mod error;
mod evaluate;
mod fpgrowth;
mod items;
mod ladder;
mod lift;
mod linear;
pub(crate) mod math;
mod model_format;
mod order_columns;
mod orders;
mod ranking;
mod reason;
mod recommender;
mod rng;
mod rules;
mod sort;
mod suggest;
mod views;

pub use affinity::{category_affinity, Affinity};
pub use bandit::{BetaPrior, Choice, ThompsonBandit};
pub use baskets::{BasketMode, Baskets, BasketsBuilder, OrderLine, NO_CATEGORY};
pub use cooccurrence::{
    item_neighbours, neighbour_threads, pair_stats, Neighbour, NeighbourOptions, Neighbours,
    PairStats, Similarity,
};
pub use error::RecommendError;
pub use evaluate::{evaluate_leave_last_out, Evaluation, EvaluationOptions, Method, MethodScore};
pub use fpgrowth::{frequent_itemsets, FpGrowthOptions, FrequentItemsets};
pub use items::Interner;
pub use ladder::{LadderItem, LadderOptions, Ladders, Step};
pub use lift::{
    measure_lift, ArmCounts, Interval, LiftEvent, LiftEventKind, LiftReport, LiftTable, Variant,
};
pub use linear::{FeatureSpace, LinearBandit};
pub use model_format::FORMAT_VERSION;
pub use order_columns::{OrderColumns, NO_VALUE, NUMBER, ORDER_FIELDS};
pub use orders::OrderRows;
pub use reason::Reason;
pub use recommender::{
    Association, Blend, HistoryItem, RecommendRequest, Recommendation, Recommendations,
    Recommender, RecommenderOptions, Similar,
};
pub use rng::Rng;
pub use rules::{RuleMetric, RuleOptions, RuleSet, RuleView};
pub use suggest::{suggest, Source, SuggestRequest, Suggestion, Suggestions};
