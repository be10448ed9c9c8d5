//! Item-to-item co-occurrence: how often two items share a basket, scored by cosine, Jaccard, lift or
//! confidence, and the top-k neighbours of every item.
//!
//! This is the "customers who bought this also bought" signal. Only counts are stored (baskets with the
//! item, baskets with both): every measure is a function of them and of the basket total, so the model
//! stays small and a reason can always quote the real figure ("bought together with X in 41% of orders"
//! is `together / count_a`).

use super::baskets::Baskets;
use super::error::RecommendError;
use super::ranking::{Candidate, Heaps};

/// A measure of how strongly two items go together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Similarity {
    /// `together / sqrt(count_a * count_b)`: cosine of the binary basket vectors.
    #[default]
    Cosine,
    /// `together / (count_a + count_b - together)`.
    Jaccard,
    /// `together * baskets / (count_a * count_b)`: how much more often than chance.
    Lift,
    /// `together / count_a`: the share of baskets with `a` that also hold `b`.
    Confidence,
}

impl Similarity {
    /// Parses `cosine`, `jaccard`, `lift` or `confidence`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "cosine" => Some(Self::Cosine),
            "jaccard" => Some(Self::Jaccard),
            "lift" => Some(Self::Lift),
            "confidence" => Some(Self::Confidence),
            _ => None,
        }
    }

    /// The name [`Similarity::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cosine => "cosine",
            Self::Jaccard => "jaccard",
            Self::Lift => "lift",
            Self::Confidence => "confidence",
        }
    }

    /// The measure for a pair.
    #[inline]
    pub fn score(self, pair: &PairStats) -> f64 {
        match self {
            Self::Cosine => pair.cosine(),
            Self::Jaccard => pair.jaccard(),
            Self::Lift => pair.lift(),
            Self::Confidence => pair.confidence(),
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Cosine => 0,
            Self::Jaccard => 1,
            Self::Lift => 2,
            Self::Confidence => 3,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::Cosine),
            1 => Some(Self::Jaccard),
            2 => Some(Self::Lift),
            3 => Some(Self::Confidence),
            _ => None,
        }
    }
}

/// The counts behind every pair measure. Measures with a zero denominator are 0.
///
/// ```
/// use nextoffer::recommend::PairStats;
/// let p = PairStats { baskets: 100, count_a: 20, count_b: 10, together: 5 };
/// assert_eq!(p.confidence(), 0.25);
/// assert_eq!(p.lift(), 2.5);
/// assert_eq!(p.jaccard(), 0.2);
/// assert!((p.cosine() - 5.0 / 200f64.sqrt()).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairStats {
    /// Number of baskets.
    pub baskets: u32,
    /// Baskets containing `a`.
    pub count_a: u32,
    /// Baskets containing `b`.
    pub count_b: u32,
    /// Baskets containing both.
    pub together: u32,
}

#[inline]
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

impl PairStats {
    /// `together / baskets`.
    pub fn support(&self) -> f64 {
        ratio(f64::from(self.together), f64::from(self.baskets))
    }

    /// `together / count_a`: of the baskets with `a`, the share that also hold `b`.
    pub fn confidence(&self) -> f64 {
        ratio(f64::from(self.together), f64::from(self.count_a))
    }

    /// `together * baskets / (count_a * count_b)`.
    pub fn lift(&self) -> f64 {
        ratio(
            f64::from(self.together) * f64::from(self.baskets),
            f64::from(self.count_a) * f64::from(self.count_b),
        )
    }

    /// `together / (count_a + count_b - together)`.
    pub fn jaccard(&self) -> f64 {
        ratio(
            f64::from(self.together),
            f64::from(self.count_a) + f64::from(self.count_b) - f64::from(self.together),
        )
    }

    /// `together / sqrt(count_a * count_b)`.
    pub fn cosine(&self) -> f64 {
        ratio(
            f64::from(self.together),
            (f64::from(self.count_a) * f64::from(self.count_b)).sqrt(),
        )
    }
}

