//! Recommendations inside `decide`: an attached recommender (the compact binary model of
//! `recommend::Recommender`, loaded apart from the offer model) boosts the propensity of the model's cross-sell
//! and upsell offers and generates offers of its own for the cart's neighbours and the next tier up.
//!
//! The engine's module only loads and looks up: building a recommender (co-occurrence counts, FP-growth) is the
//! insight module's or the CLI's job, so none of that code reaches the browser build. Each boost and each
//! generated offer carries its reason with the real counts ("bought together with kettle in 41% of orders",
//! "next tier up from grinder-basic (...)").
//!
//! - A model offer of kind `cross_sell` whose product goes with the cart or the customer's products gets
//!   `propensity × (1 + crossSellWeight × confidence)`, confidence being the share of the anchor's baskets
//!   that also hold the product.
//! - A model offer of kind `upsell` whose product is the next tier up from a product in the cart or owned
//!   gets `propensity × (1 + upsellWeight)`.
//! - Generated offers (`cross-sell:ITEM`, `upsell:ITEM`) compete with the model's offers under the same
//!   priority formula: their propensity is the prior (or what was learned for their id) times the same boost,
//!   their value the item's price times `valueRate`. Items the model already has an offer for are left to it.
//!   They pass the suitability rule (no sales pitch to an unhappy customer); the model's contact caps name the
//!   model's offers and do not apply to them.

use std::sync::OnceLock;

use crate::catalog::{Offer, OfferKind};
use crate::condition::Condition;
use crate::decode::{self, At, FieldError};
use crate::json::Value;
use crate::model::Model;
use crate::propensity::Boost;
use crate::recommend::{LadderOptions, Ladders, RecommendError, Recommender, Step};

const NONE: u32 = u32::MAX;
/// Neighbours of each cart item looked at for generated cross-sell offers.
const NEIGHBOURS_SCANNED: usize = 20;

/// Options of an attached recommender, `{ crossSellWeight, upsellWeight, crossSellOffers, upsellOffers,
/// valueRate, placements, ladder: { minJump, maxJump } }`.
#[derive(Debug, Clone)]
struct Settings {
    cross_sell_weight: f64,
    upsell_weight: f64,
    cross_sell_offers: usize,
    upsell_offers: usize,
    value_rate: f64,
    /// Model placement ids where generated offers may appear (`None`: everywhere).
    placements: Option<Vec<u32>>,
}

/// A recommender attached to an engine.
#[derive(Debug)]
pub(crate) struct Attached {
    rec: Recommender,
    ladders: Ladders,
    settings: Settings,
    /// Recommender item of each model product id (`NONE` for products the recommender does not know).
    item_of_product: Vec<u32>,
    /// Model product id of each recommender item.
    product_of_item: Vec<u32>,
    /// Items a model offer already sells: generated offers leave them to the model.
    has_offer: Vec<bool>,
    /// Generated offers, made on first use: two per item, cross-sell then upsell.
    generated: Vec<OnceLock<Box<Offer>>>,
}

/// What one decision's customer has, in recommender items: the anchors of associations and ladders.
pub(crate) struct Anchors<'a> {
    /// Cart items, then owned and bought ones, without repeats.
    names: Vec<&'a str>,
    /// How many of `names` come from the cart.
    cart: usize,
    /// Items of the cart, owned or bought, sorted: never generated.
    taken: Vec<u32>,
    /// Next tiers up from the anchors, nearest anchor first.
    steps: Vec<(u32, Step)>,
}

