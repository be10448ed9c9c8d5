//! GrowthBook-compatible eligibility conditions, compiled once when a model loads.
//!
//! Offers carry audience rules in the MongoDB-style language of GrowthBook's SDKs (`$and`, `$or`, `$in`,
//! `$gt`, `$regex`, `$elemMatch`, `$vgt` ...), so rules written for GrowthBook work unchanged. GrowthBook's
//! JavaScript evaluator walks the condition object on every call; here a condition compiles into a typed
//! tree with its operands pre-parsed (numbers, padded version strings, regexes, membership sets) and its
//! attribute paths interned ([`AttributeKeys`]), and a request's attributes are looked up once per call
//! ([`AttributeKeys::resolve`]). Evaluation then only compares.
//!
//! ```
//! use nextoffer::condition::{AttributeKeys, Condition, Mode, SavedGroups};
//! use nextoffer::json::parse;
//! let mut keys = AttributeKeys::new();
//! let rule = parse(r#"{"country":{"$in":["US","CA"]},"app.version":{"$vgte":"2.1.0"}}"#).unwrap();
//! let condition = Condition::compile(&rule, Mode::Strict, &mut keys, &SavedGroups::new()).unwrap();
//! let attributes = parse(r#"{"country":"US","app":{"version":"2.10.1"}}"#).unwrap();
//! assert!(condition.eval(&keys.resolve(&attributes)));
//! ```
//!
//! ## Semantics
//! Those of `evalCondition` in `@growthbook/growthbook` 1.8.0 (the peer this engine is measured against),
//! checked by GrowthBook's 248 conformance cases and by a differential run of 200,000 random conditions
//! against that package. Beyond the older cases that includes the `$savedGroup` operator (list and
//! condition groups, cycles matching nobody), `$inGroup`/`$notInGroup` matching nobody for a group without a
//! list of values, and `$elemMatch` testing falsy elements (`0`, `""`, `false`) and skipping only `null`.
//!
//! ## Speed
//! Every clause is a pure function of the attributes, so a condition tests its cheapest clauses first (a
//! failing `country` skips an `$elemMatch` over 200 orders). Expensive clauses on top-level attributes (a
//! regex, an `$elemMatch`, a version comparison) that several conditions of a model share are evaluated once
//! per request and remembered in [`ResolvedAttributes`]. On the benchmark model (500 offers, 3 to 5 clauses
//! each) a request's 500 conditions take about 0.31 M instructions natively (0.34 M at `opt-level = "z"`),
//! against about 15 times as long for GrowthBook's evaluator in Node.
//!
//! ## Modes
//! [`Mode::Strict`] (model loading) rejects what GrowthBook silently evaluates to `false`: an unknown
//! operator, an invalid regex, an operand of the wrong type, a `$type` that is no type name, an unknown or
//! unusable saved group, an object mixing operators with plain keys. [`Mode::GrowthBook`] reproduces
//! GrowthBook's runtime answers. Both modes evaluate valid conditions identically.
//!
//! ## Limits
//! - Conditions nest at most [`MAX_CONDITION_DEPTH`] (32) levels (each condition object, value condition,
//!   and `$and`/`$or`/`$not`/`$elemMatch`/`$all`/`$size`/`$savedGroup` operand is a level): deeper is an
//!   error in both modes, so no input can exhaust the stack.
//! - A regex is at most [`MAX_REGEX_LEN`] (1,000) characters and compiles to at most [`REGEX_MAX_PROGRAM`]
//!   instructions with at most [`REGEX_MAX_GROUP_DEPTH`] nested groups, so a pathological pattern is a
//!   compile error. Matching simulates the compiled automaton breadth-first (no backtracking): its time is
//!   linear in the input, times the program size, so no pattern can stall a decision.
//!
//! ## Known differences from GrowthBook's JavaScript
//! - Regexes are JavaScript's (non-Unicode mode, with the web-compatibility syntax of Annex B: UTF-16 code
//!   units, `.` stopping at line terminators, JavaScript's `\s`, ASCII `\w` and `\b`, literal `{`), matched
//!   by a small engine of this module. Look-around and backreferences are not supported (a compile error,
//!   so `false` in GrowthBook mode).
//! - Case conversions use Unicode 17's mappings as JavaScript does, but a final `Σ` becomes `ς` only when
//!   directly after a cased letter (Unicode also skips apostrophes and combining marks between them).
//! - Attribute paths see only JSON members: JavaScript's `in` would also find inherited members such as
//!   `toString`. Array steps (`tags.0`, `tags.length`) behave as in JavaScript.
//! - Where GrowthBook throws (a `null` in place of a condition), the condition is `false`; a string or
//!   array in place of a condition object is treated as `{}` (JavaScript would read its indices as keys).

mod case;
mod compile;
mod error;
mod js;
mod keys;
mod literal;
mod regex;
mod set;
#[cfg(test)]
mod tests;
mod tree;

