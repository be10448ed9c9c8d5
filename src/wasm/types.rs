//! The TypeScript domain types of the package, so that the generated `.d.ts` has no `any`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const DOMAIN_TYPES: &'static str = r#"
/** A JSON value as the engine reads it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What an offer does for the relationship. */
export type OfferKind = "upsell" | "cross_sell" | "retention" | "reactivation" | "loyalty" | "content";

/** A GrowthBook-style condition (MongoDB query syntax). */
export type Condition = { [key: string]: Json };

/** One offer of the catalog. */
export interface OfferSpec {
  id: string;
  kind: OfferKind;
  title?: string;
  description?: string;
  category?: string;
  productId?: string;
  price?: number;
  currency?: string;
  value?: number;
  image?: string;
  link?: string;
  placements?: string[];
  /** ISO date or date-time, inclusive. */
  startDate?: string;
  /** ISO date (through that day) or date-time (exclusive). */
  endDate?: string;
  condition?: Condition;
  lever?: number;
  requires?: string[];
  excludes?: string[];
  repeatable?: boolean;
}

/** A contact rule: a cap over a period, or a pause after repeated ignores. */
export type ContactPolicy =
  | { id: string; scope: "offer"; max: number; periodDays: number }
  | { id: string; scope: "kind"; kind: OfferKind; max: number; periodDays: number }
  | { id: string; scope: "placement"; placement: string; max: number; periodDays: number }
  | { id: string; scope: "ignores"; ignores: number; windowDays: number; pauseDays: number };

/** Weights of the arbitration formula. */
export interface ArbitrationSettingsSpec { name?: string; affinityWeight?: number; valueExponent?: number }

/** The offer model loaded by `new Engine(model)`. */
export interface Model {
  version?: 1;
  currency?: string;
  placements?: string[];
  savedGroups?: { [group: string]: Json[] };
  contextWeights?: { placement?: { [name: string]: number }; channel?: { [name: string]: number }; device?: { [name: string]: number } };
  priors?: { accepts?: number; impressions?: number; success?: "click" | "accept" | "purchase" };
  affinity?: { halfLifeDays?: number };
  policies?: ContactPolicy[];
  suitability?: { complaintAttribute?: string; npsAttribute?: string; detractorMax?: number };
  controlGroup?: { share: number; seed?: string };
  arbitration?: ArbitrationSettingsSpec;
  arbitrationSplit?: { id: string; seed?: string; coverage?: number; weights?: number[]; variations: ArbitrationSettingsSpec[] };
  segmentAttribute?: string;
  offers: OfferSpec[];
}

/** A feedback or contact event type. */
export type EventType = "impression" | "click" | "accept" | "dismiss" | "purchase";

/** A past purchase of the customer. */
export interface Purchase { productId?: string; category?: string; date: string; amount?: number; quantity?: number; orderId?: string }

/** A past contact with the customer, kept by the caller. */
export interface Contact { offerId: string; event: EventType; at: string; placement?: string; decisionId?: string }

/** The customer of a decision. */
export interface CustomerData {
  id?: string | number;
  attributes?: { [key: string]: Json };
  purchases?: Purchase[];
  owned?: string[];
  contacts?: Contact[];
}

/** The moment of a decision. `now` is required: the engine reads no clock. */
export interface DecisionContext {
  now: string;
  placement?: string;
  page?: string;
  cart?: string[];
  device?: string;
  channel?: string;
  locale?: string;
}

/** The input of `engine.decide`. */
export interface DecideRequest {
  customer?: CustomerData;
  context: DecisionContext;
  /** How many offers to return (1 to 100, default 3). */
  limit?: number;
  /** Seed of every random choice (default 0): same request, same decision. */
  seed?: number;
  /** List the ids of ineligible offers too. */
  explain?: boolean;
}

/** One reason behind a ranked offer. */
export interface Reason { code: "audience" | "propensity" | "affinity" | "context" | "value" | "lever"; text: string }

/** An offer chosen for the customer, with every factor of its priority. */
export interface RankedOffer {
  rank: number;
  id: string;
  title: string;
  description: string;
  kind: OfferKind;
  category?: string;
  productId?: string;
  price: number;
  currency: string;
  image?: string;
  link?: string;
  /** priority = propensity x contextWeight x value^valueExponent x lever */
  score: number;
  factors: { propensity: number; contextWeight: number; value: number; lever: number };
  propensity: { posterior: number; successes: number; impressions: number; segment?: string; affinity?: number; affinityMultiplier: number };
  reasons: Reason[];
}

/** Why offers were left out. */
export interface SuppressionInfo { rule: string; reason: string }

/** The result of `engine.decide`. */
export interface Decision {
  decisionId: string;
  customerId?: string;
  placement?: string;
  at: string;
  group: "treatment" | "control";
  split?: { id: string; variation: number; name: string };
  /** A rule that withheld every offer (control group, placement cap). */
  blocked?: SuppressionInfo;
  offers: RankedOffer[];
  suppressed: (SuppressionInfo & { id: string })[];
  candidates: number;
  ineligibleCount: number;
  ineligible?: string[];
}

/** The per-call request of `engine.decideFor(customer, request)`: the customer comes prepared. */
export interface DecideForRequest {
  customer?: { contacts?: Contact[] };
  context: DecisionContext;
  limit?: number;
  seed?: number;
  explain?: boolean;
}

/** A feedback event for `engine.record`. */
export interface FeedbackEvent {
  type: EventType;
  offerId: string;
  segment?: string;
  count?: number;
  decisionId?: string;
  customerId?: string;
  placement?: string;
  at?: string;
}

/** Event counts of one offer. */
export interface EventCounts { impressions: number; clicks: number; accepts: number; dismisses: number; purchases: number }

/** Learned counts, exported by `engine.exportState()`; states merge by adding. */
export interface LearnedState {
  format: "nextoffer-state";
  version: 1;
  offers: { [offerId: string]: { total: EventCounts; segments: { [segment: string]: EventCounts } } };
}

/** Errors thrown by the package: an `Error` with a stable `code` and the JSON `path` of the offending field. */
export interface NextofferError extends Error {
  name: "NextofferError";
  code: "invalid-json" | "invalid-model" | "invalid-request" | "invalid-event" | "invalid-state" | "unknown-offer";
  path: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A model object or its JSON text.
    #[wasm_bindgen(typescript_type = "Model | string")]
    pub type ModelInput;
    /// A decide request.
    #[wasm_bindgen(typescript_type = "DecideRequest")]
    pub type DecideRequestInput;
    /// A customer to prepare.
    #[wasm_bindgen(typescript_type = "CustomerData | string")]
    pub type CustomerInput;
    /// A request for a prepared customer.
    #[wasm_bindgen(typescript_type = "DecideForRequest | string")]
    pub type DecideForInput;
    /// A decision.
    #[wasm_bindgen(typescript_type = "Decision")]
    pub type DecisionOutput;
    /// A feedback event.
    #[wasm_bindgen(typescript_type = "FeedbackEvent")]
    pub type FeedbackEventInput;
    /// A learned state.
    #[wasm_bindgen(typescript_type = "LearnedState")]
    pub type LearnedStateValue;
    /// A condition.
    #[wasm_bindgen(typescript_type = "Condition")]
    pub type ConditionInput;
    /// Attributes of a condition.
    #[wasm_bindgen(typescript_type = "{ [key: string]: Json }")]
    pub type AttributesInput;
    /// Saved groups of a condition.
    #[wasm_bindgen(typescript_type = "{ [group: string]: Json[] }")]
    pub type SavedGroupsInput;
}