impl Attached {
    /// Loads `bytes` (the versioned binary format) against `model`, whose product names it extends with the
    /// recommender's items, with `options` (a JSON object or `Null`).
    pub(crate) fn load(
        model: &mut Model,
        bytes: &[u8],
        options: &Value,
    ) -> Result<Attached, FieldError> {
        let root = At::root("recommender");
        let rec = Recommender::from_bytes(bytes).map_err(|e| root.error(load_error(&e)))?;
        let (settings, ladder) = decode_settings(model, options, &root)?;
        // The options are checked above and the recommender's prices are positive: only a maxJump below
        // minJump is left to fail here.
        let ladders = Ladders::from_recommender(&rec, ladder).map_err(|_| {
            let at = root.key("options");
            let at = at.key("ladder");
            at.key("maxJump").error("must not be below minJump")
        })?;
        let n = rec.items().len();
        let product_of_item: Vec<u32> = rec
            .items()
            .names()
            .map(|name| model.intern_product(name))
            .collect();
        let mut item_of_product = vec![NONE; model.product_count()];
        for (item, &p) in (0u32..).zip(&product_of_item) {
            if let Some(slot) = item_of_product.get_mut(p as usize) {
                *slot = item;
            }
        }
        let mut has_offer = vec![false; n];
        for offer in model.offers() {
            let item = offer
                .product
                .and_then(|p| item_of_product.get(p as usize).copied())
                .unwrap_or(NONE);
            if let Some(flag) = has_offer.get_mut(item as usize) {
                *flag = true;
            }
        }
        Ok(Attached {
            rec,
            ladders,
            settings,
            item_of_product,
            product_of_item,
            has_offer,
            generated: (0..2 * n).map(|_| OnceLock::new()).collect(),
        })
    }

    /// Whether `id` names a generated offer (`cross-sell:ITEM` or `upsell:ITEM` of a known item), whose
    /// feedback is then recorded under that id.
    pub(crate) fn is_generated_id(&self, id: &str) -> bool {
        id.strip_prefix("cross-sell:")
            .or_else(|| id.strip_prefix("upsell:"))
            .is_some_and(|item| self.rec.items().id(item).is_some())
    }

    /// How many items the recommender knows.
    pub(crate) fn item_count(&self) -> usize {
        self.rec.items().len()
    }

    fn item(&self, product: u32) -> Option<u32> {
        self.item_of_product
            .get(product as usize)
            .copied()
            .filter(|&i| i != NONE)
    }

    fn name(&self, item: u32) -> &str {
        self.rec.items().name(item).unwrap_or_default()
    }

