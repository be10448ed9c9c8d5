//! `$regex` in the WebAssembly builds: JavaScript's own `RegExp`, through the host.
//!
//! GrowthBook's JavaScript SDK evaluates `new RegExp(pattern, flags).test(String(value))`; calling that same
//! constructor gives its answers by definition, and keeps this crate's regex engine and case tables out of
//! the module. Both calls catch: an invalid pattern is a compile error (the host's `SyntaxError` message
//! is the reason), and a match that throws (the host's stack exhausted) is no match, never an exception
//! unwinding through Rust frames.

use std::borrow::Cow;
use std::fmt;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::RegexError;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = RegExp)]
    type HostRegExp;

    #[wasm_bindgen(constructor, js_class = "RegExp", catch)]
    fn new(pattern: &str, flags: &str) -> Result<HostRegExp, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn test(this: &HostRegExp, text: &str) -> Result<bool, JsValue>;
}

/// A compiled pattern: the host's `RegExp` object.
#[derive(Clone)]
pub(crate) struct Regex {
    host: JsValue,
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Regex(host)")
    }
}

impl Regex {
    /// `new RegExp(pattern, insensitive ? "i" : "")`.
    pub(crate) fn new(pattern: &str, insensitive: bool) -> Result<Regex, RegexError> {
        match HostRegExp::new(pattern, if insensitive { "i" } else { "" }) {
            Ok(regex) => Ok(Regex { host: regex.into() }),
            Err(cause) => Err(RegexError {
                message: cause
                    .dyn_ref::<js_sys::Error>()
                    .and_then(|e| e.message().as_string())
                    .map_or(Cow::Borrowed("invalid regular expression"), Cow::Owned),
            }),
        }
    }

    /// JavaScript's `RegExp.prototype.test` (the regex has no `g` flag, so no state between calls).
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        self.host
            .unchecked_ref::<HostRegExp>()
            .test(haystack)
            .unwrap_or(false)
    }
}
