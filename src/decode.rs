//! Typed reading of JSON values with the path of every field, so that a bad model or request is reported as
//! `offers[3].price: must be a non-negative number`, not as "invalid input".
//!
//! Paths are built lazily: [`At`] is a chain of borrowed segments on the stack, rendered to text only when an
//! error is reported, so decoding a valid request allocates nothing for paths.

use crate::json::{Object, Value};
use crate::text::Num;
#[cfg(feature = "streaming-load")]
use {
    crate::json::{Kind, ParseError, Reader},
    std::borrow::Cow,
};

/// A problem with one field of an input, and where it is.
///
/// Boxed: decoding a model or a request passes an error up through many `?`s, and each moved the two strings
/// (24 bytes) where a pointer moves now: about 1 KB less browser Wasm.
#[derive(Clone, PartialEq, Eq)]
pub struct FieldError(Box<(String, String)>);

impl FieldError {
    /// The error `message` (lowercase) about the field at `path`.
    pub fn new(path: String, message: String) -> FieldError {
        FieldError(Box::new((path, message)))
    }

    /// JSON path of the field (`offers[3].condition.plan.$regx`).
    pub fn path(&self) -> &str {
        &self.0 .0
    }

    /// What is wrong with it, lowercase.
    pub fn message(&self) -> &str {
        &self.0 .1
    }
}

impl std::fmt::Debug for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldError")
            .field("path", &self.path())
            .field("message", &self.message())
            .finish()
    }
}

/// One segment of a JSON path.
#[derive(Clone, Copy)]
enum Segment<'a> {
    Root(&'a str),
    Key(&'a str),
    Index(usize),
}

/// Where a value sits in its document: a borrowed chain of segments back to the root.
#[derive(Clone, Copy)]
pub struct At<'a> {
    parent: Option<&'a At<'a>>,
    segment: Segment<'a>,
}

impl<'a> At<'a> {
    /// The document root, named for messages (`""` renders paths without a prefix).
    pub fn root(name: &'a str) -> Self {
        At {
            parent: None,
            segment: Segment::Root(name),
        }
    }

    /// The field `key` of the object at `self`.
    pub fn key(&'a self, key: &'a str) -> At<'a> {
        At {
            parent: Some(self),
            segment: Segment::Key(key),
        }
    }

    /// The element `index` of the array at `self`.
    pub fn index(&'a self, index: usize) -> At<'a> {
        At {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// The path as text: `offers[3].price`.
    pub fn render(&self) -> String {
        let mut segments = Vec::new();
        let mut current = Some(self);
        while let Some(at) = current {
            segments.push(at.segment);
            current = at.parent;
        }
        let mut out = String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Root(name) => out.push_str(name),
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// An error at this path.
    pub fn error(&self, message: impl Into<String>) -> FieldError {
        FieldError::new(self.render(), message.into())
    }
}

/// The value as an object, or an error naming the path.
pub fn object<'v>(value: &'v Value, at: &At<'_>) -> Result<&'v Object, FieldError> {
    value
        .as_object()
        .ok_or_else(|| at.error(format!("must be an object, found {}", value.type_name())))
}

/// Rejects keys outside `allowed`: a misspelt `"condtion"` in a hand-edited model must not silently mean
/// "no condition".
pub fn deny_unknown_keys(obj: &Object, allowed: &[&str], at: &At<'_>) -> Result<(), FieldError> {
    match obj.iter().find(|(key, _)| !allowed.contains(key)) {
        Some((key, _)) => Err(at.key(key).error(format!(
            "unknown field (expected one of: {})",
            crate::text::comma_list(allowed)
        ))),
        None => Ok(()),
    }
}

/// What a `null` in place of a number means, and why it is refused.
pub(crate) const NULL_NUMBER: &str =
    "must be a finite number, found null (JSON.stringify writes NaN and Infinity as null)";

/// An optional field: absent and `null` both read as `None` (but see [`optional_number`]).
pub fn field<'v>(obj: &'v Object, key: &str) -> Option<&'v Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// A required string field.
pub fn required_str<'v>(obj: &'v Object, key: &str, at: &At<'_>) -> Result<&'v str, FieldError> {
    optional_str(obj, key, at)?.ok_or_else(|| at.key(key).error("is required"))
}

/// An optional string field.
pub fn optional_str<'v>(
    obj: &'v Object,
    key: &str,
    at: &At<'_>,
) -> Result<Option<&'v str>, FieldError> {
    match field(obj, key) {
        None => Ok(None),
        Some(v) => v.as_str().map(Some).ok_or_else(|| {
            at.key(key)
                .error(format!("must be a string, found {}", v.type_name()))
        }),
    }
}

/// An optional finite number field. Unlike other fields, `null` is an error here, not "absent":
/// `JSON.stringify` turns `NaN` and the infinities into `null`, so a null number is most likely one of those,
/// and reading it as the default would hide the caller's bug.
pub fn optional_number(obj: &Object, key: &str, at: &At<'_>) -> Result<Option<f64>, FieldError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Null) => Err(at.key(key).error(NULL_NUMBER)),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() => Ok(Some(n)),
            _ => Err(at
                .key(key)
                .error(format!("must be a finite number, found {}", v.type_name()))),
        },
    }
}

