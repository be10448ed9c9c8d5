//! Order rows as the Wasm binding receives them, CSV text or an array of order objects, read into owned
//! rows that lend [`OrderLine`]s to [`super::Baskets::from_lines`].
//!
//! The CLI has its own reader with lenient mode and row counts (`src/bin/nextoffer/orders.rs`); this one is
//! strict (the first bad row is an error naming its line and column, or its index and key) and reads the same
//! columns the same way, so a model built in the browser equals the one the CLI builds from the same file.

use std::borrow::Cow;

use super::baskets::OrderLine;
use super::error::RecommendError;
use crate::insight::csv::CsvReader;
use crate::json::{number_to_js_string, Kind, Reader, Value};
use crate::time::{parse_instant, SECONDS_PER_DAY};

/// One valid order row whose text borrows from the input where it can (a CSV field, a string of the JSON
/// text without escapes, a name of [`super::OrderColumns`]): rows streamed into a basket builder are never
/// copied, rows kept in [`OrderRows`] are made owned.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Line<'a> {
    pub(super) customer: Cow<'a, str>,
    pub(super) day: i32,
    pub(super) order: Option<Cow<'a, str>>,
    pub(super) product: Cow<'a, str>,
    pub(super) quantity: Option<f64>,
    pub(super) amount: Option<f64>,
    pub(super) category: Option<Cow<'a, str>>,
}

impl Line<'_> {
    /// The row as the basket builder reads it.
    pub(super) fn order_line(&self) -> OrderLine<'_> {
        OrderLine {
            customer: &self.customer,
            day: self.day,
            order: self.order.as_deref(),
            product: &self.product,
            quantity: self.quantity,
            amount: self.amount,
            category: self.category.as_deref(),
        }
    }

    /// The row with its text copied out of the input, for [`OrderRows`] to keep.
    fn into_row(self) -> Line<'static> {
        Line {
            customer: Cow::Owned(self.customer.into_owned()),
            day: self.day,
            order: self.order.map(|order| Cow::Owned(order.into_owned())),
            product: Cow::Owned(self.product.into_owned()),
            quantity: self.quantity,
            amount: self.amount,
            category: self
                .category
                .map(|category| Cow::Owned(category.into_owned())),
        }
    }
}

/// The day of the last date text read: exports list rows in date order, so most rows repeat the date of
/// the row before and skip its parsing (about 250 instructions a row natively, on MovieLens' 55,375 rows).
#[derive(Debug, Default)]
pub(super) struct Days {
    text: String,
    day: Option<i32>,
}

impl Days {
    /// Days since the epoch of an ISO date or date-time.
    pub(super) fn of(&mut self, text: &str) -> Option<i32> {
        if self.day.is_some() && self.text == text {
            return self.day;
        }
        let day = day_of(text);
        if day.is_some() {
            text.clone_into(&mut self.text);
            self.day = day;
        }
        day
    }
}

/// Order rows read from CSV text or JSON order objects.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderRows {
    rows: Vec<Line<'static>>,
}

/// The CSV columns read, by header name (case-insensitive); the first three are required.
const COLUMNS: [&str; 7] = [
    "customer_id",
    "date",
    "product_id",
    "order_id",
    "quantity",
    "amount",
    "category",
];
const REQUIRED: usize = 3;

fn bad(at: String, message: String) -> RecommendError {
    RecommendError::Orders { at, message }
}

/// Days since the epoch of an ISO date or date-time.
fn day_of(text: &str) -> Option<i32> {
    parse_instant(text).and_then(|s| i32::try_from(s.div_euclid(SECONDS_PER_DAY)).ok())
}

fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The keys an order object is read by (camelCase and as in the CSV).
const KEYS: [&str; 10] = [
    "customerId",
    "customer_id",
    "date",
    "productId",
    "product_id",
    "orderId",
    "order_id",
    "quantity",
    "amount",
    "category",
];

/// The index of `key` in [`KEYS`]: a `match`, which compiles to a dispatch on the length and one
/// comparison, where a scan of the list compared up to ten strings (a call each in Wasm) per lookup and
/// made the streaming path slower than the tree.
fn slot(key: &str) -> Option<usize> {
    Some(match key {
        "customerId" => 0,
        "customer_id" => 1,
        "date" => 2,
        "productId" => 3,
        "product_id" => 4,
        "orderId" => 5,
        "order_id" => 6,
        "quantity" => 7,
        "amount" => 8,
        "category" => 9,
        _ => return None,
    })
}

