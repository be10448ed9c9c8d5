//! The compiled form of a condition and its evaluation.
//!
//! [`Node`] mirrors GrowthBook's `evalCondition` (a list of clauses that must all pass), [`Test`] its
//! `evalConditionValue` (what one attribute must satisfy), [`Op`] its `evalOperatorCondition`. Operands are
//! converted at compile time (numbers, padded versions, regexes, membership sets), so evaluation only
//! compares, and allocates only on rare paths (an array coerced to a string, a non-ASCII case fold).

use std::cmp::Ordering;

use super::case::to_lower;
use super::js::{cmp_padded, js_compare, json_text_eq, truthy, version_input, Primitive};
use super::keys::{walk, Found, ResolvedAttributes};
use super::literal::Literal;
use super::regex::Regex;
use super::set::{with_lowercase, InSet};
use crate::json::{js_to_number, js_to_string, Value};

/// A condition object: every clause must pass.
#[derive(Clone, Debug, Default)]
pub(crate) struct Node {
    pub(crate) clauses: Box<[Clause]>,
}

#[derive(Clone, Debug)]
pub(crate) enum Clause {
    /// `$or`: an empty list passes.
    Or(Box<[Node]>),
    /// `$nor`: the negation of `$or`, so an empty list fails.
    Nor(Box<[Node]>),
    /// `$and`.
    And(Box<[Node]>),
    /// `$not` at the condition level.
    Not(Box<Node>),
    /// A condition GrowthBook's evaluator would throw on (`null` where a condition belongs): never passes.
    Never,
    /// An attribute and what it must satisfy.
    Attribute(Path, Test),
    /// An expensive test on a top-level attribute, its answer remembered for the request in `memo`.
    Memo {
        slot: usize,
        memo: usize,
        test: Test,
    },
}

/// Where a clause's attribute comes from.
#[derive(Clone, Debug)]
pub(crate) enum Path {
    /// A top-level path, resolved once per request.
    Slot(usize),
    /// A path inside an `$elemMatch` condition, walked on each array element.
    Walk(Box<[Box<str>]>),
}

/// What one value must satisfy (`evalConditionValue`).
#[derive(Clone, Debug)]
pub(crate) enum Test {
    /// A string condition: `String(value) === text`. `number` is the number whose JavaScript string is
    /// `text`, if any, so numeric attributes compare without formatting.
    StrEq { text: Box<str>, number: Option<f64> },
    /// A string inside `$alli`: `String(value).toLowerCase() === lower`.
    StrEqFolded { lower: Box<str> },
    /// A number condition: `value * 1 === n`.
    NumEq(f64),
    /// A boolean condition: `value !== null && !!value === b`.
    BoolEq(bool),
    /// A `null` condition: `value === null`.
    IsNull,
    /// An array or non-operator object: equal `JSON.stringify` text.
    JsonEq(Value),
    /// An operator object: every operator must pass.
    Ops(Box<[Op]>),
}

/// One operator of an operator object (`evalOperatorCondition`).
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// `$veq` ... `$vlte` against a padded version string.
    Version(Relation, Box<str>),
    /// `$eq` (`negate` false) and `$ne` (true): JavaScript `===`.
    StrictEq(Strict, bool),
    /// `$lt`, `$lte`, `$gt`, `$gte`: JavaScript `<`, `<=`, `>`, `>=`.
    Compare(Relation, Primitive),
    /// `$exists`: whether the attribute must be non-null.
    Exists(bool),
    /// `$in`, `$nin`, `$ini`, `$nini`, `$inGroup`, `$notInGroup`; `true` negates.
    In(InSet, bool),
    /// What GrowthBook answers for an unusable operand or unknown operator.
    False,
    /// `$not` on a value.
    Not(Box<Test>),
    /// `$size`: the test applied to an array's length.
    Size(Box<Test>),
    /// `$elemMatch` with an operator object: some non-null element passes the test.
    ElemMatchValue(Box<Test>),
    /// `$elemMatch` with a condition: some non-null element satisfies it, paths walked on the element.
    ElemMatchCondition(Box<Node>),
    /// `$all`, `$alli`: every test is passed by some element.
    All(Box<[Test]>),
    /// `$regex`, `$regexi`: the pattern matches `String(value)`.
    Regex(Regex),
    /// A `$regex`/`$regexi` pattern that is plain text, optionally anchored: matched without the regex
    /// engine.
    Literal(Literal),
    /// `$type`: the value's JSON type name.
    Type(&'static str),
}

