//! A strict RFC 8259 parser: a byte-level scanner over the input text.
//!
//! Strict because models are validated at load: no NaN or Infinity, no trailing commas, no comments, no
//! duplicate keys, at most [`MAX_DEPTH`] levels of nesting (deeper input is an error, never a stack
//! overflow). Fast because models and requests cross the Wasm boundary as JSON text: strings without escapes
//! are copied in one slice, integers of up to 15 digits skip the float parser.

use super::{Object, Value};

/// The deepest nesting of arrays and objects [`parse`] accepts: 128 levels.
pub const MAX_DEPTH: usize = 128;

/// Objects with more keys than this check duplicates by sorting when they close, instead of scanning the
/// keys before each new one.
const LINEAR_DUPLICATE_SCAN: usize = 32;

/// Why JSON text was rejected, and where: its [`ParseErrorAt`] (`err.line`, `err.column`, `err.kind`).
///
/// Boxed: the parser and the streaming reader pass an error up through a `?` at every level, and a pointer
/// moves where the 24-byte error was copied at each: 770 B less gzipped browser Wasm.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {}, column {}: {}", .0.line, .0.column, .0.kind)]
pub struct ParseError(Box<ParseErrorAt>);

/// Where JSON text was rejected and why: line and column are 1-based, the column counts characters
/// (Unicode scalar values), not bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseErrorAt {
    /// The line of the offending character, from 1.
    pub line: usize,
    /// The column of the offending character, from 1, in characters.
    pub column: usize,
    /// What was wrong.
    pub kind: ParseErrorKind,
}

impl std::ops::Deref for ParseError {
    type Target = ParseErrorAt;

    fn deref(&self) -> &ParseErrorAt {
        &self.0
    }
}

impl std::fmt::Debug for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseError")
            .field("line", &self.line)
            .field("column", &self.column)
            .field("kind", &self.kind)
            .finish()
    }
}

/// What was wrong with JSON text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// The text ended where more was needed.
    #[error("unexpected end of input, expected {expected}")]
    UnexpectedEnd {
        /// What the parser was looking for.
        expected: &'static str,
    },
    /// A character that cannot stand here.
    #[error("unexpected character {}, expected {expected}", show_char(*found))]
    UnexpectedCharacter {
        /// The character found.
        found: char,
        /// What the parser was looking for.
        expected: &'static str,
    },
    /// A number with a leading zero, such as `01`.
    #[error("invalid number \"{text}\", expected no leading zero")]
    LeadingZero {
        /// The number's text up to the offending digit.
        text: String,
    },
    /// A number too large for a 64-bit float, such as `1e400`.
    #[error("number {text} is out of range")]
    NumberOutOfRange {
        /// The number's text.
        text: String,
    },
    /// A backslash followed by something other than `" \ / b f n r t u`.
    #[error("invalid escape \\{found} in string, expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")]
    InvalidEscape {
        /// The character after the backslash.
        found: char,
    },
    /// A raw control character (below U+0020) inside a string.
    #[error("unescaped control character U+{code:04X} in string, expected it escaped")]
    ControlCharacter {
        /// The character's code.
        code: u32,
    },
    /// The same key twice in one object.
    #[error("duplicate key \"{key}\"")]
    DuplicateKey {
        /// The repeated key.
        key: String,
    },
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    #[error("nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// A character quoted for a message; control characters as `U+XXXX` (cheaper in Wasm than `{:?}`, whose
/// escaping pulls in Unicode tables).
fn show_char(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("'{c}'")
    }
}

/// Parses JSON text into a [`Value`].
///
/// `\uXXXX` escapes of UTF-16 surrogate pairs are decoded; a lone surrogate (which no Rust string can hold)
/// becomes U+FFFD, as `TextDecoder` does. Numbers that overflow `f64` are an error, not Infinity.
///
/// ```
/// use nextoffer::json::parse;
/// assert_eq!(parse(r#"{"a":[1,2]}"#).unwrap().to_json(), r#"{"a":[1,2]}"#);
/// let err = parse("{\n  \"a\": 1,\n}").unwrap_err();
/// assert_eq!(err.to_string(), "line 3, column 1: unexpected character '}', expected a string key");
/// ```
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut parser = Parser::new(text);
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    match parser.peek() {
        None => Ok(value),
        Some(_) => Err(parser.unexpected("end of input")),
    }
}

