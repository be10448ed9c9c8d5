//! Customer id → the customer's running aggregate, tuned for streaming millions of rows.
//!
//! Every row looks its customer up and updates its aggregate, so this is the import's hot path and, with a
//! million customers, bound by cache misses. This open-addressing table keeps ids of up to 15 bytes (the
//! usual case) and the aggregate itself inside the slot, so a row costs one miss (two adjacent lines) instead
//! of one for the id, one for the table and one for the aggregate. Longer ids live in one shared arena.
//!
//! An inline id and its length are one 16-byte word, compared as a `u128` (two loads and compares) rather
//! than through `memcmp`: the call and its length-dependent branches cost about 35 instructions a row and,
//! with a million customers, about 6% of the import's time (perf, 10M rows).

/// Ids up to this many bytes are stored inline.
const INLINE: usize = 15;
const EMPTY: u32 = u32::MAX;

/// `repr(C)`: the id and tag first, the value after, so [`CustomerIndex::touch`] knows which bytes sit
/// on which cache line.
#[derive(Clone, Default)]
#[repr(C)]
struct Slot<V> {
    hash: u32,
    index: u32,
    /// Inline: the id's bytes, zero-padded, then its length in the last byte (so the whole word compares
    /// equal exactly when the ids are equal). Long: arena offset (8 bytes) and length (4 bytes), and
    /// `LONG` in the last byte.
    key: [u8; INLINE + 1],
    value: V,
}

const LONG: u8 = u8::MAX;

impl<V> Slot<V> {
    fn len(&self) -> u8 {
        self.key[INLINE]
    }
}

impl<V: Default> Slot<V> {
    fn vacant() -> Slot<V> {
        Slot {
            hash: 0,
            index: EMPTY,
            key: [0; INLINE + 1],
            value: V::default(),
        }
    }
}

/// An inline id as its slot stores it (see [`Slot::key`]); `None` for an id too long to be inline.
fn inline_key(bytes: &[u8]) -> Option<u128> {
    let mut key = [0u8; INLINE + 1];
    key.get_mut(..bytes.len())?.copy_from_slice(bytes);
    let len = u8::try_from(bytes.len())
        .ok()
        .filter(|&n| usize::from(n) <= INLINE)?;
    key[INLINE] = len;
    Some(u128::from_le_bytes(key))
}

fn vacant_slots<V: Default>(n: usize) -> Vec<Slot<V>> {
    (0..n).map(|_| Slot::vacant()).collect()
}

/// Maps ids to values, numbering ids 0, 1, 2 ... in order of first appearance.
pub(crate) struct CustomerIndex<V> {
    slots: Vec<Slot<V>>,
    len: usize,
    arena: Vec<u8>,
}

/// A 64-bit hash of the id (multiply-rotate over 8-byte words, then a final mix).
pub(crate) fn hash(id: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = id.len() as u64;
    let mut chunks = id.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        if let Some(dst) = w.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let h = (h ^ (h >> 32)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 29)
}

fn key_in<'a, V>(arena: &'a [u8], slot: &'a Slot<V>) -> &'a [u8] {
    if slot.len() == LONG {
        let mut off = [0u8; 8];
        let mut len = [0u8; 4];
        for (dst, src) in off.iter_mut().chain(len.iter_mut()).zip(slot.key.iter()) {
            *dst = *src;
        }
        let start = u64::from_le_bytes(off) as usize;
        let end = start + u32::from_le_bytes(len) as usize;
        arena.get(start..end).unwrap_or_default()
    } else {
        slot.key.get(..usize::from(slot.len())).unwrap_or_default()
    }
}

/// The part of the hash a slot keeps: the high 32 bits, which also place it (so a resize needs no
/// rehashing).
fn tag(h: u64) -> u32 {
    (h >> 32) as u32
}

/// The home slot of a tag in a table of `len` slots: the tag scaled to the table. Monotone in the hash, so
/// rows sorted by hash visit the table front to back (see `OrderBook`'s batches).
fn home(tag: u32, len: usize) -> usize {
    ((u64::from(tag) * len as u64) >> 32) as usize
}

impl<V: Default> CustomerIndex<V> {
    pub(crate) fn new() -> CustomerIndex<V> {
        CustomerIndex {
            slots: vacant_slots(1024),
            len: 0,
            arena: Vec::new(),
        }
    }

    /// The number of ids.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The id's number (dense, in order of insertion), whether it was just added, and its value; `h` must
    /// be `hash(id)`.
    pub(crate) fn entry(&mut self, h: u64, id: &[u8]) -> Option<(u32, bool, &mut V)> {
        let (i, added) = self.find_or_insert(h, id)?;
        self.slots
            .get_mut(i)
            .map(|s| (s.index, added, &mut s.value))
    }

