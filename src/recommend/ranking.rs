//! The top-k selection behind [`super::item_neighbours`]: bounded heaps fed one candidate at a time while
//! the rows of co-occurrence counts are read, several items' heaps in one flat vector.
//!
//! An item of MovieLens 100k has about 640 co-occurring items of which 20 are kept. Collecting every
//! candidate into a vector and selecting afterwards (the module's generic `top_k_by`, whose comparator is a
//! `&dyn Fn`) cost a push and an indirect call per candidate; here a candidate that does not beat the worst
//! kept one costs one inlined comparison and is never stored. Holding the heaps of many items at once lets
//! the counting visit each pair once and offer it to both of its items.

use super::cooccurrence::Neighbour;
use super::sort::sort_by;

/// A candidate neighbour: its score under the chosen measure, its id and the baskets it shares.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Candidate {
    pub(crate) score: f64,
    pub(crate) item: u32,
    pub(crate) together: u32,
}

impl Candidate {
    /// The neighbour order: higher score first, ties broken by the smaller item id.
    #[inline]
    fn before(&self, other: &Self) -> bool {
        self.score > other.score || (self.score == other.score && self.item < other.item)
    }
}

/// For each of `rows` owners, the best `k` candidates offered so far, as a max-heap whose root is the worst
/// kept; the heaps sit in one vector of `rows × k` slots.
#[derive(Debug)]
pub(crate) struct Heaps {
    k: usize,
    len: Vec<u32>,
    slots: Vec<Candidate>,
}

impl Heaps {
    /// `rows` empty heaps of at most `k` candidates (`rows × k` slots are allocated at once).
    pub(crate) fn new(rows: usize, k: usize) -> Self {
        Self {
            k,
            len: vec![0; rows],
            slots: vec![Candidate::default(); rows.saturating_mul(k)],
        }
    }

    /// Keeps `c` in `row`'s heap if it is among the best `k` offered to it so far. The common case, a
    /// full heap and a candidate no better than its worst, is one inlined comparison; the heap work is out
    /// of line.
    #[inline]
    pub(crate) fn offer(&mut self, row: usize, c: Candidate) {
        let Some(&len) = self.len.get(row) else {
            return;
        };
        if (len as usize) < self.k {
            self.push(row, c);
        } else if self
            .slots
            .get(row * self.k)
            .is_some_and(|worst| c.before(worst))
        {
            self.replace_worst(row, c);
        }
    }

    /// The heap of `row` (its `k` slots) and its length.
    fn heap(&mut self, row: usize) -> (&mut [Candidate], Option<&mut u32>) {
        let start = row.saturating_mul(self.k);
        let heap = self
            .slots
            .get_mut(start..start.saturating_add(self.k))
            .unwrap_or_default();
        (heap, self.len.get_mut(row))
    }

    /// Adds `c` to `row`'s heap, which is not full.
    #[inline(never)]
    fn push(&mut self, row: usize, c: Candidate) {
        let (heap, len) = self.heap(row);
        let Some(len) = len else { return };
        let mut child = *len as usize;
        let Some(slot) = heap.get_mut(child) else {
            return;
        };
        *slot = c;
        *len += 1;
        while child > 0 {
            let parent = (child - 1) / 2;
            match (heap.get(parent), heap.get(child)) {
                (Some(p), Some(c)) if p.before(c) => heap.swap(parent, child),
                _ => return,
            }
            child = parent;
        }
    }

    /// Puts `c` in place of the worst candidate of `row`'s full heap and restores the heap order.
    #[inline(never)]
    fn replace_worst(&mut self, row: usize, c: Candidate) {
        let (heap, _) = self.heap(row);
        let Some(root) = heap.first_mut() else {
            return;
        };
        *root = c;
        let mut root = 0;
        loop {
            let left = 2 * root + 1;
            let child = match (heap.get(left), heap.get(left + 1)) {
                (Some(l), Some(r)) if l.before(r) => left + 1,
                (Some(_), _) => left,
                _ => return,
            };
            match (heap.get(root), heap.get(child)) {
                (Some(r), Some(c)) if r.before(c) => heap.swap(root, child),
                _ => return,
            }
            root = child;
        }
    }

    /// The most candidates a heap keeps.
    pub(crate) fn k(&self) -> usize {
        self.k
    }

    /// Offers `row`'s kept candidates in `other` (heaps of the same rows) to `row`'s heap here.
    pub(crate) fn merge_from(&mut self, row: usize, other: &Heaps) {
        let len = other.len.get(row).copied().unwrap_or(0) as usize;
        let start = row.saturating_mul(other.k);
        for &c in other.slots.get(start..start + len).unwrap_or_default() {
            self.offer(row, c);
        }
    }

    /// Appends `row`'s kept candidates to `out`, best first, and empties its heap.
    pub(crate) fn drain_into(&mut self, row: usize, out: &mut Vec<Neighbour>) {
        let (heap, len) = self.heap(row);
        let Some(len) = len else { return };
        let kept = heap.get_mut(..*len as usize).unwrap_or_default();
        sort_by(kept, &|a, b| a.before(b));
        out.extend(kept.iter().map(|c| Neighbour {
            item: c.item,
            together: c.together,
        }));
        *len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::Rng;

    #[test]
    fn heaps_keep_the_k_best_candidates_of_each_row_in_neighbour_order() {
        let mut rng = Rng::new(11);
        for (n, k) in [
            (0, 3),
            (5, 0),
            (5, 5),
            (5, 9),
            (300, 20),
            (1000, 1),
            (1000, 999),
        ] {
            // Few distinct scores, so that many ties are broken by the item id; three rows fed interleaved.
            let all: Vec<(usize, Candidate)> = (0..n)
                .map(|i| {
                    let c = Candidate {
                        score: f64::from(rng.below(12) as u32) / 7.0,
                        item: (i * 7919 % 1009) as u32,
                        together: i as u32,
                    };
                    (rng.below(3) as usize, c)
                })
                .collect();
            let mut heaps = Heaps::new(3, k);
            for &(row, c) in &all {
                heaps.offer(row, c);
            }
            for row in 0..3 {
                let mut got = Vec::new();
                heaps.drain_into(row, &mut got);
                let mut expected: Vec<Candidate> = all
                    .iter()
                    .filter(|(r, _)| *r == row)
                    .map(|&(_, c)| c)
                    .collect();
                expected.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
                expected.truncate(k);
                let expected: Vec<Neighbour> = expected
                    .iter()
                    .map(|c| Neighbour {
                        item: c.item,
                        together: c.together,
                    })
                    .collect();
                assert_eq!(got, expected, "n {n} k {k} row {row}");
            }
            // Drained heaps are reusable; an unknown row is ignored.
            heaps.offer(1, Candidate::default());
            heaps.offer(3, Candidate::default());
            let mut got = Vec::new();
            heaps.drain_into(1, &mut got);
            heaps.drain_into(3, &mut got);
            assert_eq!(got.len(), usize::from(k > 0));
        }
    }
}
