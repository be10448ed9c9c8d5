//! The server build's `Engine` methods (feature `server-api`): a customer prepared once for many decisions
//! (`engine.customer`, `engine.decideFor`, `Customer`) and its JSON-text twin (`decideForJson`).
//!
//! They exist for hosts that decide many times for one customer in one process: an edge function that keeps a
//! visitor's profile between requests, a batch in Node. A page decides for its one visitor a few times, with
//! `decide`, and the browser build leaves these out: 2,434 B of its gzipped `.wasm` (84,228 -> 81,794 B at
//! eff73aa), whose budget is 80 KB. Node, workerd, `nextoffer/full` and `nextoffer/edge` load the server build,
//! which has them.

use wasm_bindgen::prelude::*;

#[cfg(not(feature = "fast-boundary"))]
use super::convert::from_json;
use super::convert::{engine_error, json_text};
use super::types::DecisionOutput;
use super::WasmEngine;

#[wasm_bindgen(typescript_custom_section)]
const SERVER_TYPES: &'static str = r#"
/** The per-call request of `engine.decideFor(customer, request)`: the customer comes prepared. */
export interface DecideForRequest {
  customer?: { contacts?: Contact[] };
  context: DecisionContext;
  limit?: number;
  seed?: number;
  explain?: boolean;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A customer to prepare.
    #[wasm_bindgen(typescript_type = "CustomerData | string")]
    pub type CustomerInput;
    /// A request for a prepared customer.
    #[wasm_bindgen(typescript_type = "DecideForRequest | string")]
    pub type DecideForInput;
}

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    /// Reads a customer once (id, attributes, purchases, owned products, contacts so far) for many decisions.
    /// Throws `invalid-json` or `invalid-request`. Server build only (Node, workerd, `nextoffer/full`).
    pub fn customer(&self, customer: &CustomerInput) -> Result<WasmCustomer, JsValue> {
        let text = json_text(customer, "customer")?;
        let inner = self.inner.prepare_customer(&text).map_err(engine_error)?;
        Ok(WasmCustomer { inner })
    }

    /// Decides for a prepared customer; the request carries the context (and new contacts, if any).
    /// Server build only.
    #[wasm_bindgen(js_name = decideFor)]
    pub fn decide_for(
        &self,
        customer: &WasmCustomer,
        request: &DecideForInput,
    ) -> Result<DecisionOutput, JsValue> {
        let text = json_text(request, "request")?;
        #[cfg(feature = "fast-boundary")]
        let value = super::objects::decision(
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

    /// `decideFor` from JSON text to JSON text. Server build only.
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
}

/// A customer prepared by `engine.customer(...)`, for `engine.decideFor(customer, request)`. Release it with
/// `customer.free()` or `using`. Server build only.
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
