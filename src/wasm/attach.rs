//! `Engine.attachRecommender(bytes, options?)`: the engine's module loads a recommender saved in its compact
//! binary format (built by the insight module's `Recommender.save()` or the CLI's `similar --save`), kept apart
//! from the offer model, so `decide` can boost cross-sell and upsell offers and generate its own (see
//! `candidates.rs`). Only loading and lookups reach this module; building stays in the insight module.

use wasm_bindgen::prelude::*;

use super::convert::{engine_error, error, json_text};
use super::WasmEngine;

#[wasm_bindgen(typescript_custom_section)]
const ATTACH_TYPES: &'static str = r#"
/** Options of `engine.attachRecommender(bytes, options)`; every key is optional. */
export interface AttachRecommenderOptions {
  /** A cross-sell offer's propensity is multiplied by 1 + crossSellWeight x confidence (default 1). */
  crossSellWeight?: number;
  /** An upsell offer for the next tier up is multiplied by 1 + upsellWeight (default 0.5). */
  upsellWeight?: number;
  /** Generated cross-sell offers (`cross-sell:ITEM`) per decision, for the cart's neighbours (default 1). */
  crossSellOffers?: number;
  /** Generated upsell offers (`upsell:ITEM`) per decision, for the next tiers (default 1). */
  upsellOffers?: number;
  /** A generated offer's value as a share of its price (default 0.3). */
  valueRate?: number;
  /** Placements where generated offers may appear (default: all). */
  placements?: string[];
  /** The upsell ladder's price band (default 1.05 to 2.5 times the current price). */
  ladder?: { minJump?: number; maxJump?: number; minMargin?: number };
}
"#;

#[wasm_bindgen]
extern "C" {
    /// Options of an attached recommender.
    #[wasm_bindgen(typescript_type = "AttachRecommenderOptions")]
    pub type AttachRecommenderOptionsInput;
}

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    /// Attaches a recommender (its saved bytes) to this engine, replacing any attached before; answers how
    /// many items it knows. Attach before preparing customers. Throws `invalid-model` (path `recommender...`)
    /// for bytes of another format version or bad options.
    #[wasm_bindgen(js_name = attachRecommender)]
    pub fn attach_recommender(
        &mut self,
        bytes: &[u8],
        options: Option<AttachRecommenderOptionsInput>,
    ) -> Result<usize, JsValue> {
        let options = match options.as_ref().map(|o| -> &JsValue { o.as_ref() }) {
            Some(o) if !o.is_undefined() && !o.is_null() => json_text(o, "options")?,
            _ => String::new(),
        };
        self.inner
            .attach_recommender_json(bytes, &options)
            .map_err(|e| match e {
                crate::Error::Json { .. } => error("invalid-json", "", &e.to_string()),
                other => engine_error(other),
            })
    }
}
