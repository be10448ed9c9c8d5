//! Turns a condition's JSON into the typed tree of [`super::tree`], checking it in [`Mode::Strict`].
//!
//! Each operand is converted once here. In [`Mode::GrowthBook`] every operand that GrowthBook's evaluator
//! would answer `false` for (an unknown operator, an invalid regex, `$in` without an array) compiles to
//! [`Op::False`]; in [`Mode::Strict`] it is an error naming its path.

use super::case::to_lower;
use super::error::{ConditionError, ConditionErrorKind, Trail};
use super::js::{padded_version, version_input, Primitive};
use super::keys::{AttributeKeys, Group};
use super::literal::{contains_bytes, Literal};
use super::regex::Regex;
use super::set::InSet;
use super::tree::{cheapest_first, Clause, Cost, Node, Op, Path, Relation, Strict, Test};
use super::{Mode, SavedGroups, MAX_CONDITION_DEPTH, MAX_REGEX_LEN};
use crate::json::{js_to_string, number_to_js_string, string_to_number, Object, Value};

type Result<T> = std::result::Result<T, Box<ConditionError>>;

/// Tests at least this costly (see [`Cost`]) on a top-level attribute are memoized per request.
const MEMO_MIN_COST: u32 = 6;

/// The `$type` names GrowthBook's `getType` can return for a JSON value.
const TYPE_NAMES: [&str; 6] = ["null", "boolean", "number", "string", "array", "object"];

/// What an operator does, once its name is looked up in [`OPERATORS`].
#[derive(Clone, Copy)]
enum Operator {
    Version(Relation),
    StrictEq { negated: bool },
    Compare(Relation),
    Exists,
    In { negated: bool, folded: bool },
    InGroup { negated: bool },
    Not,
    Size,
    ElemMatch,
    All { folded: bool },
    Regex { insensitive: bool },
    Type,
}

/// GrowthBook's value operators. One table searched once, where a `match` on the name compared it with
/// each operator in turn and again with those of its family: about 1 KB less browser Wasm.
const OPERATORS: [(&str, Operator); 27] = [
    ("$veq", Operator::Version(Relation::Eq)),
    ("$vne", Operator::Version(Relation::Ne)),
    ("$vgt", Operator::Version(Relation::Gt)),
    ("$vgte", Operator::Version(Relation::Gte)),
    ("$vlt", Operator::Version(Relation::Lt)),
    ("$vlte", Operator::Version(Relation::Lte)),
    ("$eq", Operator::StrictEq { negated: false }),
    ("$ne", Operator::StrictEq { negated: true }),
    ("$lt", Operator::Compare(Relation::Lt)),
    ("$lte", Operator::Compare(Relation::Lte)),
    ("$gt", Operator::Compare(Relation::Gt)),
    ("$gte", Operator::Compare(Relation::Gte)),
    ("$exists", Operator::Exists),
    (
        "$in",
        Operator::In {
            negated: false,
            folded: false,
        },
    ),
    (
        "$nin",
        Operator::In {
            negated: true,
            folded: false,
        },
    ),
    (
        "$ini",
        Operator::In {
            negated: false,
            folded: true,
        },
    ),
    (
        "$nini",
        Operator::In {
            negated: true,
            folded: true,
        },
    ),
    ("$inGroup", Operator::InGroup { negated: false }),
    ("$notInGroup", Operator::InGroup { negated: true }),
    ("$not", Operator::Not),
    ("$size", Operator::Size),
    ("$elemMatch", Operator::ElemMatch),
    ("$all", Operator::All { folded: false }),
    ("$alli", Operator::All { folded: true }),
    ("$regex", Operator::Regex { insensitive: false }),
    ("$regexi", Operator::Regex { insensitive: true }),
    ("$type", Operator::Type),
];

pub(crate) struct Compiler<'c> {
    pub(crate) mode: Mode,
    pub(crate) keys: &'c mut AttributeKeys,
    pub(crate) groups: &'c SavedGroups,
    /// Slots read, in first-use order, for `attribute_count`.
    pub(crate) slots: Vec<usize>,
    /// The condition groups being expanded, innermost last: GrowthBook's `visited`, stopping cycles.
    pub(crate) visited: Vec<String>,
}

