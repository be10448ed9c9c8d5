//! JavaScript pattern syntax (non-Unicode mode, with the web-compatibility rules of Annex B) to a tree.

use super::{fold, RegexError, MAX_GROUP_DEPTH};

/// A parsed pattern.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Empty,
    /// One code unit (already folded for a case-insensitive pattern).
    Unit(u16),
    /// `.`: any unit but a line terminator.
    Dot,
    Class(Class),
    /// `^`, `$`, `\b`, `\B`.
    Look(Look),
    Concat(Vec<Node>),
    Alternate(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Look {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

/// A character class: sorted, merged ranges of code units.
#[derive(Clone, Debug, Default)]
pub(crate) struct Class {
    pub(crate) ranges: Vec<(u16, u16)>,
    pub(crate) negated: bool,
}

impl Class {
    /// Whether `unit` is one of the ranges (negation not applied).
    pub(crate) fn has(&self, unit: u16) -> bool {
        self.ranges
            .binary_search_by(|&(lo, hi)| {
                if hi < unit {
                    std::cmp::Ordering::Less
                } else if lo > unit {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    fn add(&mut self, lo: u16, hi: u16) {
        self.ranges.push((lo, hi));
    }

    fn add_all(&mut self, ranges: &[(u16, u16)], negated: bool) {
        if negated {
            let mut next = 0u32;
            for &(lo, hi) in ranges {
                if u32::from(lo) > next {
                    self.add(low(next), lo - 1);
                }
                next = u32::from(hi) + 1;
            }
            if next <= 0xFFFF {
                self.add(low(next), 0xFFFF);
            }
        } else {
            self.ranges.extend_from_slice(ranges);
        }
    }

    /// Sorts and merges the ranges; for a case-insensitive class, first adds the canonical form of each
    /// member (of ranges up to 256 units, and the ASCII part of wider ones), so matching tests the input
    /// and its canonical form only.
    fn finish(mut self, insensitive: bool) -> Class {
        if insensitive {
            let mut images = Vec::new();
            for &(lo, hi) in &self.ranges {
                // Wide ranges hold both cases of their own letters already; their ASCII part still counts.
                let hi = if hi - lo > 256 { hi.min(0x7F) } else { hi };
                for unit in lo..=hi {
                    let folded = fold(unit);
                    if folded != unit {
                        images.push((folded, folded));
                    }
                }
            }
            self.ranges.extend(images);
        }
        sort_ranges(&mut self.ranges);
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(self.ranges.len());
        for &(lo, hi) in &self.ranges {
            match merged.last_mut() {
                Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        self.ranges = merged;
        self
    }
}

fn low(n: u32) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Insertion sort: classes have few ranges, and it keeps a std sort out of the Wasm binary.
fn sort_ranges(ranges: &mut [(u16, u16)]) {
    for i in 1..ranges.len() {
        let mut j = i;
        while j > 0 && ranges.get(j - 1) > ranges.get(j) {
            ranges.swap(j - 1, j);
            j -= 1;
        }
    }
}

const DIGITS: &[(u16, u16)] = &[(0x30, 0x39)];
const WORD: &[(u16, u16)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
/// JavaScript's WhiteSpace and LineTerminator code points.
const SPACE: &[(u16, u16)] = &[
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];

fn err(message: &'static str) -> RegexError {
    RegexError { message }
}

pub(crate) fn parse(pattern: &[u16], insensitive: bool) -> Result<Node, RegexError> {
    let mut parser = Parser {
        units: pattern,
        pos: 0,
        insensitive,
        groups: count_groups(pattern),
        depth: 0,
    };
    let node = parser.alternation()?;
    match parser.peek() {
        None => Ok(node),
        Some(_) => Err(err("unmatched ')'")),
    }
}

struct Parser<'p> {
    units: &'p [u16],
    pos: usize,
    insensitive: bool,
    /// Capturing groups in the whole pattern: `\N` is a backreference when N is at most this.
    groups: u32,
    depth: usize,
}

const fn u(c: char) -> u16 {
    c as u16
}

impl Parser<'_> {
    fn peek(&self) -> Option<u16> {
        self.units.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u16> {
        self.units.get(self.pos + offset).copied()
    }

    fn next(&mut self) -> Option<u16> {
        let unit = self.peek()?;
        self.pos += 1;
        Some(unit)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(u(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn alternation(&mut self) -> Result<Node, RegexError> {
        let mut branches = vec![self.concatenation()?];
        while self.eat('|') {
            branches.push(self.concatenation()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alternate(branches)
        })
    }

    fn concatenation(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while let Some(unit) = self.peek() {
            if unit == u('|') || unit == u(')') {
                break;
            }
            // A group is quantifiable even when it holds only an assertion, as in `(^)*`.
            let group = unit == u('(');
            let atom = self.atom()?;
            let quantifiable = group || !matches!(atom, Node::Look(_));
            match self.quantifier()? {
                Some(_) if !quantifiable => return Err(err("nothing to repeat")),
                Some((min, max)) => items.push(Node::Repeat {
                    node: Box::new(atom),
                    min,
                    max,
                }),
                None => items.push(atom),
            }
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    /// `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each optionally lazy (laziness does not change `test`).
    fn quantifier(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        let bounds = match self.peek() {
            Some(c) if c == u('*') => {
                self.pos += 1;
                (0, None)
            }
            Some(c) if c == u('+') => {
                self.pos += 1;
                (1, None)
            }
            Some(c) if c == u('?') => {
                self.pos += 1;
                (0, Some(1))
            }
            Some(c) if c == u('{') => match self.braced()? {
                Some(bounds) => bounds,
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        self.eat('?');
        if matches!(self.peek(), Some(c) if c == u('*') || c == u('+') || c == u('?'))
            || (self.peek() == Some(u('{')) && self.braced_lookahead()?)
        {
            return Err(err("nothing to repeat"));
        }
        Ok(Some(bounds))
    }

    /// Whether a `{n}`, `{n,}` or `{n,m}` starts here (without consuming it); an error if it is one with
    /// its numbers out of order.
    fn braced_lookahead(&mut self) -> Result<bool, RegexError> {
        let start = self.pos;
        let found = self.braced()?.is_some();
        self.pos = start;
        Ok(found)
    }

    /// Parses `{n}`, `{n,}` or `{n,m}` at `{`; `None` (nothing consumed) when it is not one, as `{` is then a
    /// literal (Annex B).
    fn braced(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        let start = self.pos;
        self.pos += 1;
        let Some(min) = self.number() else {
            self.pos = start;
            return Ok(None);
        };
        let max = if self.eat(',') {
            if self.peek() == Some(u('}')) {
                None
            } else {
                match self.number() {
                    Some(max) => Some(max),
                    None => {
                        self.pos = start;
                        return Ok(None);
                    }
                }
            }
        } else {
            Some(min)
        };
        if !self.eat('}') {
            self.pos = start;
            return Ok(None);
        }
        if max.is_some_and(|max| max < min) {
            return Err(err("numbers out of order in {} quantifier"));
        }
        Ok(Some((min, max)))
    }

    fn number(&mut self) -> Option<u32> {
        let mut value: Option<u32> = None;
        while let Some(d) = self.peek().and_then(digit) {
            value = Some(value.unwrap_or(0).saturating_mul(10).saturating_add(d));
            self.pos += 1;
        }
        value
    }

    fn literal(&self, unit: u16) -> Node {
        Node::Unit(if self.insensitive { fold(unit) } else { unit })
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let Some(unit) = self.next() else {
            return Ok(Node::Empty);
        };
        match char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}') {
            '^' => Ok(Node::Look(Look::Start)),
            '$' => Ok(Node::Look(Look::End)),
            '.' => Ok(Node::Dot),
            '*' | '+' | '?' => Err(err("nothing to repeat")),
            '{' => {
                self.pos -= 1;
                if self.braced_lookahead()? {
                    return Err(err("nothing to repeat"));
                }
                self.pos += 1;
                Ok(self.literal(unit))
            }
            '(' => self.group(),
            '[' => self.class(),
            '\\' => self.escape(),
            _ => Ok(self.literal(unit)),
        }
    }

    fn group(&mut self) -> Result<Node, RegexError> {
        if self.eat('?') {
            match self.next() {
                Some(c) if c == u(':') => {}
                Some(c) if c == u('=') || c == u('!') => {
                    return Err(err("look-ahead is not supported"));
                }
                Some(c) if c == u('<') => {
                    if self.eat('=') || self.eat('!') {
                        return Err(err("look-behind is not supported"));
                    }
                    self.group_name()?;
                }
                _ => return Err(err("invalid group")),
            }
        }
        self.depth += 1;
        if self.depth > MAX_GROUP_DEPTH {
            return Err(err("groups nested too deeply"));
        }
        let inner = self.alternation()?;
        self.depth -= 1;
        if !self.eat(')') {
            return Err(err("unterminated group"));
        }
        Ok(inner)
    }

    fn group_name(&mut self) -> Result<(), RegexError> {
        let start = self.pos;
        while let Some(unit) = self.next() {
            if unit == u('>') {
                return if self.pos - start > 1 {
                    Ok(())
                } else {
                    Err(err("invalid capture group name"))
                };
            }
            let c = char::from_u32(u32::from(unit)).unwrap_or('-');
            if !(c.is_alphanumeric() || c == '_' || c == '$') {
                return Err(err("invalid capture group name"));
            }
        }
        Err(err("invalid capture group name"))
    }

    fn escape(&mut self) -> Result<Node, RegexError> {
        let Some(unit) = self.peek() else {
            return Err(err("\\ at end of pattern"));
        };
        match char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}') {
            'b' => {
                self.pos += 1;
                Ok(Node::Look(Look::WordBoundary))
            }
            'B' => {
                self.pos += 1;
                Ok(Node::Look(Look::NotWordBoundary))
            }
            '1'..='9' => {
                let start = self.pos;
                let n = self.number().unwrap_or(0);
                if n <= self.groups {
                    return Err(err("backreferences are not supported"));
                }
                self.pos = start;
                let unit = self.legacy_octal_or_digit();
                Ok(self.literal(unit))
            }
            'k' if self.has_named_groups() => Err(err("backreferences are not supported")),
            _ => match self.class_escape()? {
                Escape::Unit(unit) => Ok(self.literal(unit)),
                Escape::Set(ranges, negated) => {
                    let mut class = Class::default();
                    class.add_all(ranges, negated);
                    Ok(Node::Class(class.finish(self.insensitive)))
                }
            },
        }
    }

    fn has_named_groups(&self) -> bool {
        self.units.windows(3).any(|w| {
            w.first() == Some(&u('(')) && w.get(1) == Some(&u('?')) && w.get(2) == Some(&u('<'))
        })
    }

    /// Annex B: `\1`-`\7` beyond the group count start an octal escape (up to `\377`); `\8`, `\9` are digits.
    fn legacy_octal_or_digit(&mut self) -> u16 {
        let first = self.next().unwrap_or(u('0'));
        if first >= u('8') {
            return first;
        }
        let mut value = first - u('0');
        for _ in 0..2 {
            match self.peek() {
                Some(d) if (u('0')..=u('7')).contains(&d) && value * 8 + (d - u('0')) <= 0o377 => {
                    value = value * 8 + (d - u('0'));
                    self.pos += 1;
                }
                _ => break,
            }
        }
        value
    }

    /// An escape after `\` that means one unit or a set (valid both inside and outside classes).
    fn class_escape(&mut self) -> Result<Escape, RegexError> {
        let Some(unit) = self.next() else {
            return Err(err("\\ at end of pattern"));
        };
        let c = char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}');
        Ok(match c {
            'd' => Escape::Set(DIGITS, false),
            'D' => Escape::Set(DIGITS, true),
            'w' => Escape::Set(WORD, false),
            'W' => Escape::Set(WORD, true),
            's' => Escape::Set(SPACE, false),
            'S' => Escape::Set(SPACE, true),
            't' => Escape::Unit(0x09),
            'n' => Escape::Unit(0x0A),
            'v' => Escape::Unit(0x0B),
            'f' => Escape::Unit(0x0C),
            'r' => Escape::Unit(0x0D),
            '0' if self.peek().is_none_or(|d| digit(d).is_none()) => Escape::Unit(0),
            '0'..='7' => {
                self.pos -= 1;
                Escape::Unit(self.legacy_octal_or_digit())
            }
            'c' => match self.peek().and_then(|l| char::from_u32(u32::from(l))) {
                Some(letter) if letter.is_ascii_alphabetic() => {
                    self.pos += 1;
                    Escape::Unit(u(letter) % 32)
                }
                // Annex B: a `\c` not followed by a letter is a backslash, and the `c` is read next.
                _ => {
                    self.pos -= 1;
                    Escape::Unit(u('\\'))
                }
            },
            'x' => self.hex(2).map_or(Escape::Unit(unit), Escape::Unit),
            'u' => self.hex(4).map_or(Escape::Unit(unit), Escape::Unit),
            _ => Escape::Unit(unit),
        })
    }

    fn hex(&mut self, count: usize) -> Option<u16> {
        let mut value: u16 = 0;
        for i in 0..count {
            let d = self
                .peek_at(i)
                .and_then(|h| char::from_u32(u32::from(h))?.to_digit(16))?;
            value = value * 16 + u16::try_from(d).ok()?;
        }
        self.pos += count;
        Some(value)
    }

    fn class(&mut self) -> Result<Node, RegexError> {
        let mut class = Class {
            negated: self.eat('^'),
            ..Class::default()
        };
        loop {
            let Some(unit) = self.next() else {
                return Err(err("unterminated character class"));
            };
            if unit == u(']') {
                return Ok(Node::Class(class.finish(self.insensitive)));
            }
            let first = self.class_atom(unit)?;
            if self.peek() == Some(u('-')) && self.peek_at(1).is_some_and(|next| next != u(']')) {
                self.pos += 1;
                let next = self.next().unwrap_or(0);
                let last = self.class_atom(next)?;
                match (first, last) {
                    (Escape::Unit(lo), Escape::Unit(hi)) => {
                        if lo > hi {
                            return Err(err("range out of order in character class"));
                        }
                        class.add(lo, hi);
                    }
                    // Annex B: a range with a class escape at either end is its parts and a literal `-`.
                    (a, b) => {
                        add_escape(&mut class, a);
                        class.add(u('-'), u('-'));
                        add_escape(&mut class, b);
                    }
                }
            } else {
                add_escape(&mut class, first);
            }
        }
    }

    fn class_atom(&mut self, unit: u16) -> Result<Escape, RegexError> {
        if unit != u('\\') {
            return Ok(Escape::Unit(unit));
        }
        match self.peek() {
            Some(b) if b == u('b') => {
                self.pos += 1;
                Ok(Escape::Unit(0x08))
            }
            Some(d) if (u('1')..=u('9')).contains(&d) => {
                Ok(Escape::Unit(self.legacy_octal_or_digit()))
            }
            // Annex B: inside a class, `\c` may also take a digit or `_`.
            Some(c) if c == u('c') => match self.peek_at(1) {
                Some(l) if digit(l).is_some() || l == u('_') => {
                    self.pos += 2;
                    Ok(Escape::Unit(l % 32))
                }
                _ => self.class_escape(),
            },
            _ => self.class_escape(),
        }
    }
}

enum Escape {
    Unit(u16),
    Set(&'static [(u16, u16)], bool),
}

fn add_escape(class: &mut Class, escape: Escape) {
    match escape {
        Escape::Unit(unit) => class.add(unit, unit),
        Escape::Set(ranges, negated) => class.add_all(ranges, negated),
    }
}

fn digit(unit: u16) -> Option<u32> {
    char::from_u32(u32::from(unit))?.to_digit(10)
}

/// Capturing groups in the pattern: `(` not inside a class, not escaped, and not `(?:`, `(?=`, `(?!`,
/// `(?<=`, `(?<!` (a named group `(?<name>` counts).
fn count_groups(units: &[u16]) -> u32 {
    let mut count = 0u32;
    let mut in_class = false;
    let mut i = 0;
    while let Some(&unit) = units.get(i) {
        if unit == u('\\') {
            i += 2;
            continue;
        }
        if in_class {
            in_class = unit != u(']');
        } else if unit == u('[') {
            in_class = true;
        } else if unit == u('(') {
            let next = units.get(i + 1).copied();
            let after = units.get(i + 2).copied();
            let third = units.get(i + 3).copied();
            let capturing = next != Some(u('?'))
                || (after == Some(u('<')) && third != Some(u('=')) && third != Some(u('!')));
            if capturing {
                count += 1;
            }
        }
        i += 1;
    }
    count
}
