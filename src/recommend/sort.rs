//! Small sorting routines shared by the whole module.
//!
//! The standard library's sorts are fast but each instantiation (per element type and comparator) costs
//! several kilobytes of Wasm: pattern-defeating quicksort, small-sort networks, a heapsort fallback, and
//! for stable sorts a merge sort. The module needs about twenty sorts; through these helpers they share a
//! heapsort and a bounded-heap top-k selection of a few hundred bytes each per element type (the
//! comparator is a `&dyn Fn`, so it does not multiply instantiations). Both run in `O(n log n)` without
//! recursion or allocation. Ties are not kept in input order: every comparator of the module breaks them
//! explicitly.

/// Sifts `v[root]` down the max-heap `v[..end]` ordered by `before` (the heap's root is the element that
/// sorts last).
fn sift_down<T>(v: &mut [T], mut root: usize, end: usize, before: &dyn Fn(&T, &T) -> bool) {
    loop {
        let left = 2 * root + 1;
        if left >= end {
            return;
        }
        let right = left + 1;
        let child = match (v.get(left), v.get(right)) {
            (Some(l), Some(r)) if right < end && before(l, r) => right,
            _ => left,
        };
        match (v.get(root), v.get(child)) {
            (Some(r), Some(c)) if before(r, c) => v.swap(root, child),
            _ => return,
        }
        root = child;
    }
}

/// Sorts `v` so that `before(a, b)` implies `a` comes first (insertion sort up to 16 elements, heapsort
/// beyond).
pub(crate) fn sort_by<T>(v: &mut [T], before: &dyn Fn(&T, &T) -> bool) {
    let n = v.len();
    if n <= 16 {
        for i in 1..n {
            let mut j = i;
            while j > 0 {
                match (v.get(j), v.get(j - 1)) {
                    (Some(a), Some(b)) if before(a, b) => v.swap(j, j - 1),
                    _ => break,
                }
                j -= 1;
            }
        }
        return;
    }
    for root in (0..n / 2).rev() {
        sift_down(v, root, n, before);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, before);
    }
}

/// Sorts `u32`s ascending.
pub(crate) fn sort_u32(v: &mut [u32]) {
    sort_by(v, &|a, b| a < b);
}

/// Keeps the `k` elements of `v` that sort first under `before`, sorted.
pub(crate) fn top_k_by<T>(v: &mut Vec<T>, k: usize, before: &dyn Fn(&T, &T) -> bool) {
    if v.len() > k {
        if k == 0 {
            v.clear();
            return;
        }
        // A max-heap (root: the worst kept) over the first k; each later element better than the root
        // replaces it.
        let heap = v.get_mut(..k).unwrap_or_default();
        for root in (0..k / 2).rev() {
            sift_down(heap, root, k, before);
        }
        for i in k..v.len() {
            let better = match (v.get(i), v.first()) {
                (Some(x), Some(worst)) => before(x, worst),
                _ => false,
            };
            if better {
                v.swap(0, i);
                sift_down(v, 0, k, before);
            }
        }
        v.truncate(k);
    }
    sort_by(v, before);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::Rng;

    #[test]
    fn heapsort_sorts_like_the_standard_library() {
        let mut rng = Rng::new(3);
        for n in [0, 1, 2, 3, 7, 64, 1000] {
            let v: Vec<u32> = (0..n).map(|_| rng.below(50) as u32).collect();
            let mut ours = v.clone();
            sort_u32(&mut ours);
            let mut std = v.clone();
            std.sort_unstable();
            assert_eq!(ours, std);
            let mut desc = v.clone();
            sort_by(&mut desc, &|a, b| a > b);
            std.reverse();
            assert_eq!(desc, std);
        }
    }

    #[test]
    fn top_k_keeps_the_best_k_in_order() {
        let mut rng = Rng::new(4);
        for (n, k) in [
            (0, 3),
            (5, 0),
            (5, 5),
            (5, 9),
            (100, 10),
            (1000, 1),
            (1000, 999),
        ] {
            let v: Vec<(u32, u32)> = (0..n).map(|i| (rng.below(30) as u32, i)).collect();
            let before = |a: &(u32, u32), b: &(u32, u32)| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1);
            let mut ours = v.clone();
            top_k_by(&mut ours, k, &before);
            let mut expected = v.clone();
            expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            expected.truncate(k);
            assert_eq!(ours, expected, "n {n} k {k}");
        }
    }
}
