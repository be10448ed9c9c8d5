//! The WebAssembly binding: the JavaScript surface of the package, compiled only for `wasm32`.
//!
//! Long-lived state is a handle ([`Engine`] owns the loaded model and what it learned); per-call inputs are
//! small. Each method decodes, calls the core, encodes; conversions live in `convert.rs`. Errors are thrown
//! as `Error` objects named `NextofferError` with `code` and `path`; a failed call leaves the engine as it was.
//! Release an engine with `engine.free()` or `using engine = new Engine(model)`.

#[cfg(feature = "recommender")]
mod attach;
mod convert;
#[cfg(feature = "insight-wasm")]
mod insight;
#[cfg(feature = "fast-boundary")]
mod objects;
#[cfg(feature = "insight-wasm")]
mod order_columns;
#[cfg(feature = "preload")]
mod preload;
#[cfg(feature = "insight-wasm")]
mod recommend;
mod types;

use convert::{engine_error, error, from_json, json_text};
use types::*;
use wasm_bindgen::prelude::*;

/// The decision engine: a loaded offer model and its learned counts.
#[wasm_bindgen(js_name = Engine)]
pub struct WasmEngine {
    inner: crate::Engine,
}

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    /// Loads and validates a model (an object or its JSON text; `Engine.fromBytes` takes UTF-8 bytes). Throws
    /// `invalid-json` or `invalid-model`.
    #[wasm_bindgen(constructor)]
    pub fn new(model: &ModelInput) -> Result<WasmEngine, JsValue> {
        let text = json_text(model, "model")?;
        crate::Engine::from_json(&text)
            .map(|inner| WasmEngine { inner })
            .map_err(engine_error)
    }

    /// Loads and validates a model from its JSON text as UTF-8 bytes (a fetched body's `arrayBuffer()`, a data
    /// module), like `new Engine(text)`. Bytes cross into Wasm memory in one copy, where a string is copied a
    /// character at a time by glue code not yet optimised in a fresh isolate: about 5 ms for the 257 KB bench
    /// model. A leading byte order mark is skipped. Throws `invalid-json` or `invalid-model`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<WasmEngine, JsValue> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = core::str::from_utf8(bytes)
            .map_err(|_| error("invalid-json", "", "model: is not UTF-8 text"))?;
        crate::Engine::from_json(text)
            .map(|inner| WasmEngine { inner })
            .map_err(engine_error)
    }

    /// Decides which offers to show. Throws `invalid-json` or `invalid-request`.
    pub fn decide(&self, request: &DecideRequestInput) -> Result<DecisionOutput, JsValue> {
        let text = json_text(request, "request")?;
        #[cfg(feature = "fast-boundary")]
        let value = objects::decision(&self.inner.decide_text(&text).map_err(engine_error)?);
        // The browser build parses `decideJson`'s text: one copy of that path in its .wasm (68 B gzipped).
        #[cfg(not(feature = "fast-boundary"))]
        let value = from_json(&self.decide_json(&text)?)?;
        Ok(value.unchecked_into())
    }

    /// Decides from JSON text and answers JSON text (no object conversion: for request bodies at the edge).
    #[wasm_bindgen(js_name = decideJson)]
    #[inline(never)]
    pub fn decide_json(&self, request: &str) -> Result<String, JsValue> {
        self.inner.decide_json(request).map_err(engine_error)
    }

    /// Reads a customer once (id, attributes, purchases, owned products, contacts so far) for many decisions.
    /// Throws `invalid-json` or `invalid-request`.
    pub fn customer(&self, customer: &CustomerInput) -> Result<WasmCustomer, JsValue> {
        let text = json_text(customer, "customer")?;
        let inner = self.inner.prepare_customer(&text).map_err(engine_error)?;
        Ok(WasmCustomer { inner })
    }

    /// Decides for a prepared customer; the request carries the context (and new contacts, if any).
    #[wasm_bindgen(js_name = decideFor)]
    pub fn decide_for(
        &self,
        customer: &WasmCustomer,
        request: &DecideForInput,
    ) -> Result<DecisionOutput, JsValue> {
        let text = json_text(request, "request")?;
        #[cfg(feature = "fast-boundary")]
        let value = objects::decision(
            &self
                .inner
                .decide_for(&customer.inner, &text)
                .map_err(engine_error)?,
        );
        // Without the tape, the objects are `decideForJson`'s text parsed, as `decide` does.
        #[cfg(not(feature = "fast-boundary"))]
        let value = from_json(&self.decide_for_json(customer, &text)?)?;
        Ok(value.unchecked_into())
    }

    /// `decideFor` from JSON text to JSON text.
    #[wasm_bindgen(js_name = decideForJson)]
    pub fn decide_for_json(
        &self,
        customer: &WasmCustomer,
        request: &str,
    ) -> Result<String, JsValue> {
        self.inner
            .decide_for_json(&customer.inner, request)
            .map_err(engine_error)
    }

    /// Records a feedback event. Throws `invalid-event` or `unknown-offer`.
    pub fn record(&mut self, event: &FeedbackEventInput) -> Result<(), JsValue> {
        let text = json_text(event, "event")?;
        self.inner.record_json(&text).map_err(engine_error)
    }

    /// Everything learned, as a mergeable state.
    #[wasm_bindgen(js_name = exportState)]
    pub fn export_state(&self) -> Result<LearnedStateValue, JsValue> {
        Ok(from_json(&self.inner.export_state().to_json_text())?.unchecked_into())
    }

    /// Replaces what was learned. Throws `invalid-state`.
    #[wasm_bindgen(js_name = importState)]
    pub fn import_state(&mut self, state: &LearnedStateValue) -> Result<(), JsValue> {
        let state = read_state(state)?;
        self.inner.import_state(&state);
        Ok(())
    }

    /// Adds the counts of another instance's state. Throws `invalid-state`.
    #[wasm_bindgen(js_name = mergeState)]
    pub fn merge_state(&mut self, state: &LearnedStateValue) -> Result<(), JsValue> {
        let state = read_state(state)?;
        self.inner.merge_state(&state);
        Ok(())
    }

    /// How many offers the model has.
    #[wasm_bindgen(getter, js_name = offerCount)]
    pub fn offer_count(&self) -> usize {
        self.inner.model().offer_count()
    }
}

