//! Attribute paths interned at compile time and resolved once per request, and the saved groups that
//! `$inGroup` reads.
//!
//! A model's conditions read the same few attributes (`country`, `plan`, `father.age`) hundreds of times.
//! Compiling interns each dotted path to a slot; a request walks each path once
//! ([`AttributeKeys::resolve`]), and evaluation reads slots by index: no string hashing or map walking per
//! condition.

use std::cell::Cell;

use super::error::{ConditionError, ConditionErrorKind};
use super::regex::{Regex, RegexError};
use super::set::InSet;
use crate::json::Value;

static NULL: Value = Value::Null;

/// A dotted path split at its dots.
pub(crate) type Parts = Box<[Box<str>]>;

/// `path.split('.')` as [`Parts`], by a byte scan: `str::split` with a `char` brings core's `CharSearcher` and
/// its `Split` iterator into the Wasm package (about 1 KB) for the only two places that need it.
pub(crate) fn split_path(path: &str) -> Parts {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, byte) in path.bytes().enumerate() {
        if byte == b'.' {
            // `.` is ASCII, so both ends are character boundaries and `get` always answers.
            parts.push(path.get(start..i).unwrap_or_default().into());
            start = i + 1;
        }
    }
    parts.push(path.get(start..).unwrap_or_default().into());
    parts.into_boxed_slice()
}

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
    /// Slot by path, sorted by path. Sorted vectors rather than hash maps here: lookups happen only at
    /// compile time, and each hash map instantiation costs Wasm size.
    index: Vec<(Box<str>, usize)>,
    paths: Vec<(Box<str>, Parts)>,
    regexes: Vec<(Box<str>, bool, Regex)>,
    /// Memo slots of expensive clauses, by attribute slot and the clause's condition as JSON text.
    memos: Vec<(usize, String, usize)>,
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
        let at = match self.index.binary_search_by(|(p, _)| (**p).cmp(path)) {
            Ok(found) => return self.index.get(found).map_or(0, |&(_, slot)| slot),
            Err(at) => at,
        };
        let slot = self.paths.len();
        let parts = split_path(path);
        self.paths.push((path.into(), parts));
        self.index.insert(at, (path.into(), slot));
        slot
    }

    /// The memo slot of an expensive clause on attribute `slot` whose condition is `text`.
    pub(crate) fn memo(&mut self, slot: usize, text: String) -> usize {
        let found = self
            .memos
            .binary_search_by(|(s, t, _)| (*s, t.as_str()).cmp(&(slot, text.as_str())));
        match found {
            Ok(at) => self.memos.get(at).map_or(0, |&(_, _, memo)| memo),
            Err(at) => {
                let memo = self.memos.len();
                self.memos.insert(at, (slot, text, memo));
                memo
            }
        }
    }

    /// A compiled regex from the shared cache, compiling it on first use.
    pub(crate) fn regex(
        &mut self,
        pattern: &str,
        insensitive: bool,
        build: impl FnOnce() -> Result<Regex, RegexError>,
    ) -> Result<Regex, RegexError> {
        let found = self
            .regexes
            .binary_search_by(|(p, i, _)| (&**p, *i).cmp(&(pattern, insensitive)));
        match found {
            Ok(at) => match self.regexes.get(at) {
                Some((_, _, regex)) => Ok(regex.clone()),
                None => build(),
            },
            Err(at) => {
                let regex = build()?;
                self.regexes
                    .insert(at, (pattern.into(), insensitive, regex.clone()));
                Ok(regex)
            }
        }
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
            memos: vec![Cell::new(Memo::Unknown); self.memos.len()],
        }
    }
}

/// A request's attributes looked up for every slot of an [`AttributeKeys`]; what [`super::Condition::eval`]
/// reads. Slots interned after resolving read as `null`. It also remembers, for this request, the answers
/// of expensive clauses that many conditions share (a regex on `email`, an `$elemMatch` on `tags`), so
/// it is meant for one request on one thread (it is not `Sync`).
#[derive(Clone, Debug)]
pub struct ResolvedAttributes<'a> {
    values: Vec<Found<'a>>,
    memos: Vec<Cell<Memo>>,
}

#[derive(Clone, Copy, Debug)]
enum Memo {
    Unknown,
    Known(bool),
}

impl ResolvedAttributes<'_> {
    /// The remembered answer of memo slot `memo`, computing it on first use.
    pub(crate) fn memoized(&self, memo: usize, compute: impl FnOnce() -> bool) -> bool {
        let Some(cell) = self.memos.get(memo) else {
            return compute();
        };
        match cell.get() {
            Memo::Known(answer) => answer,
            Memo::Unknown => {
                let answer = compute();
                cell.set(Memo::Known(answer));
                answer
            }
        }
    }

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