/// The scanner behind [`parse`] and the streaming [`super::Reader`].
pub(super) struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pub(super) pos: usize,
    /// Elements of the arrays being parsed, innermost last: one growing stack instead of one growing
    /// vector per array, so each array is allocated once at its exact length.
    items: Vec<Value>,
    /// Members of the objects being parsed, likewise.
    members: Vec<(String, Value)>,
    /// Where each member's key starts, parallel to `members`, for duplicate-key errors.
    key_positions: Vec<usize>,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            items: Vec::new(),
            members: Vec::new(),
            key_positions: Vec::new(),
        }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    pub(super) fn error_at(&self, pos: usize, kind: ParseErrorKind) -> ParseError {
        let before = self.bytes.get(..pos).unwrap_or(self.bytes);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = 1 + before
            .get(line_start..)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        ParseError(Box::new(ParseErrorAt { line, column, kind }))
    }

    /// The error for whatever stands at the current position (or the end of input).
    pub(super) fn unexpected(&self, expected: &'static str) -> ParseError {
        let found = self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next());
        let kind = match found {
            Some(found) => ParseErrorKind::UnexpectedCharacter { found, expected },
            None => ParseErrorKind::UnexpectedEnd { expected },
        };
        self.error_at(self.pos, kind)
    }

    pub(super) fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", "true", Value::Bool(true)),
            Some(b'f') => self.literal("false", "false", Value::Bool(false)),
            Some(b'n') => self.literal("null", "null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected("a value")),
        }
    }

    pub(super) fn literal(
        &mut self,
        word: &'static str,
        expected: &'static str,
        value: Value,
    ) -> Result<Value, ParseError> {
        for &w in word.as_bytes() {
            if self.peek() != Some(w) {
                return Err(self.unexpected(expected));
            }
            self.pos += 1;
        }
        Ok(value)
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error_at(self.pos, ParseErrorKind::TooDeep));
        }
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        let start = self.items.len();
        loop {
            let item = self.value(depth)?;
            self.items.push(item);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(self.items.split_off(start)));
                }
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error_at(self.pos, ParseErrorKind::TooDeep));
        }
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Object::new()));
        }
        let start = self.members.len();
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key_pos = self.pos;
            let key = self.string()?;
            let siblings = self.members.get(start..).unwrap_or_default();
            if siblings.len() < LINEAR_DUPLICATE_SCAN && siblings.iter().any(|(k, _)| *k == key) {
                return Err(self.error_at(key_pos, ParseErrorKind::DuplicateKey { key }));
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("':'"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            self.members.push((key, value));
            self.key_positions.push(key_pos);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(b'}') => {
                    self.pos += 1;
                    let members = self.members.split_off(start);
                    let positions = self.key_positions.split_off(start);
                    if members.len() > LINEAR_DUPLICATE_SCAN {
                        self.check_duplicates(&members, &positions)?;
                    }
                    return Ok(Value::Object(Object::from_unique(members)));
                }
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
    }

    /// Parses a string starting at its opening quote, borrowing it from the input when it has no escape.
    pub(super) fn string_cow(&mut self) -> Result<std::borrow::Cow<'a, str>, ParseError> {
        let quote = self.pos;
        let start = quote + 1;
        let text: &'a str = self.text;
        let end = start
            + self
                .bytes
                .get(start..)
                .and_then(super::write::first_escape)
                .unwrap_or(self.bytes.len() - start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(std::borrow::Cow::Borrowed(
                text.get(start..end).unwrap_or_default(),
            ));
        }
        self.string().map(std::borrow::Cow::Owned)
    }

    /// Parses a string starting at its opening quote.
    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escape, one copy.
        // The same bytes end a run in JSON text as need an escape when writing it: scanned eight at a time.
        self.pos += self
            .bytes
            .get(start..)
            .and_then(super::write::first_escape)
            .unwrap_or(self.bytes.len() - start);
        match self.peek() {
            Some(b'"') => {
                let s = self.slice(start, self.pos).to_owned();
                self.pos += 1;
                return Ok(s);
            }
            Some(b'\\') => {}
            Some(b) => return Err(self.control_character(b)),
            None => return Err(self.unexpected("'\"' closing the string")),
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(self.slice(start, self.pos));
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(b) if b < 0x20 => return Err(self.control_character(b)),
                Some(_) => {
                    let run = self.pos;
                    while let Some(b) = self.peek() {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.push_str(self.slice(run, self.pos));
                }
                None => return Err(self.unexpected("'\"' closing the string")),
            }
        }
    }

    /// The text between two byte positions; both always sit next to ASCII bytes, so on char boundaries.
    fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// The duplicate-key check of a large object: sorts the keys and reports the earliest repeated one.
    fn check_duplicates(
        &self,
        members: &[(String, Value)],
        positions: &[usize],
    ) -> Result<(), ParseError> {
        let mut order: Vec<usize> = (0..members.len()).collect();
        let key = |i: usize| members.get(i).map_or("", |(k, _)| k.as_str());
        crate::sort::sort_by(&mut order, |&a, &b| (key(a), a) < (key(b), b));
        let repeated = order
            .windows(2)
            .filter_map(|pair| match pair {
                [a, b] if key(*a) == key(*b) => Some(*a.max(b)),
                _ => None,
            })
            .min();
        match repeated {
            Some(i) => Err(self.error_at(
                positions.get(i).copied().unwrap_or(0),
                ParseErrorKind::DuplicateKey {
                    key: key(i).to_owned(),
                },
            )),
            None => Ok(()),
        }
    }

    fn control_character(&self, b: u8) -> ParseError {
        self.error_at(
            self.pos,
            ParseErrorKind::ControlCharacter { code: u32::from(b) },
        )
    }

    /// Decodes one escape starting at its backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let backslash = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4()?;
                out.push(self.after_code_unit(unit));
                return Ok(());
            }
            None => return Err(self.unexpected("an escape character")),
            Some(_) => {
                let found = self
                    .text
                    .get(self.pos..)
                    .and_then(|rest| rest.chars().next())
                    .unwrap_or('\u{FFFD}');
                return Err(self.error_at(backslash, ParseErrorKind::InvalidEscape { found }));
            }
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    /// Turns a UTF-16 code unit into a char, consuming a following `\uXXXX` low surrogate when `unit` is a
    /// high one. Lone surrogates become U+FFFD.
    fn after_code_unit(&mut self, unit: u32) -> char {
        if (0xD800..0xDC00).contains(&unit) {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            if let [b'\\', b'u', a, b, c, d, ..] = rest {
                if let Some(low) = hex_value([*a, *b, *c, *d]) {
                    if (0xDC00..0xE000).contains(&low) {
                        self.pos += 6;
                        let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        return char::from_u32(code).unwrap_or('\u{FFFD}');
                    }
                }
            }
            return '\u{FFFD}';
        }
        char::from_u32(unit).unwrap_or('\u{FFFD}')
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.unexpected("four hex digits after \\u"))?;
            value = value * 16 + digit;
            self.pos += 1;
        }
        Ok(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    pub(super) fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    let text = self.slice(start, self.pos + 1).to_owned();
                    return Err(self.error_at(self.pos, ParseErrorKind::LeadingZero { text }));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("a digit")),
        }
        let integer_end = self.pos;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        let digits_start = if negative { start + 1 } else { start };
        if integer_end == self.pos && integer_end - digits_start <= 15 {
            // Exact: fewer than 2^53.
            let magnitude = self
                .bytes
                .get(digits_start..integer_end)
                .unwrap_or_default()
                .iter()
                .fold(0u64, |acc, &b| acc * 10 + u64::from(b - b'0'));
            #[allow(clippy::cast_precision_loss)]
            let magnitude = magnitude as f64;
            return Ok(Value::Number(if negative { -magnitude } else { magnitude }));
        }
        let text = self.slice(start, self.pos);
        match super::number::parse_decimal(text) {
            Some(n) if n.is_finite() => Ok(Value::Number(n)),
            _ => Err(self.error_at(
                start,
                ParseErrorKind::NumberOutOfRange {
                    text: text.to_owned(),
                },
            )),
        }
    }
}

fn hex_value(digits: [u8; 4]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &b| {
        char::from(b).to_digit(16).map(|d| acc * 16 + d)
    })
}
