//! The JSON object: insertion-ordered key/value pairs.
//!
//! A vector, not a hash map: objects in models and requests are small, a linear scan over a few keys beats
//! hashing, and insertion order must survive because `JSON.stringify` output (which GrowthBook compares)
//! depends on it.

use super::Value;

/// A JSON object: `(key, value)` pairs in insertion order, keys unique.
///
/// ```
/// use nextoffer::json::{Object, Value};
/// let mut o = Object::new();
/// o.insert("b", 1.0);
/// o.insert("a", "x");
/// o.insert("b", 2.0); // replaces in place, keeps the position
/// assert_eq!(Value::from(o).to_json(), r#"{"b":2,"a":"x"}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    entries: Vec<(String, Value)>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object {
            entries: Vec::new(),
        }
    }

    /// An empty object with room for `n` keys.
    pub fn with_capacity(n: usize) -> Self {
        Object {
            entries: Vec::with_capacity(n),
        }
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Whether the object holds `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// Sets `key` to `value`: an existing key is replaced in place (keeping its position), a new key goes last.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Removes `key`, returning its value; the other keys keep their order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let index = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(index).1)
    }

    /// The pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The values in insertion order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// How many keys the object holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the object holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Wraps pairs whose keys the parser already checked for duplicates.
    pub(crate) fn from_unique(entries: Vec<(String, Value)>) -> Self {
        Object { entries }
    }
}

impl FromIterator<(String, Value)> for Object {
    /// Collects pairs; a repeated key replaces the earlier value in place.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut o = Object::new();
        for (k, v) in iter {
            o.insert(k, v);
        }
        o
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    /// The owned pairs in insertion order.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a str, &'a Value),
    >;

    /// The borrowed pairs in insertion order.
    fn into_iter(self) -> Self::IntoIter {
        fn pair(entry: &(String, Value)) -> (&str, &Value) {
            (entry.0.as_str(), &entry.1)
        }
        self.entries.iter().map(pair)
    }
}