pub use error::{ConditionError, ConditionErrorKind};
pub(crate) use js::truthy;
pub use keys::{AttributeKeys, ResolvedAttributes, SavedGroups};

use crate::json::Value;
use error::Trail;
use tree::{Node, Subject};

/// The deepest nesting of a condition (see the module docs for what counts as a level).
pub const MAX_CONDITION_DEPTH: usize = 32;

/// The longest `$regex`/`$regexi` pattern, in characters.
pub const MAX_REGEX_LEN: usize = 1_000;

/// The most instructions one compiled regex may have (about one per literal, class or repeated copy), so
/// a pattern like `(a{100}){100}` is a compile error rather than a slow match.
pub const REGEX_MAX_PROGRAM: usize = regex::MAX_PROGRAM;

/// The deepest nesting of groups inside one regex.
pub const REGEX_MAX_GROUP_DEPTH: usize = regex::MAX_GROUP_DEPTH;

/// How strictly a condition is checked when it compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Reject anything GrowthBook would silently evaluate to `false` (used when a model loads).
    Strict,
    /// Accept everything GrowthBook accepts, answering exactly as its evaluator does.
    GrowthBook,
}

/// A compiled eligibility condition.
#[derive(Clone, Debug, Default)]
pub struct Condition {
    root: Node,
    attributes: usize,
}

impl Condition {
    /// Compiles a GrowthBook condition object, interning its attribute paths in `keys` and resolving its
    /// `$inGroup`/`$notInGroup` operands from `groups`. In [`Mode::Strict`] an invalid part is an error
    /// whose path is relative to the condition (`$and[1].age.$gt`).
    ///
    /// ```
    /// use nextoffer::condition::{AttributeKeys, Condition, Mode, SavedGroups};
    /// use nextoffer::json::parse;
    /// let rule = parse(r#"{"$and":[{"plan":"pro"},{"age":{"$gt":[1]}}]}"#).unwrap();
    /// let err = Condition::compile(&rule, Mode::Strict, &mut AttributeKeys::new(), &SavedGroups::new()).unwrap_err();
    /// assert_eq!(err.path, "$and[1].age.$gt");
    /// assert_eq!(err.to_string(), "$and[1].age.$gt: $gt expects a number or a string, found array");
    /// ```
    pub fn compile(
        condition: &Value,
        mode: Mode,
        keys: &mut AttributeKeys,
        groups: &SavedGroups,
    ) -> Result<Condition, ConditionError> {
        let mut compiler = compile::Compiler {
            mode,
            keys,
            groups,
            slots: Vec::new(),
            visited: Vec::new(),
        };
        let root = compiler
            .node(condition, &Trail::Root, 1, false)
            .map_err(|e| *e)?;
        Ok(Condition {
            root,
            attributes: compiler.slots.len(),
        })
    }

    /// The empty condition `{}`: always true.
    pub fn always() -> Condition {
        Condition::default()
    }

    /// Whether the attributes satisfy the condition. `attributes` must come from the [`AttributeKeys`] the
    /// condition was compiled with (slots it lacks read as `null`).
    pub fn eval(&self, attributes: &ResolvedAttributes<'_>) -> bool {
        self.root.eval(Subject::Resolved(attributes))
    }

    /// How many distinct attribute paths the condition reads at its top level (not counting paths inside
    /// `$elemMatch`, which are read from array elements).
    pub fn attribute_count(&self) -> usize {
        self.attributes
    }
}

/// One-shot evaluation with GrowthBook's exact runtime semantics ([`Mode::GrowthBook`]): what the
/// conformance suite and the Wasm `evalCondition` export use. `saved_groups` is GrowthBook's
/// `{"groupId": [values...]}` object (anything else counts as no groups). A condition too deep to compile
/// evaluates to `false`.
///
/// ```
/// use nextoffer::condition::eval_condition;
/// use nextoffer::json::{parse, Value};
/// let rule = parse(r#"{"id":{"$inGroup":"beta"}}"#).unwrap();
/// let groups = parse(r#"{"beta":[1,2,3]}"#).unwrap();
/// assert!(eval_condition(&rule, &parse(r#"{"id":2}"#).unwrap(), &groups));
/// assert!(!eval_condition(&parse(r#"{"name":{"$regx":"a"}}"#).unwrap(), &Value::Null, &groups));
/// ```
pub fn eval_condition(condition: &Value, attributes: &Value, saved_groups: &Value) -> bool {
    let groups = SavedGroups::from_value_lenient(saved_groups);
    let mut keys = AttributeKeys::new();
    match Condition::compile(condition, Mode::GrowthBook, &mut keys, &groups) {
        Ok(compiled) => compiled.eval(&keys.resolve(attributes)),
        Err(_) => false,
    }
}