/// One neighbour of an item: its id and the number of baskets holding both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Neighbour {
    /// The neighbour's item id.
    pub item: u32,
    /// Baskets holding both items.
    pub together: u32,
}

/// Options of [`item_neighbours`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NeighbourOptions {
    /// Neighbours kept per item (default 20).
    pub top_k: usize,
    /// The measure that ranks neighbours (default cosine).
    pub similarity: Similarity,
    /// Pairs sharing fewer baskets are ignored (default 1; raise it to keep lift from crowning rare pairs).
    pub min_together: u32,
}

impl Default for NeighbourOptions {
    fn default() -> Self {
        Self {
            top_k: 20,
            similarity: Similarity::Cosine,
            min_together: 1,
        }
    }
}

/// The top-k neighbours of every item, best first (ties broken by the smaller item id), in one flat vector.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Neighbours {
    pub(crate) offsets: Vec<u32>,
    pub(crate) entries: Vec<Neighbour>,
}

impl Neighbours {
    /// Neighbours of `item`, best first (empty for an unknown id).
    #[inline]
    pub fn of(&self, item: u32) -> &[Neighbour] {
        let i = item as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&s), Some(&e)) => self.entries.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Number of items (rows).
    pub fn item_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Total number of stored neighbours.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no item has a neighbour.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// For each item, the baskets that hold it (an inverted index in compressed rows).
fn inverted_index(baskets: &Baskets, n_items: usize) -> (Vec<u32>, Vec<u32>) {
    let mut offsets = vec![0u32; n_items + 1];
    for basket in baskets.iter() {
        for &item in basket {
            if let Some(o) = offsets.get_mut(item as usize + 1) {
                *o += 1;
            }
        }
    }
    for i in 0..n_items {
        let prev = offsets.get(i).copied().unwrap_or(0);
        if let Some(o) = offsets.get_mut(i + 1) {
            *o += prev;
        }
    }
    let total = offsets.last().copied().unwrap_or(0) as usize;
    let mut fill = offsets.clone();
    let mut rows = vec![0u32; total];
    for (b, basket) in baskets.iter().enumerate() {
        for &item in basket {
            if let Some(pos) = fill.get_mut(item as usize) {
                if let Some(slot) = rows.get_mut(*pos as usize) {
                    *slot = b as u32;
                }
                *pos += 1;
            }
        }
    }
    (offsets, rows)
}

/// Computes the top-k neighbours of every item of `baskets`.
///
/// Cost: the sum over baskets of their squared size (each item's row of counts is accumulated through the
/// baskets that hold it), plus a bounded heap per item. An item with no co-occurring item gets an empty
/// list; `top_k = 0` gives empty lists.
///
/// ```
/// use nextoffer::recommend::{item_neighbours, Baskets, NeighbourOptions};
/// let b = Baskets::from_ids(&[vec![0, 1], vec![0, 1, 2], vec![2, 3]]).unwrap();
/// let n = item_neighbours(&b, &NeighbourOptions::default()).unwrap();
/// assert_eq!(n.of(0)[0].item, 1);
/// assert_eq!(n.of(0)[0].together, 2);
/// ```
pub fn item_neighbours(
    baskets: &Baskets,
    options: &NeighbourOptions,
) -> Result<Neighbours, RecommendError> {
    let n = baskets.item_count() as u64;
    let increments: u64 = baskets.iter().map(|b| (b.len() as u64).pow(2)).sum();
    neighbours_with(baskets, options, n * n <= SCAN_FACTOR * increments)
}

/// Reading a whole row back costs `n` cheap loads per item; remembering which entries were touched costs an
/// unpredictable branch and a push per increment. Scanning wins while `n²` stays within a few times the
/// increments: MovieLens 100k has 2.1 million entries against 6.1 million increments (scan), the bench's
/// 10,000-item shop 100 million against about 7 million (touched list).
const SCAN_FACTOR: u64 = 4;