    /// The anchors of one decision from its cart and its owned and bought products (model product ids).
    ///
    /// This and the other methods `Engine::decide_view` calls stay out of line in the server build, so that a
    /// fresh isolate never compiles them into its first decision when no recommender is attached.
    #[cfg_attr(feature = "preload", inline(never))]
    pub(crate) fn anchors<'a>(
        &'a self,
        cart: &[u32],
        owned: impl Iterator<Item = u32>,
    ) -> Anchors<'a> {
        let mut items: Vec<u32> = Vec::with_capacity(cart.len());
        for &p in cart {
            if let Some(i) = self.item(p).filter(|i| !items.contains(i)) {
                items.push(i);
            }
        }
        let cart_len = items.len();
        for p in owned {
            if let Some(i) = self.item(p).filter(|i| !items.contains(i)) {
                items.push(i);
            }
        }
        let names: Vec<&str> = items.iter().map(|&i| self.name(i)).collect();
        let mut steps: Vec<(u32, Step)> = Vec::new();
        for name in &names {
            let Ok(next) = self.ladders.next_up(name, &names, 1) else {
                continue; // an anchor without a price or category has no ladder
            };
            for step in next {
                if let Some(item) = self.rec.items().id(&step.item) {
                    if !steps.iter().any(|s| s.0 == item) {
                        steps.push((item, step));
                    }
                }
            }
        }
        crate::sort::sort_by(&mut items, |a, b| a < b);
        Anchors {
            names,
            cart: cart_len,
            taken: items,
            steps,
        }
    }

    /// The boost of a model offer: its product's association with the anchors (cross-sell offers) or its
    /// place as the next tier up from one (upsell offers).
    #[cfg_attr(feature = "preload", inline(never))]
    pub(crate) fn boost(&self, anchors: &Anchors<'_>, offer: &Offer) -> Option<Boost> {
        let item = offer.product.and_then(|p| self.item(p))?;
        match offer.kind {
            OfferKind::Upsell => self.upsell_boost(anchors, item),
            OfferKind::CrossSell => self.cross_sell_boost(&anchors.names, item),
            _ => None,
        }
    }

    fn upsell_boost(&self, anchors: &Anchors<'_>, item: u32) -> Option<Boost> {
        let (_, step) = anchors.steps.iter().find(|s| s.0 == item)?;
        Some(Boost {
            code: "upsell",
            multiplier: 1.0 + self.settings.upsell_weight,
            text: step.reason().to_string(),
        })
    }

    fn cross_sell_boost(&self, anchors: &[&str], item: u32) -> Option<Boost> {
        let a = self.rec.association(self.name(item), anchors)?;
        Some(Boost {
            code: "cross_sell",
            multiplier: 1.0 + self.settings.cross_sell_weight * a.stats.confidence(),
            text: a.reason.to_string(),
        })
    }

    /// Generated candidates for a decision in `placement`: `(slot, boost)`, cross-sell offers for the cart's
    /// neighbours (strongest association first) then upsell offers for the next tiers.
    #[cfg_attr(feature = "preload", inline(never))]
    pub(crate) fn generate(
        &self,
        anchors: &Anchors<'_>,
        placement: Option<u32>,
    ) -> Vec<(u32, Boost)> {
        let s = &self.settings;
        if let Some(allowed) = &s.placements {
            if !placement.is_some_and(|p| allowed.contains(&p)) {
                return Vec::new();
            }
        }
        let free = |item: u32| {
            anchors.taken.binary_search(&item).is_err()
                && !self.has_offer.get(item as usize).copied().unwrap_or(true)
        };
        let mut out: Vec<(u32, Boost)> = Vec::new();
        if s.cross_sell_offers > 0 {
            let cart = anchors.names.get(..anchors.cart).unwrap_or_default();
            let mut seen: Vec<u32> = Vec::new();
            let mut scored: Vec<(f64, u32, Boost)> = Vec::new();
            for name in cart {
                let Some(anchor) = self.rec.items().id(name) else {
                    continue;
                };
                for n in self
                    .rec
                    .neighbours()
                    .of(anchor)
                    .iter()
                    .take(NEIGHBOURS_SCANNED)
                {
                    if seen.contains(&n.item) || !free(n.item) {
                        continue;
                    }
                    seen.push(n.item);
                    if let Some(b) = self.cross_sell_boost(cart, n.item) {
                        scored.push((b.multiplier, n.item, b));
                    }
                }
            }
            crate::sort::sort_by(&mut scored, |a, b| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1));
            out.extend(
                scored
                    .into_iter()
                    .take(s.cross_sell_offers)
                    .map(|(_, item, b)| (2 * item, b)),
            );
        }
        if s.upsell_offers > 0 {
            out.extend(
                anchors
                    .steps
                    .iter()
                    .filter(|(item, _)| free(*item))
                    .take(s.upsell_offers)
                    .filter_map(|&(item, _)| {
                        self.upsell_boost(anchors, item).map(|b| (2 * item + 1, b))
                    }),
            );
        }
        out
    }

    /// The generated offer of `slot` (made on first use).
    #[cfg_attr(feature = "preload", inline(never))]
    pub(crate) fn offer(&self, slot: u32, model: &Model) -> Option<&Offer> {
        let cell = self.generated.get(slot as usize)?;
        let item = slot / 2;
        Some(cell.get_or_init(|| Box::new(self.make_offer(item, slot % 2 == 1, model))))
    }

    fn make_offer(&self, item: u32, upsell: bool, model: &Model) -> Offer {
        let name = self.name(item).to_owned();
        let category = self.rec.category_of(item).map(str::to_owned);
        let price = self.rec.price_of(item).unwrap_or(0.0);
        let (kind, id) = if upsell {
            (OfferKind::Upsell, format!("upsell:{name}"))
        } else {
            (OfferKind::CrossSell, format!("cross-sell:{name}"))
        };
        Offer {
            id,
            title: name.clone(),
            description: String::new(),
            kind,
            category_id: category.as_deref().and_then(|c| model.category_id(c)),
            category,
            product: self.product_of_item.get(item as usize).copied(),
            product_id: Some(name),
            price,
            currency: model.currency().to_owned(),
            value: price * self.settings.value_rate,
            image: None,
            link: None,
            lever: 1.0,
            repeatable: false,
            placements: Vec::new(),
            starts: None,
            ends: None,
            condition: Condition::always(),
            requires: Vec::new(),
            excludes: Vec::new(),
        }
    }
}

