//! Every conversion between JavaScript values and the core, in one place.
//!
//! Free-form JSON (models, requests, events, states) crosses as JSON text: `JSON.stringify` in the engine's
//! host plus the core's own parser measured an order of magnitude faster than walking objects field by field
//! through serde-wasm-bindgen (DESIGN.md, "Measured at the boundary"). Results go back through `JSON.parse`.
//!
//! In the server build (feature `fast-boundary`) the text crosses into Wasm memory as UTF-8 through the
//! host's `TextEncoder` (see `utf8`), not through wasm-bindgen's string conversion, which copies a string one
//! UTF-16 unit at a time in JavaScript; the browser build keeps the conversion (the encoder's path costs it
//! about 560 B gzipped).

use js_sys::{Error as JsError, JsString, Reflect, JSON};
#[cfg(feature = "fast-boundary")]
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[cfg(feature = "fast-boundary")]
#[wasm_bindgen(inline_js = r#"
const encoder = new TextEncoder();
export function encodeAll(text, into) {
  const { read, written } = encoder.encodeInto(text, into);
  return read === text.length ? written : -1;
}
"#)]
extern "C" {
    /// Writes `text` as UTF-8 (lone surrogates as U+FFFD) into `into`, a view of Wasm memory: the bytes
    /// written, or -1 if they did not all fit.
    #[wasm_bindgen(js_name = encodeAll)]
    fn encode_all(text: &JsString, into: &mut [u8]) -> f64;
}

#[cfg(feature = "fast-boundary")]
/// A JavaScript string as a Rust `String`: the host's `TextEncoder.encodeInto` writes it straight into a
/// buffer in Wasm memory (native, one pass, no copy). wasm-bindgen's `as_string` copies in a JavaScript loop,
/// a character at a time: for the bench's 17 KB decide request that loop took about 50 us where encoding
/// takes about 6 us. `TextEncoder.encode` and a copy of its result, the previous way here, cost the
/// 257 KB bench model text about 0.8 ms more than `Engine.fromBytes` of the same bytes; `encodeInto` about
/// as much as `fromBytes` (www/bench/decide.mjs).
pub fn utf8(text: &JsString) -> Result<String, JsValue> {
    // One byte per UTF-16 unit fits ASCII text, the usual JSON; otherwise three do (a surrogate pair, two
    // units, is four bytes; any other unit at most three), so a second try always fits.
    let units = text.length() as usize;
    let mut bytes = vec![0u8; units];
    let mut written = encode_all(text, &mut bytes);
    if written < 0.0 {
        bytes = vec![0u8; units.saturating_mul(3)];
        written = encode_all(text, &mut bytes);
    }
    bytes.truncate(written.max(0.0) as usize);
    // TextEncoder only writes UTF-8; the check costs a pass over bytes already in cache.
    String::from_utf8(bytes).map_err(|_| error("invalid-json", "", "text: is not UTF-8"))
}

#[cfg(not(feature = "fast-boundary"))]
/// A JavaScript string as a Rust `String`, through wasm-bindgen's conversion.
pub fn utf8(text: &JsString) -> Result<String, JsValue> {
    Ok(String::from(text))
}

/// Text of a JavaScript value that is either JSON text already or a JSON-serialisable value.
pub fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(text) = value.dyn_ref::<JsString>() {
        return utf8(text);
    }
    if value.is_undefined() {
        return Err(error("invalid-json", "", &format!("{what}: is required")));
    }
    let text = JSON::stringify(value).map_err(|cause| {
        let message = cause
            .dyn_ref::<JsError>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        error(
            "invalid-json",
            "",
            &format!("{what}: cannot be serialised to JSON: {message}"),
        )
    })?;
    // `JSON.stringify` answers `undefined` for a function or a symbol: not JSON.
    let text = text.dyn_ref::<JsString>().ok_or_else(|| {
        error(
            "invalid-json",
            "",
            &format!("{what}: cannot be serialised to JSON"),
        )
    })?;
    utf8(text)
}

/// Parses JSON text produced by the core into a JavaScript value.
pub fn from_json(text: &str) -> Result<JsValue, JsValue> {
    JSON::parse(text)
}

/// A JavaScript `Error` named `NextofferError`, with a stable `code` and the `path` of the offending field.
pub fn error(code: &str, path: &str, message: &str) -> JsValue {
    let err = JsError::new(message);
    err.set_name("NextofferError");
    // Reflect::set only fails on frozen or exotic objects; a fresh Error is neither.
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    let _ = Reflect::set(&err, &JsValue::from_str("path"), &JsValue::from_str(path));
    err.into()
}

/// The core's error as a JavaScript `Error`. Taken by value, so each caller passes it on (`map_err(engine_error)`)
/// and it is dropped here, once, rather than by every method of the binding (77 B less of gzipped browser Wasm).
pub fn engine_error(e: crate::Error) -> JsValue {
    error(e.code(), e.path(), &e.to_string())
}
