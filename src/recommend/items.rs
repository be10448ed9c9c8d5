//! Interning of item, category and customer names to dense `u32` ids.
//!
//! Every algorithm of the module works on `u32` ids in sorted vectors; names appear only at the edges
//! (building baskets, reading a request, writing a reason). A small multiplicative hasher replaces SipHash
//! because the keys are the shop's own ids and lookups sit on the `recommend` hot path.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast, non-cryptographic hasher (the Fx hash used inside rustc) for interned names and itemsets.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (slot, byte) in word.iter_mut().zip(rest) {
                *slot = *byte;
            }
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// `HashMap` with [`FxHasher`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Hash of a slice of ids (for itemset tables).
#[inline]
pub(crate) fn hash_ids(ids: &[u32]) -> u64 {
    let mut h = FxHasher::default();
    for &id in ids {
        h.write_u32(id);
    }
    // A final avalanche so that the low bits used as a table index depend on every id.
    let mut x = h.finish() ^ (ids.len() as u64);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// A two-way map between names and dense ids `0..len`, in order of first appearance.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    names: Vec<String>,
    ids: FxMap<String, u32>,
}

impl PartialEq for Interner {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
    }
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of `name`, adding it if new. `None` when the interner already holds `u32::MAX` names.
    pub fn intern(&mut self, name: &str) -> Option<u32> {
        if let Some(&id) = self.ids.get(name) {
            return Some(id);
        }
        let id = u32::try_from(self.names.len())
            .ok()
            .filter(|&id| id != u32::MAX)?;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        Some(id)
    }

    /// The id of `name`, if known.
    #[inline]
    pub fn id(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The name of `id`, if in range.
    #[inline]
    pub fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(String::as_str)
    }

    /// Number of names.
    #[inline]
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name was interned.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The names in id order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_gives_dense_ids_in_order_of_first_appearance() {
        let mut i = Interner::new();
        assert_eq!(i.intern("b"), Some(0));
        assert_eq!(i.intern("a"), Some(1));
        assert_eq!(i.intern("b"), Some(0));
        assert_eq!(i.id("a"), Some(1));
        assert_eq!(i.name(1), Some("a"));
        assert_eq!(i.name(2), None);
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn slice_hash_depends_on_order_and_length() {
        assert_ne!(hash_ids(&[1, 2]), hash_ids(&[2, 1]));
        assert_ne!(hash_ids(&[0]), hash_ids(&[0, 0]));
    }
}
