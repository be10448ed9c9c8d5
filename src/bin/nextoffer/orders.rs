//! Reading the CLI's CSV inputs: an orders file (DESIGN.md, "Orders file") into
//! [`nextoffer::recommend::OrderLine`]s, and an events file into lift events.
//!
//! The library's own CSV reader (`insight::csv`) is crate-private and feeds customer summaries, not product
//! lines, so the command line carries this small RFC 4180 reader: quoted fields may hold commas, doubled
//! quotes and line breaks. Every bad row is an error naming its line and column, or, in lenient mode, is
//! skipped and counted so that nothing is dropped silently.

use super::Failure;
use nextoffer::recommend::{LiftEvent, LiftEventKind, OrderLine, Variant};

/// How many skipped rows are quoted in the output, so a broken file does not flood it.
const MAX_EXAMPLES: usize = 5;

/// Dates become day numbers (days since 1970-01-01, UTC), the unit `OrderLine::day` uses.
const SECONDS_PER_DAY: i64 = 86_400;

/// Rows read and rows skipped by lenient mode.
#[derive(Debug, Default)]
pub struct RowCounts {
    /// Data rows read (the header excluded).
    pub read: u64,
    /// Rows skipped because they were bad (lenient mode only).
    pub skipped: u64,
    /// The first few reasons rows were skipped.
    pub examples: Vec<String>,
}

/// One order row, owned, so that [`OrderRows::lines`] can lend `OrderLine`s borrowing from it.
struct OrderRow {
    customer: String,
    /// Seconds since the epoch, kept to order same-day lines by time.
    at: i64,
    day: i32,
    order: Option<String>,
    product: String,
    quantity: Option<f64>,
    amount: f64,
    category: Option<String>,
}

/// The rows of an orders file.
pub struct OrderRows {
    rows: Vec<OrderRow>,
    /// What was read and skipped.
    pub counts: RowCounts,
}

impl OrderRows {
    /// The rows as order lines, in file order.
    pub fn lines(&self) -> Vec<OrderLine<'_>> {
        self.rows.iter().map(OrderRow::line).collect()
    }

    /// The rows as order lines sorted by date and time (a stable sort: equal times keep file order), so
    /// that a customer's last line is the last purchase even when the file is not in time order.
    pub fn lines_in_time_order(&self) -> Vec<OrderLine<'_>> {
        let mut rows: Vec<&OrderRow> = self.rows.iter().collect();
        rows.sort_by_key(|r| r.at);
        rows.into_iter().map(OrderRow::line).collect()
    }
}

impl OrderRow {
    fn line(&self) -> OrderLine<'_> {
        let r = self;
        OrderLine {
            customer: &r.customer,
            day: r.day,
            order: r.order.as_deref(),
            product: &r.product,
            quantity: r.quantity,
            amount: Some(r.amount),
            category: r.category.as_deref(),
        }
    }
}

/// One CSV record: the line it starts on (1-based) and its fields.
#[derive(Debug)]
struct Record {
    line: u64,
    fields: Vec<String>,
}

/// Splits CSV text into records (comma-delimited, RFC 4180 quoting, CRLF or LF, blank lines skipped).
struct Records<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Line breaks consumed so far.
    line: u64,
}

impl<'a> Records<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Records {
            bytes: text.as_bytes(),
            pos: 0,
            line: 0,
        }
    }

    fn take(field: &mut Vec<u8>, line: u64, column: usize) -> Result<String, String> {
        String::from_utf8(std::mem::take(field))
            .map_err(|_| format!("line {line}, column {column}: text is not UTF-8"))
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Record, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.pos >= self.bytes.len() {
                return None;
            }
            let start = self.line + 1;
            let mut fields = Vec::new();
            let mut field = Vec::new();
            let mut in_quotes = false;
            let mut quoted = false;
            loop {
                let here = self.bytes.get(self.pos).copied();
                let next = self.bytes.get(self.pos + 1).copied();
                match here {
                    None if in_quotes => {
                        return Some(Err(format!(
                            "line {start}: quoted field is not closed before the end of the file"
                        )))
                    }
                    None => break,
                    Some(b'"') if in_quotes => {
                        if next == Some(b'"') {
                            field.push(b'"');
                            self.pos += 2;
                        } else {
                            in_quotes = false;
                            self.pos += 1;
                        }
                    }
                    Some(b'"') if !quoted && field.iter().all(u8::is_ascii_whitespace) => {
                        field.clear();
                        in_quotes = true;
                        quoted = true;
                        self.pos += 1;
                    }
                    Some(b'\n') if !in_quotes => {
                        self.pos += 1;
                        self.line += 1;
                        break;
                    }
                    Some(b'\r') if !in_quotes && next == Some(b'\n') => self.pos += 1,
                    Some(b',') if !in_quotes => {
                        match Self::take(&mut field, start, fields.len() + 1) {
                            Ok(f) => fields.push(f),
                            Err(e) => return Some(Err(e)),
                        }
                        quoted = false;
                        self.pos += 1;
                    }
                    Some(b) => {
                        if b == b'\n' {
                            self.line += 1;
                        }
                        field.push(b);
                        self.pos += 1;
                    }
                }
            }
            if fields.is_empty() && !quoted && field.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Self::take(&mut field, start, fields.len() + 1).map(|f| {
                fields.push(f);
                Record {
                    line: start,
                    fields,
                }
            }));
        }
    }
}

