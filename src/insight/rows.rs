//! Reading one order row: CSV header roles, field validation, dates and amounts, JSON row objects. Every
//! failure names its place (`line 12, column 3 (amount)`, `orders[11].amount`).

use std::io::BufRead;

use super::csv::{text, CsvReader};
use super::orders::{OrderError, OrderRow, Position};
use super::Date;
use crate::json::Value;

/// Column indices of the roles in a CSV header.
pub(crate) struct Columns {
    customer_id: usize,
    date: usize,
    amount: usize,
    category: Option<usize>,
}

/// Numbers in messages are written as JavaScript would (and without pulling core's float formatting into
/// the Wasm build).
pub(crate) fn js_number(v: f64) -> String {
    crate::json::number_to_js_string(v).into_owned()
}

pub(crate) fn bad(at: Position, message: String) -> OrderError {
    OrderError::BadValue { at, message }
}

pub(crate) fn check_amount(amount: f64, at: impl Fn() -> Position) -> Result<f64, OrderError> {
    if amount.is_nan() || amount.is_infinite() {
        return Err(bad(
            at(),
            format!("amount {} is not a finite number", js_number(amount)),
        ));
    }
    if amount < 0.0 {
        return Err(bad(
            at(),
            format!(
                "amount {} is negative (net returns against their orders before import)",
                js_number(amount)
            ),
        ));
    }
    Ok(amount)
}

pub(crate) fn header_columns<R: BufRead>(csv: &CsvReader<R>) -> Result<Columns, OrderError> {
    let mut names = Vec::with_capacity(csv.len());
    for i in 0..csv.len() {
        names.push(csv.field(i)?.unwrap_or_default().to_ascii_lowercase());
    }
    let find = |want: &[&str]| names.iter().position(|n| want.iter().any(|w| n == w));
    let found = || names.join(", ");
    let require = |column: &'static str, aliases: &[&str]| {
        find(aliases).ok_or_else(|| OrderError::MissingColumn {
            column,
            found: found(),
        })
    };
    Ok(Columns {
        customer_id: require("customer_id", &["customer_id", "customerid", "customer"])?,
        date: require("date", &["date", "order_date", "orderdate"])?,
        amount: require("amount", &["amount", "revenue", "total"])?,
        category: find(&["category"]),
    })
}

/// One CSV row's customer id (bytes, known to be UTF-8), date, amount and category.
pub(crate) type Parsed<'a> = (&'a [u8], Date, f64, Option<&'a str>);

/// The previous row's date text and value: order files come in runs of the same date, so most rows skip
/// date parsing.
#[derive(Default)]
pub(crate) struct LastDate {
    text: Vec<u8>,
    date: Option<Date>,
}

/// Validates one CSV row. Fields are read as bytes ([`CsvReader::field_bytes`]): only an error message
/// or a rare slow path turns them into text.
pub(crate) fn parse_csv_row<'a, R: BufRead>(
    csv: &'a CsvReader<R>,
    columns: &Columns,
    decimal_comma: bool,
    line: u64,
    last_date: &mut LastDate,
) -> Result<Parsed<'a>, OrderError> {
    let at = |index: usize, name: &'static str| Position::Csv {
        line,
        column: index + 1,
        name,
    };
    let get = |index: usize, name: &'static str| -> Result<&'a [u8], OrderError> {
        match csv.field_bytes(index)? {
            Some(v) => Ok(v),
            None => Err(bad(
                at(index, name),
                format!("missing: the row has only {} columns", csv.len()),
            )),
        }
    };
    let customer_id = get(columns.customer_id, "customer_id")?;
    let date = get(columns.date, "date")?;
    let amount = get(columns.amount, "amount")?;
    let category = match columns.category {
        Some(i) => csv.field_bytes(i)?.map(text),
        None => None,
    };
    if customer_id.is_empty() {
        return Err(bad(
            at(columns.customer_id, "customer_id"),
            "customer id is empty".to_string(),
        ));
    }
    let date = match last_date.date {
        Some(d) if last_date.text == date => d,
        _ => {
            let d = Date::parse(text(date))
                .map_err(|e| bad(at(columns.date, "date"), e.to_string()))?;
            last_date.text.clear();
            last_date.text.extend_from_slice(date);
            last_date.date = Some(d);
            d
        }
    };
    let parsed = match fast_decimal(amount) {
        Some(v) => Some(v),
        None => parse_amount(text(amount), decimal_comma),
    };
    let amount = parsed.ok_or_else(|| {
        bad(
            at(columns.amount, "amount"),
            format!("\"{}\" is not a number", text(amount)),
        )
    })?;
    let amount = check_amount(amount, || at(columns.amount, "amount"))?;
    Ok((customer_id, date, amount, category))
}

