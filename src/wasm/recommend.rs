//! The recommendation binding of the insight module (`--features insight-wasm`, `pkg/insight/`): the
//! `Recommender` class (build from orders, save, load, similar, recommend, rules) and `lift(events)`.
//!
//! Building models (co-occurrence counts, FP-growth) is work for a dashboard, not for a page deciding
//! offers, so it lives in the on-demand module with insight; the engine's module only loads saved models.
//! Every method wraps [`crate::recommend::api`], which reads and writes JSON values, so native tests check
//! exactly what JavaScript gets. Errors are `NextofferError`s with `code` and `path` (see `convert.rs`).

#![cfg(all(target_arch = "wasm32", feature = "insight-wasm"))]

use wasm_bindgen::prelude::*;

use super::convert::{error, from_json, json_text};
use super::order_columns::order_columns;
use crate::json::Value;
use crate::recommend::api::{lift as lift_report, ApiError, Input, RecommenderApi};

#[wasm_bindgen(typescript_custom_section)]
const RECOMMEND_TYPES: &'static str = r#"
/** One order line for `Recommender.fromOrders` (the CSV columns, camelCase or as in the CSV). */
export interface RecommendOrderInput {
  customerId?: string | number;
  customer_id?: string | number;
  orderId?: string | number;
  order_id?: string | number;
  /** ISO date or date-time. */
  date: string;
  productId?: string | number;
  product_id?: string | number;
  category?: string;
  /** Line amount (unit price = amount / quantity, for upsell ladders). */
  amount?: number | string;
  quantity?: number | string;
}

/** Options of `Recommender.fromOrders`; every key is optional, unknown keys are an error. */
export interface RecommenderBuildOptions {
  /** A basket is an order (default; without `order_id` a customer's day) or a customer's whole history. */
  basket?: "order" | "customer";
  /** The measure ranking neighbours (default "cosine"). */
  similarity?: "cosine" | "jaccard" | "lift" | "confidence";
  /** Neighbours kept per item (default 20). */
  neighbours?: number;
  /** Pairs sharing fewer baskets are ignored (default 1). */
  minTogether?: number;
  /** Customer id to segment name, for popularity by segment (the cold-start fallback). */
  segments?: { [customerId: string]: string };
  /** Items kept per segment (default 200). */
  segmentTop?: number;
  /** Upsell ladders: price ratio band of the next tier (default 1.05 to 2.5). */
  ladder?: RecommenderLadderOptions;
}

/** Upsell ladder options. */
export interface RecommenderLadderOptions { minJump?: number; maxJump?: number; minMargin?: number }

/** A past purchase: an item id, or the item with its date (for recency decay) and category. */
export type RecommendHistoryItem = string | { item: string; date?: string; category?: string };

/** A request of `recommender.recommend(request)`; unknown item ids are ignored. */
export interface RecommendRequest {
  /** Item ids in the cart (cross-sell anchors, upsell anchors, never recommended). */
  cart?: string[];
  /** Past purchases (anchors weighted by recency, never recommended unless `repeatable`). */
  history?: RecommendHistoryItem[];
  /** Products owned (subscriptions, devices): never recommended; upsell anchors. */
  owned?: string[];
  /** The customer's segment, for segment popularity. */
  segment?: string;
  /** At most this many items (default 10). */
  limit?: number;
  /** Today (ISO date), for the recency decay of dated history. */
  now?: string;
  /** Items that may be recommended again (consumables). */
  repeatable?: string[];
  /** Items never to recommend. */
  exclude?: string[];
  /** Signal weights: defaults itemToItem 1, affinity 0.3, popularity 0.1, upsell 0.5, halfLifeDays 90. */
  weights?: { itemToItem?: number; affinity?: number; popularity?: number; upsell?: number; halfLifeDays?: number };
}

/** A reason with its figures (`code` is stable, `text` is what people read). */
export interface RecommendReason {
  code: "bought_together" | "category_affinity" | "popular" | "next_tier_up";
  text: string;
  [figure: string]: string | number | null;
}

/** One recommended item. */
export interface RecommendedItem {
  item: string;
  score: number;
  source: "cross_sell" | "upsell" | "affinity" | "popular";
  /** The strongest reason's text, e.g. "bought together with kettle in 41% of orders". */
  reason: string;
  reasons: RecommendReason[];
}

/** A stored neighbour of an item, with the pair's counts and measures. */
export interface SimilarItem {
  item: string;
  score: number;
  baskets: number;
  countA: number;
  countB: number;
  together: number;
  support: number;
  confidence: number;
  lift: number;
  jaccard: number;
  cosine: number;
  reason: string;
}