/// An order object's value under one key, as either reader has it: borrowed text, a number, or any other
/// value (kept whole for its type name and its JSON in messages).
#[derive(Clone, Debug)]
pub(super) enum Field<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Other(Cow<'a, Value>),
}

impl<'a> Field<'a> {
    fn of(value: &'a Value) -> Self {
        match value {
            Value::String(s) => Field::Text(Cow::Borrowed(s)),
            Value::Number(n) => Field::Number(*n),
            other => Field::Other(Cow::Borrowed(other)),
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Field::Other(v) if v.is_null())
    }

    fn type_name(&self) -> &'static str {
        match self {
            Field::Text(_) => "string",
            Field::Number(_) => "number",
            Field::Other(v) => v.type_name(),
        }
    }

    fn to_json(&self) -> String {
        match self {
            Field::Text(s) => Value::String(s.to_string()).to_json(),
            Field::Number(n) => Value::Number(*n).to_json(),
            Field::Other(v) => v.to_json(),
        }
    }
}

/// Validates order object `i` whose values `get` looks up by key: the checks, their order and their
/// messages are shared by [`OrderRows::from_json`], [`OrderRows::from_json_text`] and
/// [`super::OrderColumns`]. `days` remembers the last date read.
pub(super) fn row_from<'a>(
    i: usize,
    days: &mut Days,
    get: impl Fn(usize) -> Option<Field<'a>>,
) -> Result<Line<'a>, RecommendError> {
    // Keys travel as their index in KEYS (a string compare per lookup cost the columns path about a tenth
    // of its Wasm time), named only in messages.
    let get = |camel: usize, snake: usize| {
        let name = |k: usize| KEYS.get(k).copied().unwrap_or_default();
        get(camel)
            .map(|v| (name(camel), v))
            .or_else(|| get(snake).map(|v| (name(snake), v)))
            .filter(|(_, v)| !v.is_null())
    };
    let text = |camel: usize, snake: usize| -> Result<Option<Cow<'a, str>>, RecommendError> {
        match get(camel, snake) {
            Some((_, Field::Text(s))) => Ok(Some(s).filter(|s| !s.is_empty())),
            Some((_, Field::Number(n))) => {
                Ok(Some(number_to_js_string(n)).filter(|s| !s.is_empty()))
            }
            Some((key, v)) => Err(bad(
                format!("orders[{i}].{key}"),
                format!("must be a string or a number, not {}", v.type_name()),
            )),
            None => Ok(None),
        }
    };
    let required = |camel: usize, snake: usize| {
        text(camel, snake)?.ok_or_else(|| {
            let name = KEYS.get(camel).copied().unwrap_or_default();
            bad(format!("orders[{i}].{name}"), "is required".into())
        })
    };
    let numeric = |camel: usize, snake: usize| -> Result<Option<f64>, RecommendError> {
        match get(camel, snake) {
            Some((_, Field::Number(n))) if n.is_finite() => Ok(Some(n)),
            Some((_, Field::Text(s))) if number(&s).is_some() => Ok(number(&s)),
            Some((key, v)) => Err(bad(
                format!("orders[{i}].{key}"),
                format!("{} is not a number", v.to_json()),
            )),
            None => Ok(None),
        }
    };
    // The indexes in KEYS of customerId, customer_id, date, productId, product_id, orderId, order_id,
    // quantity, amount, category.
    let customer = required(0, 1)?;
    let date = required(2, 2)?;
    let day = days.of(&date).ok_or_else(|| {
        bad(
            format!("orders[{i}].date"),
            format!("{date:?} is not an ISO date or date-time"),
        )
    })?;
    Ok(Line {
        customer,
        day,
        product: required(3, 4)?,
        order: text(5, 6)?,
        quantity: numeric(7, 7)?,
        amount: numeric(8, 8)?,
        category: text(9, 9)?,
    })
}