/// The relation of a comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relation {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl Relation {
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Relation::Eq => ordering == Ordering::Equal,
            Relation::Ne => ordering != Ordering::Equal,
            Relation::Lt => ordering == Ordering::Less,
            Relation::Lte => ordering != Ordering::Greater,
            Relation::Gt => ordering == Ordering::Greater,
            Relation::Gte => ordering != Ordering::Less,
        }
    }
}

/// A `$eq`/`$ne` operand. Arrays and objects never `===` an attribute (different objects).
#[derive(Clone, Debug)]
pub(crate) enum Strict {
    Null,
    Bool(bool),
    Num(f64),
    Str(Box<str>),
    Never,
}

impl Strict {
    fn equals(&self, value: &Value) -> bool {
        match (self, value) {
            (Strict::Null, Value::Null) => true,
            (Strict::Bool(a), Value::Bool(b)) => a == b,
            (Strict::Num(a), Value::Number(b)) => a == b,
            (Strict::Str(a), Value::String(b)) => **a == **b,
            _ => false,
        }
    }
}

/// What a node reads its paths from: the request's resolved slots, or an array element.
#[derive(Clone, Copy)]
pub(crate) enum Subject<'s, 'a> {
    Resolved(&'s ResolvedAttributes<'a>),
    Element(&'s Value),
}

/// Rough relative evaluation costs, for ordering: every clause and operator is a pure function of the
/// attributes, so `all`/`any` may test them in any order, and testing the cheap ones first lets a failing
/// `country` skip an `$elemMatch` over 200 orders or a regex.
pub(crate) trait Cost {
    fn cost(&self) -> u32;
}

/// Orders by cost, keeping the author's order among equal costs. An insertion sort: these lists are short,
/// and it is far smaller in Wasm than the standard library's sorts. It sorts in place, with the costs of
/// lists of up to 16 items on the stack: a model's conditions make thousands of these lists as it loads.
pub(crate) fn cheapest_first<T: Cost>(mut items: Vec<T>) -> Vec<T> {
    let mut stack = [0u32; 16];
    let mut heap = Vec::new();
    let costs: &mut [u32] = match stack.get_mut(..items.len()) {
        Some(costs) => costs,
        None => {
            heap.resize(items.len(), 0);
            &mut heap
        }
    };
    for (cost, item) in costs.iter_mut().zip(&items) {
        *cost = item.cost();
    }
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && costs.get(j - 1) > costs.get(j) {
            costs.swap(j - 1, j);
            items.swap(j - 1, j);
            j -= 1;
        }
    }
    items
}

impl Cost for Node {
    fn cost(&self) -> u32 {
        self.clauses
            .iter()
            .map(Cost::cost)
            .fold(0, u32::saturating_add)
    }
}

impl Cost for Clause {
    fn cost(&self) -> u32 {
        match self {
            Clause::Or(nodes) | Clause::Nor(nodes) | Clause::And(nodes) => {
                nodes.iter().map(Cost::cost).fold(1, u32::saturating_add)
            }
            Clause::Not(node) => node.cost(),
            Clause::Never => 0,
            Clause::Attribute(Path::Slot(_), test) => test.cost(),
            // A repeated memo costs a lookup; the first evaluation is what it is.
            Clause::Memo { test, .. } => test.cost(),
            Clause::Attribute(Path::Walk(parts), test) => test
                .cost()
                .saturating_add(u32::try_from(parts.len()).unwrap_or(u32::MAX)),
        }
    }
}