/// GrowthBook's saved groups, from its `savedGroups` payload object, read by `$inGroup`/`$notInGroup` and
/// `$savedGroup`. Conditions resolve their groups when they compile. Each entry is either a bare array of
/// values (the original form, for `$inGroup`), or an object: `{"type": "list", "attributeKey": "id",
/// "values": [...]}` or `{"type": "condition", "condition": {...}}` (for `$savedGroup`; a list also serves
/// `$inGroup`).
///
/// ```
/// use nextoffer::condition::SavedGroups;
/// use nextoffer::json::parse;
/// let groups = SavedGroups::from_value(&parse(r#"{"vip":["u1","u2"]}"#).unwrap()).unwrap();
/// assert!(groups.contains("vip"));
/// let err = SavedGroups::from_value(&parse(r#"{"vip":"u1"}"#).unwrap()).unwrap_err();
/// assert_eq!(err.to_string(), "vip: saved group expects an array or an object, found string");
/// ```
#[derive(Clone, Debug, Default)]
pub struct SavedGroups {
    /// Sorted by id.
    groups: Vec<(String, Group)>,
}

/// One saved group, classified once.
#[derive(Clone, Debug)]
pub(crate) enum Group {
    /// A bare array of values.
    Legacy(InSet),
    /// A list group: its attribute (if a string) and its values (if an array).
    List {
        attribute: Option<Box<str>>,
        values: Option<InSet>,
    },
    /// A condition group: its condition, if it is an object or array.
    Condition(Option<Value>),
    /// An unknown type or a malformed entry: matches nobody.
    Other,
}

impl SavedGroups {
    /// No groups.
    pub fn new() -> Self {
        SavedGroups::default()
    }

    /// Reads GrowthBook's `savedGroups` object, rejecting any entry GrowthBook would silently treat as
    /// matching nobody (a scalar, an unknown `type`, a list without an array of values ...); the error's path
    /// names the group.
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
        let mut groups = Vec::with_capacity(object.len());
        for (id, entry) in object.iter() {
            let wrong = |field: &str, expected: &'static str, found: &Value| {
                let path = if field.is_empty() {
                    id.to_owned()
                } else {
                    format!("{id}.{field}")
                };
                ConditionError::new(
                    path,
                    ConditionErrorKind::WrongOperand {
                        operator: "saved group".into(),
                        expected,
                        found: found.type_name(),
                    },
                )
            };
            let group = classify(entry);
            match (&group, entry) {
                (Group::Other, Value::Object(o)) => {
                    let kind = o.get("type").unwrap_or(&Value::Null);
                    return Err(wrong("type", "\"list\" or \"condition\"", kind));
                }
                (Group::Other, other) => return Err(wrong("", "an array or an object", other)),
                (Group::List { values: None, .. }, _) => {
                    let values = entry.get("values").unwrap_or(&Value::Null);
                    return Err(wrong("values", "an array", values));
                }
                (
                    Group::List {
                        attribute: None, ..
                    },
                    _,
                ) if entry.get("attributeKey").is_some() => {
                    let key = entry.get("attributeKey").unwrap_or(&Value::Null);
                    return Err(wrong("attributeKey", "a string", key));
                }
                (Group::Condition(None), _) => {
                    let condition = entry.get("condition").unwrap_or(&Value::Null);
                    return Err(wrong("condition", "an object", condition));
                }
                _ => {}
            }
            groups.push((id.to_owned(), group));
        }
        Ok(SavedGroups::sorted(groups))
    }

    /// GrowthBook's reading, which never fails: a non-object is no groups, and entries GrowthBook cannot use
    /// (a scalar, an unknown `type` ...) match nobody. What [`super::eval_condition`] uses.
    pub fn from_value_lenient(value: &Value) -> Self {
        let groups = value
            .as_object()
            .map(|object| {
                object
                    .iter()
                    .map(|(id, entry)| (id.to_owned(), classify(entry)))
                    .collect()
            })
            .unwrap_or_default();
        SavedGroups::sorted(groups)
    }

    /// Groups sorted by id (ids are unique: they come from one JSON object).
    fn sorted(mut groups: Vec<(String, Group)>) -> Self {
        crate::sort::sort_by(&mut groups, |a, b| a.0 < b.0);
        SavedGroups { groups }
    }

    /// Whether a group of that id exists.
    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Group> {
        let at = self
            .groups
            .binary_search_by(|(g, _)| g.as_str().cmp(id))
            .ok()?;
        self.groups.get(at).map(|(_, group)| group)
    }
}

fn classify(entry: &Value) -> Group {
    match entry {
        Value::Array(items) => Group::Legacy(InSet::new(items, false)),
        Value::Object(object) => match object.get("type").and_then(Value::as_str) {
            Some("list") => Group::List {
                attribute: object
                    .get("attributeKey")
                    .and_then(Value::as_str)
                    .map(Box::from),
                values: object
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|items| InSet::new(items, false)),
            },
            Some("condition") => Group::Condition(
                object
                    .get("condition")
                    .filter(|c| matches!(c, Value::Object(_) | Value::Array(_)))
                    .cloned(),
            ),
            _ => Group::Other,
        },
        _ => Group::Other,
    }
}

#[cfg(test)]
mod split_tests {
    use super::split_path;

    #[test]
    fn split_path_splits_like_str_split_on_a_dot() {
        for path in ["a", "a.b.c", "", ".", "a..b", "tags.0.", "é.ü"] {
            let expected: Vec<&str> = path.split('.').collect();
            let split = split_path(path);
            let parts: Vec<&str> = split.iter().map(|p| &**p).collect();
            assert_eq!(parts, expected, "{path}");
        }
    }
}
