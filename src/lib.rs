//! # nextoffer
//!
//! The next-best-offer engine: for one customer at one moment, which offers to show, best first, each with
//! the reasons; and the customer insight (ranks, segments, lifetime value, churn risk) that feeds it.
//!
//! The core is pure Rust and knows nothing of JavaScript. The WebAssembly binding lives in `src/wasm/` and
//! is compiled only for `wasm32`; the command-line tool in `src/bin/`.
//!
//! ## Modules, in the order a decision flows through them
//! - [`json`]: the JSON value every boundary speaks (models, requests, results, learned state).
//! - [`condition`]: GrowthBook-compatible eligibility conditions, compiled once at model load.
//! - [`bucket`]: GrowthBook-compatible deterministic hashing, for control groups and splits.

pub mod bucket;
pub mod condition;
pub mod insight;
pub mod json;
pub mod recommend;

mod arbitration;
// The browser build leaves the recommender out (its 80 KB budget): without the `recommender` feature, the
// engine's recommender type has no values and every path that would use one compiles away.
#[cfg(feature = "recommender")]
mod candidates;
#[cfg(not(feature = "recommender"))]
#[path = "candidates_off.rs"]
mod candidates;
mod catalog;
mod customer;
mod decision;
mod decode;
mod engine;
mod error;
mod feedback;
mod intern;
mod model;
mod policy;
mod profile;
mod propensity;
mod request;
mod sort;
mod tape;
mod text;
mod time;

pub use arbitration::{ArbitrationSettings, Assignment, Factors};
pub use catalog::{Offer, OfferKind};
pub use customer::PreparedCustomer;
pub use decision::{Decision, Group, RankedOffer, Reason, SuppressedOffer};
pub use decode::FieldError;
pub use engine::Engine;
pub use error::{Error, Input};
pub use feedback::{
    Counts, LearnedState, OfferStats, MAX_SEGMENTS, MAX_STATE_NAME, MAX_STATE_OFFERS, STATE_FORMAT,
    STATE_VERSION,
};
pub use model::Model;
pub use policy::Suppression;
pub use profile::ContactEvent;
pub use propensity::{Boost, PropensityParts, ThompsonDraw};
pub use request::DecideRequest;
pub use time::{format_day, format_instant, parse_day, parse_instant};

#[cfg(target_arch = "wasm32")]
mod wasm;
