//! The JSON value every boundary of the engine speaks: models, requests, results and learned state.
//!
//! The crate keeps its own small value type instead of `serde_json` for two reasons: Wasm size (see
//! DESIGN.md, "Measured at the boundary") and semantics. GrowthBook conditions compare non-operator objects
//! by their `JSON.stringify` text, so key order matters: [`Object`] keeps insertion order, and
//! [`Value::to_json`] writes exactly what `JSON.stringify` writes. [`js_to_string`] and [`js_to_number`]
//! give the JavaScript `String(v)` and `Number(v)` coercions the condition evaluator needs.
//!
//! ```
//! use nextoffer::json::{parse, Value};
//! let v = parse(r#"{"plan":"pro","age":41.0,"tags":["a","b"]}"#).unwrap();
//! assert_eq!(v.get("plan").and_then(Value::as_str), Some("pro"));
//! assert_eq!(v.to_json(), r#"{"plan":"pro","age":41,"tags":["a","b"]}"#);
//! ```

mod coerce;
mod number;
mod object;
mod parse;
mod reader;
mod write;

pub(crate) use coerce::string_to_number;
pub use coerce::{js_to_number, js_to_string, number_to_js_string};
pub use object::Object;
pub use parse::{parse, ParseError, ParseErrorAt, ParseErrorKind, MAX_DEPTH};
pub use reader::{Kind, Reader};
pub(crate) use write::itoa_i64;
pub use write::Writer;

use std::fmt;

/// A JSON value. Numbers are `f64`, as in JavaScript.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (always finite when parsed; non-finite numbers are written as `null`).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, keeping its keys in insertion order.
    Object(Object),
}

impl Value {
    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The elements, mutably, if this is an array.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object, if this is an object.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The object, mutably, if this is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value under `key`; `None` unless this is an object holding that key.
    ///
    /// ```
    /// use nextoffer::json::parse;
    /// let v = parse(r#"{"a":1}"#).unwrap();
    /// assert_eq!(v.get("a").and_then(|a| a.as_f64()), Some(1.0));
    /// assert!(v.get("b").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(o) => o.get(key),
            _ => None,
        }
    }

    /// The JSON type name: `"null"`, `"boolean"`, `"number"`, `"string"`, `"array"` or `"object"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Compact JSON text, byte for byte what JavaScript's `JSON.stringify` writes for the same value.
    ///
    /// ```
    /// use nextoffer::json::Value;
    /// assert_eq!(Value::from(1e21).to_json(), "1e+21");
    /// assert_eq!(Value::from(f64::NAN).to_json(), "null");
    /// assert_eq!(Value::from("a\"b\n").to_json(), r#""a\"b\n""#);
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Appends the compact JSON text of this value to `out` (see [`Value::to_json`]).
    pub fn write_json(&self, out: &mut String) {
        write::write_value(self, out);
    }
}

impl fmt::Display for Value {
    /// Formats as compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    /// Integers beyond 2^53 lose precision, as in JavaScript.
    #[allow(clippy::cast_precision_loss)]
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(f64::from(n))
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(f64::from(n))
    }
}

impl From<u64> for Value {
    /// Integers beyond 2^53 lose precision, as in JavaScript.
    #[allow(clippy::cast_precision_loss)]
    fn from(n: u64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<usize> for Value {
    /// Integers beyond 2^53 lose precision, as in JavaScript.
    #[allow(clippy::cast_precision_loss)]
    fn from(n: usize) -> Self {
        Value::Number(n as f64)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Self {
        Value::Array(a)
    }
}

impl From<Object> for Value {
    fn from(o: Object) -> Self {
        Value::Object(o)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` becomes `null`.
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl FromIterator<Value> for Value {
    /// Collects into an array.
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        Value::Array(iter.into_iter().collect())
    }
}
