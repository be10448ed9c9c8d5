//! Baskets: the sets of items bought together, built from order rows.
//!
//! Every co-occurrence statistic, frequent itemset and rule of the module counts baskets. A basket is an
//! order (`order_id`); without an order id, a customer's purchases on one day; or, in
//! [`BasketMode::Customer`], the customer's whole history. Baskets are stored as one sorted, deduplicated
//! run of `u32` item ids each, in a single flat vector (compressed sparse rows): counting pairs and
//! building FP-trees then walks contiguous memory.

use super::error::RecommendError;
use super::items::{FxMap, Interner};
use super::sort::sort_u32;

/// Sentinel for "no category" in per-item category ids.
pub const NO_CATEGORY: u32 = u32::MAX;

/// How order rows are grouped into baskets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BasketMode {
    /// One basket per order: the `order_id`, or without one the customer's purchases on one day.
    #[default]
    Order,
    /// One basket per customer: their whole history.
    Customer,
}

impl BasketMode {
    /// Parses `"order"` or `"customer"` (the CLI's `--basket` values).
    ///
    /// ```
    /// use nextoffer::recommend::BasketMode;
    /// assert_eq!(BasketMode::parse("customer"), Some(BasketMode::Customer));
    /// assert_eq!(BasketMode::parse("weekly"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "order" => Some(Self::Order),
            "customer" => Some(Self::Customer),
            _ => None,
        }
    }

    /// `"order"` or `"customer"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Customer => "customer",
        }
    }

    /// The plural noun used in reasons: "orders" or "customers".
    pub fn noun(self) -> &'static str {
        match self {
            Self::Order => "orders",
            Self::Customer => "customers",
        }
    }
}

/// One purchased line of an order, as read from an orders file (see DESIGN.md, "Orders file").
///
/// `day` is a day number (days since 1970-01-01 by convention; any monotone day count works) so that
/// same-day purchases can form one basket and recency can decay.
///
/// ```
/// use nextoffer::recommend::OrderLine;
/// let line = OrderLine::new("c1", 20_000, "p42").with_order("o-7").with_category("coffee");
/// assert_eq!(line.order, Some("o-7"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrderLine<'a> {
    /// `customer_id`.
    pub customer: &'a str,
    /// The purchase day.
    pub day: i32,
    /// `order_id`, when the file has one.
    pub order: Option<&'a str>,
    /// `product_id`.
    pub product: &'a str,
    /// `quantity`; a line with a quantity of zero or less (a return) is skipped.
    pub quantity: Option<f64>,
    /// The line's `amount`, used to estimate the unit price (amount / quantity) for upsell ladders.
    pub amount: Option<f64>,
    /// `category`.
    pub category: Option<&'a str>,
}

impl<'a> OrderLine<'a> {
    /// A line with only the required fields.
    pub fn new(customer: &'a str, day: i32, product: &'a str) -> Self {
        Self {
            customer,
            day,
            order: None,
            product,
            quantity: None,
            amount: None,
            category: None,
        }
    }

    /// Sets the order id.
    pub fn with_order(mut self, order: &'a str) -> Self {
        self.order = Some(order);
        self
    }

    /// Sets the category.
    pub fn with_category(mut self, category: &'a str) -> Self {
        self.category = Some(category);
        self
    }

    /// Sets the quantity.
    pub fn with_quantity(mut self, quantity: f64) -> Self {
        self.quantity = Some(quantity);
        self
    }

    /// Sets the line amount.
    pub fn with_amount(mut self, amount: f64) -> Self {
        self.amount = Some(amount);
        self
    }
}

/// Baskets of interned items, with per-item category and unit price and per-basket customer and day.
#[derive(Clone, Debug, Default)]
pub struct Baskets {
    mode: BasketMode,
    items: Interner,
    item_category: Vec<u32>,
    item_price: Vec<f64>,
    categories: Interner,
    customers: Interner,
    offsets: Vec<u32>,
    members: Vec<u32>,
    basket_customer: Vec<u32>,
    basket_day: Vec<i32>,
    skipped_lines: usize,
}

impl Baskets {
    /// Groups order lines into baskets.
    ///
    /// Lines with an empty product id or a quantity of zero or less (returns, cancellations) are skipped and
    /// counted in [`Baskets::skipped_lines`]. A product bought twice in a basket counts once.
    ///
    /// ```
    /// use nextoffer::recommend::{BasketMode, Baskets, OrderLine};
    /// let lines = [
    ///     OrderLine::new("c1", 1, "tea"),
    ///     OrderLine::new("c1", 1, "cups"),
    ///     OrderLine::new("c1", 2, "tea"),
    /// ];
    /// let by_day = Baskets::from_lines(lines, BasketMode::Order).unwrap();
    /// assert_eq!(by_day.len(), 2); // no order ids: one basket per customer and day
    /// let whole = Baskets::from_lines(lines, BasketMode::Customer).unwrap();
    /// assert_eq!(whole.len(), 1);
    /// assert_eq!(whole.basket(0).len(), 2);
    /// ```
    pub fn from_lines<'a, I>(lines: I, mode: BasketMode) -> Result<Self, RecommendError>
    where
        I: IntoIterator<Item = OrderLine<'a>>,
    {
        let mut builder = BasketsBuilder::new(mode);
        for line in lines {
            builder.push(&line)?;
        }
        builder.finish()
    }

