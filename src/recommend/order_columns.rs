//! Order objects as columns: what the Wasm binding hands over for an array of order objects instead of
//! their JSON text (`src/wasm/order_columns.rs` walks the objects in JavaScript).
//!
//! `Recommender.fromOrders(orders)` on MovieLens' 55,375 order objects spent about 21 ms in `JSON.stringify`
//! and then read the 3.3 MB of text back in Wasm, where the CSV of the same rows was read in half the time.
//! With the columns the whole build went from a median of 77 to 40 ms (Node 20, old and new module
//! interleaved in one process, 21 rounds; the CSV build, sharing the streamed rows, from 40 to 34 ms).
//! The walk reads each object's keys once, interns its strings (the distinct names cross as one string) and
//! writes, per row, one `u32` per field: a name, a number, or nothing. The rows are then validated here by
//! the code that validates the JSON text's rows ([`super::orders`]), in the same order and with the same
//! messages (`orders[3].date: "someday" is not an ISO date or date-time`).

use std::borrow::Cow;

use super::error::RecommendError;
use super::orders::{row_from, Days, Field, Line};

/// The fields of a row, in this order: `customerId`, `date`, `productId`, `orderId`, `quantity`, `amount`,
/// `category` (the walk has already chosen between a camelCase key and its snake_case twin).
pub const ORDER_FIELDS: usize = 7;

/// A field that is absent or `null` (or a number JSON writes as `null`: NaN, ±Infinity).
pub const NO_VALUE: u32 = u32::MAX;

/// The flag of a field holding a number: `NUMBER | k` is the `k`-th number. Other values are name indexes.
pub const NUMBER: u32 = 1 << 31;

/// The column of each order object key, by its index in the JSON readers' key list (`customerId`,
/// `customer_id`, `date`, `productId`, `product_id`, `orderId`, `order_id`, `quantity`, `amount`,
/// `category`). The snake_case keys have none: the walk resolved each pair to the one JSON.stringify would
/// have kept (a camelCase key, even `null`, hides its twin), and the paths of the messages a resolved
/// value can cause name the camelCase key.
const COLUMNS: [Option<usize>; 10] = [
    Some(0),
    None,
    Some(1),
    Some(2),
    None,
    Some(3),
    None,
    Some(4),
    Some(5),
    Some(6),
];

/// Order rows as columns (see the module docs).
///
/// ```
/// use nextoffer::recommend::{OrderColumns, NO_VALUE, NUMBER};
/// // [{ customerId: "c1", date: "2024-01-02", productId: "tea", amount: 3.5 }]
/// let names = "c1,2024-01-02,tea".to_owned();
/// let refs = vec![0, 1, 2, NO_VALUE, NO_VALUE, NUMBER, NO_VALUE];
/// let columns = OrderColumns::new(names, &[2, 10, 3], refs, vec![3.5]).unwrap();
/// assert_eq!(columns.len(), 1);
/// assert!(OrderColumns::new("c1".into(), &[2], vec![1, 0, 0, 0, 0, 0, 0], vec![]).is_err()); // no name 1
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderColumns {
    names: String,
    ends: Vec<usize>,
    refs: Vec<u32>,
    numbers: Vec<f64>,
}

fn inconsistent(message: &str) -> RecommendError {
    RecommendError::Orders {
        at: "orders".into(),
        message: format!("the order columns are inconsistent: {message}"),
    }
}

impl OrderColumns {
    /// Columns from the walk's output: `names`, the distinct strings joined by commas (a separator, so that a lone surrogate at the end of a name cannot pair with one at the start of the next), with
    /// their `lengths` in UTF-16 code units (JavaScript's `length`; a lone surrogate became U+FFFD, one unit
    /// as well, on its way into Wasm); `refs`, [`ORDER_FIELDS`] per row; `numbers`, finite. Anything that
    /// does not fit together is an error (the walk never writes it).
    pub fn new(
        names: String,
        lengths: &[u32],
        refs: Vec<u32>,
        numbers: Vec<f64>,
    ) -> Result<Self, RecommendError> {
        let mut ends = Vec::with_capacity(lengths.len());
        let mut chars = names.char_indices();
        let mut at = 0;
        for (i, &length) in lengths.iter().enumerate() {
            if i > 0 {
                match chars.next() {
                    Some((comma, ',')) => at = comma + 1,
                    _ => return Err(inconsistent("the names are not separated by commas")),
                }
            }
            let mut units = 0;
            while units < length as usize {
                let (start, c) = chars
                    .next()
                    .ok_or_else(|| inconsistent("the names are shorter than their lengths"))?;
                units += c.len_utf16();
                at = start + c.len_utf8();
            }
            if units != length as usize {
                return Err(inconsistent("a name's length splits a character"));
            }
            ends.push(at);
        }
        if chars.next().is_some() {
            return Err(inconsistent("the names are longer than their lengths"));
        }
        if refs.len() % ORDER_FIELDS != 0 {
            return Err(inconsistent("the references are not whole rows"));
        }
        let known = |r: u32| {
            r == NO_VALUE
                || (r & NUMBER != 0 && ((r & !NUMBER) as usize) < numbers.len())
                || (r & NUMBER == 0 && (r as usize) < ends.len())
        };
        if !refs.iter().all(|&r| known(r)) {
            return Err(inconsistent("a reference is out of range"));
        }
        if !numbers.iter().all(|n| n.is_finite()) {
            return Err(inconsistent("a number is not finite"));
        }
        Ok(Self {
            names,
            ends,
            refs,
            numbers,
        })
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.refs.len() / ORDER_FIELDS
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }

    /// Name `index`, without its separator.
    fn name(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            // Past the previous name's end and the one-byte separator the walk writes (a comma).
            Some(previous) => self.ends.get(previous)? + 1,
            None => 0,
        };
        self.names.get(start..end)
    }

    /// The value of one field as the JSON text's reader would have it.
    fn field(&self, r: u32) -> Option<Field<'_>> {
        if r == NO_VALUE {
            None
        } else if r & NUMBER != 0 {
            self.numbers
                .get((r & !NUMBER) as usize)
                .map(|&n| Field::Number(n))
        } else {
            self.name(r as usize).map(|s| Field::Text(Cow::Borrowed(s)))
        }
    }

    /// Validates the rows in order, handing each valid one to `each`; the first bad row ends the reading
    /// with the error the JSON text's reader gives for it.
    pub(super) fn read(&self, each: &mut dyn FnMut(&Line<'_>)) -> Result<(), RecommendError> {
        let mut days = Days::default();
        for (i, row) in self.refs.chunks_exact(ORDER_FIELDS).enumerate() {
            let line = match self.plain(row, &mut days) {
                Some(line) => line,
                None => row_from(i, &mut days, |key| {
                    self.field(*row.get((*COLUMNS.get(key)?)?)?)
                })?,
            };
            each(&line);
        }
        Ok(())
    }

    /// The usual row read directly: ids, date, order and category non-empty names (or absent where
    /// optional), a date that parses, quantity and amount numbers (or absent). That is the line
    /// [`row_from`] gives for it; any other row (an empty or numeric id, a numeric text, a bad date) is
    /// left to [`row_from`], which reads it or names its error. Skipping the generic lookups of every key
    /// saved about a tenth of the Wasm build from MovieLens' order objects.
    fn plain<'a>(&'a self, row: &[u32], days: &mut Days) -> Option<Line<'a>> {
        let &[customer, date, product, order, quantity, amount, category] = row else {
            return None;
        };
        let name = |r: u32| {
            if r & NUMBER == 0 {
                self.name(r as usize).filter(|s| !s.is_empty())
            } else {
                None
            }
        };
        let optional_name = |r: u32| match r {
            NO_VALUE => Some(None),
            r => name(r).map(|s| Some(Cow::Borrowed(s))),
        };
        let optional_number = |r: u32| match r {
            NO_VALUE => Some(None),
            r if r & NUMBER != 0 => self.numbers.get((r & !NUMBER) as usize).map(|&n| Some(n)),
            _ => None,
        };
        let customer = name(customer)?;
        let day = days.of(name(date)?)?;
        Some(Line {
            customer: Cow::Borrowed(customer),
            day,
            order: optional_name(order)?,
            product: Cow::Borrowed(name(product)?),
            quantity: optional_number(quantity)?,
            amount: optional_number(amount)?,
            category: optional_name(category)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Object, Value};
    use crate::recommend::api::{Input, RecommenderApi};
    use crate::recommend::Rng;

    /// The columns the JavaScript walk writes for `orders` (objects whose values are strings, numbers or
    /// null): the same rules, in Rust, so that both paths can be compared on generated input here.
    fn walk(orders: &[Object]) -> OrderColumns {
        let mut names: Vec<String> = Vec::new();
        let mut refs = Vec::new();
        let mut numbers = Vec::new();
        let pairs = [
            ("customerId", "customer_id"),
            ("date", "date"),
            ("productId", "product_id"),
            ("orderId", "order_id"),
            ("quantity", "quantity"),
            ("amount", "amount"),
            ("category", "category"),
        ];
        for o in orders {
            for (camel, snake) in pairs {
                let r = match o.get(camel).or_else(|| o.get(snake)) {
                    None | Some(Value::Null) => NO_VALUE,
                    Some(Value::Number(n)) => {
                        numbers.push(*n + 0.0);
                        NUMBER | (numbers.len() as u32 - 1)
                    }
                    Some(Value::String(s)) => match names.iter().position(|n| n == s) {
                        Some(k) => k as u32,
                        None => {
                            names.push(s.clone());
                            names.len() as u32 - 1
                        }
                    },
                    Some(other) => panic!("the walk leaves {other:?} to the text"),
                };
                refs.push(r);
            }
        }
        let lengths: Vec<u32> = names
            .iter()
            .map(|n| n.encode_utf16().count() as u32)
            .collect();
        OrderColumns::new(names.join(","), &lengths, refs, numbers).unwrap()
    }

    /// The model's bytes, or the error as `code path: message`.
    fn outcome(
        built: Result<RecommenderApi, crate::recommend::api::ApiError>,
    ) -> Result<Vec<u8>, String> {
        built
            .map(|api| api.to_bytes())
            .map_err(|e| format!("{} {}: {}", e.code, e.path, e.message))
    }

    #[test]
    fn columns_give_the_models_and_errors_of_the_json_objects() {
        let mut rng = Rng::new(7);
        let keys = [
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
            "note",
        ];
        let texts = [
            "a",
            "b",
            "é,",
            "",
            "1",
            "2024-01-02",
            "2024-01-03T10:00:00Z",
            "someday",
            "2.5",
            "ten",
            "-1",
            "0",
            "tea",
            "cup",
            "\u{1F600}",
            "\u{FFFD}",
        ];
        let numbers = [0.0, -0.0, 1.0, 2.5, -3.0, 1e21, 7.0, 20_000.0, 0.1];
        let options = [
            None,
            Some(crate::json::parse(r#"{"basket":"customer","neighbours":3}"#).unwrap()),
            Some(crate::json::parse(r#"{"neighbours":0}"#).unwrap()),
        ];
        let mut errors = 0;
        for round in 0..600 {
            let count = rng.below(7) as usize;
            let orders: Vec<Object> = (0..count)
                .map(|_| {
                    let mut o = Object::new();
                    // Mostly valid rows, so that errors come late in the array as often as early.
                    let valid = rng.below(3) > 0;
                    for key in keys {
                        let required = matches!(key, "customerId" | "date" | "productId");
                        let value = if valid && required {
                            match key {
                                "date" => {
                                    Value::from(["2024-01-02", "2024-01-05"][rng.below(2) as usize])
                                }
                                _ => Value::from(
                                    ["a", "b", "c", "tea", "cup"][rng.below(5) as usize],
                                ),
                            }
                        } else {
                            // Valid rows mostly leave the other keys out.
                            match rng.below(if valid { 18 } else { 6 }) {
                                0 | 1 | 6.. => continue,
                                2 => Value::Null,
                                3 => Value::from(numbers[rng.below(numbers.len() as u64) as usize]),
                                _ => Value::from(texts[rng.below(texts.len() as u64) as usize]),
                            }
                        };
                        o.insert(key, value);
                    }
                    o
                })
                .collect();
            let option = options[round % options.len()].as_ref();
            let value = Value::Array(orders.iter().cloned().map(Value::Object).collect());
            let by_text = outcome(RecommenderApi::from_orders_input(
                Input::Json(&value),
                option,
            ));
            let by_columns = outcome(RecommenderApi::from_order_columns(&walk(&orders), option));
            errors += usize::from(by_text.is_err());
            assert_eq!(by_columns, by_text, "{}", value.to_json());
        }
        assert!(errors > 100 && errors < 500, "{errors}");
    }

    #[test]
    fn columns_that_do_not_fit_together_are_an_error() {
        let row = |r: u32| {
            vec![
                r, NO_VALUE, NO_VALUE, NO_VALUE, NO_VALUE, NO_VALUE, NO_VALUE,
            ]
        };
        for (names, lengths, refs, numbers) in [
            ("ab", vec![1], row(0), vec![]),
            ("a", vec![2], row(0), vec![]),
            ("a;b", vec![1, 1], row(0), vec![]),
            ("a", vec![1], row(1), vec![]),
            ("a", vec![1], row(NUMBER), vec![]),
            ("a", vec![1], row(NUMBER), vec![f64::NAN]),
            ("a", vec![1], vec![0; 6], vec![]),
            ("\u{1F600}", vec![1], row(0), vec![]),
        ] {
            let got = OrderColumns::new(names.into(), &lengths, refs, numbers);
            let message = got.unwrap_err().to_string();
            assert!(
                message.starts_with("orders: the order columns are inconsistent"),
                "{message}"
            );
        }
        // Empty names, a name with the separator in it, and a character outside the BMP (two units).
        let names = ",a,b,\u{1F600}x".to_owned();
        let columns = OrderColumns::new(names, &[0, 3, 3], row(2), vec![]).unwrap();
        assert_eq!(columns.name(0), Some(""));
        assert_eq!(columns.name(1), Some("a,b"));
        assert_eq!(columns.name(2), Some("\u{1F600}x"));
        assert_eq!(columns.len(), 1);
    }
}
