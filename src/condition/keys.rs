//! Attribute paths interned at compile time and resolved once per request, and the saved groups that
//! `$inGroup` reads.
//!
//! A model's conditions read the same few attributes (`country`, `plan`, `father.age`) hundreds of times.
//! Compiling interns each dotted path to a slot; a request walks each path once
//! ([`AttributeKeys::resolve`]), and evaluation reads slots by index: no string hashing or map walking per
//! condition.

use std::collections::HashMap;

use regex_lite::Regex;

use super::error::{ConditionError, ConditionErrorKind};
use super::set::InSet;
use crate::json::Value;

static NULL: Value = Value::Null;

/// A dotted path split at its dots.
pub(crate) type Parts = Box<[Box<str>]>;

/// The attribute paths used by a set of compiled conditions, each interned to a slot, plus the compile-time
/// caches they share (regexes). One per loaded model; compile every condition of the model against it.
///
/// ```
/// use nextoffer::condition::{AttributeKeys, Condition, Mode, SavedGroups};
/// use nextoffer::json::parse;
/// let mut keys = AttributeKeys::new();
/// let groups = SavedGroups::new();
/// let a = Condition::compile(&parse(r#"{"father.age":{"$gt":65}}"#).unwrap(), Mode::Strict, &mut keys, &groups).unwrap();
/// let b = Condition::compile(&parse(r#"{"father.age":{"$lt":90},"name":"santa"}"#).unwrap(), Mode::Strict, &mut keys, &groups).unwrap();
/// assert_eq!(keys.len(), 2); // "father.age" is shared
/// let attributes = parse(r#"{"name":"santa","father":{"age":70}}"#).unwrap();
/// let resolved = keys.resolve(&attributes);
/// assert!(a.eval(&resolved) && b.eval(&resolved));
/// ```
#[derive(Clone, Debug, Default)]
pub struct AttributeKeys {
    index: HashMap<Box<str>, usize>,
    paths: Vec<(Box<str>, Parts)>,
    regexes: HashMap<(Box<str>, bool), Regex>,
}

impl AttributeKeys {
    /// No paths yet.
    pub fn new() -> Self {
        AttributeKeys::default()
    }

    /// How many distinct attribute paths are interned.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether no path is interned.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The interned dotted paths, in slot order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.paths.iter().map(|(path, _)| &**path)
    }

    /// The slot of a dotted path, interning it if new.
    pub(crate) fn intern(&mut self, path: &str) -> usize {
        if let Some(&slot) = self.index.get(path) {
            return slot;
        }
        let slot = self.paths.len();
        let parts: Box<[Box<str>]> = path.split('.').map(Box::from).collect();
        self.paths.push((path.into(), parts));
        self.index.insert(path.into(), slot);
        slot
    }

    /// A compiled regex from the shared cache, compiling it on first use.
    pub(crate) fn regex(
        &mut self,
        pattern: &str,
        insensitive: bool,
        build: impl FnOnce() -> Result<Regex, regex_lite::Error>,
    ) -> Result<Regex, regex_lite::Error> {
        let key = (Box::<str>::from(pattern), insensitive);
        if let Some(regex) = self.regexes.get(&key) {
            return Ok(regex.clone());
        }
        let regex = build()?;
        self.regexes.insert(key, regex.clone());
        Ok(regex)
    }

    /// Looks up every interned path in `attributes` once (GrowthBook's `getPath`: a missing path, or one
    /// through a non-object, is `null`; an array step takes an index such as `tags.0` or `length`).
    pub fn resolve<'a>(&self, attributes: &'a Value) -> ResolvedAttributes<'a> {
        ResolvedAttributes {
            values: self
                .paths
                .iter()
                .map(|(_, parts)| walk(attributes, parts))
                .collect(),
        }
    }
}

/// A request's attributes looked up for every slot of an [`AttributeKeys`]; what [`super::Condition::eval`]
/// reads. Slots interned after resolving read as `null`.
#[derive(Clone, Debug)]
pub struct ResolvedAttributes<'a> {
    values: Vec<Found<'a>>,
}

impl ResolvedAttributes<'_> {
    /// The value of a slot (`null` when missing).
    pub(crate) fn get(&self, slot: usize) -> &Value {
        self.values.get(slot).map_or(&NULL, Found::value)
    }

    /// How many slots were resolved.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no slot was resolved.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A looked-up attribute: borrowed from the request, or computed (an array's `length`).