    /// How the baskets were grouped.
    pub fn mode(&self) -> BasketMode {
        self.mode
    }

    /// Number of baskets.
    pub fn len(&self) -> usize {
        self.basket_customer.len()
    }

    /// Whether there is no basket.
    pub fn is_empty(&self) -> bool {
        self.basket_customer.is_empty()
    }

    /// The sorted item ids of basket `index` (empty when out of range).
    pub fn basket(&self, index: usize) -> &[u32] {
        let start = self.offsets.get(index).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(index + 1).copied().unwrap_or(0) as usize;
        self.members.get(start..end).unwrap_or(&[])
    }

    /// Every basket, in order of first appearance.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        (0..self.len()).map(move |i| self.basket(i))
    }

    /// The item names (`product_id`s); an item's id is its index.
    pub fn items(&self) -> &Interner {
        &self.items
    }

    /// Number of distinct items.
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// The category names; a category's id is its index.
    pub fn categories(&self) -> &Interner {
        &self.categories
    }

    /// Category id of each item ([`NO_CATEGORY`] when none was given).
    pub fn item_categories(&self) -> &[u32] {
        &self.item_category
    }

    /// Mean unit price of each item (amount / quantity over its lines; NaN when no line had an amount).
    pub fn item_prices(&self) -> &[f64] {
        &self.item_price
    }

    /// The customer names; a customer's id is its index.
    pub fn customers(&self) -> &Interner {
        &self.customers
    }

    /// Customer id of each basket (a basket of several customers' lines sharing an order id belongs to the
    /// first one).
    pub fn basket_customers(&self) -> &[u32] {
        &self.basket_customer
    }

    /// Day of each basket: the first line's day for orders, the last purchase day for customer histories.
    pub fn basket_days(&self) -> &[i32] {
        &self.basket_day
    }

    /// Lines skipped because of an empty product id or a quantity of zero or less.
    pub fn skipped_lines(&self) -> usize {
        self.skipped_lines
    }

    /// Number of baskets containing each item.
    pub fn item_supports(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.items.len()];
        for &item in &self.members {
            if let Some(c) = counts.get_mut(item as usize) {
                *c += 1;
            }
        }
        counts
    }

    /// Baskets built directly from item-id lists, for callers (and tests) that already hold interned ids.
    /// Item `i` is named `i.to_string()`; ids are interned in increasing numeric order, so ids that are
    /// already dense (`0..n`) keep their value. Every basket belongs to its own customer on day 0; an empty
    /// list makes no basket.
    ///
    /// ```
    /// use nextoffer::recommend::Baskets;
    /// let b = Baskets::from_ids(&[vec![0, 2], vec![2, 1, 2]]).unwrap();
    /// assert_eq!(b.basket(1), &[1, 2]);
    /// assert_eq!(b.item_count(), 3);
    /// ```
    pub fn from_ids(baskets: &[Vec<u32>]) -> Result<Self, RecommendError> {
        let mut builder = BasketsBuilder::new(BasketMode::Order);
        let mut distinct: Vec<u32> = baskets.iter().flatten().copied().collect();
        sort_u32(&mut distinct);
        distinct.dedup();
        for id in &distinct {
            builder.intern_item(&id.to_string(), None)?;
        }
        for (b, basket) in baskets.iter().enumerate() {
            let customer = b.to_string();
            for &item in basket {
                builder.push(&OrderLine::new(&customer, 0, &item.to_string()))?;
            }
        }
        builder.finish()
    }
}

/// Key of a basket while grouping: by order id, by customer and day, or by customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum BasketKey {
    Order(u32),
    CustomerDay(u32, i32),
    Customer(u32),
}

/// Incremental construction of [`Baskets`], one order line at a time (for streaming readers).
#[derive(Debug, Default)]
pub struct BasketsBuilder {
    baskets: Baskets,
    orders: Interner,
    keys: FxMap<BasketKey, u32>,
    pairs: Vec<(u32, u32)>,
    price_sum: Vec<f64>,
    price_n: Vec<u32>,
    /// The last line's customer and id: exports list a customer's lines together (88% of MovieLens' rows
    /// in time order repeat the customer of the row before), and a compare costs less than a lookup.
    last_customer: Option<(String, u32)>,
}

const MAX_IDS: u64 = u32::MAX as u64 - 1;

fn capacity(what: &'static str) -> RecommendError {
    RecommendError::Capacity { what, max: MAX_IDS }
}

impl BasketsBuilder {
    /// An empty builder grouping lines by `mode`.
    pub fn new(mode: BasketMode) -> Self {
        let mut builder = Self::default();
        builder.baskets.mode = mode;
        builder
    }