impl Cost for Test {
    fn cost(&self) -> u32 {
        match self {
            Test::StrEq { .. } | Test::NumEq(_) | Test::BoolEq(_) | Test::IsNull => 1,
            Test::StrEqFolded { .. } => 2,
            Test::JsonEq(_) => 4,
            Test::Ops(ops) => ops.iter().map(Cost::cost).fold(0, u32::saturating_add),
        }
    }
}

impl Cost for Op {
    fn cost(&self) -> u32 {
        match self {
            Op::False => 0,
            Op::StrictEq(..) | Op::Compare(..) | Op::Exists(_) | Op::Type(_) => 1,
            Op::In(..) => 2,
            Op::Version(..) => 6,
            Op::Not(test) => test.cost(),
            Op::Size(test) => test.cost().saturating_add(1),
            Op::Literal(..) => 4,
            Op::Regex(_) => 40,
            Op::All(tests) => tests.iter().map(Cost::cost).fold(20, u32::saturating_add),
            Op::ElemMatchValue(test) => test.cost().saturating_mul(20).saturating_add(20),
            Op::ElemMatchCondition(node) => node.cost().saturating_mul(20).saturating_add(20),
        }
    }
}

impl Node {
    pub(crate) fn eval(&self, subject: Subject<'_, '_>) -> bool {
        self.clauses.iter().all(|clause| clause.eval(subject))
    }
}

impl Clause {
    fn eval(&self, subject: Subject<'_, '_>) -> bool {
        match self {
            Clause::Or(nodes) => nodes.is_empty() || nodes.iter().any(|n| n.eval(subject)),
            Clause::Nor(nodes) => !(nodes.is_empty() || nodes.iter().any(|n| n.eval(subject))),
            Clause::And(nodes) => nodes.iter().all(|n| n.eval(subject)),
            Clause::Not(node) => !node.eval(subject),
            Clause::Never => false,
            Clause::Memo { slot, memo, test } => match subject {
                Subject::Resolved(resolved) => {
                    resolved.memoized(*memo, || test.eval(resolved.get(*slot)))
                }
                Subject::Element(_) => test.eval(&Value::Null),
            },
            Clause::Attribute(path, test) => match (path, subject) {
                (Path::Slot(slot), Subject::Resolved(resolved)) => test.eval(resolved.get(*slot)),
                (Path::Walk(parts), Subject::Element(element)) => match (&**parts, element) {
                    // The common `$elemMatch` shape: one key of an object element.
                    ([key], Value::Object(object)) => {
                        test.eval(object.get(key).unwrap_or(&Value::Null))
                    }
                    _ => match walk(element, parts) {
                        Found::Borrowed(value) => test.eval(value),
                        Found::Owned(value) => test.eval(&value),
                    },
                },
                // The compiler never mixes them; a mismatch reads as a missing attribute.
                _ => test.eval(&Value::Null),
            },
        }
    }
}

impl Test {
    pub(crate) fn eval(&self, value: &Value) -> bool {
        match self {
            Test::StrEq { text, number } => string_equals(value, text, *number),
            Test::StrEqFolded { lower } => folded_equals(value, lower),
            Test::NumEq(n) => js_to_number(value) == *n,
            Test::BoolEq(b) => !value.is_null() && truthy(value) == *b,
            Test::IsNull => value.is_null(),
            Test::JsonEq(expected) => json_equals(value, expected),
            Test::Ops(ops) => ops.iter().all(|op| op.eval(value)),
        }
    }
}