/** Options of `recommender.rules(options)`. */
export interface RulesOptions {
  /** Minimum itemset support in (0, 1] (default 0.01). */
  minSupport?: number;
  /** Minimum confidence in [0, 1] (default 0.5). */
  minConfidence?: number;
  minLift?: number;
  /** Longest itemset. */
  maxLength?: number;
  /** Sort key, descending (default "lift"). */
  sort?: "support" | "confidence" | "lift" | "leverage" | "conviction";
  /** At most this many rules are returned, the best by `sort` (all are generated; `total` counts them). */
  limit?: number;
}

/** An association rule. `conviction` is null when infinite (confidence 1). */
export interface AssociationRule {
  antecedents: string[];
  consequents: string[];
  count: number;
  antecedentSupport: number;
  consequentSupport: number;
  support: number;
  confidence: number;
  lift: number;
  leverage: number;
  conviction: number | null;
}

/** A recorded event for lift: the offer, the customer's arm and what happened. */
export interface LiftEventInput {
  offerId?: string | number;
  offer_id?: string | number;
  offer?: string | number;
  variant: "treatment" | "control";
  event: "exposure" | "conversion";
}

/** An estimate with its 95% interval. */
export interface EstimateInterval { estimate: number; low: number; high: number }

/** One arm of an offer. */
export interface LiftArm { exposures: number; conversions: number; rate: EstimateInterval | null }

/** Treatment against control for one offer. */
export interface OfferLift {
  offer: string;
  treatment: LiftArm;
  control: LiftArm;
  /** rate_t - rate_c, Newcombe interval. */
  difference: EstimateInterval | null;
  /** rate_t / rate_c - 1, Katz log interval; null when an arm has no exposures or no conversions. */
  relativeLift: EstimateInterval | null;
  probabilityTreatmentBeatsControl: number;
}

/** Errors thrown by `Recommender` and `lift`. */
export interface RecommendError extends Error {
  name: "NextofferError";
  code: "invalid-json" | "invalid-orders" | "invalid-options" | "invalid-request" | "invalid-model"
    | "invalid-events" | "unknown-item" | "no-baskets";
  path: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// Orders as CSV text or order objects.
    #[wasm_bindgen(typescript_type = "string | RecommendOrderInput[]")]
    pub type RecommendOrdersInput;
    /// Build options.
    #[wasm_bindgen(typescript_type = "RecommenderBuildOptions")]
    pub type BuildOptionsInput;
    /// Ladder options of `load`.
    #[wasm_bindgen(typescript_type = "RecommenderLadderOptions")]
    pub type LadderOptionsInput;
    /// A recommend request.
    #[wasm_bindgen(typescript_type = "RecommendRequest")]
    pub type RecommendRequestInput;
    /// Rules options.
    #[wasm_bindgen(typescript_type = "RulesOptions")]
    pub type RulesOptionsInput;
    /// Events as CSV text or objects.
    #[wasm_bindgen(typescript_type = "string | LiftEventInput[]")]
    pub type LiftEventsInput;
    /// Recommended items.
    #[wasm_bindgen(typescript_type = "RecommendedItem[]")]
    pub type RecommendedItems;
    /// Neighbours.
    #[wasm_bindgen(typescript_type = "SimilarItem[]")]
    pub type SimilarItems;
    /// Rules.
    #[wasm_bindgen(typescript_type = "AssociationRule[] & { total: number }")]
    pub type AssociationRules;
    /// Lift per offer.
    #[wasm_bindgen(typescript_type = "OfferLift[]")]
    pub type OfferLifts;
}

fn api_error(e: &ApiError) -> JsValue {
    error(e.code, &e.path, &e.message)
}

/// An optional JS value as a JSON value (`None` for undefined or null).
fn optional(value: Option<&JsValue>, what: &str) -> Result<Option<Value>, JsValue> {
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(None);
    };
    let text = json_text(value, what)?;
    crate::json::parse(&text)
        .map(Some)
        .map_err(|e| error("invalid-json", "", &format!("{what}: invalid JSON at {e}")))
}

fn output(value: &Value) -> Result<JsValue, JsValue> {
    from_json(&value.to_json())
}

/// Item recommendations learned from orders: neighbours, upsell ladders, popularity, and (when built from
/// orders) association rules. Release it with `free()`.
#[wasm_bindgen(js_name = Recommender)]
pub struct WasmRecommender {
    inner: RecommenderApi,
}

