//! Orders import: CSV text or already-parsed rows in, one aggregate per customer out.
//!
//! Rows are validated as they arrive, held in a fixed-size batch (2^18 rows), and folded into their
//! customers' aggregates batch by batch, so memory follows the number of customers (about 100 bytes each,
//! plus one or two bytes per distinct purchase day beyond the first ten or so, see `daylog`; plus 8 bytes
//! per purchase day when no `as_of` is given), never the number of rows or the length of the file. A batch
//! is applied in order of customer hash, which turns a million customers' random table accesses into a
//! front-to-back walk.
//!
//! Every bad value names where it was: `line 12, column 3 (amount)` for CSV, `orders[11].amount` for rows.
//! In lenient mode bad rows are skipped and counted instead.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::BufRead;

use super::csv::{CsvError, CsvReader};
use super::daylog::{DayLog, Landed};
use super::index::{hash, CustomerIndex};
use super::rows::{bad, check_amount, header_columns, parse_csv_row, row_from_json, LastDate};
use super::summary::{CustomerBase, CustomerSummary};
use super::{Date, Stage};
use crate::json::Value;

/// One order line, as the Wasm layer or a caller that already parsed its data hands it over.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderRow {
    /// The customer's id (any text; numbers from JSON are written as JavaScript would).
    pub customer_id: String,
    /// The purchase date (time of day does not matter: purchases count per day).
    pub date: Date,
    /// The amount paid, finite and not negative.
    pub amount: f64,
    /// The product category, if known (collected per customer as "categories bought").
    pub category: Option<String>,
}

/// How an import treats bad rows and the calibration cut.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportOptions {
    /// Rows dated after this day are ignored (and counted): any past date works as a calibration cut for
    /// backtests. `None` takes the latest date in the data.
    pub as_of: Option<Date>,
    /// Skip and count bad rows instead of stopping at the first one.
    pub lenient: bool,
    /// Length in days of the trailing window for loyalty spend and purchases (ending at `as_of`).
    pub trailing_days: u32,
    /// How many skipped-row messages to keep as examples in lenient mode.
    pub max_examples: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            as_of: None,
            lenient: false,
            trailing_days: 365,
            max_examples: 10,
        }
    }
}

/// Where a bad value was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Position {
    /// In a CSV file: 1-based line and column, and the column's name.
    Csv {
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: usize,
        /// The column's role (`customer_id`, `date`, `amount`, `category`).
        name: &'static str,
    },
    /// In a list of rows: 0-based index and field name.
    Row {
        /// 0-based row index.
        index: usize,
        /// The field's name.
        name: &'static str,
    },
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Csv { line, column, name } => {
                write!(f, "line {line}, column {column} ({name})")
            }
            Position::Row { index, name } => write!(f, "orders[{index}].{name}"),
        }
    }
}

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// The byte stream could not be read as CSV.
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// The input has no header line (or no rows at all, for row input).
    #[error("the orders input is empty: expected a header with customer_id, date and amount")]
    Empty,
    /// A required column is not in the header.
    #[error("missing column \"{column}\" (header has: {found})")]
    MissingColumn {
        /// The missing column.
        column: &'static str,
        /// The header's columns, comma-separated.
        found: String,
    },
    /// A value could not be used.
    #[error("{at}: {message}")]
    BadValue {
        /// Where it was.
        at: Position,
        /// What is wrong, quoting the value.
        message: String,
    },
    /// After the `as_of` cut and skipped rows, no order is left to analyse.
    #[error("no usable orders{detail}")]
    NoOrders {
        /// Why, e.g. " (all 12 rows are after as_of 2020-01-01)".
        detail: String,
    },
}

/// Counts kept by an import.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportStats {
    /// Data rows seen (not counting the header or blank lines).
    pub rows_read: u64,
    /// Rows folded into customers.
    pub rows_used: u64,
    /// Bad rows skipped (lenient mode only; strict mode stops instead).
    pub rows_skipped: u64,
    /// Rows dated after `as_of`, ignored.
    pub rows_after_as_of: u64,
    /// The first skipped rows' messages (up to `max_examples`).
    pub skipped_examples: Vec<String>,
    /// Earliest date used.
    pub first_date: Option<Date>,
    /// Latest date used.
    pub last_date: Option<Date>,
}

