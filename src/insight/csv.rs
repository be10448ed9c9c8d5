//! A small streaming CSV record reader (RFC 4180 quoting), so an orders file of any length is read one
//! record at a time into reused buffers: memory stays flat however many rows the file has.
//!
//! Unquoted records (the common case) are split in place; quoted fields are unescaped into a second buffer
//! and may span lines. The delimiter is detected from the header line (comma, semicolon or tab).

use std::io::BufRead;

/// A failure reading the byte stream itself (not a bad value in a field).
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The underlying reader failed.
    #[error("line {line}: read failed: {source}")]
    Io {
        /// The line being read.
        line: u64,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A quoted field was still open at the end of the input.
    #[error("line {line}: quoted field is not closed before the end of the file")]
    UnclosedQuote {
        /// The line where the record started.
        line: u64,
    },
    /// A field's bytes are not UTF-8.
    #[error("line {line}, column {column}: text is not UTF-8")]
    NotUtf8 {
        /// The line where the record started.
        line: u64,
        /// The 1-based column.
        column: usize,
    },
}

/// Reads CSV records one at a time from any buffered reader.
pub(crate) struct CsvReader<R> {
    inner: R,
    delimiter: u8,
    /// Physical lines consumed so far.
    lines_read: u64,
    /// The raw bytes of the current record (one or more physical lines).
    raw: Vec<u8>,
    /// The current unquoted record once validated as UTF-8 as a whole (the buffer of `raw`, moved, not
    /// copied): fields are then sliced from it without validating each one again.
    text: String,
    /// Unescaped field bytes when the record had quotes.
    unescaped: Vec<u8>,
    /// Field byte ranges, into `raw` or `unescaped` depending on `quoted`.
    ranges: Vec<(usize, usize)>,
    quoted: bool,
    /// The line the current record started on (1-based).
    record_line: u64,
}

impl<R: BufRead> CsvReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        CsvReader {
            inner,
            delimiter: b',',
            lines_read: 0,
            raw: Vec::with_capacity(256),
            text: String::new(),
            unescaped: Vec::new(),
            ranges: Vec::with_capacity(16),
            quoted: false,
            record_line: 0,
        }
    }

    /// Reads the next non-blank record. `detect_delimiter` is set for the header: the delimiter becomes the
    /// most frequent of comma, semicolon and tab in that line.
    pub(crate) fn next_record(&mut self, detect_delimiter: bool) -> Result<bool, CsvError> {
        // Take back the buffer lent to `text` by the previous record.
        if self.raw.capacity() == 0 {
            self.raw = std::mem::take(&mut self.text).into_bytes();
        }
        self.text.clear();
        loop {
            self.raw.clear();
            self.record_line = self.lines_read + 1;
            if !self.read_line()? {
                return Ok(false);
            }
            if self.lines_read == 1 && self.raw.starts_with(b"\xEF\xBB\xBF") {
                self.raw.drain(..3);
            }
            trim_newline(&mut self.raw);
            if self.raw.iter().all(|c| c.is_ascii_whitespace()) {
                continue;
            }
            if detect_delimiter {
                self.delimiter = detect(&self.raw);
            }
            if self.split_plain() {
                // One validation for the whole record; on failure `field` validates per field to name
                // the column.
                match String::from_utf8(std::mem::take(&mut self.raw)) {
                    Ok(text) => self.text = text,
                    Err(e) => self.raw = e.into_bytes(),
                }
            } else {
                self.split_quoted()?;
            }
            return Ok(true);
        }
    }

    /// Appends one physical line (with its newline) to `raw`. False at end of input.
    fn read_line(&mut self) -> Result<bool, CsvError> {
        let line = self.lines_read + 1;
        let n = self
            .inner
            .read_until(b'\n', &mut self.raw)
            .map_err(|source| CsvError::Io { line, source })?;
        if n == 0 {
            return Ok(false);
        }
        self.lines_read += 1;
        Ok(true)
    }

    /// Splits an unquoted record in one pass; false (and nothing to use) if it has a quote.
    fn split_plain(&mut self) -> bool {
        self.quoted = false;
        self.ranges.clear();
        let mut start = 0;
        for (i, &c) in self.raw.iter().enumerate() {
            if c == self.delimiter {
                self.ranges.push((start, i));
                start = i + 1;
            } else if c == b'"' {
                return false;
            }
        }
        self.ranges.push((start, self.raw.len()));
        true
    }

    fn split_quoted(&mut self) -> Result<(), CsvError> {
        self.quoted = true;
        self.ranges.clear();
        self.unescaped.clear();
        let mut i = 0;
        let mut field_start = 0;
        let mut in_quotes = false;
        loop {
            let Some(&c) = self.raw.get(i) else {
                if in_quotes {
                    // The quoted field continues on the next physical line.
                    self.unescaped.push(b'\n');
                    let before = self.raw.len();
                    if !self.read_line()? {
                        return Err(CsvError::UnclosedQuote {
                            line: self.record_line,
                        });
                    }
                    let mut tail = self.raw.split_off(before);
                    trim_newline(&mut tail);
                    self.raw.extend_from_slice(&tail);
                    continue;
                }
                self.ranges.push((field_start, self.unescaped.len()));
                return Ok(());
            };
            i += 1;
            if in_quotes {
                if c == b'"' {
                    if self.raw.get(i) == Some(&b'"') {
                        self.unescaped.push(b'"');
                        i += 1;
                    } else {
                        in_quotes = false;
                    }
                } else {
                    self.unescaped.push(c);
                }
            } else if c == b'"' {
                in_quotes = true;
            } else if c == self.delimiter {
                self.ranges.push((field_start, self.unescaped.len()));
                field_start = self.unescaped.len();
            } else {
                self.unescaped.push(c);
            }
        }
    }

    /// The field delimiter in use.
    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The line where the current record started.
    pub(crate) fn line(&self) -> u64 {
        self.record_line
    }

    /// The number of fields in the current record.
    pub(crate) fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Field `index` (0-based) of the current record, trimmed of surrounding spaces; `Ok(None)` if the
    /// record is shorter.
    pub(crate) fn field(&self, index: usize) -> Result<Option<&str>, CsvError> {
        let Some(&(start, end)) = self.ranges.get(index) else {
            return Ok(None);
        };
        if !self.quoted && self.raw.is_empty() {
            return Ok(Some(trim(self.text.get(start..end).unwrap_or_default())));
        }
        let bytes = if self.quoted {
            self.unescaped.get(start..end)
        } else {
            self.raw.get(start..end)
        };
        let bytes = bytes.unwrap_or_default();
        std::str::from_utf8(bytes)
            .map(|s| Some(trim(s)))
            .map_err(|_| CsvError::NotUtf8 {
                line: self.record_line,
                column: index + 1,
            })
    }
}

