//! A streaming JSON reader: walk a document field by field without building a tree.
//!
//! Decide requests are mostly purchase and contact records whose strings only need to be looked up in the
//! model's tables. Reading them through [`Reader`] borrows each unescaped string from the input and allocates
//! nothing per record, where [`super::parse`] would build a `String` and a `Value` for every key and value.
//! The grammar, limits and error messages are the parser's own: both run on the same scanner.

use super::parse::{ParseError, ParseErrorKind, Parser, MAX_DEPTH};
use super::Value;
use std::borrow::Cow;

/// The kind of the next value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Kind {
    /// The type name used in messages, as [`Value::type_name`] gives it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }

    /// The name with an article, for "must be ..." messages.
    pub fn article_name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "true or false",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// Reads one JSON document value by value.
///
/// ```
/// use nextoffer::json::{Kind, Reader};
/// let mut r = Reader::new(r#"{"ids":["a","b"],"n":2}"#);
/// r.begin_object().unwrap();
/// let mut seen = Vec::new();
/// while let Some(key) = r.next_key().unwrap() {
///     match &*key {
///         "ids" => {
///             r.begin_array().unwrap();
///             while r.next_item().unwrap() {
///                 seen.push(r.string().unwrap().into_owned());
///             }
///         }
///         _ => assert_eq!(r.number().unwrap(), 2.0),
///     }
/// }
/// r.finish().unwrap();
/// assert_eq!(seen, ["a", "b"]);
/// ```
pub struct Reader<'a> {
    parser: Parser<'a>,
    /// Per open container, innermost last: whether its next member is its first.
    first: Vec<bool>,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader {
            parser: Parser::new(text),
            first: Vec::new(),
        }
    }

    /// The kind of the next value, without consuming it.
    pub fn peek(&mut self) -> Result<Kind, ParseError> {
        self.parser.skip_whitespace();
        match self.parser.peek() {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            _ => Err(self.parser.unexpected("a value")),
        }
    }

    fn expect_kind(&mut self, kind: Kind, expected: &'static str) -> Result<(), ParseError> {
        if self.peek()? == kind {
            Ok(())
        } else {
            Err(self.parser.unexpected(expected))
        }
    }

    fn open(&mut self, kind: Kind, expected: &'static str) -> Result<(), ParseError> {
        self.expect_kind(kind, expected)?;
        if self.first.len() >= MAX_DEPTH {
            return Err(self
                .parser
                .error_at(self.parser.pos, ParseErrorKind::TooDeep));
        }
        self.parser.pos += 1;
        self.first.push(true);
        Ok(())
    }

    /// Enters an object; then call [`Reader::next_key`] until it answers `None`.
    pub fn begin_object(&mut self) -> Result<(), ParseError> {
        self.open(Kind::Object, "'{'")
    }

    /// Enters an array; then call [`Reader::next_item`] until it answers `false`.
    pub fn begin_array(&mut self) -> Result<(), ParseError> {
        self.open(Kind::Array, "'['")
    }

    /// Moves past the separator or the closing bracket of the innermost container: `true` when another
    /// member follows.
    fn advance(&mut self, close: u8, expected: &'static str) -> Result<bool, ParseError> {
        self.parser.skip_whitespace();
        let first = self.first.last().copied().unwrap_or(true);
        match self.parser.peek() {
            Some(b) if b == close => {
                self.parser.pos += 1;
                self.first.pop();
                Ok(false)
            }
            Some(b',') if !first => {
                self.parser.pos += 1;
                self.parser.skip_whitespace();
                Ok(true)
            }
            _ if first => Ok(true),
            _ => Err(self.parser.unexpected(expected)),
        }
    }

    fn mark_not_first(&mut self) {
        if let Some(first) = self.first.last_mut() {
            *first = false;
        }
    }

    /// The next key of the current object (then read its value), or `None` at its end.
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, ParseError> {
        if !self.advance(b'}', "',' or '}'")? {
            return Ok(None);
        }
        if self.parser.peek() != Some(b'"') {
            return Err(self.parser.unexpected("a string key"));
        }
        let key = self.parser.string_cow()?;
        self.parser.skip_whitespace();
        if self.parser.peek() != Some(b':') {
            return Err(self.parser.unexpected("':'"));
        }
        self.parser.pos += 1;
        self.mark_not_first();
        Ok(Some(key))
    }

    /// Whether the current array has another element (then read it).
    pub fn next_item(&mut self) -> Result<bool, ParseError> {
        let more = self.advance(b']', "',' or ']'")?;
        if more {
            self.mark_not_first();
        }
        Ok(more)
    }

    /// A string, borrowed from the input when it has no escape.
    pub fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.expect_kind(Kind::String, "a string")?;
        self.parser.string_cow()
    }

    /// A number.
    pub fn number(&mut self) -> Result<f64, ParseError> {
        self.expect_kind(Kind::Number, "a number")?;
        match self.parser.number()? {
            Value::Number(n) => Ok(n),
            _ => Err(self.parser.unexpected("a number")),
        }
    }

    /// `true` or `false`.
    pub fn boolean(&mut self) -> Result<bool, ParseError> {
        self.expect_kind(Kind::Bool, "true or false")?;
        let literal = if self.parser.peek() == Some(b't') {
            self.parser.literal("true", "true", Value::Bool(true))
        } else {
            self.parser.literal("false", "false", Value::Bool(false))
        };
        Ok(matches!(literal?, Value::Bool(true)))
    }

    /// `null`.
    pub fn null(&mut self) -> Result<(), ParseError> {
        self.expect_kind(Kind::Null, "null")?;
        self.parser.literal("null", "null", Value::Null).map(|_| ())
    }

    /// The next value as a tree (duplicate keys are an error, as in [`super::parse`]).
    pub fn value(&mut self) -> Result<Value, ParseError> {
        self.parser.skip_whitespace();
        self.parser.value(self.first.len())
    }

    /// Moves past the next value, checking its syntax, allocating only for escaped strings.
    pub fn skip(&mut self) -> Result<(), ParseError> {
        match self.peek()? {
            Kind::Object => {
                self.begin_object()?;
                while self.next_key()?.is_some() {
                    self.skip()?;
                }
            }
            Kind::Array => {
                self.begin_array()?;
                while self.next_item()? {
                    self.skip()?;
                }
            }
            Kind::String => {
                self.string()?;
            }
            Kind::Number => {
                self.number()?;
            }
            Kind::Bool => {
                self.boolean()?;
            }
            Kind::Null => self.null()?,
        }
        Ok(())
    }

    /// Checks that nothing but whitespace follows the document.
    pub fn finish(&mut self) -> Result<(), ParseError> {
        self.parser.skip_whitespace();
        match self.parser.peek() {
            None => Ok(()),
            Some(_) => Err(self.parser.unexpected("end of input")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(text: &str) -> Result<(), ParseError> {
        let mut r = Reader::new(text);
        r.skip()?;
        r.finish()
    }

    #[test]
    fn skipping_accepts_exactly_what_parse_accepts() {
        for text in [
            "{}",
            "[]",
            r#"{"a":[1,{"b":null}],"c":"\u00e9\n"}"#,
            " 1e5 ",
            "[true,false,null]",
            r#""x""#,
            "{",
            "[1,]",
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            "01",
            "[1 2]",
            "{} x",
            r#"{"a":"\x"}"#,
            "",
        ] {
            assert_eq!(
                walk(text).is_ok(),
                super::super::parse(text).is_ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_carry_the_parser_position() {
        let text = "{\n  \"a\": [1,,2]\n}";
        let err = walk(text).unwrap_err();
        assert_eq!((err.line, err.column), (2, 11));
        assert_eq!(err, super::super::parse(text).unwrap_err());
    }

    #[test]
    fn unescaped_strings_are_borrowed_and_escaped_ones_decoded() {
        let mut r = Reader::new(r#"["plain","tab\there"]"#);
        r.begin_array().unwrap();
        assert!(r.next_item().unwrap());
        assert!(matches!(r.string().unwrap(), Cow::Borrowed("plain")));
        assert!(r.next_item().unwrap());
        assert_eq!(r.string().unwrap(), "tab\there");
        assert!(!r.next_item().unwrap());
    }

    #[test]
    fn nesting_beyond_the_limit_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(matches!(
            walk(&deep).unwrap_err().kind,
            ParseErrorKind::TooDeep
        ));
    }
}
