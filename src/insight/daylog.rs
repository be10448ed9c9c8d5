//! Each customer's distinct purchase days, packed as delta varints (one or two bytes a day in practice).
//!
//! Same-day purchases count once, and an orders file need not be sorted, so telling a new purchase day
//! from a repeat needs the days already seen. Rows that arrive in date order (the usual export) only append;
//! a row out of order decodes the customer's days and re-encodes them. When the caller did not fix `as_of`
//! the day's spend is kept beside each day, so windows ending at the last date can be summed at the end.

/// A sorted set of day numbers, optionally with a spend per day.
#[derive(Clone, Debug, Default)]
pub(crate) struct DayLog {
    bytes: Vec<u8>,
    /// Spend per day, parallel to the days (only when spends are kept).
    spends: Vec<f64>,
    len: u32,
    last: i32,
}

impl DayLog {
    /// Records a purchase of `spend` on `day`. Returns true if the day is new.
    pub(crate) fn insert(&mut self, day: i32, spend: f64, keep_spend: bool) -> bool {
        if self.len == 0 || day > self.last {
            let delta = if self.len == 0 {
                zigzag(day)
            } else {
                u64::from(day.abs_diff(self.last))
            };
            push_varint(&mut self.bytes, delta);
            self.last = day;
            self.len += 1;
            if keep_spend {
                self.spends.push(spend);
            }
            return true;
        }
        if day == self.last {
            if let Some(s) = self.spends.last_mut() {
                *s += spend;
            }
            return false;
        }
        let mut days = self.days();
        match days.binary_search(&day) {
            Ok(i) => {
                if let Some(s) = self.spends.get_mut(i) {
                    *s += spend;
                }
                false
            }
            Err(i) => {
                days.insert(i, day);
                if keep_spend && i <= self.spends.len() {
                    self.spends.insert(i, spend);
                }
                self.bytes.clear();
                let mut prev = None;
                for d in days {
                    let delta = match prev {
                        None => zigzag(d),
                        Some(p) => u64::from(d.abs_diff(p)),
                    };
                    push_varint(&mut self.bytes, delta);
                    prev = Some(d);
                }
                self.len += 1;
                true
            }
        }
    }

    /// The days, ascending.
    pub(crate) fn days(&self) -> Vec<i32> {
        let mut out = Vec::with_capacity(self.len as usize);
        let mut pos = 0;
        let mut prev: Option<i32> = None;
        while let Some((v, next)) = read_varint(&self.bytes, pos) {
            pos = next;
            let d = match prev {
                None => unzigzag(v),
                Some(p) => p.saturating_add(i32::try_from(v).unwrap_or(i32::MAX)),
            };
            out.push(d);
            prev = Some(d);
        }
        out
    }

    /// The spend of each day, parallel to [`DayLog::days`] (empty unless spends were kept).
    pub(crate) fn spends(&self) -> &[f64] {
        &self.spends
    }
}

fn zigzag(v: i32) -> u64 {
    u64::from(((v << 1) ^ (v >> 31)) as u32)
}

fn unzigzag(v: u64) -> i32 {
    let v = v as u32;
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(bytes: &[u8], mut pos: usize) -> Option<(u64, usize)> {
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
        let new: Vec<bool> = input.iter().map(|&d| log.insert(d, 1.0, true)).collect();
        assert_eq!(
            new,
            [true, true, false, true, true, true, false, true, true]
        );
        assert_eq!(log.days(), vec![-4, 5, 10, 11, 12, 300, 100_000]);
        assert_eq!(log.spends(), &[1.0, 1.0, 2.0, 1.0, 2.0, 1.0, 1.0]);
        assert_eq!(log.len, 7);
    }
}
