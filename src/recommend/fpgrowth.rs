//! Frequent itemsets by FP-growth (Han, Pei & Yin 2000), on an arena of tree nodes addressed by `u32`.
//!
//! Association rules and "frequently bought together" bundles start from the itemsets bought together in
//! at least a minimum share of baskets. FP-growth compresses the baskets into a prefix tree (items ordered
//! by decreasing support) and mines it recursively through conditional trees, so it never enumerates
//! candidate sets that do not occur. Trees live in flat vectors reused across the recursion (one per
//! depth), and a tree reduced to a single path emits all its combinations directly.

use super::baskets::Baskets;
use super::error::RecommendError;
use super::items::hash_ids;
use super::sort::{sort_by, sort_u32, top_k_by};

/// Sorts item ids by decreasing support, then increasing id.
fn by_support_desc(items: &mut [u32], support: &[u32]) {
    let sup = |i: u32| support.get(i as usize).copied().unwrap_or(0);
    sort_by(items, &|&a, &b| {
        sup(a) > sup(b) || (sup(a) == sup(b) && a < b)
    });
}

/// Options of [`frequent_itemsets`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FpGrowthOptions {
    /// Minimum share of baskets holding an itemset, in `(0, 1]` (default 0.01).
    pub min_support: f64,
    /// Longest itemset to report (`None`: no limit).
    pub max_len: Option<usize>,
}

impl Default for FpGrowthOptions {
    fn default() -> Self {
        Self {
            min_support: 0.01,
            max_len: None,
        }
    }
}

/// Frequent itemsets with their basket counts, and a hash index to look up the count of any of them.
///
/// Itemsets are sorted vectors of item ids, in a deterministic order (the mining order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrequentItemsets {
    transactions: u32,
    min_count: u32,
    offsets: Vec<u32>,
    items: Vec<u32>,
    counts: Vec<u32>,
    table: Vec<u32>,
}

const NIL: u32 = u32::MAX;

impl FrequentItemsets {
    /// Number of itemsets.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no itemset is frequent.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Number of baskets mined.
    pub fn transactions(&self) -> u32 {
        self.transactions
    }

    /// The smallest basket count an itemset needed.
    pub fn min_count(&self) -> u32 {
        self.min_count
    }

