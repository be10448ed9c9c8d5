//! Dense integer ids for the strings a model mentions (offer ids, product ids, categories, placements).
//!
//! A decision compares a customer's products and categories with every offer's; comparing `u32`s and
//! indexing vectors is what keeps 500 offers inside a few microseconds.

use std::borrow::Borrow;
use std::hash::Hasher;

/// FNV-1a over bytes: keys here are short ids chosen by the model author, so a simple, fast hash fits, and
/// nothing about it is security-relevant (no attacker picks the model's keys to collide a lookup table).
#[derive(Default, Clone, Copy)]
pub struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// A map from names: its entries sorted by key, found by binary search.
///
/// The maps of a model and its learned state hold hundreds to a few thousand names, looked up far more
/// often than inserted; a sorted vector answers as fast as a hash map at that size, iterates in key order
/// (deterministic everywhere), and keeps the standard library's hash table (about 4 KB of gzipped Wasm)
/// out of the browser module. Inserting is linear (entries shift), so filling one with n keys in random
/// order moves about n²/4 entries: a few milliseconds for 5,000 names; keys in ascending order append.
#[derive(Clone, Debug, PartialEq)]
pub struct FastMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for FastMap<K, V> {
    fn default() -> Self {
        FastMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> FastMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        // Keys arriving in order (an exported state, ids numbered in order) append without a search.
        match self.entries.last() {
            Some((last, _)) if last.borrow() < key => Err(self.entries.len()),
            _ => self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)),
        }
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        self.entries.get(at).map(|(_, v)| v)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        self.entries.get_mut(at).map(|(_, v)| v)
    }

    /// Sets `key` to `value`, answering the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => self
                .entries
                .get_mut(at)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserted as `V::default()` first if absent.
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        Entry { map: self, key }
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The entries, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<'m, K: Ord, V> IntoIterator for &'m FastMap<K, V> {
    type Item = (&'m K, &'m V);
    type IntoIter = std::iter::Map<std::slice::Iter<'m, (K, V)>, fn(&'m (K, V)) -> (&'m K, &'m V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// A key of a [`FastMap`] about to be read or inserted (the `HashMap::entry` idiom).
pub struct Entry<'m, K, V> {
    map: &'m mut FastMap<K, V>,
    key: K,
}

impl<'m, K: Ord, V: Default> Entry<'m, K, V> {
    /// The key's value, a default one inserted first if absent.
    pub fn or_default(self) -> &'m mut V {
        let at = match self.map.find(&self.key) {
            Ok(at) => at,
            Err(at) => {
                self.map.entries.insert(at, (self.key, V::default()));
                at
            }
        };
        // In bounds: the key was found at `at`, or was just inserted there (as `Vec::insert` itself assumes).
        #[allow(clippy::indexing_slicing)]
        &mut self.map.entries[at].1
    }
}

/// Names numbered in the order they were first seen.
#[derive(Default, Clone, Debug)]
pub struct Interner {
    /// An open-addressing table of `id + 1` by the name's FNV hash (0: empty), its length a power of two at
    /// least twice the names, so a lookup hashes once and compares one name, where a binary search of the
    /// sorted names compared about ten (each a `memcmp` call in Wasm). On the bench model that took a tenth
    /// off the load's lookups of ids and names, and a request's contacts find their offers by id this way.
    slots: Vec<u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    /// The id of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> u32 {
        let at = match self.find(name) {
            Ok(id) => return id,
            Err(at) => at,
        };
        // Ids fit u32: a model with four billion distinct names could not be loaded in Wasm memory anyway.
        let (Ok(id), Ok(slot)) = (
            u32::try_from(self.names.len()),
            u32::try_from(self.names.len() + 1),
        ) else {
            return u32::MAX;
        };
        self.names.push(name.into());
        if self.names.len() * 2 > self.slots.len() {
            self.rehash();
        } else if let Some(free) = self.slots.get_mut(at) {
            *free = slot;
        }
        id
    }

    /// The id of `name`, if known.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.find(name).ok()
    }

    /// The id of `name`, or the free slot where it would go.
    fn find(&self, name: &str) -> Result<u32, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = hash(name) & mask;
        // Ends: the table always has free slots (at most half full).
        loop {
            match self.slots.get(at) {
                Some(&slot) if slot != 0 => {
                    let id = slot - 1;
                    if self.names.get(id as usize).is_some_and(|n| **n == *name) {
                        return Ok(id);
                    }
                }
                _ => return Err(at),
            }
            at = (at + 1) & mask;
        }
    }

    /// Rebuilds the table at twice the size, with every name.
    fn rehash(&mut self) {
        let size = (self.names.len() * 4).next_power_of_two().max(16);
        self.slots = vec![0; size];
        let mask = size - 1;
        for (slot, name) in (1..).zip(&self.names) {
            let mut at = hash(name) & mask;
            while let Some(taken) = self.slots.get_mut(at) {
                if *taken == 0 {
                    *taken = slot;
                    break;
                }
                at = (at + 1) & mask;
            }
        }
    }

    /// The name of `id`.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }

    /// How many names are known.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name is known.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