/// Up to this many heap slots (items × k, 16 bytes each: 16 MB), every pair is counted once and offered to
/// both of its items, whose heaps all stay open; beyond, each item's whole row is counted, with one heap.
const HEAP_SLOTS: usize = 1 << 20;

/// [`item_neighbours`], reading each row back by a full scan or through the list of touched entries.
fn neighbours_with(
    baskets: &Baskets,
    options: &NeighbourOptions,
    scan: bool,
) -> Result<Neighbours, RecommendError> {
    let k = options.top_k.min(baskets.item_count().saturating_sub(1));
    let each_pair_once = baskets.item_count().saturating_mul(k) <= HEAP_SLOTS;
    neighbours_by(baskets, options, scan, each_pair_once)
}

/// [`neighbours_with`], counting each pair once (`each_pair_once`) or each item's whole row.
fn neighbours_by(
    baskets: &Baskets,
    options: &NeighbourOptions,
    scan: bool,
    each_pair_once: bool,
) -> Result<Neighbours, RecommendError> {
    let threads = if each_pair_once && pair_increments(baskets) >= MIN_PARALLEL_INCREMENTS {
        neighbour_threads()
    } else {
        1
    };
    neighbours_threaded(baskets, options, scan, each_pair_once, threads)
}

/// Below this many increments (pairs counted once) a second thread costs more to start than it saves.
const MIN_PARALLEL_INCREMENTS: u64 = 200_000;

/// Threads [`item_neighbours`] uses for a large input: 2 natively when the machine has two cores or more
/// (the peer it is measured against, `implicit`, runs on all cores through OpenMP), 1 in Wasm.
pub fn neighbour_threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(2))
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// The increments of counting each pair once: for every basket, the pairs of its items.
fn pair_increments(baskets: &Baskets) -> u64 {
    baskets
        .iter()
        .map(|b| {
            let n = b.len() as u64;
            n * n.saturating_sub(1) / 2
        })
        .sum()
}

/// [`neighbours_by`] on `threads` threads (1 or 2; 2 only when counting each pair once).
///
/// With two, the items are split at `mid` so both halves carry about the same work, and each thread runs
/// the single-threaded loop over its half with its own counts and heaps. The first thread's items are
/// complete when it reaches them (every pair with a smaller item was offered by then) and are drained as
/// usual; the second thread's heaps hold only the offers from its half, so after both finish, each of its
/// items also takes the candidates the first thread offered it, and is drained. A candidate goes to
/// exactly one of the two heaps of its item and the neighbour order is total, so the result is the
/// single-threaded one, bit for bit (a test checks it). On MovieLens 100k (callgrind, per call) the
/// single-threaded run is 86.7M instructions; on two threads 92M in all, the longer thread 52M.
fn neighbours_threaded(
    baskets: &Baskets,
    options: &NeighbourOptions,
    scan: bool,
    each_pair_once: bool,
    threads: usize,
) -> Result<Neighbours, RecommendError> {
    // One instantiation per measure, so the row loop has no match and no indirect call per pair (a `fn`
    // pointer here cost 15% more instructions). Cosine, Jaccard and lift are symmetric in the pair, bit
    // for bit (their only operations on the two counts, a product or a sum, are commutative in IEEE
    // arithmetic), so the score of `(a, b)` serves `(b, a)`; confidence is not.
    let args = (baskets, options, scan, each_pair_once, threads);
    match options.similarity {
        Similarity::Cosine => neighbours_measured(args, true, PairStats::cosine),
        Similarity::Jaccard => neighbours_measured(args, true, PairStats::jaccard),
        Similarity::Lift => neighbours_measured(args, true, PairStats::lift),
        Similarity::Confidence => neighbours_measured(args, false, PairStats::confidence),
    }
}