    /// The items of itemset `index`, sorted (empty when out of range).
    pub fn itemset(&self, index: usize) -> &[u32] {
        match (self.offsets.get(index), self.offsets.get(index + 1)) {
            (Some(&s), Some(&e)) => self.items.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Baskets holding itemset `index` (0 when out of range).
    pub fn count(&self, index: usize) -> u32 {
        self.counts.get(index).copied().unwrap_or(0)
    }

    /// Share of baskets holding itemset `index`.
    pub fn support(&self, index: usize) -> f64 {
        if self.transactions == 0 {
            0.0
        } else {
            f64::from(self.count(index)) / f64::from(self.transactions)
        }
    }

    /// Every itemset with its count.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&[u32], u32)> + '_ {
        (0..self.len()).map(move |i| (self.itemset(i), self.count(i)))
    }

    /// The index of an itemset given as sorted, distinct item ids.
    pub fn index_of(&self, items: &[u32]) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut slot = hash_ids(items) as usize & mask;
        loop {
            let idx = *self.table.get(slot)?;
            if idx == NIL {
                return None;
            }
            if self.itemset(idx as usize) == items {
                return Some(idx as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The basket count of an itemset given as sorted, distinct item ids, if it is frequent.
    pub fn count_of(&self, items: &[u32]) -> Option<u32> {
        self.index_of(items).map(|i| self.count(i))
    }

    /// "Frequently bought together": itemsets of two or more items that contain `item`, most frequent first
    /// (then longer first, then mining order), at most `limit`. Returns itemset indices.
    pub fn bundles_with(&self, item: u32, limit: usize) -> Vec<usize> {
        let mut found: Vec<usize> = (0..self.len())
            .filter(|&i| {
                let set = self.itemset(i);
                set.len() >= 2 && set.binary_search(&item).is_ok()
            })
            .collect();
        top_k_by(&mut found, limit, &|&a, &b| {
            let (ca, cb) = (self.count(a), self.count(b));
            let (la, lb) = (self.itemset(a).len(), self.itemset(b).len());
            ca > cb || (ca == cb && (la > lb || (la == lb && a < b)))
        });
        found
    }

    fn build_table(&mut self) {
        let cap = (self.len() * 2).max(2).next_power_of_two();
        self.table = vec![NIL; cap];
        let mask = cap - 1;
        for i in 0..self.len() {
            let mut slot = hash_ids(self.itemset(i)) as usize & mask;
            while let Some(cell) = self.table.get_mut(slot) {
                if *cell == NIL {
                    *cell = i as u32;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }
}

/// The smallest count `c` with `c / n >= min_support` in floating point, as mlxtend decides it.
fn min_count(min_support: f64, n: u32) -> u32 {
    let nf = f64::from(n);
    let mut c = (min_support * nf).ceil().clamp(1.0, nf.max(1.0)) as u32;
    while c > 1 && f64::from(c - 1) / nf >= min_support {
        c -= 1;
    }
    while c < n && f64::from(c) / nf < min_support {
        c += 1;
    }
    c
}

#[derive(Clone, Copy)]
struct Node {
    item: u32,
    count: u32,
    parent: u32,
    child: u32,
    sibling: u32,
    next: u32,
}

/// An FP-tree over local item indices `0..global.len()`, ordered by decreasing support.
#[derive(Default)]
struct Tree {
    nodes: Vec<Node>,
    head: Vec<u32>,
    support: Vec<u32>,
    global: Vec<u32>,
}

impl Tree {
    fn reset(&mut self, n_items: usize) {
        self.nodes.clear();
        self.nodes.push(Node {
            item: NIL,
            count: 0,
            parent: NIL,
            child: NIL,
            sibling: NIL,
            next: NIL,
        });
        self.head.clear();
        self.head.resize(n_items, NIL);
        self.support.clear();
        self.global.clear();
    }

    fn node(&self, i: u32) -> Option<&Node> {
        self.nodes.get(i as usize)
    }

    /// Inserts a path of local items in increasing order.
    fn insert(&mut self, path: &[u32], count: u32) {
        let mut cur = 0u32;
        for &item in path {
            let mut ch = self.node(cur).map_or(NIL, |n| n.child);
            while ch != NIL {
                match self.node(ch) {
                    Some(n) if n.item != item => ch = n.sibling,
                    _ => break,
                }
            }
            if ch == NIL {
                ch = self.nodes.len() as u32;
                let first_child = self.node(cur).map_or(NIL, |n| n.child);
                let head = self.head.get(item as usize).copied().unwrap_or(NIL);
                self.nodes.push(Node {
                    item,
                    count: 0,
                    parent: cur,
                    child: NIL,
                    sibling: first_child,
                    next: head,
                });
                if let Some(n) = self.nodes.get_mut(cur as usize) {
                    n.child = ch;
                }
                if let Some(h) = self.head.get_mut(item as usize) {
                    *h = ch;
                }
            }
            if let Some(n) = self.nodes.get_mut(ch as usize) {
                n.count += count;
            }
            cur = ch;
        }
    }

    /// The nodes of the tree, root excluded, if it is a single path.
    fn single_path(&self) -> Option<Vec<(u32, u32)>> {
        let mut path = Vec::new();
        let mut cur = self.node(0).map_or(NIL, |n| n.child);
        while let Some(n) = self.node(cur) {
            if n.sibling != NIL {
                return None;
            }
            path.push((
                self.global.get(n.item as usize).copied().unwrap_or(NIL),
                n.count,
            ));
            cur = n.child;
        }
        (path.len() + 1 == self.nodes.len()).then_some(path)
    }
}

struct Miner {
    min_count: u32,
    max_len: usize,
    pool: Vec<Tree>,
    suffix: Vec<u32>,
    sorted: Vec<u32>,
    paths: Vec<u32>,
    meta: Vec<(u32, u32, u32)>,
    sup: Vec<u32>,
    map: Vec<u32>,
    order: Vec<u32>,
    buf: Vec<u32>,
    out: FrequentItemsets,
}

impl Miner {
    fn emit(&mut self, count: u32) {
        self.sorted.clear();
        self.sorted.extend_from_slice(&self.suffix);
        sort_u32(&mut self.sorted);
        self.out.items.extend_from_slice(&self.sorted);
        self.out.offsets.push(self.out.items.len() as u32);
        self.out.counts.push(count);
    }

    fn combos(&mut self, path: &[(u32, u32)], start: usize) {
        for i in start..path.len() {
            let Some(&(item, count)) = path.get(i) else {
                break;
            };
            self.suffix.push(item);
            self.emit(count);
            if self.suffix.len() < self.max_len {
                self.combos(path, i + 1);
            }
            self.suffix.pop();
        }
    }

    fn mine(&mut self, depth: usize, tree: &Tree) {
        if let Some(path) = tree.single_path() {
            self.combos(&path, 0);
            return;
        }
        for x in (0..tree.global.len()).rev() {
            let (Some(&item), Some(&sup)) = (tree.global.get(x), tree.support.get(x)) else {
                continue;
            };
            self.suffix.push(item);
            self.emit(sup);
            if self.suffix.len() < self.max_len {
                if self.pool.len() <= depth + 1 {
                    self.pool.resize_with(depth + 2, Tree::default);
                }
                let mut cond = self
                    .pool
                    .get_mut(depth + 1)
                    .map(std::mem::take)
                    .unwrap_or_default();
                self.conditional(tree, x as u32, &mut cond);
                if !cond.global.is_empty() {
                    self.mine(depth + 1, &cond);
                }
                if let Some(slot) = self.pool.get_mut(depth + 1) {
                    *slot = cond;
                }
            }
            self.suffix.pop();
        }
    }

    /// Builds the conditional tree of local item `x`: the prefix paths of its nodes, restricted to the
    /// items still frequent among them.
    fn conditional(&mut self, tree: &Tree, x: u32, cond: &mut Tree) {
        self.paths.clear();
        self.meta.clear();
        self.sup.clear();
        self.sup.resize(x as usize, 0);
        let mut node = tree.head.get(x as usize).copied().unwrap_or(NIL);
        while let Some(n) = tree.node(node) {
            let start = self.paths.len() as u32;
            let mut p = n.parent;
            while p != 0 {
                let Some(pn) = tree.node(p) else { break };
                self.paths.push(pn.item);
                if let Some(s) = self.sup.get_mut(pn.item as usize) {
                    *s += n.count;
                }
                p = pn.parent;
            }
            let end = self.paths.len() as u32;
            if end > start {
                self.meta.push((start, end, n.count));
            }
            node = n.next;
        }
        self.order.clear();
        let min = self.min_count;
        self.order
            .extend((0..x).filter(|&i| self.sup.get(i as usize).copied().unwrap_or(0) >= min));
        by_support_desc(&mut self.order, &self.sup);
        cond.reset(self.order.len());
        if self.order.is_empty() {
            return;
        }
        self.map.clear();
        self.map.resize(x as usize, NIL);
        for (new, &old) in self.order.iter().enumerate() {
            if let Some(m) = self.map.get_mut(old as usize) {
                *m = new as u32;
            }
            cond.global
                .push(tree.global.get(old as usize).copied().unwrap_or(NIL));
            cond.support
                .push(self.sup.get(old as usize).copied().unwrap_or(0));
        }
        for &(s, e, count) in &self.meta {
            self.buf.clear();
            for &old in self.paths.get(s as usize..e as usize).unwrap_or(&[]) {
                let new = self.map.get(old as usize).copied().unwrap_or(NIL);
                if new != NIL {
                    self.buf.push(new);
                }
            }
            if !self.buf.is_empty() {
                sort_u32(&mut self.buf);
                cond.insert(&self.buf, count);
            }
        }
    }
}

/// Mines the itemsets held by at least `min_support` of the baskets.
///
/// Matches mlxtend's `fpgrowth`: an itemset is frequent when `count / baskets >= min_support`. No baskets
/// give no itemsets.
///
/// ```
/// use nextoffer::recommend::{frequent_itemsets, Baskets, FpGrowthOptions};
/// let b = Baskets::from_ids(&[vec![0, 1, 2], vec![0, 1], vec![0, 2], vec![1]]).unwrap();
/// let f = frequent_itemsets(&b, &FpGrowthOptions { min_support: 0.5, max_len: None }).unwrap();
/// assert_eq!(f.count_of(&[0, 1]), Some(2));
/// assert_eq!(f.count_of(&[1, 2]), None); // only 1 of 4 baskets
/// assert_eq!(f.len(), 5); // {0} {1} {2} {0,1} {0,2}
/// ```
pub fn frequent_itemsets(
    baskets: &Baskets,
    options: &FpGrowthOptions,
) -> Result<FrequentItemsets, RecommendError> {
    let ms = options.min_support;
    if !(ms > 0.0 && ms <= 1.0) {
        return Err(RecommendError::OutOfRange {
            option: "min_support",
            value: ms,
            range: "(0, 1]",
        });
    }
    let n = u32::try_from(baskets.len()).map_err(|_| RecommendError::Capacity {
        what: "baskets",
        max: u64::from(u32::MAX),
    })?;
    let min = min_count(ms, n);
    let mut miner = Miner {
        min_count: min,
        max_len: options.max_len.unwrap_or(usize::MAX),
        pool: Vec::new(),
        suffix: Vec::new(),
        sorted: Vec::new(),
        paths: Vec::new(),
        meta: Vec::new(),
        sup: Vec::new(),
        map: Vec::new(),
        order: Vec::new(),
        buf: Vec::new(),
        out: FrequentItemsets {
            transactions: n,
            min_count: min,
            offsets: vec![0],
            ..FrequentItemsets::default()
        },
    };
    if n == 0 || miner.max_len == 0 {
        miner.out.build_table();
        return Ok(miner.out);
    }
    let supports = baskets.item_supports();
    let mut order: Vec<u32> = (0..supports.len() as u32)
        .filter(|&i| supports.get(i as usize).copied().unwrap_or(0) >= min)
        .collect();
    by_support_desc(&mut order, &supports);
    let mut rank = vec![NIL; supports.len()];
    for (r, &item) in order.iter().enumerate() {
        if let Some(slot) = rank.get_mut(item as usize) {
            *slot = r as u32;
        }
    }
    let mut tree = Tree::default();
    tree.reset(order.len());
    tree.global.extend_from_slice(&order);
    tree.support.extend(
        order
            .iter()
            .map(|&i| supports.get(i as usize).copied().unwrap_or(0)),
    );
    let mut buf = Vec::new();
    for basket in baskets.iter() {
        buf.clear();
        buf.extend(
            basket
                .iter()
                .filter_map(|&i| rank.get(i as usize).copied().filter(|&r| r != NIL)),
        );
        if !buf.is_empty() {
            sort_u32(&mut buf);
            tree.insert(&buf, 1);
        }
    }
    if !order.is_empty() {
        miner.mine(0, &tree);
    }
    miner.out.build_table();
    Ok(miner.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_count_is_the_smallest_count_reaching_the_support() {
        assert_eq!(min_count(0.25, 942), 236);
        assert_eq!(min_count(0.5, 4), 2);
        assert_eq!(min_count(1.0, 3), 3);
        assert_eq!(min_count(1e-9, 10), 1);
        assert_eq!(min_count(0.3, 10), 3);
    }
}
