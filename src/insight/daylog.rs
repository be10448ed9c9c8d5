//! Each customer's distinct purchase days, packed as delta varints (one or two bytes a day in practice).
//!
//! Same-day purchases count once, and an orders file need not be sorted, so telling a new purchase day
//! from a repeat needs the days already seen. Rows that arrive in date order (the usual export) only append;
//! a row out of order decodes the customer's days and re-encodes them. The first 14 bytes (about ten
//! purchase days) live inside the log itself, so most customers never touch the heap, and the log stays 24
//! bytes (it sits in the customer table's slots, where every byte costs cache).

/// Where a purchase day landed in a customer's sorted days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Landed {
    /// A new day, now at this position.
    New(usize),
    /// A day already there, at this position.
    Seen(usize),
}

const INLINE: usize = 14;

#[derive(Clone, Debug)]
enum Bytes {
    Inline([u8; INLINE], u8),
    /// Boxed so the enum stays two words (a bare `Vec` would make every customer's log a word longer).
    #[allow(clippy::box_collection)]
    Heap(Box<Vec<u8>>),
}

/// A sorted set of day numbers.
#[derive(Clone, Debug)]
pub(crate) struct DayLog {
    bytes: Bytes,
    len: u32,
    last: i32,
}

impl Default for DayLog {
    fn default() -> Self {
        DayLog {
            bytes: Bytes::Inline([0; INLINE], 0),
            len: 0,
            last: 0,
        }
    }
}

impl DayLog {
    fn push(&mut self, v: u64) {
        let mut buf = [0u8; 10];
        let n = encode(v, &mut buf);
        let encoded = buf.get(..n).unwrap_or_default();
        match &mut self.bytes {
            Bytes::Inline(inline, used) if usize::from(*used) + n <= INLINE => {
                let start = usize::from(*used);
                for (dst, src) in inline.iter_mut().skip(start).zip(encoded) {
                    *dst = *src;
                }
                *used += n as u8;
            }
            Bytes::Inline(inline, used) => {
                let mut heap = Vec::with_capacity(64);
                heap.extend_from_slice(inline.get(..usize::from(*used)).unwrap_or_default());
                heap.extend_from_slice(encoded);
                self.bytes = Bytes::Heap(Box::new(heap));
            }
            Bytes::Heap(heap) => heap.extend_from_slice(encoded),
        }
    }

    fn raw(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Inline(inline, used) => inline.get(..usize::from(*used)).unwrap_or_default(),
            Bytes::Heap(heap) => heap.as_slice(),
        }
    }

    /// Records a purchase on `day`.
    pub(crate) fn insert(&mut self, day: i32) -> Landed {
        if self.len == 0 || day > self.last {
            let delta = if self.len == 0 {
                zigzag(day)
            } else {
                u64::from(day.abs_diff(self.last))
            };
            self.push(delta);
            self.last = day;
            self.len += 1;
            return Landed::New(self.len as usize - 1);
        }
        if day == self.last {
            return Landed::Seen(self.len as usize - 1);
        }
        let mut days = self.days();
        match days.binary_search(&day) {
            Ok(i) => Landed::Seen(i),
            Err(i) => {
                days.insert(i, day);
                self.bytes = Bytes::Inline([0; INLINE], 0);
                self.len = 0;
                for d in days {
                    let delta = if self.len == 0 {
                        zigzag(d)
                    } else {
                        u64::from(d.abs_diff(self.last))
                    };
                    self.push(delta);
                    self.last = d;
                    self.len += 1;
                }
                Landed::New(i)
            }
        }
    }

    /// The days, ascending.
    pub(crate) fn days(&self) -> Vec<i32> {
        self.iter().collect()
    }

    /// The days, ascending, decoded on the fly.
    pub(crate) fn iter(&self) -> DayIter<'_> {
        DayIter {
            raw: self.raw(),
            pos: 0,
            prev: None,
        }
    }

    /// The number of distinct days.
    pub(crate) fn len(&self) -> u32 {
        self.len
    }

    /// The latest day (meaningless when empty).
    pub(crate) fn last(&self) -> i32 {
        self.last
    }
}

/// Decodes a [`DayLog`] without allocating.
pub(crate) struct DayIter<'a> {
    raw: &'a [u8],
    pos: usize,
    prev: Option<i32>,
}

impl Iterator for DayIter<'_> {
    type Item = i32;

    fn next(&mut self) -> Option<i32> {
        let (v, next) = decode(self.raw, self.pos)?;
        self.pos = next;
        let d = match self.prev {
            None => unzigzag(v),
            Some(p) => p.saturating_add(i32::try_from(v).unwrap_or(i32::MAX)),
        };
        self.prev = Some(d);
        Some(d)
    }
}

fn zigzag(v: i32) -> u64 {
    u64::from(((v << 1) ^ (v >> 31)) as u32)
}

fn unzigzag(v: u64) -> i32 {
    let v = v as u32;
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

fn encode(mut v: u64, out: &mut [u8; 10]) -> usize {
    let mut n = 0;
    for slot in out.iter_mut() {
        n += 1;
        if v < 0x80 {
            *slot = v as u8;
            break;
        }
        *slot = (v as u8) | 0x80;
        v >>= 7;
    }
    n
}

fn decode(bytes: &[u8], mut pos: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(pos)?;
        pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some((v, pos));
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_any_order_come_back_sorted_and_distinct() {
        let mut log = DayLog::default();
        let input = [10, 12, 12, 5, 300, -4, 10, 11, 100_000];
        let landed: Vec<Landed> = input.iter().map(|&d| log.insert(d)).collect();
        use Landed::*;
        assert_eq!(
            landed,
            [
                New(0),
                New(1),
                Seen(1),
                New(0),
                New(3),
                New(0),
                Seen(2),
                New(3),
                New(6)
            ]
        );
        assert_eq!(log.days(), vec![-4, 5, 10, 11, 12, 300, 100_000]);
        assert_eq!(log.len, 7);
    }

    #[test]
    fn the_log_stays_three_words() {
        assert_eq!(std::mem::size_of::<DayLog>(), 24);
    }

    #[test]
    fn long_histories_spill_to_the_heap_and_survive_reinsertion() {
        let mut log = DayLog::default();
        let days: Vec<i32> = (0..500).map(|i| 10_000 + i * 3).collect();
        for &d in days.iter().rev() {
            log.insert(d);
        }
        for &d in &days {
            assert!(matches!(log.insert(d), Landed::Seen(_)));
        }
        assert_eq!(log.days(), days);
    }
}