impl OrderRows {
    /// Reads an orders CSV: `customer_id`, `date` (ISO date or date-time) and `product_id` are required;
    /// `order_id`, `quantity`, `amount` and `category` are read when present, other columns ignored.
    ///
    /// ```
    /// use nextoffer::recommend::OrderRows;
    /// let rows = OrderRows::from_csv("customer_id,date,product_id,amount\nc1,2024-01-02,tea,300\n").unwrap();
    /// assert_eq!(rows.len(), 1);
    /// assert_eq!(rows.lines()[0].product, "tea");
    /// let err = OrderRows::from_csv("customer_id,date,product_id\nc1,someday,tea\n").unwrap_err();
    /// assert_eq!(err.to_string(), "line 2, column 2 (date): \"someday\" is not an ISO date or date-time");
    /// ```
    pub fn from_csv(text: &str) -> Result<Self, RecommendError> {
        let mut rows = Vec::new();
        Self::read_csv(text, &mut |line| rows.push(line.clone().into_row()))?;
        Ok(Self { rows })
    }

    /// [`OrderRows::from_csv`] row by row: each valid row goes to `each` as it is read, its text borrowed
    /// from the reader (building baskets this way copies no row: see `RecommenderApi::from_orders_input`).
    /// The first bad row ends the reading with its error.
    pub(super) fn read_csv(
        text: &str,
        each: &mut dyn FnMut(&Line<'_>),
    ) -> Result<(), RecommendError> {
        let csv_error = |e: crate::insight::csv::CsvError| bad("orders".into(), e.to_string());
        let mut reader = CsvReader::new(text.as_bytes());
        if !reader.next_record(true).map_err(csv_error)? {
            return Err(bad(
                "line 1".into(),
                "the orders are empty (a header line is needed)".into(),
            ));
        }
        let mut index = [None::<usize>; 7];
        for i in 0..reader.len() {
            let name = reader
                .field(i)
                .map_err(csv_error)?
                .unwrap_or_default()
                .to_ascii_lowercase();
            if let Some(c) = COLUMNS.iter().position(|&n| n == name) {
                if let Some(slot) = index.get_mut(c).filter(|s| s.is_none()) {
                    *slot = Some(i);
                }
            }
        }
        for (c, name) in COLUMNS.iter().enumerate().take(REQUIRED) {
            if index.get(c).copied().flatten().is_none() {
                return Err(bad(
                    (*name).to_owned(),
                    format!(
                        "line 1: no {name} column (customer_id, date and product_id are needed)"
                    ),
                ));
            }
        }
        let mut days = Days::default();
        while reader.next_record(false).map_err(csv_error)? {
            let line = reader.line();
            let at = |column: usize, c: usize| {
                format!(
                    "line {line}, column {column} ({})",
                    COLUMNS.get(c).copied().unwrap_or_default()
                )
            };
            let text = |c: usize| -> Result<Option<(&str, usize)>, RecommendError> {
                match index.get(c).copied().flatten() {
                    Some(i) => Ok(reader
                        .field(i)
                        .map_err(csv_error)?
                        .filter(|t| !t.is_empty())
                        .map(|t| (t, i + 1))),
                    None => Ok(None),
                }
            };
            let empty = |c: usize| {
                let column = index.get(c).copied().flatten().map_or(0, |i| i + 1);
                bad(at(column, c), "empty".into())
            };
            let customer = text(0)?.ok_or_else(|| empty(0))?.0;
            let (date, date_col) = text(1)?.ok_or_else(|| empty(1))?;
            let day = days.of(date).ok_or_else(|| {
                bad(
                    at(date_col, 1),
                    format!("{date:?} is not an ISO date or date-time"),
                )
            })?;
            let product = text(2)?.ok_or_else(|| empty(2))?.0;
            let order = text(3)?.map(|t| t.0);
            let numeric = |c: usize| -> Result<Option<f64>, RecommendError> {
                match text(c)? {
                    Some((t, col)) => number(t)
                        .map(Some)
                        .ok_or_else(|| bad(at(col, c), format!("{t:?} is not a number"))),
                    None => Ok(None),
                }
            };
            let quantity = numeric(4)?;
            let amount = numeric(5)?;
            let category = text(6)?.map(|t| t.0);
            each(&Line {
                customer: Cow::Borrowed(customer),
                day,
                order: order.map(Cow::Borrowed),
                product: Cow::Borrowed(product),
                quantity,
                amount,
                category: category.map(Cow::Borrowed),
            });
        }
        Ok(())
    }

    /// Reads an array of order objects with the CSV's columns as keys, in camelCase (`customerId`) or as
    /// in the CSV (`customer_id`). Ids may be numbers; `amount` and `quantity` numbers or numeric strings.
    ///
    /// ```
    /// use nextoffer::recommend::OrderRows;
    /// let v = nextoffer::json::parse(r#"[{"customerId":7,"date":"2024-01-02","productId":"tea","amount":"3.5"}]"#).unwrap();
    /// let rows = OrderRows::from_json(&v).unwrap();
    /// assert_eq!(rows.lines()[0].customer, "7");
    /// assert_eq!(rows.lines()[0].amount, Some(3.5));
    /// let v = nextoffer::json::parse(r#"[{"customerId":"a","date":"2024-01-02"}]"#).unwrap();
    /// assert_eq!(OrderRows::from_json(&v).unwrap_err().to_string(), "orders[0].productId: is required");
    /// ```
    pub fn from_json(value: &Value) -> Result<Self, RecommendError> {
        let list = value.as_array().ok_or_else(|| {
            bad(
                "orders".into(),
                format!(
                    "must be CSV text or an array of orders, not {}",
                    value.type_name()
                ),
            )
        })?;
        let mut rows = Vec::with_capacity(list.len());
        let mut days = Days::default();
        for (i, order) in list.iter().enumerate() {
            let object = order.as_object().ok_or_else(|| {
                bad(
                    format!("orders[{i}]"),
                    format!("must be an object, not {}", order.type_name()),
                )
            })?;
            let get = |k: usize| object.get(KEYS.get(k)?).map(Field::of);
            rows.push(row_from(i, &mut days, get)?.into_row());
        }
        Ok(Self { rows })
    }

    /// [`OrderRows::from_json`] on JSON text, read with the streaming [`Reader`] instead of a tree: no
    /// `String` or `Value` per key and value. `Recommender.fromOrders` on MovieLens' 55,375 order objects
    /// in Wasm (`JSON.stringify` in the binding, about 21 ms of it, then this) took 83-90 ms against 94-97
    /// ms by parse-then-walk (interleaved in one Node process, loaded machine). Rows, values and errors are those of `from_json(&parse(text)?)`:
    /// `None` when `text` is not an array of valid JSON without repeated keys, for the caller to take the
    /// tree path and report the parse error as it always did; a bad row is reported only once the rest of
    /// the text is known to parse.
    ///
    /// ```
    /// use nextoffer::recommend::OrderRows;
    /// let text = r#"[{"customerId":7,"date":"2024-01-02","productId":"tea","amount":"3.5"}]"#;
    /// let rows = OrderRows::from_json_text(text).unwrap().unwrap();
    /// assert_eq!(rows, OrderRows::from_json(&nextoffer::json::parse(text).unwrap()).unwrap());
    /// assert!(OrderRows::from_json_text("[{\"date\": 1,}]").is_none());
    /// ```
    pub fn from_json_text(text: &str) -> Option<Result<Self, RecommendError>> {
        let mut r = Reader::new(text);
        if r.peek().ok()? != Kind::Array {
            return None;
        }
        r.begin_array().ok()?;
        let mut rows = Vec::new();
        let mut fields: [Option<Field<'_>>; KEYS.len()] = Default::default();
        let mut seen: Vec<Cow<'_, str>> = Vec::new();
        let mut days = Days::default();
        let mut i = 0usize;
        let failure = loop {
            if !r.next_item().ok()? {
                r.finish().ok()?;
                return Some(Ok(Self { rows }));
            }
            let kind = r.peek().ok()?;
            if kind != Kind::Object {
                r.value().ok()?;
                break bad(
                    format!("orders[{i}]"),
                    format!("must be an object, not {}", kind.name()),
                );
            }
            fields.iter_mut().for_each(|f| *f = None);
            seen.clear();
            r.begin_object().ok()?;
            while let Some(key) = r.next_key().ok()? {
                // JSON.stringify never repeats a key; any other text that does is the tree path's error.
                if seen.contains(&key) {
                    return None;
                }
                let slot = slot(&key);
                let field = match (slot, r.peek().ok()?) {
                    (Some(_), Kind::String) => Field::Text(r.string().ok()?),
                    (Some(_), Kind::Number) => Field::Number(r.number().ok()?),
                    _ => Field::Other(Cow::Owned(r.value().ok()?)),
                };
                if let Some(f) = slot.and_then(|k| fields.get_mut(k)) {
                    *f = Some(field);
                }
                seen.push(key);
            }
            let got = row_from(i, &mut days, |k| fields.get(k)?.clone());
            match got {
                Ok(line) => rows.push(line.into_row()),
                Err(e) => break e,
            }
            i += 1;
        };
        // The tree path parses the whole text before it reads a row: a syntax error or a repeated key
        // anywhere after the bad row is still the error to report.
        while r.next_item().ok()? {
            r.value().ok()?;
        }
        r.finish().ok()?;
        Some(Err(failure))
    }

    /// How many rows were read.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row was read.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows as order lines, in input order.
    pub fn lines(&self) -> Vec<OrderLine<'_>> {
        self.rows.iter().map(Line::order_line).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the tree path gives for `text`: the parse error as text, or the rows or the row error.
    fn by_tree(text: &str) -> Result<Result<OrderRows, String>, String> {
        let value = crate::json::parse(text).map_err(|e| e.to_string())?;
        Ok(OrderRows::from_json(&value).map_err(|e| e.to_string()))
    }

    #[test]
    fn json_text_reads_the_rows_and_errors_of_the_tree_path() {
        for (i, key) in KEYS.iter().enumerate() {
            assert_eq!(slot(key), Some(i), "{key}");
        }
        assert_eq!(slot("customerid"), None);
        let texts = [
            r#"[{"customerId":7,"date":"2024-01-02","productId":"tea","amount":"3.5","quantity":2}]"#,
            r#"[{"customer_id":"c\u00e9","date":"2024-01-02T10:00:00Z","product_id":"t\"ea","order_id":1,"category":"drinks"}]"#,
            r#"[{"customerId":null,"customer_id":"b","date":"2024-01-02","productId":"x"}]"#,
            r#"[{"customerId":"a","date":"2024-01-02","productId":"x","extra":{"deep":[1,{"k":null}]}}, 5]"#,
            r#"[{"customerId":"a","date":"2024-01-02","productId":"x"},{"customerId":true,"date":"2024-01-02","productId":"x"}]"#,
            r#"[{"customerId":"a","date":"someday","productId":"x"}]"#,
            r#"[{"customerId":"a","date":"2024-01-02","productId":"x","amount":"ten"}]"#,
            r#"[{"customerId":"a","date":"2024-01-02","productId":"x","quantity":[1]}]"#,
            r#"[{"customerId":"","date":"2024-01-02","productId":"x"}]"#,
            r#"[{"date":"2024-01-02","productId":"x","customerId":"late key"}]"#,
            r#"[]"#,
        ];
        for text in texts {
            let streamed = OrderRows::from_json_text(text)
                .unwrap_or_else(|| panic!("{text} parses"))
                .map_err(|e| e.to_string());
            assert_eq!(Ok(streamed), by_tree(text), "{text}");
        }
        // A null camelCase key hides its snake_case twin, as in the tree path.
        assert_eq!(
            OrderRows::from_json_text(texts[2])
                .unwrap()
                .unwrap_err()
                .to_string(),
            "orders[0].customerId: is required"
        );
        let rows = OrderRows::from_json_text(texts[1]).unwrap().unwrap();
        assert_eq!(rows.lines()[0].product, "t\"ea");
        assert_eq!(
            OrderRows::from_json_text(texts[4])
                .unwrap()
                .unwrap_err()
                .to_string(),
            "orders[1].customerId: must be a string or a number, not boolean"
        );
    }

    #[test]
    fn json_text_that_the_tree_path_rejects_is_left_to_it() {
        for text in [
            r#"{"orders":[]}"#,
            r#"[{"customerId":"a","customerId":"b","date":"2024-01-02","productId":"x"}]"#,
            r#"[{"customerId":"a","date":"2024-01-02","productId":"x","n":{"k":1,"k":2}}]"#,
            r#"[{"customerId":true,"date":"2024-01-02","productId":"x"}, {"oops"}]"#,
            r#"[{"customerId":"a","date":"2024-01-02","productId":"x"}] trailing"#,
            "",
        ] {
            assert!(OrderRows::from_json_text(text).is_none(), "{text}");
            assert!(by_tree(text).is_err() || text.starts_with('{'), "{text}");
        }
    }
}
