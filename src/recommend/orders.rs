//! Order rows as the Wasm binding receives them, CSV text or an array of order objects, read into owned
//! rows that lend [`OrderLine`]s to [`super::Baskets::from_lines`].
//!
//! The CLI has its own reader with lenient mode and row counts (`src/bin/nextoffer/orders.rs`); this one is
//! strict (the first bad row is an error naming its line and column, or its index and key) and reads the same
//! columns the same way, so a model built in the browser equals the one the CLI builds from the same file.

use super::baskets::OrderLine;
use super::error::RecommendError;
use crate::insight::csv::CsvReader;
use crate::json::{js_to_string, Value};
use crate::time::{parse_instant, SECONDS_PER_DAY};

/// One order row, owned.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    customer: String,
    day: i32,
    order: Option<String>,
    product: String,
    quantity: Option<f64>,
    amount: Option<f64>,
    category: Option<String>,
}

/// Order rows read from CSV text or JSON order objects.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderRows {
    rows: Vec<Row>,
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
        let mut rows = Vec::new();
        while reader.next_record(false).map_err(csv_error)? {
            let line = reader.line();
            let cell = |c: usize| -> Result<Option<(&str, usize)>, RecommendError> {
                match index.get(c).copied().flatten() {
                    Some(i) => Ok(reader.field(i).map_err(csv_error)?.map(|t| (t, i + 1))),
                    None => Ok(None),
                }
            };
            let at = |column: usize, c: usize| {
                format!(
                    "line {line}, column {column} ({})",
                    COLUMNS.get(c).copied().unwrap_or_default()
                )
            };
            let text = |c: usize| -> Result<Option<(String, usize)>, RecommendError> {
                Ok(cell(c)?
                    .filter(|(t, _)| !t.is_empty())
                    .map(|(t, i)| (t.to_owned(), i)))
            };
            let required = |v: Option<(String, usize)>, c: usize| {
                v.ok_or_else(|| {
                    let column = index.get(c).copied().flatten().map_or(0, |i| i + 1);
                    bad(at(column, c), "empty".into())
                })
            };
            let customer = required(text(0)?, 0)?.0;
            let (date, date_col) = required(text(1)?, 1)?;
            let day = day_of(&date).ok_or_else(|| {
                bad(
                    at(date_col, 1),
                    format!("{date:?} is not an ISO date or date-time"),
                )
            })?;
            let product = required(text(2)?, 2)?.0;
            let order = text(3)?.map(|t| t.0);
            let numeric = |c: usize| -> Result<Option<f64>, RecommendError> {
                match text(c)? {
                    Some((t, col)) => number(&t)
                        .map(Some)
                        .ok_or_else(|| bad(at(col, c), format!("{t:?} is not a number"))),
                    None => Ok(None),
                }
            };
            let quantity = numeric(4)?;
            let amount = numeric(5)?;
            let category = text(6)?.map(|t| t.0);
            rows.push(Row {
                customer,
                day,
                order,
                product,
                quantity,
                amount,
                category,
            });
        }
        Ok(Self { rows })
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
        for (i, order) in list.iter().enumerate() {
            let object = order.as_object().ok_or_else(|| {
                bad(
                    format!("orders[{i}]"),
                    format!("must be an object, not {}", order.type_name()),
                )
            })?;
            let get = |camel: &'static str, snake: &'static str| {
                object
                    .get(camel)
                    .map(|v| (camel, v))
                    .or_else(|| object.get(snake).map(|v| (snake, v)))
                    .filter(|(_, v)| !v.is_null())
            };
            let text = |camel: &'static str,
                        snake: &'static str|
             -> Result<Option<String>, RecommendError> {
                match get(camel, snake) {
                    Some((_, v @ (Value::String(_) | Value::Number(_)))) => {
                        Ok(Some(js_to_string(v).into_owned()).filter(|s| !s.is_empty()))
                    }
                    Some((key, v)) => Err(bad(
                        format!("orders[{i}].{key}"),
                        format!("must be a string or a number, not {}", v.type_name()),
                    )),
                    None => Ok(None),
                }
            };
            let required = |camel: &'static str, snake: &'static str| {
                text(camel, snake)?
                    .ok_or_else(|| bad(format!("orders[{i}].{camel}"), "is required".into()))
            };
            let numeric =
                |camel: &'static str, snake: &'static str| -> Result<Option<f64>, RecommendError> {
                    match get(camel, snake) {
                        Some((_, Value::Number(n))) if n.is_finite() => Ok(Some(*n)),
                        Some((_, Value::String(s))) if number(s).is_some() => Ok(number(s)),
                        Some((key, v)) => Err(bad(
                            format!("orders[{i}].{key}"),
                            format!("{} is not a number", v.to_json()),
                        )),
                        None => Ok(None),
                    }
                };
            let customer = required("customerId", "customer_id")?;
            let date = required("date", "date")?;
            let day = day_of(&date).ok_or_else(|| {
                bad(
                    format!("orders[{i}].date"),
                    format!("{date:?} is not an ISO date or date-time"),
                )
            })?;
            rows.push(Row {
                customer,
                day,
                product: required("productId", "product_id")?,
                order: text("orderId", "order_id")?,
                quantity: numeric("quantity", "quantity")?,
                amount: numeric("amount", "amount")?,
                category: text("category", "category")?,
            });
        }
        Ok(Self { rows })
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
        self.rows
            .iter()
            .map(|r| OrderLine {
                customer: &r.customer,
                day: r.day,
                order: r.order.as_deref(),
                product: &r.product,
                quantity: r.quantity,
                amount: r.amount,
                category: r.category.as_deref(),
            })
            .collect()
    }
}