impl Compiler<'_> {
    fn strict(&self) -> bool {
        self.mode == Mode::Strict
    }

    fn check_depth(trail: &Trail<'_>, depth: usize) -> Result<()> {
        if depth > MAX_CONDITION_DEPTH {
            return Err(trail.error(ConditionErrorKind::TooDeep {
                limit: MAX_CONDITION_DEPTH,
            }));
        }
        Ok(())
    }

    fn wrong(
        trail: &Trail<'_>,
        operator: &str,
        expected: &'static str,
        found: &Value,
    ) -> Box<ConditionError> {
        trail.error(ConditionErrorKind::WrongOperand {
            operator: operator.to_owned(),
            expected,
            found: found.type_name(),
        })
    }

    /// `evalCondition`: `walk` is true inside `$elemMatch`, where paths are read from the element.
    pub(crate) fn node(
        &mut self,
        condition: &Value,
        trail: &Trail<'_>,
        depth: usize,
        walk: bool,
    ) -> Result<Node> {
        Self::check_depth(trail, depth)?;
        let object = match condition {
            Value::Object(object) => object,
            other if self.strict() => {
                return Err(Self::wrong(trail, "condition", "an object", other))
            }
            // `Object.entries(null)` throws in GrowthBook; other non-objects have no entries.
            Value::Null => {
                return Ok(Node {
                    clauses: Box::new([Clause::Never]),
                })
            }
            _ => return Ok(Node::default()),
        };
        let mut clauses = Vec::with_capacity(object.len());
        for (key, value) in object.iter() {
            let here = trail.key(key);
            let clause = match key {
                "$or" | "$nor" | "$and" => {
                    let nodes = match value {
                        Value::Array(items) => {
                            let mut nodes = Vec::with_capacity(items.len());
                            for (i, item) in items.iter().enumerate() {
                                nodes.push(self.node(item, &here.index(i), depth + 1, walk)?);
                            }
                            let nodes = cheapest_first(nodes);
                            nodes.into_boxed_slice()
                        }
                        other if self.strict() => {
                            return Err(Self::wrong(&here, key, "an array of conditions", other))
                        }
                        Value::Null => {
                            clauses.push(Clause::Never);
                            continue;
                        }
                        // GrowthBook loops over `conditions.length`, undefined for these: an empty list.
                        _ => Box::default(),
                    };
                    match key {
                        "$or" => Clause::Or(nodes),
                        "$nor" => Clause::Nor(nodes),
                        _ => Clause::And(nodes),
                    }
                }
                "$not" => Clause::Not(Box::new(self.node(value, &here, depth + 1, walk)?)),
                "$savedGroup" => self.saved_group(value, &here, depth, walk)?,
                _ => {
                    let path = self.path(key, walk);
                    let test = self.test(value, &here, depth + 1)?;
                    self.memoized(path, test, value)
                }
            };
            clauses.push(clause);
        }
        let clauses = cheapest_first(clauses);
        Ok(Node {
            clauses: clauses.into_boxed_slice(),
        })
    }

    /// A clause on `path`; an expensive test on a top-level attribute (a regex, `$elemMatch`, a version
    /// comparison ...) gets a memo slot shared by every identical clause of the model, so a request
    /// evaluates it once however many offers repeat it.
    fn memoized(&mut self, path: Path, test: Test, condition: &Value) -> Clause {
        let Path::Slot(slot) = path else {
            return Clause::Attribute(path, test);
        };
        if test.cost() < MEMO_MIN_COST {
            return Clause::Attribute(path, test);
        }
        let text = condition.to_json();
        // Saved groups are resolved at compile time; keying on the text alone would be wrong if two
        // conditions sharing these keys were compiled against different groups.
        if contains_bytes(text.as_bytes(), b"\"$inGroup\"")
            || contains_bytes(text.as_bytes(), b"\"$notInGroup\"")
            || contains_bytes(text.as_bytes(), b"\"$savedGroup\"")
        {
            return Clause::Attribute(path, test);
        }
        let memo = self.keys.memo(slot, text);
        Clause::Memo { slot, memo, test }
    }

    /// Where a clause reads `key`: a slot at the top level, a walk inside `$elemMatch`.
    fn path(&mut self, key: &str, walk: bool) -> Path {
        if walk {
            return Path::Walk(super::keys::split_path(key));
        }
        let slot = self.keys.intern(key);
        if !self.slots.contains(&slot) {
            self.slots.push(slot);
        }
        Path::Slot(slot)
    }

    /// `$savedGroup: {"id": ..., "attributeKey"?: ...}` (GrowthBook's `evalSavedGroup`): a list group becomes
    /// a membership test on its attribute, a condition group its compiled condition. Whatever GrowthBook
    /// answers `false` for compiles to a clause that never passes (an error in strict mode).
    fn saved_group(
        &mut self,
        reference: &Value,
        trail: &Trail<'_>,
        depth: usize,
        walk: bool,
    ) -> Result<Clause> {
        let strict = self.strict();
        let fail = |kind: ConditionErrorKind| {
            if strict {
                Err(trail.error(kind))
            } else {
                Ok(Clause::Never)
            }
        };
        let wrong =
            |expected: &'static str, found: Option<&Value>| ConditionErrorKind::WrongOperand {
                operator: "$savedGroup".into(),
                expected,
                found: found.map_or("nothing", Value::type_name),
            };
        let Value::Object(object) = reference else {
            return fail(wrong("an object with an id", Some(reference)));
        };
        let id = match object.get("id") {
            Some(Value::String(id)) => id,
            other => return fail(wrong("a string id", other)),
        };
        let override_key = match object.get("attributeKey") {
            None => None,
            Some(Value::String(key)) => Some(key.as_str()),
            Some(other) => return fail(wrong("a string attributeKey", Some(other))),
        };
        if self.visited.iter().any(|v| v == id) {
            return fail(ConditionErrorKind::SavedGroupCycle { id: id.clone() });
        }
        let unusable = |reason: &'static str| ConditionErrorKind::SavedGroupUnusable {
            id: id.clone(),
            reason,
        };
        let groups = self.groups;
        match groups.get(id) {
            None => fail(ConditionErrorKind::UnknownSavedGroup { id: id.clone() }),
            Some(Group::Legacy(_)) => fail(unusable("is a bare array of values; use $inGroup")),
            Some(Group::Other) => fail(unusable("has an unknown type")),
            Some(Group::Condition(None)) => fail(unusable("has no condition object")),
            Some(Group::List { attribute, values }) => {
                let Some(key) = override_key.or(attribute.as_deref()) else {
                    return fail(unusable("has no attributeKey"));
                };
                let Some(values) = values else {
                    return fail(unusable("has no array of values"));
                };
                let path = self.path(key, walk);
                Ok(Clause::Attribute(
                    path,
                    Test::Ops(Box::new([Op::In(values.clone(), false)])),
                ))
            }
            Some(Group::Condition(Some(condition))) => {
                self.visited.push(id.clone());
                let node = self.node(condition, &trail.key(id), depth + 1, walk);
                self.visited.pop();
                Ok(Clause::And(Box::new([node?])))
            }
        }
    }

    /// `evalConditionValue`.
    fn test(&mut self, condition: &Value, trail: &Trail<'_>, depth: usize) -> Result<Test> {
        Self::check_depth(trail, depth)?;
        Ok(match condition {
            Value::String(s) => Test::StrEq {
                text: s.as_str().into(),
                number: number_spelled(s),
            },
            Value::Number(n) => Test::NumEq(*n),
            Value::Bool(b) => Test::BoolEq(*b),
            Value::Null => Test::IsNull,
            Value::Array(_) => Test::JsonEq(condition.clone()),
            Value::Object(object) => match operator_split(object) {
                Split::Operators => {
                    let mut ops = Vec::with_capacity(object.len());
                    for (operator, operand) in object.iter() {
                        ops.push(self.op(operator, operand, &trail.key(operator), depth)?);
                    }
                    let ops = cheapest_first(ops);
                    Test::Ops(ops.into_boxed_slice())
                }
                Split::Mixed { operator, key } if self.strict() => {
                    return Err(trail.error(ConditionErrorKind::MixedKeys {
                        operator: operator.to_owned(),
                        key: key.to_owned(),
                    }))
                }
                Split::Mixed { .. } | Split::Plain => Test::JsonEq(condition.clone()),
            },
        })
    }

    /// A `$alli` item: strings compare case-insensitively, anything else as usual.
    fn folded_test(&mut self, condition: &Value, trail: &Trail<'_>, depth: usize) -> Result<Test> {
        match condition {
            Value::String(s) => Ok(Test::StrEqFolded {
                lower: to_lower(s).into(),
            }),
            other => self.test(other, trail, depth),
        }
    }

    /// `evalOperatorCondition`, one operator; `trail` ends with the operator.
    fn op(
        &mut self,
        operator: &str,
        operand: &Value,
        trail: &Trail<'_>,
        depth: usize,
    ) -> Result<Op> {
        let strict = self.strict();
        let Some(&(_, kind)) = OPERATORS.iter().find(|(name, _)| *name == operator) else {
            if strict {
                return Err(trail.error(ConditionErrorKind::UnknownOperator));
            }
            return Ok(Op::False);
        };
        let op = match kind {
            Operator::Version(relation) => {
                if strict && !matches!(operand, Value::String(_) | Value::Number(_)) {
                    return Err(Self::wrong(trail, operator, "a version string", operand));
                }
                let padded: String = padded_version(&version_input(operand)).collect();
                Op::Version(relation, padded.into())
            }
            Operator::StrictEq { negated } => {
                let value = match operand {
                    Value::Null => Strict::Null,
                    Value::Bool(b) => Strict::Bool(*b),
                    Value::Number(n) => Strict::Num(*n),
                    Value::String(s) => Strict::Str(s.as_str().into()),
                    other if strict => {
                        return Err(Self::wrong(
                            trail,
                            operator,
                            "a string, number, boolean or null",
                            other,
                        ))
                    }
                    _ => Strict::Never,
                };
                Op::StrictEq(value, negated)
            }
            Operator::Compare(relation) => {
                if strict && !matches!(operand, Value::String(_) | Value::Number(_)) {
                    return Err(Self::wrong(
                        trail,
                        operator,
                        "a number or a string",
                        operand,
                    ));
                }
                Op::Compare(relation, Primitive::of(operand))
            }
            Operator::Exists => Op::Exists(super::js::truthy(operand)),
            Operator::In { negated, folded } => match operand {
                Value::Array(items) => Op::In(InSet::new(items, folded), negated),
                other if strict => return Err(Self::wrong(trail, operator, "an array", other)),
                _ => Op::False,
            },
            Operator::InGroup { negated } => {
                let id = match operand {
                    Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
                    other if strict => {
                        return Err(Self::wrong(trail, operator, "a saved group id", other))
                    }
                    other => js_to_string(other),
                };
                // GrowthBook: an absent id is an empty list; an entry without a list of values matches
                // nobody, for `$notInGroup` too.
                match self.groups.get(&id) {
                    Some(
                        Group::Legacy(set)
                        | Group::List {
                            values: Some(set), ..
                        },
                    ) => Op::In(set.clone(), negated),
                    None if strict => {
                        return Err(trail.error(ConditionErrorKind::UnknownSavedGroup {
                            id: id.into_owned(),
                        }))
                    }
                    None => Op::In(InSet::default(), negated),
                    Some(_) if strict => {
                        return Err(trail.error(ConditionErrorKind::SavedGroupUnusable {
                            id: id.into_owned(),
                            reason: "holds no list of values; use $savedGroup",
                        }))
                    }
                    Some(_) => Op::False,
                }
            }
            Operator::Not => Op::Not(Box::new(self.test(operand, trail, depth + 1)?)),
            Operator::Size => {
                let usable = match operand {
                    Value::Number(_) => true,
                    Value::Object(object) => matches!(operator_split(object), Split::Operators),
                    _ => false,
                };
                if strict && !usable {
                    return Err(Self::wrong(
                        trail,
                        operator,
                        "a number or an operator object",
                        operand,
                    ));
                }
                Op::Size(Box::new(self.test(operand, trail, depth + 1)?))
            }
            Operator::ElemMatch => match operand {
                Value::Object(object) if matches!(operator_split(object), Split::Operators) => {
                    Op::ElemMatchValue(Box::new(self.test(operand, trail, depth + 1)?))
                }
                other if strict && !matches!(other, Value::Object(_)) => {
                    return Err(Self::wrong(trail, operator, "an object", other))
                }
                _ => {
                    Op::ElemMatchCondition(Box::new(self.node(operand, trail, depth + 1, true)?))
                }
            },
            Operator::All { folded } => match operand {
                Value::Array(items) => {
                    let mut tests = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        let here = trail.index(i);
                        tests.push(if folded {
                            self.folded_test(item, &here, depth + 1)?
                        } else {
                            self.test(item, &here, depth + 1)?
                        });
                    }
                    Op::All(tests.into_boxed_slice())
                }
                other if strict => return Err(Self::wrong(trail, operator, "an array", other)),
                _ => Op::False,
            },
            Operator::Regex { insensitive } => {
                let pattern = match operand {
                    Value::String(s) => s,
                    other if strict => {
                        return Err(Self::wrong(trail, operator, "a regex string", other))
                    }
                    // GrowthBook calls `.replace` on the operand, which throws for a non-string: false.
                    _ => return Ok(Op::False),
                };
                match self.regex(pattern, insensitive) {
                    // Compiled even when a literal serves, so both modes reject the same patterns.
                    Ok(regex) => match Literal::parse(pattern, insensitive) {
                        Some(literal) => Op::Literal(literal),
                        None => Op::Regex(regex),
                    },
                    Err(kind) if strict => return Err(trail.error(kind)),
                    Err(_) => Op::False,
                }
            }
            Operator::Type => match operand
                .as_str()
                .and_then(|name| TYPE_NAMES.iter().find(|t| **t == name))
            {
                Some(name) => Op::Type(name),
                // GrowthBook's VarType also lists "undefined", which a JSON attribute never is.
                None if operand.as_str() == Some("undefined") => Op::False,
                None if strict => {
                    return Err(trail.error(ConditionErrorKind::UnknownType {
                        name: js_to_string(operand).into_owned(),
                    }))
                }
                None => Op::False,
            },
        };
        Ok(op)
    }

    fn regex(
        &mut self,
        pattern: &str,
        insensitive: bool,
    ) -> std::result::Result<Regex, ConditionErrorKind> {
        let length = pattern.chars().count();
        if length > MAX_REGEX_LEN {
            return Err(ConditionErrorKind::RegexTooLong {
                length,
                limit: MAX_REGEX_LEN,
            });
        }
        self.keys
            .regex(pattern, insensitive, || Regex::new(pattern, insensitive))
            .map_err(|e| ConditionErrorKind::InvalidRegex {
                pattern: pattern.to_owned(),
                reason: e.to_string(),
            })
    }
}

/// The number whose JavaScript string is exactly `text` (`"10"` → 10, `"NaN"` → NaN), if there is one.
fn number_spelled(text: &str) -> Option<f64> {
    let n = string_to_number(text);
    (number_to_js_string(n) == text).then_some(n)
}

enum Split<'o> {
    /// Non-empty, every key an operator: GrowthBook's `isOperatorObject`.
    Operators,
    /// No operator key, or empty: compared as JSON.
    Plain,
    /// Both kinds: GrowthBook compares it as JSON, which is almost surely not what the author meant.
    Mixed { operator: &'o str, key: &'o str },
}

fn operator_split(object: &Object) -> Split<'_> {
    let operator = object.keys().find(|k| k.starts_with('$'));
    let plain = object.keys().find(|k| !k.starts_with('$'));
    match (operator, plain) {
        (Some(_), None) => Split::Operators,
        (Some(operator), Some(key)) => Split::Mixed { operator, key },
        (None, _) => Split::Plain,
    }
}
