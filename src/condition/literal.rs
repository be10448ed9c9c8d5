//! Regex patterns that are plain text (`^/checkout`, `@example\.com$`, `-12-25$`), matched with string
//! operations instead of the regex engine: the common GrowthBook targeting patterns, several times faster
//! than simulating an automaton.

/// A pattern of literal characters, optionally anchored at either end.
#[derive(Clone, Debug)]
pub(crate) struct Literal {
    text: Box<str>,
    start: bool,
    end: bool,
    /// Case-insensitive (`$regexi`). Only ASCII patterns get here, and JavaScript's case folding never maps
    /// between ASCII and non-ASCII, so comparing ASCII case-insensitively is exact.
    insensitive: bool,
}

impl Literal {
    /// The literal form of `pattern`, if it has one: optional `^`, then characters that are not regex
    /// syntax (or are escaped ASCII punctuation such as `\.`), then optional `$`.
    pub(crate) fn parse(pattern: &str, insensitive: bool) -> Option<Literal> {
        let (start, rest) = match pattern.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        let mut text = String::with_capacity(rest.len());
        let mut end = false;
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(escaped) if escaped.is_ascii_punctuation() => text.push(escaped),
                    _ => return None,
                },
                '$' if chars.as_str().is_empty() => end = true,
                '.' | '+' | '*' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => {
                    return None
                }
                // A case-insensitive pattern with non-ASCII letters is left to the regex engine.
                c if insensitive && !c.is_ascii() => return None,
                c => text.push(c),
            }
        }
        Some(Literal {
            text: text.into(),
            start,
            end,
            insensitive,
        })
    }

    pub(crate) fn matches(&self, haystack: &str) -> bool {
        let needle = &*self.text;
        if self.insensitive {
            let (h, n) = (haystack.as_bytes(), needle.as_bytes());
            let eq = |a: &[u8]| a.eq_ignore_ascii_case(n);
            return match (self.start, self.end) {
                (true, true) => eq(h),
                (true, false) => h.get(..n.len()).is_some_and(eq),
                (false, true) => h.len() >= n.len() && h.get(h.len() - n.len()..).is_some_and(eq),
                (false, false) => n.is_empty() || h.windows(n.len()).any(eq),
            };
        }
        match (self.start, self.end) {
            (true, true) => haystack == needle,
            (true, false) => haystack.starts_with(needle),
            (false, true) => haystack.ends_with(needle),
            (false, false) => contains_bytes(haystack.as_bytes(), needle.as_bytes()),
        }
    }
}

/// Whether `needle` occurs in `haystack`, byte for byte. On UTF-8 this answers exactly what `str::contains`
/// answers (UTF-8 is self-synchronising), without the standard searcher, whose panic path formats characters
/// with `Debug` and so links Unicode printability tables (8 KB gzipped) into the Wasm package.
pub(crate) fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    haystack
        .iter()
        .enumerate()
        .any(|(i, &b)| b == first && haystack.get(i + 1..i + 1 + rest.len()) == Some(rest))
}
