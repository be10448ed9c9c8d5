//! The one error type of the recommendation domain.

use std::borrow::Cow;

use thiserror::Error;

/// A number as JavaScript prints it (`1`, `0.5`, `Infinity`). Messages go through this rather than `f64`'s
/// `Display`, whose float printing code would add kilobytes to the Wasm build.
pub(crate) fn num(x: f64) -> Cow<'static, str> {
    crate::json::number_to_js_string(x)
}

/// Everything that can go wrong while building, loading or querying recommendation models.
///
/// Messages are lowercase and name the offending value and where it was.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RecommendError {
    /// A numeric option lies outside its allowed range (`min_support` outside `(0, 1]`, a negative half-life…).
    #[error("{option} = {} is outside {range}", num(*.value))]
    OutOfRange {
        /// The option's name, as the API spells it.
        option: &'static str,
        /// The rejected value.
        value: f64,
        /// The allowed range, written as an interval.
        range: &'static str,
    },
    /// More distinct items, baskets or customers than `u32` ids can hold.
    #[error("too many {what}: at most {max} are supported")]
    Capacity {
        /// What overflowed (`items`, `baskets`, `customers`…).
        what: &'static str,
        /// The largest supported count.
        max: u64,
    },
    /// An item asked for by name is not in the model.
    #[error("{context}: unknown item {item:?}")]
    UnknownItem {
        /// The unknown id.
        item: String,
        /// Which call or field named it.
        context: &'static str,
    },
    /// The bytes do not start with the recommender model's magic number.
    #[error("not a nextoffer recommender model: magic bytes {found:?}, expected \"NXRC\"")]
    ModelMagic {
        /// The first bytes found (fewer than four when the input is shorter).
        found: Vec<u8>,
    },
    /// The model was written by another version of the format.
    #[error("recommender model format version {found} is not supported (this build reads version {supported})")]
    ModelVersion {
        /// The version in the file.
        found: u16,
        /// The version this build reads and writes.
        supported: u16,
    },
    /// The model ends before a field it announces.
    #[error("recommender model truncated at byte {offset} while reading {what}")]
    ModelTruncated {
        /// Byte offset where more data was expected.
        offset: usize,
        /// The field being read.
        what: &'static str,
    },
    /// The model is well framed but its contents are inconsistent.
    #[error("recommender model corrupt at byte {offset}: {message}")]
    ModelCorrupt {
        /// Byte offset of the offending field.
        offset: usize,
        /// What is wrong with it.
        message: String,
    },
    /// An itemset is too long to enumerate its association rules (2^len subsets).
    #[error("itemset of {len} items is too long for rule generation (at most {max}); set max_len")]
    ItemsetTooLong {
        /// Its length.
        len: usize,
        /// The longest supported.
        max: usize,
    },
    /// Event counts that cannot be: more conversions than exposures, or a non-finite count.
    #[error("{arm}: {message}")]
    Counts {
        /// Which arm or offer (`treatment`, `control`, `offers[\"o1\"].control`).
        arm: String,
        /// What is wrong.
        message: String,
    },
    /// A feature vector of the wrong length for a linear bandit.
    #[error("{context}: feature vector has {found} values, the bandit expects {expected}")]
    Dimension {
        /// Which call received it.
        context: &'static str,
        /// Expected length.
        expected: usize,
        /// Received length.
        found: usize,
    },
    /// A bandit state (JSON) that cannot be imported.
    #[error("{path}: {message}")]
    State {
        /// Where in the state document (`state.arms[2].alpha`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An order row that cannot be read (Wasm `fromOrders`): bad CSV, a missing column, a bad value.
    #[error("{at}: {message}")]
    Orders {
        /// Where: `line 12, column 3 (date)` for CSV, `orders[3].date` for objects, `orders` for the whole input.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// A catalog entry for upsell ladders that cannot be used.
    #[error("catalog[{index}] ({id:?}): {message}")]
    Catalog {
        /// Position in the catalog.
        index: usize,
        /// The entry's id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

/// Checks that a probability-like threshold lies in `[0, 1]`.
pub(crate) fn check_unit(option: &'static str, value: f64) -> Result<f64, RecommendError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(RecommendError::OutOfRange {
            option,
            value,
            range: "[0, 1]",
        })
    }
}

/// Checks that a value is finite and at least zero.
pub(crate) fn check_non_negative(option: &'static str, value: f64) -> Result<f64, RecommendError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(RecommendError::OutOfRange {
            option,
            value,
            range: "[0, inf)",
        })
    }
}