/// An optional number field that must be at least zero.
pub fn optional_non_negative(
    obj: &Object,
    key: &str,
    at: &At<'_>,
) -> Result<Option<f64>, FieldError> {
    match optional_number(obj, key, at)? {
        Some(n) if n < 0.0 => Err(at
            .key(key)
            .error(format!("must not be negative, found {}", Num(n)))),
        other => Ok(other),
    }
}

/// An optional number field within `range` (`default` when absent).
pub fn number_in(
    obj: &Object,
    key: &str,
    range: std::ops::RangeInclusive<f64>,
    default: f64,
    at: &At<'_>,
) -> Result<f64, FieldError> {
    match optional_number(obj, key, at)? {
        None => Ok(default),
        Some(n) if range.contains(&n) => Ok(n),
        Some(n) => Err(at.key(key).error(format!(
            "must be between {} and {}, found {}",
            Num(*range.start()),
            Num(*range.end()),
            Num(n)
        ))),
    }
}

/// An optional whole number field within `0..=max`.
pub fn optional_count(
    obj: &Object,
    key: &str,
    max: u64,
    at: &At<'_>,
) -> Result<Option<u64>, FieldError> {
    match optional_number(obj, key, at)? {
        None => Ok(None),
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= max as f64 => Ok(Some(n as u64)),
        Some(n) => Err(at.key(key).error(format!(
            "must be a whole number from 0 to {max}, found {}",
            Num(n)
        ))),
    }
}

/// An optional boolean field.
pub fn optional_bool(obj: &Object, key: &str, at: &At<'_>) -> Result<Option<bool>, FieldError> {
    match field(obj, key) {
        None => Ok(None),
        Some(v) => v.as_bool().map(Some).ok_or_else(|| {
            at.key(key)
                .error(format!("must be true or false, found {}", v.type_name()))
        }),
    }
}

/// An optional array field (absent reads as empty).
pub fn optional_array<'v>(
    obj: &'v Object,
    key: &str,
    at: &At<'_>,
) -> Result<&'v [Value], FieldError> {
    match field(obj, key) {
        None => Ok(&[]),
        Some(v) => v.as_array().ok_or_else(|| {
            at.key(key)
                .error(format!("must be an array, found {}", v.type_name()))
        }),
    }
}

/// An optional array of strings (absent reads as empty).
pub fn string_list<'v>(
    obj: &'v Object,
    key: &str,
    at: &At<'_>,
) -> Result<Vec<&'v str>, FieldError> {
    let list_at = at.key(key);
    optional_array(obj, key, at)?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str().ok_or_else(|| {
                list_at
                    .index(i)
                    .error(format!("must be a string, found {}", v.type_name()))
            })
        })
        .collect()
}

/// An optional ISO date or date-time field, as seconds since the epoch.
pub fn optional_instant(obj: &Object, key: &str, at: &At<'_>) -> Result<Option<i64>, FieldError> {
    match optional_str(obj, key, at)? {
        None => Ok(None),
        Some(text) => crate::time::parse_instant(text).map(Some).ok_or_else(|| {
            at.key(key).error(format!(
                "must be an ISO date or date-time (2026-11-23T10:00:00Z), found \"{text}\""
            ))
        }),
    }
}

/// The error for a value of the wrong type.
#[cfg(feature = "streaming-load")]
fn must_be(at: &At<'_>, expected: &str, found: &str) -> FieldError {
    at.error(format!("must be {expected}, found {found}"))
}

/// How a streamed field is read (see [`Field::read`]).
#[cfg(feature = "streaming-load")]
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    /// A string.
    Text,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// An array of strings.
    List,
    /// Any value, kept whole as a tree.
    Tree,
}

/// A field of an object read from a [`Reader`], kept until all the object's fields are read, so that they are
/// then checked in a fixed order (an object with two bad fields reports the same one whatever its key order)
/// with the same messages as the functions above give for a parsed [`Value`].
///
/// Strings are borrowed from the text when they have no escape; a value of an unexpected kind is skipped,
/// keeping only its kind for the message.
#[cfg(feature = "streaming-load")]
pub(crate) enum Field<'a> {
    /// The key did not appear.
    Absent,
    /// `null`.
    Null,
    /// A string.
    Str(Cow<'a, str>),
    /// A number.
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
    /// An array of strings: their range in the list buffer given to [`Field::read`].
    List(std::ops::Range<usize>),
    /// An array whose element `index` is not a string.
    BadItem(usize, Kind),
    /// A value of a kind its [`Shape`] does not take.
    Other(Kind),
    /// A value read as a tree ([`Shape::Tree`]).
    Tree(Value),
}

