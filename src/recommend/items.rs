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

/// Hash of a name, for the interner's table.
#[inline]
fn hash_str(name: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(name.as_bytes());
    let mut x = h.finish() ^ (name.len() as u64);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

const EMPTY: u32 = u32::MAX;

/// A two-way map between names and dense ids `0..len`, in order of first appearance.
///
/// Names live in one string buffer and the lookup table holds only ids (open addressing), so loading a
/// model of 10,000 items makes a handful of allocations instead of two per item.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    text: String,
    ends: Vec<u32>,
    table: Vec<u32>,
}

impl PartialEq for Interner {
    fn eq(&self, other: &Self) -> bool {
        self.ends == other.ends && self.text == other.text
    }
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Self {
        Self::default()
    }

    /// The slot of `name` in the table: where it is, or the empty slot where it would go.
    fn slot(&self, name: &str) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut slot = hash_str(name) as usize & mask;
        loop {
            let id = *self.table.get(slot)?;
            if id == EMPTY || self.name(id) == Some(name) {
                return Some(slot);
            }
            slot = (slot + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let cap = (self.table.len() * 2).max(16);
        self.table = vec![EMPTY; cap];
        let mask = cap - 1;
        for id in 0..self.ends.len() as u32 {
            let mut slot = hash_str(self.name(id).unwrap_or_default()) as usize & mask;
            while let Some(cell) = self.table.get_mut(slot) {
                if *cell == EMPTY {
                    *cell = id;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }

    /// The id of `name`, adding it if new. `None` when the interner already holds `u32::MAX - 1` names
    /// or 4 GB of text.
    pub fn intern(&mut self, name: &str) -> Option<u32> {
        if let Some(id) = self.id(name) {
            return Some(id);
        }
        let id = u32::try_from(self.ends.len())
            .ok()
            .filter(|&id| id < EMPTY - 1)?;
        let end = u32::try_from(self.text.len() + name.len()).ok()?;
        if (self.ends.len() + 1) * 2 > self.table.len() {
            self.grow();
        }
        self.text.push_str(name);
        self.ends.push(end);
        if let Some(cell) = self.slot(name).and_then(|s| self.table.get_mut(s)) {
            *cell = id;
        }
        Some(id)
    }

    /// The id of `name`, if known.
    #[inline]
    pub fn id(&self, name: &str) -> Option<u32> {
        let id = *self.table.get(self.slot(name)?)?;
        (id != EMPTY).then_some(id)
    }

    /// The name of `id`, if in range.
    #[inline]
    pub fn name(&self, id: u32) -> Option<&str> {
        let end = *self.ends.get(id as usize)? as usize;
        let start = match id.checked_sub(1) {
            Some(prev) => *self.ends.get(prev as usize)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// Number of names.
    #[inline]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no name was interned.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The names in id order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.ends.len() as u32).map(move |id| self.name(id).unwrap_or_default())
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
        assert_eq!(i.names().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(i.id("c"), None);
    }

    #[test]
    fn interner_survives_growth_and_empty_names() {
        let mut i = Interner::new();
        assert_eq!(i.id("x"), None);
        assert_eq!(i.intern(""), Some(0));
        for n in 0..5000u32 {
            assert_eq!(i.intern(&format!("item-{n}")), Some(n + 1));
        }
        for n in 0..5000u32 {
            assert_eq!(i.id(&format!("item-{n}")), Some(n + 1));
        }
        assert_eq!(i.id(""), Some(0));
        assert_eq!(i.name(0), Some(""));
        assert_eq!(i.name(5000), Some("item-4999"));
        assert_eq!(i.name(5001), None);
    }

    #[test]
    fn slice_hash_depends_on_order_and_length() {
        assert_ne!(hash_ids(&[1, 2]), hash_ids(&[2, 1]));
        assert_ne!(hash_ids(&[0]), hash_ids(&[0, 0]));
    }
}