/// Parses a plain decimal number. With `decimal_comma` (semicolon- or tab-separated files) a single comma
/// is read as the decimal point, as European spreadsheets write it.
pub(crate) fn parse_amount(s: &str, decimal_comma: bool) -> Option<f64> {
    if let Some(v) = fast_decimal(s.as_bytes()) {
        return Some(v);
    }
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b',' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    if s.contains(',') {
        if decimal_comma && !s.contains('.') && s.matches(',').count() == 1 {
            return s.replacen(',', ".", 1).parse().ok();
        }
        return None;
    }
    s.parse().ok()
}

/// `digits[.digits]` with at most 15 significant digits: the mantissa and the power of ten are exact in
/// f64, so one division gives the correctly rounded value (the same as `str::parse`), several times faster.
pub(crate) fn fast_decimal(s: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (mut mantissa, mut digits, mut fraction, mut dot) = (0u64, 0usize, 0usize, false);
    for &c in s {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                digits += 1;
                if digits > 15 {
                    return None;
                }
                fraction += usize::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    Some(mantissa as f64 / POW10.get(fraction)?)
}

pub(crate) fn row_from_json(index: usize, row: &Value) -> Result<OrderRow, OrderError> {
    let at = |name: &'static str| Position::Row { index, name };
    let Some(obj) = row.as_object() else {
        return Err(bad(
            Position::Row { index, name: "" },
            format!("expected an object, got {}", row.type_name()),
        ));
    };
    let id = obj.get("customer_id").or_else(|| obj.get("customerId"));
    let customer_id = match id {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => crate::json::number_to_js_string(*n).into_owned(),
        Some(other) => {
            return Err(bad(
                at("customer_id"),
                format!("expected a string, got {}", other.type_name()),
            ))
        }
        None => return Err(bad(at("customer_id"), "missing".to_string())),
    };
    let date = match obj.get("date") {
        Some(Value::String(s)) => Date::parse(s).map_err(|e| bad(at("date"), e.to_string()))?,
        Some(other) => {
            return Err(bad(
                at("date"),
                format!("expected an ISO date string, got {}", other.type_name()),
            ))
        }
        None => return Err(bad(at("date"), "missing".to_string())),
    };
    let amount = match obj.get("amount") {
        Some(Value::Number(n)) => *n,
        Some(Value::String(s)) => parse_amount(s.trim(), false)
            .ok_or_else(|| bad(at("amount"), format!("\"{s}\" is not a number")))?,
        Some(other) => {
            return Err(bad(
                at("amount"),
                format!("expected a number, got {}", other.type_name()),
            ))
        }
        None => return Err(bad(at("amount"), "missing".to_string())),
    };
    let category = match obj.get("category") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Null) | None => None,
        Some(other) => {
            return Err(bad(
                at("category"),
                format!("expected a string, got {}", other.type_name()),
            ))
        }
    };
    Ok(OrderRow {
        customer_id,
        date,
        amount,
        category,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_decimals_equal_the_standard_parser() {
        for s in [
            "0",
            "12",
            "12.5",
            "0.1",
            "29.33",
            "123456789012.345",
            "999999999999999",
            ".5",
            "5.",
        ] {
            assert_eq!(fast_decimal(s.as_bytes()), s.parse::<f64>().ok(), "{s}");
        }
        for s in ["", ".", "1.2.3", "-1", "1e3", "1234567890123456", "1,5"] {
            assert_eq!(fast_decimal(s.as_bytes()), None, "{s}");
        }
        assert_eq!(parse_amount("1e3", false), Some(1000.0));
        assert_eq!(parse_amount("1,5", true), Some(1.5));
        assert_eq!(parse_amount("1,5", false), None);
        assert_eq!(parse_amount("NaN", false), None);
    }
}
