//! Every conversion between JavaScript values and the core, in one place.
//!
//! Free-form JSON (models, requests, events, states) crosses as JSON text: `JSON.stringify` in the engine's
//! host plus the core's own parser measured an order of magnitude faster than walking objects field by field
//! through serde-wasm-bindgen (DESIGN.md, "Measured at the boundary"). Results go back through `JSON.parse`.

use js_sys::{Error as JsError, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// Text of a JavaScript value that is either JSON text already or a JSON-serialisable value.
pub fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
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
    text.as_string().ok_or_else(|| {
        error(
            "invalid-json",
            "",
            &format!("{what}: cannot be serialised to JSON"),
        )
    })
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

/// The core's error as a JavaScript `Error`.
pub fn engine_error(e: &crate::Error) -> JsValue {
    error(e.code(), e.path(), &e.to_string())
}