/// [`neighbours_threaded`] for one measure.
fn neighbours_measured(
    (baskets, options, scan, each_pair_once, threads): (
        &Baskets,
        &NeighbourOptions,
        bool,
        bool,
        usize,
    ),
    symmetric: bool,
    measure: impl Fn(&PairStats) -> f64 + Copy + Send,
) -> Result<Neighbours, RecommendError> {
    let mut rank = Ranking::new(baskets, options, scan, each_pair_once)?;
    let n_items = baskets.item_count();
    if threads < 2 || !each_pair_once || n_items < 2 {
        let mut out = Output::new(n_items, options.top_k);
        rank.run(baskets, symmetric, measure, 0..n_items, Some(&mut out))?;
        return Ok(out.into_neighbours());
    }
    let mid = balanced_split(baskets, n_items, scan);
    let second = rank.fork(baskets, mid);
    let mut out = Output::new(n_items, options.top_k);
    #[cfg(not(target_arch = "wasm32"))]
    let halves = std::thread::scope(|scope| {
        let mut second = second;
        let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
            let done = second.run(baskets, symmetric, measure, mid..n_items, None);
            done.map(|()| second)
        });
        let first = rank.run(baskets, symmetric, measure, 0..mid, Some(&mut out));
        let second = spawned.ok()?.join().ok()?;
        Some((first, second))
    });
    #[cfg(target_arch = "wasm32")]
    let halves = {
        let mut second = second;
        let first = rank.run(baskets, symmetric, measure, 0..mid, Some(&mut out));
        let done = second.run(baskets, symmetric, measure, mid..n_items, None);
        Some((first, done.map(|()| second)))
    };
    let Some((first, second)) = halves else {
        // No second thread to be had: the whole run on this one.
        return neighbours_threaded(baskets, options, scan, each_pair_once, 1);
    };
    first?;
    let mut second = second?;
    for item in mid..n_items {
        second.heaps.merge_from(item, &rank.heaps);
        out.drain(&mut second.heaps, item)?;
    }
    Ok(out.into_neighbours())
}

/// The first item of the second half: the work of an item is about its increments (pairs with later
/// items of its baskets) plus, when rows are scanned, the rest of the row it reads back.
fn balanced_split(baskets: &Baskets, n_items: usize, scan: bool) -> usize {
    let mut work = vec![0u64; n_items];
    for basket in baskets.iter() {
        let len = basket.len() as u64;
        for (j, &item) in basket.iter().enumerate() {
            if let Some(w) = work.get_mut(item as usize) {
                *w += len - 1 - j as u64;
            }
        }
    }
    if scan {
        for (item, w) in work.iter_mut().enumerate() {
            *w += (n_items - item) as u64 / 4;
        }
    }
    // The second thread's heaps start empty halfway through, so they take more candidates (and it did
    // 56% of the instructions at an even split, callgrind on MovieLens): give the first thread 56%.
    let total: u64 = work.iter().sum();
    let mut sum = 0;
    for (item, w) in work.iter().enumerate() {
        sum += w;
        if 100 * sum >= 56 * total {
            return item + 1;
        }
    }
    n_items
}

/// The neighbour lists being written, item by item.
struct Output {
    offsets: Vec<u32>,
    entries: Vec<Neighbour>,
}

impl Output {
    fn new(n_items: usize, top_k: usize) -> Self {
        let mut offsets = Vec::with_capacity(n_items + 1);
        offsets.push(0u32);
        Self {
            offsets,
            entries: Vec::with_capacity(n_items.saturating_mul(top_k.min(64))),
        }
    }

    /// Appends `row`'s kept candidates as the next item's neighbours.
    fn drain(&mut self, heaps: &mut Heaps, row: usize) -> Result<(), RecommendError> {
        heaps.drain_into(row, &mut self.entries);
        let end = u32::try_from(self.entries.len()).map_err(|_| RecommendError::Capacity {
            what: "neighbour entries",
            max: u64::from(u32::MAX),
        })?;
        self.offsets.push(end);
        Ok(())
    }