fn hash(name: &str) -> usize {
    let mut hasher = FnvHasher::default();
    hasher.write(name.as_bytes());
    hasher.finish() as usize
}

/// A fixed-size set of dense ids.
#[derive(Clone, Debug, Default)]
pub struct IdSet {
    words: Vec<u64>,
}

impl IdSet {
    /// An empty set able to hold ids below `capacity`.
    pub fn with_capacity(capacity: usize) -> Self {
        IdSet {
            words: vec![0; capacity.div_ceil(64)],
        }
    }

    /// Adds `id` (ids beyond the capacity are ignored: they cannot be asked about).
    pub fn insert(&mut self, id: u32) {
        if let Some(word) = self.words.get_mut(id as usize / 64) {
            *word |= 1 << (id % 64);
        }
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: u32) -> bool {
        self.words
            .get(id as usize / 64)
            .is_some_and(|word| word & (1 << (id % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hasher;

    /// FNV-1a 64 of the concatenation, written the long way, as `decision_id` once computed it.
    fn fnv_loop(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    #[test]
    fn fast_map_finds_what_was_inserted_in_any_order_and_iterates_in_key_order() {
        let mut map: FastMap<Box<str>, u32> = FastMap::default();
        for (i, key) in ["o10", "o2", "o1", "o30", "o3"].into_iter().enumerate() {
            assert_eq!(map.insert(key.into(), u32::try_from(i).unwrap()), None);
        }
        assert_eq!(map.insert("o2".into(), 7), Some(1));
        assert_eq!(map.get("o2"), Some(&7));
        assert_eq!(map.get("o30"), Some(&3));
        assert_eq!(map.get("o4"), None);
        *map.entry("o4".into()).or_default() += 5;
        *map.entry("o4".into()).or_default() += 1;
        assert_eq!(map.get("o4"), Some(&6));
        let keys: Vec<&str> = map.keys().map(|k| &**k).collect();
        assert_eq!(keys, ["o1", "o10", "o2", "o3", "o30", "o4"]);
        assert_eq!(map.len(), 6);
        let mut appended: FastMap<Box<str>, u32> = FastMap::default();
        for key in ["a", "b", "c"] {
            appended.insert(key.into(), 0);
        }
        appended.insert("b".into(), 2);
        assert_eq!(
            appended.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            [0, 2, 0]
        );
    }

    #[test]
    fn an_interner_numbers_names_in_first_seen_order_and_finds_them_after_growing() {
        let mut names = Interner::default();
        assert_eq!(names.get("a"), None);
        let ids: Vec<u32> = (0..1000).map(|i| names.intern(&format!("p{i}"))).collect();
        assert_eq!(ids, (0..1000).collect::<Vec<u32>>());
        assert_eq!(names.intern("p17"), 17);
        assert_eq!(names.intern(""), 1000);
        assert_eq!(names.get(""), Some(1000));
        assert_eq!(names.get("p999"), Some(999));
        assert_eq!(names.get("p1000"), None);
        assert_eq!(names.name(42), "p42");
        assert_eq!(names.len(), 1001);
    }

    #[test]
    fn writing_parts_hashes_their_concatenation_even_when_empty() {
        for (a, b) in [("", ""), ("c-1001", "cart"), ("", "home"), ("c1", "")] {
            let mut h = FnvHasher::default();
            h.write(a.as_bytes());
            h.write(b.as_bytes());
            assert_eq!(
                h.finish(),
                fnv_loop(format!("{a}{b}").as_bytes()),
                "{a:?} {b:?}"
            );
        }
    }
}