#[derive(Clone, Debug)]
pub(crate) enum Found<'a> {
    Borrowed(&'a Value),
    Owned(Value),
}

impl Found<'_> {
    pub(crate) fn value(&self) -> &Value {
        match self {
            Found::Borrowed(v) => v,
            Found::Owned(v) => v,
        }
    }
}

/// GrowthBook's `getPath` over split parts. JavaScript's `in` also sees inherited members
/// (`toString`, `constructor`); JSON attributes have none, so those read as `null` here.
pub(crate) fn walk<'a>(root: &'a Value, parts: &[Box<str>]) -> Found<'a> {
    let mut current = root;
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        let next = match current {
            Value::Object(object) => object.get(part),
            Value::Array(items) if &**part == "length" => {
                #[allow(clippy::cast_precision_loss)]
                let length = items.len() as f64;
                // A length of 0 is falsy, so a further step from it yields null as well.
                return if i == last {
                    Found::Owned(Value::Number(length))
                } else {
                    Found::Borrowed(&NULL)
                };
            }
            Value::Array(items) => array_index(part).and_then(|index| items.get(index)),
            _ => None,
        };
        match next {
            Some(value) => current = value,
            None => return Found::Borrowed(&NULL),
        }
    }
    Found::Borrowed(current)
}

/// A canonical array index (`"0"`, `"17"`; not `"01"` or `"-1"`), as JavaScript's `in` accepts.
fn array_index(part: &str) -> Option<usize> {
    if part.len() > 1 && part.starts_with('0') {
        return None;
    }
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// Named lists of values for `$inGroup` and `$notInGroup`, from GrowthBook's `savedGroups` object
/// (`{"beta_testers": ["u1", "u2"]}`). Conditions resolve their groups when they compile.
///
/// ```
/// use nextoffer::condition::SavedGroups;
/// use nextoffer::json::parse;
/// let groups = SavedGroups::from_value(&parse(r#"{"vip":["u1","u2"]}"#).unwrap()).unwrap();
/// assert!(groups.contains("vip"));
/// let err = SavedGroups::from_value(&parse(r#"{"vip":"u1"}"#).unwrap()).unwrap_err();
/// assert_eq!(err.to_string(), "vip: saved group expects an array, found string");
/// ```
#[derive(Clone, Debug, Default)]
pub struct SavedGroups {
    groups: HashMap<String, InSet>,
}

impl SavedGroups {
    /// No groups.
    pub fn new() -> Self {
        SavedGroups::default()
    }

    /// Reads `{"groupId": [values...]}`; anything else (a non-object, a group that is not an array) is an
    /// error whose path names the group.
    pub fn from_value(value: &Value) -> Result<Self, ConditionError> {
        let object = value.as_object().ok_or_else(|| {
            ConditionError::new(
                String::new(),
                ConditionErrorKind::WrongOperand {
                    operator: "saved groups".into(),
                    expected: "an object",
                    found: value.type_name(),
                },
            )
        })?;
        let mut groups = HashMap::with_capacity(object.len());
        for (id, members) in object.iter() {
            let items = members.as_array().ok_or_else(|| {
                ConditionError::new(
                    id.to_owned(),
                    ConditionErrorKind::WrongOperand {
                        operator: "saved group".into(),
                        expected: "an array",
                        found: members.type_name(),
                    },
                )
            })?;
            groups.insert(id.to_owned(), InSet::new(items, false));
        }
        Ok(SavedGroups { groups })
    }

    /// GrowthBook's reading: `savedGroups[id] || []`, so anything unusable is an empty group.
    pub(crate) fn from_value_lenient(value: &Value) -> Self {
        let groups = value
            .as_object()
            .map(|object| {
                object
                    .iter()
                    .filter_map(|(id, members)| {
                        members
                            .as_array()
                            .map(|items| (id.to_owned(), InSet::new(items, false)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        SavedGroups { groups }
    }

    /// Whether a group of that id exists.
    pub fn contains(&self, id: &str) -> bool {
        self.groups.contains_key(id)
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    pub(crate) fn get(&self, id: &str) -> Option<&InSet> {
        self.groups.get(id)
    }
}