#[wasm_bindgen(js_class = Recommender)]
impl WasmRecommender {
    /// Builds from an orders CSV (`customer_id`, `date`, `product_id`; `order_id`, `category`, `amount`,
    /// `quantity` when present) or order objects. Throws `invalid-orders`, `invalid-options`, `invalid-json`.
    #[wasm_bindgen(js_name = fromOrders)]
    pub fn from_orders(
        orders: &RecommendOrdersInput,
        options: Option<BuildOptionsInput>,
    ) -> Result<WasmRecommender, JsValue> {
        let options = optional(options.as_ref().map(|o| o.as_ref()), "options")?;
        let orders: &JsValue = orders.as_ref();
        let inner = if let Some(csv) = orders.as_string() {
            RecommenderApi::from_orders_input(Input::Csv(&csv), options.as_ref())
        } else if orders.is_undefined() || orders.is_null() {
            RecommenderApi::from_orders_input(Input::Json(&Value::Null), options.as_ref())
        } else if let Some(columns) = order_columns(orders)? {
            RecommenderApi::from_order_columns(&columns, options.as_ref())
        } else {
            // Order objects the walk leaves to the text cross as JSON text, read row by row without a tree
            // (the JSON tree of MovieLens' 55,375 orders was most of this path's cost); text that does not
            // parse takes the tree path, which reports it as before.
            let text = json_text(orders, "orders")?;
            match RecommenderApi::from_orders_json_text(&text, options.as_ref()) {
                Some(built) => built,
                None => {
                    let value = crate::json::parse(&text).map_err(|e| {
                        error("invalid-json", "", &format!("orders: invalid JSON at {e}"))
                    })?;
                    RecommenderApi::from_orders_input(Input::Json(&value), options.as_ref())
                }
            }
        }
        .map_err(|e| api_error(&e))?;
        Ok(WasmRecommender { inner })
    }

    /// Loads a model saved by `save()` (or `nextoffer similar --save`). Throws `invalid-model` for another
    /// format version or corrupt bytes.
    pub fn load(
        bytes: &[u8],
        ladder: Option<LadderOptionsInput>,
    ) -> Result<WasmRecommender, JsValue> {
        let ladder = optional(ladder.as_ref().map(|o| o.as_ref()), "ladder")?;
        RecommenderApi::from_bytes(bytes, ladder.as_ref())
            .map(|inner| WasmRecommender { inner })
            .map_err(|e| api_error(&e))
    }

    /// The model in the compact, versioned binary format (what `Engine.attachRecommender` loads).
    pub fn save(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }

    /// The stored neighbours of `item`, best first (default 10). Throws `unknown-item`.
    pub fn similar(&self, item: &str, limit: Option<u32>) -> Result<SimilarItems, JsValue> {
        let list = self
            .inner
            .similar(item, limit.unwrap_or(10) as usize)
            .map_err(|e| api_error(&e))?;
        Ok(output(&list)?.unchecked_into())
    }

    /// Items for one customer and cart, best first, each with its source and reason. Throws
    /// `invalid-request`.
    pub fn recommend(
        &self,
        request: Option<RecommendRequestInput>,
    ) -> Result<RecommendedItems, JsValue> {
        let request = optional(request.as_ref().map(|o| o.as_ref()), "request")?;
        let list = self
            .inner
            .recommend(request.as_ref())
            .map_err(|e| api_error(&e))?;
        Ok(output(&list)?.unchecked_into())
    }

    /// Association rules by FP-growth, with `total` (the number of rules before `limit`). Throws
    /// `invalid-options`, or `no-baskets` on a loaded model.
    pub fn rules(&self, options: Option<RulesOptionsInput>) -> Result<AssociationRules, JsValue> {
        let options = optional(options.as_ref().map(|o| o.as_ref()), "options")?;
        let (list, total) = self
            .inner
            .rules(options.as_ref())
            .map_err(|e| api_error(&e))?;
        let array = output(&list)?;
        // Reflect::set only fails on frozen or exotic objects; a fresh array is neither.
        let _ = js_sys::Reflect::set(&array, &"total".into(), &JsValue::from_f64(total as f64));
        Ok(array.unchecked_into())
    }

    /// How many items the model knows.
    #[wasm_bindgen(getter, js_name = itemCount)]
    pub fn item_count(&self) -> usize {
        self.inner.recommender().items().len()
    }

    /// How many baskets were counted.
    #[wasm_bindgen(getter, js_name = basketCount)]
    pub fn basket_count(&self) -> u32 {
        self.inner.recommender().basket_count()
    }
}

/// Conversion per offer and arm, lift with a 95% interval and the probability that treatment beats control,
/// from recorded events (CSV text with `offer_id`, `variant`, `event` columns, or event objects). Throws
/// `invalid-events`.
#[wasm_bindgen]
pub fn lift(events: &LiftEventsInput) -> Result<OfferLifts, JsValue> {
    let report = if let Some(csv) = events.as_string() {
        lift_report(Input::Csv(&csv))
    } else {
        let value = optional(Some(events.as_ref()), "events")?.unwrap_or_default();
        lift_report(Input::Json(&value))
    }
    .map_err(|e| api_error(&e))?;
    Ok(output(&report)?.unchecked_into())
}