    fn into_neighbours(self) -> Neighbours {
        Neighbours {
            offsets: self.offsets,
            entries: self.entries,
        }
    }
}

/// The state of one [`item_neighbours`] run.
///
/// Items are visited in id order. For item `a`, its row of counts is accumulated through the baskets that
/// hold it (the inverted index) into `counts`, which stays in the L1 cache (4 bytes per item), then read
/// back, offered to the heaps and reset. Counting each pair once: a basket's items are sorted, and every
/// smaller item of the basket was visited before `a` and moved the basket's cursor one step, so the cursor
/// points at `a` and only the items after it are counted: half the increments, half the row to read back,
/// and symmetric measures are computed once per pair. Item `a`'s heap is then complete (the pairs with
/// smaller items were offered to it earlier) and is drained into the result.
struct Ranking<'a> {
    options: &'a NeighbourOptions,
    scan: bool,
    each_pair_once: bool,
    supports: Vec<u32>,
    total: u32,
    inv_offsets: Vec<u32>,
    inv_rows: Vec<u32>,
    cursor: Vec<u32>,
    counts: Vec<u32>,
    touched: Vec<u32>,
    row: Vec<(u32, u32)>,
    heaps: Heaps,
}

impl<'a> Ranking<'a> {
    fn new(
        baskets: &Baskets,
        options: &'a NeighbourOptions,
        scan: bool,
        each_pair_once: bool,
    ) -> Result<Self, RecommendError> {
        let n_items = baskets.item_count();
        let (inv_offsets, inv_rows) = inverted_index(baskets, n_items);
        let k = options.top_k.min(n_items.saturating_sub(1));
        Ok(Self {
            options,
            scan,
            each_pair_once,
            supports: baskets.item_supports(),
            total: u32::try_from(baskets.len()).map_err(|_| RecommendError::Capacity {
                what: "baskets",
                max: u64::from(u32::MAX),
            })?,
            inv_offsets,
            inv_rows,
            cursor: vec![0; if each_pair_once { baskets.len() } else { 0 }],
            counts: vec![0; n_items],
            touched: Vec::new(),
            row: Vec::new(),
            heaps: Heaps::new(if each_pair_once { n_items } else { 1 }, k),
        })
    }

    /// A ranking of the same baskets for the items from `start` on (counting each pair once): its own
    /// counts and heaps, and each basket's cursor at its first item from `start`.
    fn fork(&self, baskets: &Baskets, start: usize) -> Self {
        let n_items = self.counts.len();
        Self {
            options: self.options,
            scan: self.scan,
            each_pair_once: self.each_pair_once,
            supports: self.supports.clone(),
            total: self.total,
            inv_offsets: self.inv_offsets.clone(),
            inv_rows: self.inv_rows.clone(),
            cursor: baskets
                .iter()
                .map(|b| b.partition_point(|&i| (i as usize) < start) as u32)
                .collect(),
            counts: vec![0; n_items],
            touched: Vec::new(),
            row: Vec::new(),
            heaps: Heaps::new(n_items, self.heaps.k()),
        }
    }