// The operators' work, each out of line: `Test::eval` and `Op::eval` run thousands of times for a customer of
// the bench model (every memoized test of 500 offers, `$elemMatch` per element), and V8's baseline code
// charges each call by the callee's size. Inlined, the two were 8.5 KB, recompiled by the optimizing tier
// while a fresh isolate prepared its first customer; as dispatchers they stay small and each operator's code
// is compiled (and optimized, if hot) on its own. Only in builds with `preload` (the server build that edge
// isolates load); the browser build is sized for download and lets the compiler inline (out of line it grew
// 220 B gzipped).

#[cfg_attr(feature = "preload", inline(never))]
fn folded_equals(value: &Value, lower: &str) -> bool {
    match value {
        Value::String(s) => with_lowercase(s, |folded| folded == lower),
        other => to_lower(&js_to_string(other)) == lower,
    }
}

#[cfg_attr(feature = "preload", inline(never))]
fn json_equals(value: &Value, expected: &Value) -> bool {
    json_text_eq(value, expected)
}

#[cfg_attr(feature = "preload", inline(never))]
fn version_holds(relation: Relation, expected: &str, value: &Value) -> bool {
    relation.holds(cmp_padded(&version_input(value), expected))
}

#[cfg_attr(feature = "preload", inline(never))]
fn compare_holds(relation: Relation, operand: &Primitive, value: &Value) -> bool {
    js_compare(value, operand).is_some_and(|ordering| relation.holds(ordering))
}

#[cfg_attr(feature = "preload", inline(never))]
fn regex_matches(regex: &Regex, value: &Value) -> bool {
    match value {
        Value::String(s) => regex.is_match(s),
        other => regex.is_match(&js_to_string(other)),
    }
}

#[cfg_attr(feature = "preload", inline(never))]
fn literal_matches(literal: &Literal, value: &Value) -> bool {
    match value {
        Value::String(s) => literal.matches(s),
        other => literal.matches(&js_to_string(other)),
    }
}

/// `value + "" === text`.
fn string_equals(value: &Value, text: &str, number: Option<f64>) -> bool {
    match value {
        Value::String(s) => s == text,
        Value::Number(n) => match number {
            Some(m) if m.is_nan() => n.is_nan(),
            Some(m) => *n == m,
            None => false,
        },
        Value::Bool(true) => text == "true",
        Value::Bool(false) => text == "false",
        Value::Null => text == "null",
        Value::Array(_) => js_to_string(value) == text,
        Value::Object(_) => text == "[object Object]",
    }
}

impl Op {
    // Out of line, and its operators too (below): see the note above `folded_equals`.
    #[cfg_attr(feature = "preload", inline(never))]
    fn eval(&self, value: &Value) -> bool {
        match self {
            Op::Version(relation, expected) => version_holds(*relation, expected, value),
            Op::StrictEq(operand, negate) => operand.equals(value) != *negate,
            Op::Compare(relation, operand) => compare_holds(*relation, operand, value),
            Op::Exists(expected) => value.is_null() != *expected,
            Op::In(set, negate) => set.matches(value) != *negate,
            Op::False => false,
            Op::Not(test) => !test.eval(value),
            Op::Size(test) => match value {
                #[allow(clippy::cast_precision_loss)]
                Value::Array(items) => test.eval(&Value::Number(items.len() as f64)),
                _ => false,
            },
            Op::ElemMatchValue(test) => match value {
                Value::Array(items) => items.iter().any(|item| !item.is_null() && test.eval(item)),
                _ => false,
            },
            Op::ElemMatchCondition(node) => match value {
                Value::Array(items) => items
                    .iter()
                    .any(|item| !item.is_null() && node.eval(Subject::Element(item))),
                _ => false,
            },
            Op::All(tests) => match value {
                Value::Array(items) => tests
                    .iter()
                    .all(|test| items.iter().any(|item| test.eval(item))),
                _ => false,
            },
            Op::Regex(regex) => regex_matches(regex, value),
            Op::Literal(literal) => literal_matches(literal, value),
            Op::Type(name) => value.type_name() == *name,
        }
    }
}
