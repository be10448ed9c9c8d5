//! The recommender's compact, versioned binary format, which the Wasm engine loads in one pass.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! magic "NXRC" | version u16 | basket mode u8 | similarity u8 | baskets u32
//! categories: count u32, then each name (len u32 + UTF-8)
//! items: count u32, then each: name (len u32 + UTF-8), baskets u32, category u32 (0xFFFFFFFF = none),
//!        unit price f64 (NaN = unknown)
//! neighbours: entries u32, then per item a neighbour count u32, then entries × (item u32, together u32)
//! segments: count u32, then each: name, baskets u32, entries u32, entries × (item u32, count u32)
//! ```
//!
//! Lookup tables (popularity order, items by category) are derived on load, so a file can never carry
//! inconsistent copies of them. Every count is checked against the bytes left before anything is allocated,
//! and every id against the item count: a truncated, corrupt or foreign file is an error, never a panic.
//! 10,000 items with 20 neighbours each take about 1.9 MB.

use super::baskets::{BasketMode, NO_CATEGORY};
use super::cooccurrence::{Neighbour, Neighbours, Similarity};
use super::error::RecommendError;
use super::items::Interner;
use super::recommender::{Parts, Recommender, SegmentPopularity};

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
const MAGIC: &[u8; 4] = b"NXRC";

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn len32(n: usize) -> u32 {
    // Every length written here is already bounded by u32 ids.
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Recommender {
    /// The model in the binary format described in the module docs.
    ///
    /// ```
    /// use nextoffer::recommend::{Baskets, Recommender, RecommenderOptions};
    /// let b = Baskets::from_ids(&[vec![0, 1], vec![1, 2]]).unwrap();
    /// let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    /// let bytes = rec.to_bytes();
    /// assert_eq!(&bytes[..4], b"NXRC");
    /// assert_eq!(Recommender::from_bytes(&bytes).unwrap(), rec);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(64 + self.items.len() * 32 + self.neighbours.entries.len() * 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.push(match self.mode {
            BasketMode::Order => 0,
            BasketMode::Customer => 1,
        });
        out.push(self.similarity.code());
        put_u32(&mut out, self.baskets);
        put_u32(&mut out, len32(self.categories.len()));
        for name in self.categories.names() {
            put_str(&mut out, name);
        }
        put_u32(&mut out, len32(self.items.len()));
        for (i, name) in self.items.names().enumerate() {
            put_str(&mut out, name);
            put_u32(&mut out, self.counts.get(i).copied().unwrap_or(0));
            put_u32(
                &mut out,
                self.category.get(i).copied().unwrap_or(NO_CATEGORY),
            );
            out.extend_from_slice(&self.price.get(i).copied().unwrap_or(f64::NAN).to_le_bytes());
        }
        put_u32(&mut out, len32(self.neighbours.entries.len()));
        for i in 0..self.items.len() {
            put_u32(&mut out, len32(self.neighbours.of(i as u32).len()));
        }
        for n in &self.neighbours.entries {
            put_u32(&mut out, n.item);
            put_u32(&mut out, n.together);
        }
        put_u32(&mut out, len32(self.segments.len()));
        for s in &self.segments {
            put_str(&mut out, &s.name);
            put_u32(&mut out, s.baskets);
            put_u32(&mut out, len32(s.ranked.len()));
            for &(item, count) in &s.ranked {
                put_u32(&mut out, item);
                put_u32(&mut out, count);
            }
        }
        out
    }

    /// Loads a model written by [`Recommender::to_bytes`] of this format version.
    ///
    /// ```
    /// use nextoffer::recommend::{Recommender, RecommendError};
    /// assert!(matches!(Recommender::from_bytes(b"PK\x03\x04"), Err(RecommendError::ModelMagic { .. })));
    /// assert!(matches!(
    ///     Recommender::from_bytes(b"NXRC\x07\x00"),
    ///     Err(RecommendError::ModelVersion { found: 7, supported: 1 })
    /// ));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RecommendError> {
        let mut r = Reader { bytes, pos: 0 };
        let magic = bytes.get(..4).unwrap_or(bytes);
        if magic != MAGIC {
            return Err(RecommendError::ModelMagic {
                found: magic.to_vec(),
            });
        }
        r.pos = 4;
        let version = u16::from_le_bytes(r.array::<2>("version")?);
        if version != FORMAT_VERSION {
            return Err(RecommendError::ModelVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let at = r.pos;
        let mode = match r.u8("basket mode")? {
            0 => BasketMode::Order,
            1 => BasketMode::Customer,
            other => return Err(r.corrupt(at, format!("unknown basket mode {other}"))),
        };
        let at = r.pos;
        let code = r.u8("similarity")?;
        let similarity = Similarity::from_code(code)
            .ok_or_else(|| r.corrupt(at, format!("unknown similarity {code}")))?;
        let baskets = r.u32("basket count")?;

        let n_cat = r.count("category count", 4)?;
        let mut categories = Interner::new();
        for _ in 0..n_cat {
            let at = r.pos;
            let name = r.str("category name")?;
            if categories.id(name).is_some() {
                return Err(r.corrupt(at, format!("duplicate category \"{name}\"")));
            }
            categories
                .intern(name)
                .ok_or_else(|| r.corrupt(at, "too many categories".into()))?;
        }

        let n_items = r.count("item count", 20)?;
        let mut items = Interner::new();
        let mut counts = Vec::with_capacity(n_items);
        let mut category = Vec::with_capacity(n_items);
        let mut price = Vec::with_capacity(n_items);
        for _ in 0..n_items {
            let at = r.pos;
            let name = r.str("item name")?;
            if items.id(name).is_some() {
                return Err(r.corrupt(at, format!("duplicate item \"{name}\"")));
            }
            items
                .intern(name)
                .ok_or_else(|| r.corrupt(at, "too many items".into()))?;
            let count = r.u32("item basket count")?;
            if count > baskets {
                return Err(r.corrupt(
                    at,
                    format!("item \"{name}\" in {count} of {baskets} baskets"),
                ));
            }
            counts.push(count);
            let at = r.pos;
            let c = r.u32("item category")?;
            if c != NO_CATEGORY && c as usize >= n_cat {
                return Err(r.corrupt(at, format!("category id {c} out of range")));
            }
            category.push(c);
            price.push(f64::from_le_bytes(r.array::<8>("item price")?));
        }

        let n_entries = r.count("neighbour count", 8)?;
        let mut offsets = Vec::with_capacity(n_items + 1);
        offsets.push(0u32);
        let mut total = 0u64;
        for _ in 0..n_items {
            let at = r.pos;
            total += u64::from(r.u32("neighbour row length")?);
            if total > n_entries as u64 {
                return Err(r.corrupt(at, format!("neighbour rows exceed the {n_entries} entries")));
            }
            offsets.push(total as u32);
        }
        if total != n_entries as u64 {
            return Err(r.corrupt(
                r.pos,
                format!("neighbour rows hold {total} of {n_entries} entries"),
            ));
        }
        let mut entries = Vec::with_capacity(n_entries);
        for _ in 0..n_entries {
            let at = r.pos;
            let item = r.u32("neighbour item")?;
            let together = r.u32("neighbour count")?;
            if item as usize >= n_items {
                return Err(r.corrupt(at, format!("neighbour item id {item} out of range")));
            }
            if together > baskets {
                return Err(r.corrupt(at, format!("pair in {together} of {baskets} baskets")));
            }
            entries.push(Neighbour { item, together });
        }

        let n_seg = r.count("segment count", 12)?;
        let mut segments = Vec::with_capacity(n_seg);
        for _ in 0..n_seg {
            let name = r.str("segment name")?.to_owned();
            let seg_baskets = r.u32("segment basket count")?;
            let len = r.count("segment item count", 8)?;
            let mut ranked = Vec::with_capacity(len);
            for _ in 0..len {
                let at = r.pos;
                let item = r.u32("segment item")?;
                let count = r.u32("segment item count")?;
                if item as usize >= n_items {
                    return Err(r.corrupt(at, format!("segment item id {item} out of range")));
                }
                ranked.push((item, count));
            }
            segments.push(SegmentPopularity::new(name, seg_baskets, ranked));
        }
        if r.pos != bytes.len() {
            return Err(r.corrupt(r.pos, format!("{} trailing bytes", bytes.len() - r.pos)));
        }
        Ok(Recommender::from_parts(Parts {
            mode,
            baskets,
            items,
            counts,
            category,
            categories,
            price,
            similarity,
            neighbours: Neighbours { offsets, entries },
            segments,
        }))
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], RecommendError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let slice = end.and_then(|e| self.bytes.get(self.pos..e));
        match slice {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(RecommendError::ModelTruncated {
                offset: self.pos,
                what,
            }),
        }
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], RecommendError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, RecommendError> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, RecommendError> {
        Ok(u32::from_le_bytes(self.array::<4>(what)?))
    }

    /// A count of records of at least `min_size` bytes each, checked against the bytes left so that a
    /// corrupt count cannot trigger a huge allocation.
    fn count(&mut self, what: &'static str, min_size: usize) -> Result<usize, RecommendError> {
        let at = self.pos;
        let n = self.u32(what)? as usize;
        let left = self.bytes.len() - self.pos.min(self.bytes.len());
        if n.saturating_mul(min_size) > left {
            return Err(RecommendError::ModelTruncated { offset: at, what });
        }
        Ok(n)
    }

    fn str(&mut self, what: &'static str) -> Result<&'a str, RecommendError> {
        let len = self.u32(what)? as usize;
        let at = self.pos;
        let raw = self.take(len, what)?;
        std::str::from_utf8(raw).map_err(|e| self.corrupt(at, format!("{what} is not UTF-8 ({e})")))
    }

    fn corrupt(&self, offset: usize, message: String) -> RecommendError {
        RecommendError::ModelCorrupt { offset, message }
    }
}