    /// Counts and offers the rows of `items`; with `out`, drains each item's heap into it once the item
    /// is done (the caller drains them otherwise).
    fn run(
        &mut self,
        baskets: &Baskets,
        symmetric: bool,
        measure: impl Fn(&PairStats) -> f64,
        items: std::ops::Range<usize>,
        mut out: Option<&mut Output>,
    ) -> Result<(), RecommendError> {
        let min_together = self.options.min_together.max(1);
        for item in items {
            self.count_row(baskets, item);
            let own = if self.each_pair_once { item } else { 0 };
            let from = if self.each_pair_once { item + 1 } else { 0 };
            read_row(
                &mut self.counts,
                &mut self.touched,
                self.scan,
                from,
                &mut self.row,
            );
            let count_a = self.supports.get(item).copied().unwrap_or(0);
            for &(other, together) in &self.row {
                if other as usize == item || together < min_together {
                    continue;
                }
                let count_b = self.supports.get(other as usize).copied().unwrap_or(0);
                let forward = PairStats {
                    baskets: self.total,
                    count_a,
                    count_b,
                    together,
                };
                let score = measure(&forward);
                self.heaps.offer(
                    own,
                    Candidate {
                        score,
                        item: other,
                        together,
                    },
                );
                if self.each_pair_once {
                    let backward = PairStats {
                        count_a: count_b,
                        count_b: count_a,
                        ..forward
                    };
                    self.heaps.offer(
                        other as usize,
                        Candidate {
                            score: if symmetric { score } else { measure(&backward) },
                            item: item as u32,
                            together,
                        },
                    );
                }
            }
            if let Some(out) = out.as_deref_mut() {
                out.drain(&mut self.heaps, own)?;
            }
        }
        Ok(())
    }

    /// Adds 1 to `counts` for each item sharing a basket with `item` (only the items after it when each
    /// pair is counted once), noting first touches unless the row will be scanned.
    fn count_row(&mut self, baskets: &Baskets, item: usize) {
        let start = self.inv_offsets.get(item).copied().unwrap_or(0) as usize;
        let end = self.inv_offsets.get(item + 1).copied().unwrap_or(0) as usize;
        for &b in self.inv_rows.get(start..end).unwrap_or(&[]) {
            let basket = baskets.basket(b as usize);
            let others = match self.cursor.get_mut(b as usize) {
                Some(pos) if self.each_pair_once => {
                    debug_assert_eq!(basket.get(*pos as usize), Some(&(item as u32)));
                    *pos += 1;
                    basket.get(*pos as usize..).unwrap_or_default()
                }
                _ => basket,
            };
            if self.scan {
                for &other in others {
                    if let Some(c) = self.counts.get_mut(other as usize) {
                        *c += 1;
                    }
                }
            } else {
                for &other in others {
                    if let Some(c) = self.counts.get_mut(other as usize) {
                        if *c == 0 {
                            self.touched.push(other);
                        }
                        *c += 1;
                    }
                }
            }
        }
    }
}

/// Moves every non-zero count of the row (from index `from` when scanning) into `row` as `(item, count)`,
/// leaving the counts at zero.
fn read_row(
    counts: &mut [u32],
    touched: &mut Vec<u32>,
    scan: bool,
    from: usize,
    row: &mut Vec<(u32, u32)>,
) {
    row.clear();
    if scan {
        let tail = counts.get_mut(from..).unwrap_or_default();
        for (other, c) in (from as u32..).zip(tail.iter_mut()) {
            if *c != 0 {
                row.push((other, std::mem::take(c)));
            }
        }
    } else {
        for &other in touched.iter() {
            if let Some(c) = counts.get_mut(other as usize) {
                row.push((other, std::mem::take(c)));
            }
        }
        touched.clear();
    }
}