#[cfg(feature = "streaming-load")]
impl<'a> Field<'a> {
    /// Reads the next value as `shape`; strings of a [`Shape::List`] go to the end of `list`.
    pub(crate) fn read(
        r: &mut Reader<'a>,
        shape: Shape,
        list: &mut Vec<Cow<'a, str>>,
    ) -> Result<Field<'a>, ParseError> {
        let kind = r.peek()?;
        Ok(match (kind, shape) {
            (Kind::Null, _) => {
                r.null()?;
                Field::Null
            }
            (_, Shape::Tree) => Field::Tree(r.value()?),
            (Kind::String, Shape::Text) => Field::Str(r.string()?),
            (Kind::Number, Shape::Number) => Field::Number(r.number()?),
            (Kind::Bool, Shape::Bool) => Field::Bool(r.boolean()?),
            (Kind::Array, Shape::List) => {
                let start = list.len();
                r.begin_array()?;
                let mut index = 0;
                while r.next_item()? {
                    match r.peek()? {
                        Kind::String => list.push(r.string()?),
                        other => {
                            // The field is invalid: the rest only needs its syntax checked.
                            r.skip()?;
                            while r.next_item()? {
                                r.skip()?;
                            }
                            return Ok(Field::BadItem(index, other));
                        }
                    }
                    index += 1;
                }
                Field::List(start..list.len())
            }
            (kind, _) => {
                r.skip()?;
                Field::Other(kind)
            }
        })
    }

    /// The JSON type name of the value, as [`Value::type_name`] gives it.
    fn type_name(&self) -> &'static str {
        match self {
            Field::Absent | Field::Null => "null",
            Field::Str(_) => "string",
            Field::Number(_) => "number",
            Field::Bool(_) => "boolean",
            Field::List(_) | Field::BadItem(..) => "array",
            Field::Other(kind) => kind.name(),
            Field::Tree(value) => value.type_name(),
        }
    }

    /// [`optional_str`] of a streamed field.
    pub(crate) fn optional_str(&self, key: &str, at: &At<'_>) -> Result<Option<&str>, FieldError> {
        match self {
            Field::Absent | Field::Null => Ok(None),
            Field::Str(s) => Ok(Some(s)),
            other => Err(must_be(&at.key(key), "a string", other.type_name())),
        }
    }

    /// [`required_str`] of a streamed field.
    pub(crate) fn required_str(&self, key: &str, at: &At<'_>) -> Result<&str, FieldError> {
        self.optional_str(key, at)?
            .ok_or_else(|| at.key(key).error("is required"))
    }

    /// [`optional_number`] of a streamed field (`null` is an error).
    pub(crate) fn optional_number(
        &self,
        key: &str,
        at: &At<'_>,
    ) -> Result<Option<f64>, FieldError> {
        match self {
            Field::Absent => Ok(None),
            Field::Null => Err(at.key(key).error(NULL_NUMBER)),
            Field::Number(n) if n.is_finite() => Ok(Some(*n)),
            other => Err(must_be(&at.key(key), "a finite number", other.type_name())),
        }
    }

    /// [`optional_non_negative`] of a streamed field.
    pub(crate) fn optional_non_negative(
        &self,
        key: &str,
        at: &At<'_>,
    ) -> Result<Option<f64>, FieldError> {
        match self.optional_number(key, at)? {
            Some(n) if n < 0.0 => Err(at
                .key(key)
                .error(format!("must not be negative, found {}", Num(n)))),
            other => Ok(other),
        }
    }

    /// An optional boolean field, streamed.
    pub(crate) fn optional_bool(&self, key: &str, at: &At<'_>) -> Result<Option<bool>, FieldError> {
        match self {
            Field::Absent | Field::Null => Ok(None),
            Field::Bool(b) => Ok(Some(*b)),
            other => Err(must_be(&at.key(key), "true or false", other.type_name())),
        }
    }

    /// [`string_list`] of a streamed field: the strings, from the buffer it was read into.
    pub(crate) fn string_list<'l>(
        &self,
        list: &'l [Cow<'a, str>],
        key: &str,
        at: &At<'_>,
    ) -> Result<&'l [Cow<'a, str>], FieldError> {
        match self {
            Field::Absent | Field::Null => Ok(&[]),
            Field::List(range) => Ok(list.get(range.clone()).unwrap_or_default()),
            Field::BadItem(index, kind) => {
                Err(must_be(&at.key(key).index(*index), "a string", kind.name()))
            }
            other => Err(must_be(&at.key(key), "an array", other.type_name())),
        }
    }

    /// [`optional_instant`] of a streamed field.
    pub(crate) fn optional_instant(
        &self,
        key: &str,
        at: &At<'_>,
    ) -> Result<Option<i64>, FieldError> {
        match self.optional_str(key, at)? {
            None => Ok(None),
            Some(text) => crate::time::parse_instant(text).map(Some).ok_or_else(|| {
                at.key(key).error(format!(
                    "must be an ISO date or date-time (2026-11-23T10:00:00Z), found \"{text}\""
                ))
            }),
        }
    }
}