/// A customer prepared by `engine.customer(...)`, for `engine.decideFor(customer, request)`. Release it with
/// `customer.free()` or `using`.
#[wasm_bindgen(js_name = Customer)]
pub struct WasmCustomer {
    inner: crate::PreparedCustomer,
}

#[wasm_bindgen(js_class = Customer)]
impl WasmCustomer {
    /// The customer's id, if given.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> Option<String> {
        self.inner.id().map(str::to_owned)
    }

    /// How many purchases were read.
    #[wasm_bindgen(getter, js_name = purchaseCount)]
    pub fn purchase_count(&self) -> usize {
        self.inner.purchase_count()
    }
}

fn read_state(state: &JsValue) -> Result<crate::LearnedState, JsValue> {
    let text = json_text(state, "state")?;
    let value = crate::json::parse(&text)
        .map_err(|e| error("invalid-json", "", &format!("state: invalid JSON at {e}")))?;
    crate::LearnedState::from_value(&value).map_err(|e| {
        engine_error(crate::Error::Invalid {
            input: crate::Input::State,
            field: e,
        })
    })
}

/// Evaluates a GrowthBook condition against attributes, exactly as GrowthBook's SDKs do (an unknown operator
/// or an invalid regex evaluates to false there, and here).
#[wasm_bindgen(js_name = evalCondition)]
pub fn eval_condition(
    condition: &ConditionInput,
    attributes: &AttributesInput,
    saved_groups: Option<SavedGroupsInput>,
) -> Result<bool, JsValue> {
    let parse = |value: &JsValue, what: &str| -> Result<crate::json::Value, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(crate::json::Value::Object(crate::json::Object::new()));
        }
        let text = json_text(value, what)?;
        crate::json::parse(&text)
            .map_err(|e| error("invalid-json", "", &format!("{what}: invalid JSON at {e}")))
    };
    let condition = parse(condition, "condition")?;
    let attributes = parse(attributes, "attributes")?;
    let groups = match saved_groups {
        Some(groups) => parse(&groups, "savedGroups")?,
        None => crate::json::Value::Object(crate::json::Object::new()),
    };
    Ok(crate::condition::eval_condition(
        &condition,
        &attributes,
        &groups,
    ))
}

/// GrowthBook's deterministic hash: a number in [0, 1), or `undefined` for an unknown version.
#[wasm_bindgen]
pub fn hash(seed: &str, value: &str, version: u32) -> Option<f64> {
    crate::bucket::hash(seed, value, version)
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The allocator of both Wasm builds: talc in place of Rust's default dlmalloc, 2,967 B less of gzipped browser
/// `.wasm` (88,445 -> 85,478) and no slower: in A/B runs in Node, load, `decide` and `decideFor` took the same
/// time or less (server build: `decide` about 0.7x the time). The memory test (a million decide calls in
/// `make soak`) still sees no growth: freed blocks are reused.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