/// `str::trim`, with a shortcut for the usual field that neither starts nor ends with a space: Unicode
/// whitespace (an ideographic space from a Japanese spreadsheet, say) is still trimmed.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

fn trim_newline(buf: &mut Vec<u8>) {
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
}

fn detect(header: &[u8]) -> u8 {
    let count = |d: u8| header.iter().filter(|&&c| c == d).count();
    let (comma, semi, tab) = (count(b','), count(b';'), count(b'\t'));
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut r = CsvReader::new(text.as_bytes());
        let mut out = Vec::new();
        let mut first = true;
        while r.next_record(first).unwrap() {
            first = false;
            let fields = (0..r.len())
                .map(|i| r.field(i).unwrap().unwrap().to_string())
                .collect();
            out.push((r.line(), fields));
        }
        out
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines() {
        let got = records("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",2\n");
        assert_eq!(got[0], (1, vec!["a".to_string(), "b".to_string()]));
        assert_eq!(
            got[1],
            (2, vec!["x, y".to_string(), "say \"hi\"".to_string()])
        );
        assert_eq!(
            got[2],
            (4, vec!["multi\nline".to_string(), "2".to_string()])
        );
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn semicolon_and_tab_headers_set_the_delimiter() {
        assert_eq!(records("a;b\n1,5;2\n")[1].1, vec!["1,5", "2"]);
        assert_eq!(records("\u{feff}a\tb\n1\t2\n")[0].1, vec!["a", "b"]);
    }

    #[test]
    fn an_unclosed_quote_names_the_line_it_opened_on() {
        let mut r = CsvReader::new("a\n\"open\nmore\n".as_bytes());
        assert!(r.next_record(true).unwrap());
        assert!(matches!(
            r.next_record(false),
            Err(CsvError::UnclosedQuote { line: 2 })
        ));
    }

    #[test]
    fn fields_are_trimmed_of_ascii_and_unicode_spaces() {
        let got = records("a,b\n x ,\u{3000}y\u{3000}\nplain,z\n");
        assert_eq!(got[1].1, vec!["x", "y"]);
        assert_eq!(got[2].1, vec!["plain", "z"]);
    }

    #[test]
    fn a_field_that_is_not_utf8_is_named_by_its_column() {
        let mut r = CsvReader::new(&b"a,b\nok,\xff\xfe\nnext,row\n"[..]);
        assert!(r.next_record(true).unwrap());
        assert!(r.next_record(false).unwrap());
        assert_eq!(r.field(0).unwrap(), Some("ok"));
        assert!(matches!(
            r.field(1),
            Err(CsvError::NotUtf8 { line: 2, column: 2 })
        ));
        // The reader recovers its buffer and reads on.
        assert!(r.next_record(false).unwrap());
        assert_eq!(r.field(1).unwrap(), Some("row"));
    }
}
