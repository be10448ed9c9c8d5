//! Dense integer ids for the strings a model mentions (offer ids, product ids, categories, placements).
//!
//! A decision compares a customer's products and categories with every offer's; comparing `u32`s and
//! indexing vectors is what keeps 500 offers inside a few microseconds.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

/// A `HashMap` with the FNV hasher.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FnvHasher>>;

/// Strings to dense ids and back.
#[derive(Default, Clone, Debug)]
pub struct Interner {
    ids: FastMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    /// The id of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        // Ids fit u32: a model with four billion distinct names could not be loaded in Wasm memory anyway.
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(name.into(), id);
        self.names.push(name.into());
        id
    }

    /// The id of `name`, if known.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
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