/// A column the caller asks for: its name and, when required, what to say if it is missing.
struct Wanted {
    name: &'static str,
    missing: Option<&'static str>,
}

/// Reads `text` (named `file` in messages): maps the wanted columns by header name (case-insensitive),
/// then calls `row` with each record's line and the wanted cells (`None` for absent optional columns).
/// A row error is fatal unless `lenient`, in which case it is counted.
fn scan(
    file: &str,
    text: &str,
    lenient: bool,
    wanted: &[Wanted],
    mut row: impl FnMut(u64, &[Option<Cell<'_>>]) -> Result<(), String>,
) -> Result<RowCounts, Failure> {
    let input = |message: String| Failure::Input(format!("{file}: {message}"));
    let mut records = Records::new(text);
    let header = records
        .next()
        .ok_or_else(|| input("the file is empty (a header line is needed)".to_owned()))?
        .map_err(input)?;
    let names: Vec<String> = header
        .fields
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut columns = Vec::with_capacity(wanted.len());
    for w in wanted {
        let index = names.iter().position(|n| n == w.name);
        if let (None, Some(why)) = (index, w.missing) {
            return Err(input(format!(
                "line {}: no {} column ({why})",
                header.line, w.name
            )));
        }
        columns.push(index.map(|i| (i, w.name)));
    }
    let mut counts = RowCounts::default();
    for record in records {
        let record = record.map_err(input)?;
        counts.read += 1;
        let result = if record.fields.len() == names.len() {
            let cells: Vec<Option<Cell<'_>>> = columns
                .iter()
                .map(|c| {
                    c.and_then(|(i, name)| {
                        record.fields.get(i).map(|text| Cell {
                            line: record.line,
                            column: i + 1,
                            name,
                            text: text.trim(),
                        })
                    })
                })
                .collect();
            row(record.line, &cells)
        } else {
            Err(format!(
                "line {}: {} fields where the header has {}",
                record.line,
                record.fields.len(),
                names.len()
            ))
        };
        if let Err(message) = result {
            if !lenient {
                return Err(input(message));
            }
            counts.skipped += 1;
            if counts.examples.len() < MAX_EXAMPLES {
                counts.examples.push(message);
            }
        }
    }
    Ok(counts)
}

/// One field of a data row, with where it is for messages.
#[derive(Clone, Copy)]
struct Cell<'a> {
    line: u64,
    column: usize,
    name: &'static str,
    text: &'a str,
}

impl<'a> Cell<'a> {
    fn bad(&self, what: &str) -> String {
        format!(
            "line {}, column {} ({}): {what}",
            self.line, self.column, self.name
        )
    }

    fn non_empty(&self) -> Result<&'a str, String> {
        if self.text.is_empty() {
            Err(self.bad("empty"))
        } else {
            Ok(self.text)
        }
    }

    fn number(&self) -> Result<f64, String> {
        match self.text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.bad(&format!("{:?} is not a number", self.text))),
        }
    }

    /// The instant (seconds since the epoch) and its day number.
    fn instant(&self) -> Result<(i64, i32), String> {
        nextoffer::parse_instant(self.text)
            .and_then(|s| Some((s, i32::try_from(s.div_euclid(SECONDS_PER_DAY)).ok()?)))
            .ok_or_else(|| self.bad(&format!("{:?} is not an ISO date or date-time", self.text)))
    }
}

/// The cell of wanted column `i`, if the column exists.
fn cell<'a>(cells: &[Option<Cell<'a>>], i: usize) -> Option<Cell<'a>> {
    cells.get(i).copied().flatten()
}

/// A required cell (its column was checked when the header was read).
fn required<'a>(cells: &[Option<Cell<'a>>], i: usize, line: u64) -> Result<Cell<'a>, String> {
    cell(cells, i).ok_or_else(|| format!("line {line}: a required column is missing"))
}