/// The message of a model that does not load. `RecommendError`'s own `Display` covers every domain error and
/// formats bytes with `Debug`: several kilobytes of the engine's module for four messages.
fn load_error(e: &RecommendError) -> String {
    match e {
        RecommendError::ModelMagic { .. } => {
            "not a nextoffer recommender model (it does not start with \"NXRC\")".to_owned()
        }
        RecommendError::ModelVersion { found, supported } => format!(
            "recommender model format version {found} is not supported (this build reads version {supported})"
        ),
        RecommendError::ModelTruncated { offset, what } => {
            format!("recommender model truncated at byte {offset} while reading {what}")
        }
        RecommendError::ModelCorrupt { offset, message } => {
            format!("recommender model corrupt at byte {offset}: {message}")
        }
        _ => "the recommender model cannot be read".to_owned(),
    }
}

fn decode_settings(
    model: &Model,
    options: &Value,
    root: &At<'_>,
) -> Result<(Settings, LadderOptions), FieldError> {
    let at = root.key("options");
    let empty = crate::json::Object::new();
    let obj = match options {
        Value::Null => &empty,
        other => decode::object(other, &at)?,
    };
    decode::deny_unknown_keys(
        obj,
        &[
            "crossSellWeight",
            "upsellWeight",
            "crossSellOffers",
            "upsellOffers",
            "valueRate",
            "placements",
            "ladder",
        ],
        &at,
    )?;
    let placements = match decode::field(obj, "placements") {
        None => None,
        Some(_) => {
            let list_at = at.key("placements");
            let names = decode::string_list(obj, "placements", &at)?;
            let mut ids = Vec::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                ids.push(model.placement_id(name).ok_or_else(|| {
                    list_at
                        .index(i)
                        .error(format!("unknown placement \"{name}\""))
                })?);
            }
            Some(ids)
        }
    };
    let d = LadderOptions::default();
    let ladder = match decode::field(obj, "ladder") {
        None => d,
        Some(v) => {
            let lat = at.key("ladder");
            let l = decode::object(v, &lat)?;
            decode::deny_unknown_keys(l, &["minJump", "maxJump", "minMargin"], &lat)?;
            LadderOptions {
                min_jump: decode::number_in(l, "minJump", 1.0..=1e6, d.min_jump, &lat)?,
                max_jump: decode::number_in(l, "maxJump", 1.0..=1e6, d.max_jump, &lat)?,
                min_margin: match decode::optional_number(l, "minMargin", &lat)? {
                    None => None,
                    Some(_) => Some(decode::number_in(l, "minMargin", 0.0..=1.0, 0.0, &lat)?),
                },
            }
        }
    };
    let count = |key: &str, default: u64| -> Result<usize, FieldError> {
        Ok(decode::optional_count(obj, key, 100, &at)?.unwrap_or(default) as usize)
    };
    Ok((
        Settings {
            cross_sell_weight: decode::number_in(obj, "crossSellWeight", 0.0..=100.0, 1.0, &at)?,
            upsell_weight: decode::number_in(obj, "upsellWeight", 0.0..=100.0, 0.5, &at)?,
            cross_sell_offers: count("crossSellOffers", 1)?,
            upsell_offers: count("upsellOffers", 1)?,
            value_rate: decode::number_in(obj, "valueRate", 0.0..=1.0, 0.3, &at)?,
            placements,
        },
        ladder,
    ))
}