    /// Makes room for `additional` more ids at load 1/2 or less, without growing in between.
    ///
    /// Callers that insert ids in hash order (the import's batches) must reserve first: growing half-way
    /// through would leave all ids inserted so far (the lowest hashes) crowded into the front of the new
    /// table, one long probe cluster.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let needed = (self.len + additional).saturating_mul(2);
        if needed > self.slots.len() {
            self.resize(needed.max(self.slots.len() + self.slots.len() / 2));
        }
    }

    /// Reads `h`'s home slot (its tag, and through `tail` a field at the end of its value, so both cache
    /// lines of a slot wider than one) and returns a value derived from them, for the caller to pass to
    /// `std::hint::black_box`: loads issued ahead of the rows that need them (see `OrderBook::flush`). The
    /// crate forbids `unsafe`, so these are plain loads rather than prefetch instructions.
    pub(crate) fn touch(&self, h: u64, tail: impl Fn(&V) -> u32) -> u32 {
        self.slots
            .get(home(tag(h), self.slots.len()))
            .map_or(0, |s| s.hash ^ tail(&s.value))
    }

    fn find_or_insert(&mut self, h: u64, bytes: &[u8]) -> Option<(usize, bool)> {
        let tag = tag(h);
        let probe = inline_key(bytes);
        let mut i = home(tag, self.slots.len());
        loop {
            let slot = self.slots.get(i)?;
            if slot.index == EMPTY {
                break;
            }
            if slot.hash == tag {
                let same = match probe {
                    Some(key) => u128::from_le_bytes(slot.key) == key,
                    None => slot.len() == LONG && key_in(&self.arena, slot) == bytes,
                };
                if same {
                    return Some((i, false));
                }
            }
            i += 1;
            if i == self.slots.len() {
                i = 0;
            }
        }
        if self.len * 2 >= self.slots.len() {
            self.resize(self.slots.len() * 2);
            return self.find_or_insert(h, bytes);
        }
        let index = self.len as u32;
        let mut slot = Slot {
            hash: tag,
            index,
            key: [0; INLINE + 1],
            value: V::default(),
        };
        if let Some(key) = probe {
            slot.key = key.to_le_bytes();
        } else {
            let off = (self.arena.len() as u64).to_le_bytes();
            let len = (bytes.len() as u32).to_le_bytes();
            self.arena.extend_from_slice(bytes);
            for (dst, src) in slot.key.iter_mut().zip(off.iter().chain(len.iter())) {
                *dst = *src;
            }
            slot.key[INLINE] = LONG;
        }
        *self.slots.get_mut(i)? = slot;
        self.len += 1;
        Some((i, true))
    }

    /// Rebuilds the table with `size` slots, re-placing every id at its home in the new size.
    fn resize(&mut self, size: usize) {
        let bigger = vacant_slots(size.max(16));
        let old = std::mem::replace(&mut self.slots, bigger);
        let size = self.slots.len();
        for slot in old.into_iter().filter(|s| s.index != EMPTY) {
            let mut i = home(slot.hash, size);
            while self.slots.get(i).is_some_and(|s| s.index != EMPTY) {
                i = if i + 1 == size { 0 } else { i + 1 };
            }
            if let Some(s) = self.slots.get_mut(i) {
                *s = slot;
            }
        }
    }

    /// All ids with their values, by number (every entry is `Some`; `Option` lets callers take them out
    /// in another order without moving the rest).
    pub(crate) fn into_entries(self) -> Vec<Option<(String, V)>> {
        let arena = self.arena;
        let mut entries: Vec<Option<(String, V)>> = (0..self.len).map(|_| None).collect();
        for s in self.slots.into_iter().filter(|s| s.index != EMPTY) {
            let id = String::from_utf8_lossy(key_in(&arena, &s)).into_owned();
            if let Some(e) = entries.get_mut(s.index as usize) {
                *e = Some((id, s.value));
            }
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_short_and_long_get_dense_numbers_in_order_of_first_appearance() {
        let mut index: CustomerIndex<u32> = CustomerIndex::new();
        let long = "a-customer-id-longer-than-fifteen-bytes";
        let ids: Vec<String> = (0..5000)
            .map(|i| {
                if i % 7 == 0 {
                    format!("{long}-{i}")
                } else {
                    format!("c{i}")
                }
            })
            .collect();
        for (n, id) in ids.iter().enumerate() {
            let (number, added, value) = index.entry(hash(id.as_bytes()), id.as_bytes()).unwrap();
            assert_eq!((number, added), (n as u32, true));
            *value = n as u32 * 10;
        }
        for (n, id) in ids.iter().enumerate().rev() {
            let (number, added, value) = index.entry(hash(id.as_bytes()), id.as_bytes()).unwrap();
            assert_eq!((number, added, *value), (n as u32, false, n as u32 * 10));
        }
        assert_eq!(index.len(), 5000);
        let back: Vec<String> = index
            .into_entries()
            .into_iter()
            .flatten()
            .map(|e| e.0)
            .collect();
        assert_eq!(back, ids);
    }

    #[test]
    fn ids_inserted_in_hash_order_after_a_reserve_stay_uncrowded() {
        let mut keys: Vec<(u64, String)> = (0..20_000)
            .map(|i| format!("c{i}"))
            .map(|s| (hash(s.as_bytes()), s))
            .collect();
        keys.sort();
        let mut index: CustomerIndex<u8> = CustomerIndex::new();
        index.reserve(keys.len());
        let size = index.slots.len();
        for (h, k) in &keys {
            index.entry(*h, k.as_bytes()).unwrap();
        }
        assert_eq!(index.slots.len(), size);
        let worst = index
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.index != EMPTY)
            .map(|(i, s)| (i + size - home(tag(hash(key_in(&index.arena, s))), size)) % size)
            .max();
        assert!(worst.unwrap() < 40, "{worst:?}");
    }

    #[test]
    fn home_slots_grow_with_the_hash() {
        assert!(home(0, 1024) == 0 && home(u32::MAX, 1024) == 1023);
        assert!(home(1 << 31, 1024) == 512);
        assert_eq!(tag(0xdead_beef_0000_0001), 0xdead_beef);
    }
}
