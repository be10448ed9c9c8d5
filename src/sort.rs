//! One small in-place sort for the whole crate.
//!
//! The standard library's sorts are fast but large: each instantiation of driftsort or ipnsort adds
//! kilobytes of Wasm, and five of them cost 20 KB of the 80 KB budget. The engine sorts only at model load,
//! per request over its contact history, and when exporting state, where a heapsort's O(n log n) with no
//! allocation is plenty; ranking offers uses a top-k selection and sorts nothing.

/// Sorts `items` so that no element is `less` than the one before it. Not stable: callers sort by unique keys.
pub(crate) fn sort_by<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let len = items.len();
    for start in (0..len / 2).rev() {
        sift_down(items, start, len, &less);
    }
    for end in (1..len).rev() {
        items.swap(0, end);
        sift_down(items, 0, end, &less);
    }
}

/// Restores the max-heap property below `root`, within `items[..end]`.
fn sift_down<T>(items: &mut [T], mut root: usize, end: usize, less: &impl Fn(&T, &T) -> bool) {
    loop {
        let left = 2 * root + 1;
        if left >= end {
            return;
        }
        let right = left + 1;
        let child = match (items.get(left), items.get(right)) {
            (Some(l), Some(r)) if right < end && less(l, r) => right,
            _ => left,
        };
        match (items.get(root), items.get(child)) {
            (Some(parent), Some(larger)) if less(parent, larger) => {
                items.swap(root, child);
                root = child;
            }
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_agrees_with_the_standard_sort_on_many_inputs() {
        let mut state: u64 = 42;
        for len in 0..200 {
            let mut v: Vec<u32> = (0..len)
                .map(|_| {
                    state = crate::engine::splitmix64(state);
                    (state % 50) as u32
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            sort_by(&mut v, |a, b| a < b);
            assert_eq!(v, expected, "length {len}");
        }
    }

    #[test]
    fn sorting_by_a_key_orders_descending_when_asked() {
        let mut v = vec![(1, "a"), (3, "c"), (2, "b")];
        sort_by(&mut v, |a, b| a.0 > b.0);
        assert_eq!(v, [(3, "c"), (2, "b"), (1, "a")]);
    }
}