/// The counts for one pair of items, by a scan of the baskets (for one-off queries and checks).
pub fn pair_stats(baskets: &Baskets, a: u32, b: u32) -> PairStats {
    let mut stats = PairStats {
        baskets: baskets.len() as u32,
        ..PairStats::default()
    };
    for basket in baskets.iter() {
        let has_a = basket.binary_search(&a).is_ok();
        let has_b = basket.binary_search(&b).is_ok();
        stats.count_a += u32::from(has_a);
        stats.count_b += u32::from(has_b);
        stats.together += u32::from(has_a && has_b);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The neighbours by definition: every pair's counts by a scan of the baskets, each row fully sorted.
    fn reference(baskets: &Baskets, options: &NeighbourOptions) -> Neighbours {
        let n = baskets.item_count() as u32;
        let mut out = Neighbours {
            offsets: vec![0],
            entries: Vec::new(),
        };
        for a in 0..n {
            let mut row: Vec<(f64, Neighbour)> = (0..n)
                .filter(|&b| b != a)
                .map(|b| (b, pair_stats(baskets, a, b)))
                .filter(|(_, p)| p.together >= options.min_together.max(1))
                .map(|(b, p)| {
                    let n = Neighbour {
                        item: b,
                        together: p.together,
                    };
                    (options.similarity.score(&p), n)
                })
                .collect();
            row.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.item.cmp(&y.1.item)));
            out.entries
                .extend(row.iter().take(options.top_k).map(|&(_, n)| n));
            out.offsets.push(out.entries.len() as u32);
        }
        out
    }

    #[test]
    fn two_threads_give_the_single_threaded_neighbours_bit_for_bit() {
        // 3,000 baskets of 1 to 40 items over 400 items, popularity skewed so the halves differ in work.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        let ids: Vec<Vec<u32>> = (0..3000)
            .map(|_| {
                (0..=next(40))
                    .map(|_| (next(20) * next(20)) as u32)
                    .collect()
            })
            .collect();
        let baskets = Baskets::from_ids(&ids).unwrap();
        assert!(pair_increments(&baskets) > 100_000);
        let mid = balanced_split(&baskets, baskets.item_count(), true);
        assert!(mid > 0 && mid < baskets.item_count(), "{mid}");
        for similarity in [
            Similarity::Cosine,
            Similarity::Jaccard,
            Similarity::Lift,
            Similarity::Confidence,
        ] {
            for (top_k, min_together) in [(20, 1), (3, 4), (0, 1), (1000, 1)] {
                let options = NeighbourOptions {
                    top_k,
                    similarity,
                    min_together,
                };
                for scan in [true, false] {
                    let one = neighbours_threaded(&baskets, &options, scan, true, 1).unwrap();
                    let two = neighbours_threaded(&baskets, &options, scan, true, 2).unwrap();
                    assert_eq!(
                        one.entries.len(),
                        one.offsets.last().copied().unwrap() as usize
                    );
                    assert_eq!(two, one, "{similarity:?} k {top_k} scan {scan}");
                }
            }
        }
        let options = NeighbourOptions {
            top_k: 7,
            similarity: Similarity::Cosine,
            min_together: 2,
        };
        let small = Baskets::from_ids(&ids[..300]).unwrap();
        assert_eq!(
            neighbours_threaded(&small, &options, true, true, 2).unwrap(),
            reference(&small, &options)
        );
    }

    #[test]
    fn every_counting_strategy_gives_the_neighbours_of_the_definition() {
        // 300 baskets over 60 items from a fixed LCG: sizes 1 to 12, with repeats the baskets drop; item
        // supports repeat, so scores tie and the item id decides.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        let ids: Vec<Vec<u32>> = (0..300)
            .map(|_| (0..=next(12)).map(|_| next(60) as u32).collect())
            .collect();
        let baskets = Baskets::from_ids(&ids).unwrap();
        for similarity in [
            Similarity::Cosine,
            Similarity::Jaccard,
            Similarity::Lift,
            Similarity::Confidence,
        ] {
            for (top_k, min_together) in [(7, 2), (1, 1), (0, 1), (100, 1)] {
                let options = NeighbourOptions {
                    top_k,
                    similarity,
                    min_together,
                };
                let expected = reference(&baskets, &options);
                assert_eq!(expected.is_empty(), top_k == 0);
                for scan in [true, false] {
                    for each_pair_once in [true, false] {
                        let got = neighbours_by(&baskets, &options, scan, each_pair_once).unwrap();
                        assert_eq!(
                            got, expected,
                            "{similarity:?} k {top_k} scan {scan} once {each_pair_once}"
                        );
                    }
                }
            }
        }
    }
}
