//! JavaScript pattern syntax (non-Unicode mode, with the web-compatibility rules of Annex B), compiled as it
//! is read: each piece of pattern becomes its instructions, and operators combine those.

use super::vm::{Class, Inst, Look};
use super::{fold, RegexError, MAX_GROUP_DEPTH, MAX_PROGRAM};

/// The instructions of a piece of pattern (jumps relative, so pieces can be copied and concatenated).
type Code = Vec<Inst>;

impl Class {
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

/// Compiles `pattern` to the instructions of a program (without its final match) and their classes.
pub(crate) fn parse(pattern: &[u16], insensitive: bool) -> Result<(Code, Vec<Class>), RegexError> {
    let mut parser = Parser {
        units: pattern,
        pos: 0,
        insensitive,
        groups: count_groups(pattern),
        depth: 0,
        too_large: false,
        classes: Vec::new(),
    };
    let code = parser.alternation()?;
    if parser.peek().is_some() {
        return Err(err("unmatched ')'"));
    }
    // Checked once the whole pattern is read, so a syntax error anywhere is reported before the size.
    if parser.too_large {
        return Err(err("pattern compiles to too large a program"));
    }
    Ok((code, parser.classes))
}

struct Parser<'p> {
    units: &'p [u16],
    pos: usize,
    insensitive: bool,
    /// Capturing groups in the whole pattern: `\N` is a backreference when N is at most this.
    groups: u32,
    depth: usize,
    /// Some piece outgrew [`MAX_PROGRAM`] instructions: pieces stop growing, and the pattern is refused.
    too_large: bool,
    classes: Vec<Class>,
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

    /// Appends `more` to `code`, unless that makes it longer than a program may be.
    fn append(&mut self, code: &mut Code, more: &[Inst]) {
        if code.len() + more.len() > MAX_PROGRAM {
            self.too_large = true;
        }
        if !self.too_large {
            code.extend_from_slice(more);
        }
    }

    /// Branches `a|b|c` as `split; a; jump end; split; b; jump end; c`.
    fn alternation(&mut self) -> Result<Code, RegexError> {
        let mut branches = vec![self.concatenation()?];
        while self.eat('|') {
            branches.push(self.concatenation()?);
        }
        let Some(last) = branches.pop() else {
            return Ok(Vec::new());
        };
        if branches.is_empty() {
            return Ok(last);
        }
        let end = branches.iter().map(|b| b.len() + 2).sum::<usize>() + last.len();
        let mut code = Vec::new();
        for branch in &branches {
            self.append(&mut code, &[Inst::Split(branch.len() + 2)]);
            self.append(&mut code, branch);
            let to = isize::try_from(end.saturating_sub(code.len())).unwrap_or(0);
            self.append(&mut code, &[Inst::Jump(to)]);
        }
        self.append(&mut code, &last);
        Ok(code)
    }

    fn concatenation(&mut self) -> Result<Code, RegexError> {
        let mut code = Vec::new();
        while let Some(unit) = self.peek() {
            if unit == u('|') || unit == u(')') {
                break;
            }
            // A group is quantifiable even when it holds only an assertion, as in `(^)*`.
            let group = unit == u('(');
            let atom = self.atom()?;
            let quantifiable = group || !matches!(atom.as_slice(), [Inst::Look(_)]);
            match self.quantifier()? {
                Some(_) if !quantifiable => return Err(err("nothing to repeat")),
                Some((min, max)) => self.repeat(&mut code, &atom, min, max),
                None => self.append(&mut code, &atom),
            }
        }
        Ok(code)
    }

    /// Appends `min` copies of `atom`, then either a loop over it (no `max`) or `max - min` optional copies,
    /// each behind a split to the end.
    fn repeat(&mut self, code: &mut Code, atom: &[Inst], min: u32, max: Option<u32>) {
        // Copies of nothing add nothing: no need to count to a billion for `(?:){1000000000}`.
        if !atom.is_empty() {
            for _ in 0..min {
                if self.too_large {
                    return;
                }
                self.append(code, atom);
            }
        }
        let step = atom.len() + 1;
        match max {
            None => {
                let back = isize::try_from(step).unwrap_or(0);
                self.append(code, &[Inst::Split(step + 1)]);
                self.append(code, atom);
                self.append(code, &[Inst::Jump(-back)]);
            }
            Some(max) => {
                let optional = usize::try_from(max - min).unwrap_or(usize::MAX);
                for i in 0..optional {
                    if self.too_large {
                        return;
                    }
                    self.append(code, &[Inst::Split((optional - i) * step)]);
                    self.append(code, atom);
                }
            }
        }
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

    fn class_code(&mut self, class: Class) -> Code {
        self.classes.push(class.finish(self.insensitive));
        vec![Inst::Class(self.classes.len() - 1)]
    }

    fn literal(&self, unit: u16) -> Code {
        vec![Inst::Unit(if self.insensitive { fold(unit) } else { unit })]
    }

    fn atom(&mut self) -> Result<Code, RegexError> {
        let Some(unit) = self.next() else {
            return Ok(Vec::new());
        };
        match char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}') {
            '^' => Ok(vec![Inst::Look(Look::Start)]),
            '$' => Ok(vec![Inst::Look(Look::End)]),
            '.' => Ok(vec![Inst::Dot]),
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

    fn group(&mut self) -> Result<Code, RegexError> {
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
            // JavaScript takes identifier characters: ASCII ones are checked here, and any other unit is
            // taken as one (the Unicode tables to tell them apart cost 2 KB of gzipped Wasm).
            let ascii = u8::try_from(unit).ok().filter(u8::is_ascii);
            if ascii.is_some_and(|c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$')) {
                return Err(err("invalid capture group name"));
            }
        }
        Err(err("invalid capture group name"))
    }

    fn escape(&mut self) -> Result<Code, RegexError> {
        let Some(unit) = self.peek() else {
            return Err(err("\\ at end of pattern"));
        };
        match char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}') {
            'b' => {
                self.pos += 1;
                Ok(vec![Inst::Look(Look::WordBoundary)])
            }
            'B' => {
                self.pos += 1;
                Ok(vec![Inst::Look(Look::NotWordBoundary)])
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
                    Ok(self.class_code(class))
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

    fn class(&mut self) -> Result<Code, RegexError> {
        let mut class = Class {
            negated: self.eat('^'),
            ..Class::default()
        };
        loop {
            let Some(unit) = self.next() else {
                return Err(err("unterminated character class"));
            };
            if unit == u(']') {
                return Ok(self.class_code(class));
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