/// An optional text cell: absent or empty is `None`.
fn optional_text(cells: &[Option<Cell<'_>>], i: usize) -> Option<String> {
    cell(cells, i)
        .filter(|c| !c.text.is_empty())
        .map(|c| c.text.to_owned())
}

/// Reads an orders file with a `product_id` column.
pub fn read_orders(file: &str, text: &str, lenient: bool) -> Result<OrderRows, Failure> {
    const NEEDED: &str = "the orders file needs customer_id, date and amount";
    let wanted = [
        Wanted {
            name: "customer_id",
            missing: Some(NEEDED),
        },
        Wanted {
            name: "date",
            missing: Some(NEEDED),
        },
        Wanted {
            name: "amount",
            missing: Some(NEEDED),
        },
        Wanted {
            name: "product_id",
            missing: Some("similar, rules and evaluate need one product per row"),
        },
        Wanted {
            name: "order_id",
            missing: None,
        },
        Wanted {
            name: "quantity",
            missing: None,
        },
        Wanted {
            name: "category",
            missing: None,
        },
    ];
    let mut rows = Vec::new();
    let counts = scan(file, text, lenient, &wanted, |line, cells| {
        let customer = required(cells, 0, line)?.non_empty()?.to_owned();
        let (at, day) = required(cells, 1, line)?.instant()?;
        let amount = required(cells, 2, line)?.number()?;
        let product = required(cells, 3, line)?.non_empty()?.to_owned();
        let quantity = match cell(cells, 5).filter(|c| !c.text.is_empty()) {
            Some(c) => Some(c.number()?),
            None => None,
        };
        rows.push(OrderRow {
            customer,
            at,
            day,
            order: optional_text(cells, 4),
            product,
            quantity,
            amount,
            category: optional_text(cells, 6),
        });
        Ok(())
    })?;
    Ok(OrderRows { rows, counts })
}

/// One row of an events file, owned.
pub struct EventRow {
    offer: String,
    variant: Variant,
    kind: LiftEventKind,
}

impl EventRow {
    /// The row as a lift event.
    pub fn event(&self) -> LiftEvent<'_> {
        LiftEvent {
            offer: &self.offer,
            variant: self.variant,
            kind: self.kind,
        }
    }
}

/// Reads an events file: `offer_id`, `variant` (`treatment` or `control`) and `event` (`exposure` or
/// `conversion`), case-insensitive; other columns are ignored.
pub fn read_events(
    file: &str,
    text: &str,
    lenient: bool,
) -> Result<(Vec<EventRow>, RowCounts), Failure> {
    const NEEDED: &str = "the events file needs offer_id, variant and event";
    let wanted = ["offer_id", "variant", "event"].map(|name| Wanted {
        name,
        missing: Some(NEEDED),
    });
    let mut rows = Vec::new();
    let counts = scan(file, text, lenient, &wanted, |line, cells| {
        let offer = required(cells, 0, line)?.non_empty()?.to_owned();
        let v = required(cells, 1, line)?;
        let variant = match v.text.to_ascii_lowercase().as_str() {
            "treatment" => Variant::Treatment,
            "control" => Variant::Control,
            _ => return Err(v.bad(&format!("{:?} is neither treatment nor control", v.text))),
        };
        let e = required(cells, 2, line)?;
        let kind = match e.text.to_ascii_lowercase().as_str() {
            "exposure" => LiftEventKind::Exposure,
            "conversion" => LiftEventKind::Conversion,
            _ => return Err(e.bad(&format!("{:?} is neither exposure nor conversion", e.text))),
        };
        rows.push(EventRow {
            offer,
            variant,
            kind,
        });
        Ok(())
    })?;
    Ok((rows, counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(u64, Vec<String>)> {
        Records::new(text)
            .map(|r| r.map(|r| (r.line, r.fields)).unwrap())
            .collect()
    }

    #[test]
    fn quoted_fields_keep_commas_doubled_quotes_and_line_breaks() {
        let r = records("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",z\n");
        assert_eq!(r.len(), 3);
        assert_eq!(r[1], (2, vec!["x, y".to_owned(), "say \"hi\"".to_owned()]));
        assert_eq!(r[2], (4, vec!["two\nlines".to_owned(), "z".to_owned()]));
    }

    #[test]
    fn an_unclosed_quote_names_the_line_it_opened_on() {
        let err = Records::new("a\n\"open\n").nth(1).unwrap().unwrap_err();
        assert_eq!(
            err,
            "line 2: quoted field is not closed before the end of the file"
        );
    }
}
