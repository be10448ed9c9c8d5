//! The compiled form of a condition and its evaluation.
//!
//! [`Node`] mirrors GrowthBook's `evalCondition` (a list of clauses that must all pass), [`Test`] its
//! `evalConditionValue` (what one attribute must satisfy), [`Op`] its `evalOperatorCondition`. Operands are
//! converted at compile time (numbers, padded versions, regexes, membership sets), so evaluation only
//! compares, and allocates only on rare paths (an array coerced to a string, a non-ASCII case fold).

use std::cmp::Ordering;

use regex_lite::Regex;

use super::js::{cmp_padded, js_compare, json_text_eq, truthy, version_input, Primitive};
use super::keys::{walk, Found, ResolvedAttributes};
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
    /// `$elemMatch` with an operator object: some truthy element passes the test.
    ElemMatchValue(Box<Test>),
    /// `$elemMatch` with a condition: some truthy element satisfies it, paths walked on the element.
    ElemMatchCondition(Box<Node>),
    /// `$all`, `$alli`: every test is passed by some element.
    All(Box<[Test]>),
    /// `$regex`, `$regexi`: the pattern matches `String(value)`.
    Regex(Regex),
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
            Clause::Attribute(path, test) => match (path, subject) {
                (Path::Slot(slot), Subject::Resolved(resolved)) => test.eval(resolved.get(*slot)),
                (Path::Walk(parts), Subject::Element(element)) => match walk(element, parts) {
                    Found::Borrowed(value) => test.eval(value),
                    Found::Owned(value) => test.eval(&value),
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
            Test::StrEqFolded { lower } => match value {
                Value::String(s) => with_lowercase(s, |folded| folded == &**lower),
                other => js_to_string(other).to_lowercase() == **lower,
            },
            Test::NumEq(n) => js_to_number(value) == *n,
            Test::BoolEq(b) => !value.is_null() && truthy(value) == *b,
            Test::IsNull => value.is_null(),
            Test::JsonEq(expected) => json_text_eq(value, expected),
            Test::Ops(ops) => ops.iter().all(|op| op.eval(value)),
        }
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
    fn eval(&self, value: &Value) -> bool {
        match self {
            Op::Version(relation, expected) => {
                relation.holds(cmp_padded(&version_input(value), expected))
            }
            Op::StrictEq(operand, negate) => operand.equals(value) != *negate,
            Op::Compare(relation, operand) => {
                js_compare(value, operand).is_some_and(|ordering| relation.holds(ordering))
            }
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
                Value::Array(items) => items.iter().any(|item| truthy(item) && test.eval(item)),
                _ => false,
            },
            Op::ElemMatchCondition(node) => match value {
                Value::Array(items) => items
                    .iter()
                    .any(|item| truthy(item) && node.eval(Subject::Element(item))),
                _ => false,
            },
            Op::All(tests) => match value {
                Value::Array(items) => tests
                    .iter()
                    .all(|test| items.iter().any(|item| test.eval(item))),
                _ => false,
            },
            Op::Regex(regex) => match value {
                Value::String(s) => regex.is_match(s),
                other => regex.is_match(&js_to_string(other)),
            },
            Op::Type(name) => value.type_name() == *name,
        }
    }
}