    fn intern_item(
        &mut self,
        product: &str,
        category: Option<&str>,
    ) -> Result<u32, RecommendError> {
        let b = &mut self.baskets;
        let item = b.items.intern(product).ok_or_else(|| capacity("items"))?;
        if item as usize == b.item_category.len() {
            b.item_category.push(NO_CATEGORY);
            self.price_sum.push(0.0);
            self.price_n.push(0);
        }
        if let Some(cat) = category.filter(|c| !c.is_empty()) {
            if let Some(slot) = b.item_category.get_mut(item as usize) {
                if *slot == NO_CATEGORY {
                    *slot = b
                        .categories
                        .intern(cat)
                        .ok_or_else(|| capacity("categories"))?;
                }
            }
        }
        Ok(item)
    }

    /// Adds one line. Returns `Ok(false)` when the line is skipped (empty product id, quantity of zero or
    /// less), `Ok(true)` otherwise.
    pub fn push(&mut self, line: &OrderLine<'_>) -> Result<bool, RecommendError> {
        let quantity = line.quantity.unwrap_or(1.0);
        if line.product.is_empty() || quantity.is_nan() || quantity <= 0.0 {
            self.baskets.skipped_lines += 1;
            return Ok(false);
        }
        let item = self.intern_item(line.product, line.category)?;
        if let Some(amount) = line.amount.filter(|a| a.is_finite() && *a >= 0.0) {
            let unit = amount / quantity;
            if unit.is_finite() {
                if let (Some(s), Some(n)) = (
                    self.price_sum.get_mut(item as usize),
                    self.price_n.get_mut(item as usize),
                ) {
                    *s += unit;
                    *n += 1;
                }
            }
        }
        let b = &mut self.baskets;
        let customer = match &mut self.last_customer {
            Some((name, id)) if name == line.customer => *id,
            last => {
                let id = b
                    .customers
                    .intern(line.customer)
                    .ok_or_else(|| capacity("customers"))?;
                match last {
                    Some((name, last_id)) => {
                        line.customer.clone_into(name);
                        *last_id = id;
                    }
                    None => *last = Some((line.customer.to_owned(), id)),
                }
                id
            }
        };
        let key = match (b.mode, line.order.filter(|o| !o.is_empty())) {
            (BasketMode::Customer, _) => BasketKey::Customer(customer),
            (BasketMode::Order, Some(order)) => BasketKey::Order(
                self.orders
                    .intern(order)
                    .ok_or_else(|| capacity("orders"))?,
            ),
            (BasketMode::Order, None) => BasketKey::CustomerDay(customer, line.day),
        };
        let next = u32::try_from(b.basket_customer.len()).map_err(|_| capacity("baskets"))?;
        let basket = *self.keys.entry(key).or_insert(next);
        if basket == next {
            if u64::from(next) >= MAX_IDS {
                return Err(capacity("baskets"));
            }
            b.basket_customer.push(customer);
            b.basket_day.push(line.day);
        } else if let (BasketKey::Customer(_), Some(day)) =
            (key, b.basket_day.get_mut(basket as usize))
        {
            *day = (*day).max(line.day);
        }
        self.pairs.push((basket, item));
        Ok(true)
    }

    /// Groups the lines by basket (a counting sort: basket ids are dense), then sorts and deduplicates
    /// each basket.
    pub fn finish(self) -> Result<Baskets, RecommendError> {
        let mut b = self.baskets;
        if self.pairs.len() as u64 > MAX_IDS {
            return Err(capacity("basket entries"));
        }
        let n = b.basket_customer.len();
        let mut starts = vec![0u32; n + 1];
        for &(basket, _) in &self.pairs {
            if let Some(s) = starts.get_mut(basket as usize + 1) {
                *s += 1;
            }
        }
        for i in 0..n {
            let prev = starts.get(i).copied().unwrap_or(0);
            if let Some(s) = starts.get_mut(i + 1) {
                *s += prev;
            }
        }
        let mut grouped = vec![0u32; self.pairs.len()];
        let mut fill = starts.clone();
        for &(basket, item) in &self.pairs {
            if let Some(pos) = fill.get_mut(basket as usize) {
                if let Some(slot) = grouped.get_mut(*pos as usize) {
                    *slot = item;
                }
                *pos += 1;
            }
        }
        b.offsets = Vec::with_capacity(n + 1);
        b.members = Vec::with_capacity(grouped.len());
        b.offsets.push(0);
        for w in starts.windows(2) {
            let (s, e) = (
                w.first().copied().unwrap_or(0),
                w.get(1).copied().unwrap_or(0),
            );
            let run = grouped.get_mut(s as usize..e as usize).unwrap_or_default();
            sort_u32(run);
            let mut last = None;
            for &item in run.iter() {
                if last != Some(item) {
                    b.members.push(item);
                    last = Some(item);
                }
            }
            b.offsets.push(b.members.len() as u32);
        }
        b.item_price = self
            .price_sum
            .iter()
            .zip(&self.price_n)
            .map(|(&s, &n)| if n == 0 { f64::NAN } else { s / f64::from(n) })
            .collect();
        Ok(b)
    }
}