/// A fast non-cryptographic hash for customer ids (the map is internal; no untrusted-collision concern
/// beyond slowing one import down).
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        // The multiply-rotate rounds leave the low bits (the table index) weak: mix the high bits down.
        let h = (self.0 ^ (self.0 >> 32)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^ (h >> 29)
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// What the book keeps per customer while rows stream in. `repr(C)` with `categories` last: `flush`
/// touches it to load the second cache line of the customer's table slot ahead of use.
#[derive(Clone, Debug, Default)]
#[repr(C)]
struct Acc {
    /// Row number of the customer's first row, to restore the order of first appearance at the end.
    first_row: u64,
    first_spend: f64,
    total: f64,
    trailing: f64,
    days: DayLog,
    first: i32,
    rows: u32,
    /// 1 + index into `OrderBook::category_sets`, or 0 for none (most rows carry no category).
    categories: u32,
}

/// Folds order rows into per-customer aggregates. Feed it rows ([`OrderBook::add`],
/// [`OrderBook::add_json`]) or a whole CSV stream ([`OrderBook::read_csv`]), then call
/// [`OrderBook::finish`].
///
/// ```
/// use nextoffer::insight::{ImportOptions, OrderBook};
/// let csv = "customer_id,date,amount\nc1,2024-01-05,20\nc1,2024-01-05,5\nc1,2024-02-01,10\n";
/// let mut book = OrderBook::new(ImportOptions::default());
/// book.read_csv(csv.as_bytes(), &mut |_, _, _| {}).unwrap();
/// let base = book.finish().unwrap();
/// let c = &base.customers[0];
/// assert_eq!((c.purchase_days, c.frequency, c.total_spend), (2, 1, 35.0));
/// ```
pub struct OrderBook {
    options: ImportOptions,
    index: CustomerIndex<Acc>,
    /// Rows validated but not yet folded in (see `flush`), and their ids' bytes.
    pending: Vec<Pending>,
    pending_ids: Vec<u8>,
    /// The pending rows in hash order (see `flush`), kept for its capacity.
    sorted: Vec<Pending>,
    /// Per purchase day spend, parallel to each customer's days: kept only without `as_of`, so windows
    /// ending at the (then unknown) last date can be summed at the end.
    day_spends: Vec<Vec<f64>>,
    categories: FxMap<Box<str>, u32>,
    category_names: Vec<String>,
    category_sets: Vec<Vec<u32>>,
    stats: ImportStats,
}

/// A validated row waiting for its batch.
#[derive(Clone, Copy)]
struct Pending {
    hash: u64,
    row: u64,
    amount: f64,
    day: i32,
    id_start: u32,
    id_len: u32,
    /// Interned category, or `u32::MAX`.
    category: u32,
}

/// Rows per batch: sorted by customer hash before they touch the customer table, so a batch walks the
/// table front to back instead of jumping at random (a cache and TLB miss per row with a million
/// customers).
const BATCH: usize = 1 << 18;

const PROGRESS_EVERY: u64 = 1 << 16;

impl OrderBook {
    /// An empty book.
    pub fn new(options: ImportOptions) -> Self {
        OrderBook {
            options,
            index: CustomerIndex::new(),
            pending: Vec::new(),
            pending_ids: Vec::new(),
            sorted: Vec::new(),
            day_spends: Vec::new(),
            categories: FxMap::default(),
            category_names: Vec::new(),
            category_sets: Vec::new(),
            stats: ImportStats::default(),
        }
    }

    /// The counts so far.
    pub fn stats(&self) -> &ImportStats {
        &self.stats
    }

    /// The number of customers so far.
    pub fn customers(&self) -> usize {
        self.index.len()
    }

    /// Adds one parsed row. `index` names the row in errors (`orders[index].amount`). In lenient mode a bad
    /// row is counted and `Ok` is returned.
    pub fn add(&mut self, index: usize, row: &OrderRow) -> Result<(), OrderError> {
        self.stats.rows_read += 1;
        let checked = check_amount(row.amount, || Position::Row {
            index,
            name: "amount",
        })
        .and_then(|amount| {
            if row.customer_id.trim().is_empty() {
                Err(bad(
                    Position::Row {
                        index,
                        name: "customer_id",
                    },
                    "customer id is empty".to_string(),
                ))
            } else {
                Ok(amount)
            }
        });
        match checked {
            Ok(amount) => {
                self.fold(
                    row.customer_id.trim().as_bytes(),
                    row.date,
                    amount,
                    row.category.as_deref(),
                );
                Ok(())
            }
            Err(e) => self.skip_or_fail(e),
        }
    }

    /// Adds one row given as a JSON object with `customer_id` (or `customerId`), `date` and `amount`, and
    /// optionally `category`; amounts may be numbers or numeric strings, ids strings or numbers.
    pub fn add_json(&mut self, index: usize, row: &Value) -> Result<(), OrderError> {
        match row_from_json(index, row) {
            Ok(row) => self.add(index, &row),
            Err(e) => {
                self.stats.rows_read += 1;
                self.skip_or_fail(e)
            }
        }
    }

    /// Reads a whole CSV stream (header first; columns matched by name, case-insensitive; `customer_id`,
    /// `date`, `amount` required; `category` optional; `order_id`, `product_id`, `quantity`, `channel` and
    /// any other columns are accepted and ignored here). `progress` is called with
    /// `(Stage::Import, rows read, 0)` every 65,536 rows (the total is unknown while streaming).
    pub fn read_csv<R: BufRead>(
        &mut self,
        reader: R,
        progress: &mut dyn FnMut(Stage, u64, u64),
    ) -> Result<(), OrderError> {
        let mut csv = CsvReader::new(reader);
        if !csv.next_record(true)? {
            return Err(OrderError::Empty);
        }
        let columns = header_columns(&csv)?;
        let decimal_comma = csv.delimiter() != b',';
        let mut last_date = LastDate::default();
        while csv.next_record(false)? {
            self.stats.rows_read += 1;
            if self.stats.rows_read % PROGRESS_EVERY == 0 {
                progress(Stage::Import, self.stats.rows_read, 0);
            }
            let line = csv.line();
            match parse_csv_row(&csv, &columns, decimal_comma, line, &mut last_date) {
                Ok((id, date, amount, category)) => self.fold(id, date, amount, category),
                Err(e) => self.skip_or_fail(e)?,
            }
        }
        progress(Stage::Import, self.stats.rows_read, self.stats.rows_read);
        Ok(())
    }

    fn skip_or_fail(&mut self, e: OrderError) -> Result<(), OrderError> {
        if !self.options.lenient {
            return Err(e);
        }
        self.stats.rows_skipped += 1;
        if self.stats.skipped_examples.len() < self.options.max_examples {
            self.stats.skipped_examples.push(e.to_string());
        }
        Ok(())
    }

    fn fold(&mut self, id: &[u8], date: Date, amount: f64, category: Option<&str>) {
        if self.options.as_of.is_some_and(|as_of| date > as_of) {
            self.stats.rows_after_as_of += 1;
            return;
        }
        self.stats.rows_used += 1;
        self.stats.first_date = Some(self.stats.first_date.map_or(date, |d| d.min(date)));
        self.stats.last_date = Some(self.stats.last_date.map_or(date, |d| d.max(date)));
        let category = category
            .filter(|c| !c.is_empty())
            .map_or(u32::MAX, |c| self.intern_category(c));
        let (Ok(id_start), Ok(id_len)) = (
            u32::try_from(self.pending_ids.len()),
            u32::try_from(id.len()),
        ) else {
            return;
        };
        self.pending_ids.extend_from_slice(id);
        self.pending.push(Pending {
            hash: hash(id),
            row: self.stats.rows_used,
            amount,
            day: date.days(),
            id_start,
            id_len,
            category,
        });
        if self.pending.len() >= BATCH {
            self.flush();
        }
    }

    /// Folds the pending rows into their customers, in order of customer hash (a stable counting sort on
    /// the top 16 bits, so each customer's rows keep their order).
    fn flush(&mut self) {
        const BUCKETS: usize = 1 << 16;
        let mut starts = vec![0u32; BUCKETS + 1];
        for p in &self.pending {
            if let Some(c) = starts.get_mut((p.hash >> 48) as usize + 1) {
                *c += 1;
            }
        }
        for b in 1..=BUCKETS {
            let prev = starts.get(b - 1).copied().unwrap_or(0);
            if let Some(c) = starts.get_mut(b) {
                *c += prev;
            }
        }
        let mut order = vec![0u32; self.pending.len()];
        for (i, p) in self.pending.iter().enumerate() {
            if let Some(pos) = starts.get_mut((p.hash >> 48) as usize) {
                if let Some(o) = order.get_mut(*pos as usize) {
                    *o = i as u32;
                }
                *pos += 1;
            }
        }
        // The rows themselves in hash order, gathered once: the two passes below then read them front to
        // back instead of each jumping through `order` into a 10 MB batch (with a million customers the
        // import is bound by memory, not instructions: flush and the table lookups were half its samples).
        let mut sorted = std::mem::take(&mut self.sorted);
        sorted.clear();
        sorted.extend(
            order
                .iter()
                .filter_map(|&i| self.pending.get(i as usize).copied()),
        );
        drop(order);
        // New customers are at most the distinct hashes of the batch: count them per bucket and reserve,
        // so the table never grows half-way through a hash-ordered batch.
        let mut distinct = 0;
        let mut hashes: Vec<u64> = Vec::new();
        let mut begin = 0usize;
        for &end in starts.iter().take(BUCKETS) {
            let end = end as usize;
            let bucket = sorted.get(begin..end).unwrap_or_default();
            if bucket.len() <= 16 {
                // A bucket holds four rows on average: comparing pairs beats a sort (whose setup cost
                // about 100 instructions a row, callgrind).
                for (k, p) in bucket.iter().enumerate() {
                    let seen = bucket.get(..k).unwrap_or_default();
                    if !seen.iter().any(|q| q.hash == p.hash) {
                        distinct += 1;
                    }
                }
            } else {
                hashes.clear();
                hashes.extend(bucket.iter().map(|p| p.hash));
                super::sort_by(&mut hashes, |a, b| a < b);
                hashes.dedup();
                distinct += hashes.len();
            }
            begin = end;
        }
        self.index.reserve(distinct);
        let ids = std::mem::take(&mut self.pending_ids);
        // With a million customers nearly every row's slot is a cache miss, and one row's work fills the
        // core's reorder window, so misses were taken one at a time. Loading the slots of the next `AHEAD`
        // rows before applying the current ones puts those misses in flight together. With the id compare
        // without `memcmp` (see `index`), the 10M-row bench's read stage took 7.0-7.6 s against 8.5-8.9 s
        // before, interleaved on a loaded machine (CPU 4.9 against 5.1 s), for 1% more instructions.
        const AHEAD: usize = 16;
        let mut chunks = sorted.chunks(AHEAD).peekable();
        while let Some(chunk) = chunks.next() {
            if let Some(next) = chunks.peek() {
                let touched = next.iter().fold(0u32, |acc, p| {
                    acc ^ self.index.touch(p.hash, |a| a.categories)
                });
                std::hint::black_box(touched);
            }
            for p in chunk {
                let start = p.id_start as usize;
                let id = ids
                    .get(start..start + p.id_len as usize)
                    .unwrap_or_default();
                self.apply(p, id);
            }
        }
        // Keep the buffers' capacity for the next batch.
        self.sorted = sorted;
        self.pending.clear();
        self.pending_ids = ids;
        self.pending_ids.clear();
    }

    fn apply(&mut self, p: &Pending, id: &[u8]) {
        let keep_spend = self.options.as_of.is_none();
        let trailing_start = self
            .options
            .as_of
            .map(|d| d.days().saturating_sub(self.options.trailing_days as i32));
        let Some((number, added, acc)) = self.index.entry(p.hash, id) else {
            return;
        };
        let (day, amount) = (p.day, p.amount);
        if added {
            acc.first_row = p.row;
            if keep_spend {
                self.day_spends.push(Vec::new());
            }
        }
        acc.rows += 1;
        acc.total += amount;
        if acc.rows == 1 || day < acc.first {
            acc.first = day;
            acc.first_spend = amount;
        } else if day == acc.first {
            acc.first_spend += amount;
        }
        if trailing_start.is_some_and(|start| day > start) {
            acc.trailing += amount;
        }
        let landed = acc.days.insert(day);
        if p.category != u32::MAX {
            if acc.categories == 0 {
                self.category_sets.push(Vec::new());
                acc.categories = self.category_sets.len() as u32;
            }
            if let Some(set) = self.category_sets.get_mut(acc.categories as usize - 1) {
                if let Err(pos) = set.binary_search(&p.category) {
                    set.insert(pos, p.category);
                }
            }
        }
        if keep_spend {
            if let Some(spends) = self.day_spends.get_mut(number as usize) {
                match landed {
                    Landed::New(i) if i <= spends.len() => spends.insert(i, amount),
                    Landed::Seen(i) => {
                        if let Some(s) = spends.get_mut(i) {
                            *s += amount;
                        }
                    }
                    Landed::New(_) => {}
                }
            }
        }
    }

    fn intern_category(&mut self, c: &str) -> u32 {
        if let Some(&i) = self.categories.get(c) {
            return i;
        }
        let i = self.category_names.len() as u32;
        self.categories.insert(c.into(), i);
        self.category_names.push(c.to_string());
        i
    }

    /// Ends the import: one [`CustomerSummary`] per customer, in order of first appearance, with the
    /// resolved `as_of`. Fails with [`OrderError::NoOrders`] if no row was usable.
    pub fn finish(mut self) -> Result<CustomerBase, OrderError> {
        self.flush();
        let (Some(last_date), true) = (self.stats.last_date, self.index.len() > 0) else {
            let s = &self.stats;
            let detail = if s.rows_read == 0 {
                " (the input has a header but no rows)".to_string()
            } else if s.rows_after_as_of > 0 && s.rows_skipped == 0 {
                format!(" (all {} rows are dated after as_of)", s.rows_after_as_of)
            } else {
                format!(
                    " ({} rows read, {} skipped, {} after as_of)",
                    s.rows_read, s.rows_skipped, s.rows_after_as_of
                )
            };
            return Err(OrderError::NoOrders { detail });
        };
        let as_of = self.options.as_of.unwrap_or(last_date);
        let trailing_start = as_of
            .days()
            .saturating_sub(self.options.trailing_days as i32);
        let keep_spend = self.options.as_of.is_none();
        let category_sets = self.category_sets;
        let category_names = self.category_names;
        let mut day_spends = self.day_spends;
        let mut entries = self.index.into_entries();
        // Back to the order of first appearance: sort small (row, slot) pairs, not the entries themselves.
        let mut order: Vec<(u64, u32)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|e| (e.1.first_row, i as u32)))
            .collect();
        super::sort_pairs(&mut order, false);
        let customers = order
            .into_iter()
            .filter_map(|(_, i)| {
                let (id, acc) = entries.get_mut(i as usize).and_then(Option::take)?;
                let spends = day_spends
                    .get_mut(i as usize)
                    .map(std::mem::take)
                    .unwrap_or_default();
                Some((id, acc, spends))
            })
            .map(|(id, acc, spends)| {
                let days = &acc.days;
                let trailing = if keep_spend {
                    days.iter()
                        .zip(&spends)
                        .filter(|(d, _)| *d > trailing_start)
                        .map(|(_, s)| s)
                        .sum()
                } else {
                    acc.trailing
                };
                let set = acc
                    .categories
                    .checked_sub(1)
                    .and_then(|i| category_sets.get(i as usize));
                let categories = set.map_or_else(Vec::new, |set| {
                    set.iter()
                        .filter_map(|&c| category_names.get(c as usize).cloned())
                        .collect()
                });
                CustomerSummary::from_parts(
                    id,
                    (acc.first, days.last(), days.len()),
                    as_of,
                    acc.rows,
                    acc.total,
                    acc.first_spend,
                    trailing,
                    days.iter().filter(|&d| d > trailing_start).count() as u32,
                    categories,
                )
            })
            .collect();
        Ok(CustomerBase {
            as_of,
            customers,
            stats: self.stats,
        })
    }
}
