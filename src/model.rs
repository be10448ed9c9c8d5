//! The loaded model: the offer catalog plus everything that decides between offers (context weights,
//! contact policies, propensity priors, suitability rules, the control group and arbitration splits).
//!
//! Loading validates everything and compiles conditions, so that `decide` only evaluates.

use crate::arbitration::{ArbitrationSettings, ArbitrationSplit};
use crate::catalog::{self, Names, Offer, OfferContext};
use crate::condition::{AttributeKeys, SavedGroups};
use crate::decode::{self, At, FieldError};
use crate::error::{Error, Input};
use crate::intern::{FastMap, Interner};
use crate::json::{Object, Value};
use crate::policy::Policy;
use crate::profile::ContactEvent;
use crate::text::Num;

#[cfg(feature = "streaming-load")]
mod read;

/// Most offers one model may hold: the engine is built for catalogs of hundreds to a few thousand offers.
pub const MAX_OFFERS: usize = 100_000;

/// Multipliers for the context of a request, each a factor of the priority.
#[derive(Debug, Default)]
pub(crate) struct ContextWeights {
    pub placement: FastMap<Box<str>, f64>,
    pub channel: FastMap<Box<str>, f64>,
    pub device: FastMap<Box<str>, f64>,
}

/// Beta prior and success event of the learned acceptance probability.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Priors {
    /// Prior successes (alpha).
    pub successes: f64,
    /// Prior trials (alpha + beta).
    pub trials: f64,
    /// The event that counts as a success per impression.
    pub success_event: ContactEvent,
}

/// Who should not get a sales pitch now.
#[derive(Debug, Clone)]
pub(crate) struct Suitability {
    /// Attribute that is truthy while the customer has an open complaint.
    pub complaint_attribute: String,
    /// Attribute holding the customer's last NPS answer (0 to 10).
    pub nps_attribute: String,
    /// NPS at or below this is a detractor.
    pub detractor_max: f64,
}

/// A fixed share of customers who get no offer, so that lift can be measured against them.
#[derive(Debug, Clone)]
pub(crate) struct ControlGroup {
    pub share: f64,
    pub seed: String,
}

/// A validated, compiled model.
#[derive(Debug)]
pub struct Model {
    pub(crate) offers: Vec<Offer>,
    offer_ids: Interner,
    pub(crate) keys: AttributeKeys,
    names: Names,
    /// Per placement id: indices of offers shown there (including those shown everywhere), ascending.
    by_placement: Vec<Vec<u32>>,
    /// Offers without a placement list: shown everywhere.
    everywhere: Vec<u32>,
    currency: String,
    pub(crate) context_weights: ContextWeights,
    pub(crate) policies: Vec<Policy>,
    pub(crate) priors: Priors,
    pub(crate) affinity_half_life_days: f64,
    pub(crate) settings: ArbitrationSettings,
    pub(crate) suitability: Suitability,
    pub(crate) control: Option<ControlGroup>,
    pub(crate) split: Option<ArbitrationSplit>,
    pub(crate) segment_attribute: String,
}

const MODEL_FIELDS: &[&str] = &[
    "version",
    "currency",
    "placements",
    "savedGroups",
    "contextWeights",
    "priors",
    "affinity",
    "policies",
    "suitability",
    "controlGroup",
    "arbitration",
    "arbitrationSplit",
    "segmentAttribute",
    "offers",
];

impl Model {
    /// Parses and validates a model from JSON text.
    pub fn from_json(text: &str) -> Result<Model, Error> {
        // A valid model in the usual key order loads in one streaming pass; anything else (an invalid or
        // unusually ordered model) from a parsed tree, which reports the first error in checking order.
        #[cfg(feature = "streaming-load")]
        if let Some(model) = read::model(text) {
            return Ok(model);
        }
        let value = crate::json::parse(text).map_err(|source| Error::Json {
            input: Input::Model,
            source,
        })?;
        Model::from_value(&value)
    }

    /// Validates a model from a parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Model, Error> {
        Model::decode(value).map_err(Error::invalid(Input::Model))
    }

    fn decode(value: &Value) -> Result<Model, FieldError> {
        let root = At::root("");
        let obj = decode::object(value, &root)?;
        let (mut prelude, declared) = Prelude::decode(obj, &root)?;
        let offers_at = root.key("offers");
        let offer_values = decode::optional_array(obj, "offers", &root)?;
        if offer_values.len() > MAX_OFFERS {
            return Err(offers_at.error(format!(
                "has {} offers, more than the limit of {MAX_OFFERS}",
                offer_values.len()
            )));
        }
        let mut read = ReadOffers::with_capacity(offer_values.len());
        for (i, v) in offer_values.iter().enumerate() {
            let at = offers_at.index(i);
            let offer = Offer::decode(v, &at, &mut read.context(&mut prelude))?;
            read.push(offer, &at, &declared, &prelude.names)?;
        }
        Model::finish(obj, &root, prelude, read)
    }

    /// The model from its root fields (`obj`, which may lack the offers) and its offers: checks the fields
    /// after the offers, in order.
    fn finish(
        obj: &Object,
        root: &At<'_>,
        prelude: Prelude,
        read: ReadOffers,
    ) -> Result<Model, FieldError> {
        let Prelude {
            currency,
            mut names,
            ..
        } = prelude;
        let ReadOffers {
            offers,
            offer_ids,
            keys,
        } = read;
        let policies_at = root.key("policies");
        let mut policies: Vec<Policy> = Vec::new();
        for (i, v) in decode::optional_array(obj, "policies", root)?
            .iter()
            .enumerate()
        {
            let at = policies_at.index(i);
            let policy = Policy::decode(v, &at, &mut names.placements)?;
            if policies.iter().any(|p| p.id == policy.id) {
                return Err(at
                    .key("id")
                    .error(format!("duplicate policy id \"{}\"", policy.id)));
            }
            policies.push(policy);
        }
        let (by_placement, everywhere) = index_placements(&offers, names.placements.len());
        let settings = match decode::field(obj, "arbitration") {
            None => ArbitrationSettings::default(),
            Some(v) => ArbitrationSettings::decode(
                v,
                &root.key("arbitration"),
                &ArbitrationSettings::default(),
            )?,
        };
        let split = match decode::field(obj, "arbitrationSplit") {
            None => None,
            Some(v) => Some(ArbitrationSplit::decode(
                v,
                &root.key("arbitrationSplit"),
                &settings,
            )?),
        };
        Ok(Model {
            offers,
            offer_ids,
            keys,
            by_placement,
            everywhere,
            currency,
            context_weights: decode_context_weights(obj, root)?,
            policies,
            priors: decode_priors(obj, root)?,
            affinity_half_life_days: decode_half_life(obj, root)?,
            settings,
            suitability: decode_suitability(obj, root)?,
            control: decode_control(obj, root)?,
            split,
            segment_attribute: decode::optional_str(obj, "segmentAttribute", root)?
                .unwrap_or("segment")
                .to_owned(),
            names,
        })
    }

    /// How many offers the model has.
    pub fn offer_count(&self) -> usize {
        self.offers.len()
    }

    /// The default currency of the model's offers.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// The offers, in model order.
    pub fn offers(&self) -> &[Offer] {
        &self.offers
    }

    pub(crate) fn offer(&self, index: u32) -> Option<&Offer> {
        self.offers.get(index as usize)
    }

    pub(crate) fn offer_index(&self, id: &str) -> Option<u32> {
        self.offer_ids.get(id)
    }

    pub(crate) fn product_id(&self, product: &str) -> Option<u32> {
        self.names.products.get(product)
    }

    pub(crate) fn product_name(&self, id: u32) -> &str {
        self.names.products.name(id)
    }

    /// Adds a product name (an attached recommender's items), so requests resolve it like the offers' products.
    #[cfg_attr(not(feature = "recommender"), allow(dead_code))]
    pub(crate) fn intern_product(&mut self, product: &str) -> u32 {
        self.names.products.intern(product)
    }

    pub(crate) fn product_count(&self) -> usize {
        self.names.products.len()
    }

    pub(crate) fn category_id(&self, category: &str) -> Option<u32> {
        self.names.categories.get(category)
    }

    pub(crate) fn category_count(&self) -> usize {
        self.names.categories.len()
    }

    pub(crate) fn placement_id(&self, placement: &str) -> Option<u32> {
        self.names.placements.get(placement)
    }

    pub(crate) fn affinity_half_life_days(&self) -> f64 {
        self.affinity_half_life_days
    }

    /// Offers that may be shown in `placement` (`None`: no placement given, so only offers shown everywhere),
    /// in model order.
    pub(crate) fn candidates(&self, placement: Option<u32>) -> &[u32] {
        match placement {
            Some(p) => self
                .by_placement
                .get(p as usize)
                .map_or(&self.everywhere, Vec::as_slice),
            None => &self.everywhere,
        }
    }

    /// Whether a request may name `placement`: a placement the model knows, or any placement when no offer and
    /// no declaration restricts placements.
    pub(crate) fn accepts_placement(&self, placement: &str) -> bool {
        self.names.placements.is_empty() || self.names.placements.get(placement).is_some()
    }
}

/// What the offers are read against: the root fields checked before them.
struct Prelude {
    currency: String,
    groups: SavedGroups,
    /// Seeded with the declared placements, so that they keep the first ids.
    names: Names,
}

impl Prelude {
    /// Checks the root fields that come before the offers in the model's checking order; answers also the
    /// declared placements.
    fn decode<'o>(obj: &'o Object, root: &At<'_>) -> Result<(Prelude, Vec<&'o str>), FieldError> {
        decode::deny_unknown_keys(obj, MODEL_FIELDS, root)?;
        match decode::optional_number(obj, "version", root)? {
            None => {}
            Some(1.0) => {}
            Some(v) => {
                return Err(root
                    .key("version")
                    .error(format!("unsupported model version {} (expected 1)", Num(v))))
            }
        }
        let currency = match decode::optional_str(obj, "currency", root)? {
            None => "USD".to_owned(),
            Some(c) if catalog::is_currency_code(c) => c.to_owned(),
            Some(c) => {
                return Err(root.key("currency").error(format!(
                    "must be a three-letter ISO 4217 code, found \"{c}\""
                )))
            }
        };
        let groups = match decode::field(obj, "savedGroups") {
            None => SavedGroups::default(),
            Some(g) => SavedGroups::from_value(g)
                .map_err(|e| FieldError::new(join_path("savedGroups", &e.path), e.message))?,
        };
        let mut names = Names {
            products: Interner::default(),
            categories: Interner::default(),
            placements: Interner::default(),
        };
        let declared = decode::string_list(obj, "placements", root)?;
        for p in &declared {
            names.placements.intern(p);
        }
        Ok((
            Prelude {
                currency,
                groups,
                names,
            },
            declared,
        ))
    }
}

/// The offers of a model, checked one by one as they are read.
struct ReadOffers {
    offers: Vec<Offer>,
    offer_ids: Interner,
    keys: AttributeKeys,
}

impl ReadOffers {
    fn with_capacity(count: usize) -> ReadOffers {
        ReadOffers {
            offers: Vec::with_capacity(count),
            offer_ids: Interner::default(),
            keys: AttributeKeys::new(),
        }
    }

    /// What the next offer is read against.
    fn context<'m>(&'m mut self, prelude: &'m mut Prelude) -> OfferContext<'m> {
        OfferContext {
            default_currency: &prelude.currency,
            names: &mut prelude.names,
            keys: &mut self.keys,
            groups: &prelude.groups,
        }
    }

    /// Adds the offer at `at`, unless its id is taken or it names a placement outside `declared` (when the
    /// model declares its placements).
    fn push(
        &mut self,
        offer: Offer,
        at: &At<'_>,
        declared: &[&str],
        names: &Names,
    ) -> Result<(), FieldError> {
        let i = self.offers.len();
        let index = u32::try_from(i).map_err(|_| at.error("too many offers"))?;
        // Ids are numbered in offer order (a load stops at its first error), so a new id gets this offer's
        // index and a repeated one the index of its first offer: one lookup serves both.
        match self.offer_ids.intern(&offer.id) {
            id if id == index => {}
            first if first < index => {
                return Err(at.key("id").error(format!(
                    "duplicate offer id \"{}\" (first at offers[{first}])",
                    offer.id
                )))
            }
            _ => return Err(at.error("too many offers")),
        }
        if !declared.is_empty() {
            if let Some(&unknown) = offer
                .placements
                .iter()
                .find(|&&p| p as usize >= declared.len())
            {
                return Err(at.key("placements").error(format!(
                    "unknown placement \"{}\" (the model declares: {})",
                    names.placements.name(unknown),
                    crate::text::comma_list(declared)
                )));
            }
        }
        self.offers.push(offer);
        Ok(())
    }
}

fn join_path(base: &str, rest: &str) -> String {
    if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}.{rest}")
    }
}

fn index_placements(offers: &[Offer], placement_count: usize) -> (Vec<Vec<u32>>, Vec<u32>) {
    let mut by_placement = vec![Vec::new(); placement_count];
    let mut everywhere = Vec::new();
    for (index, offer) in (0u32..).zip(offers) {
        if offer.placements.is_empty() {
            everywhere.push(index);
            for list in &mut by_placement {
                list.push(index);
            }
        } else {
            for &p in &offer.placements {
                if let Some(list) = by_placement.get_mut(p as usize) {
                    list.push(index);
                }
            }
        }
    }
    (by_placement, everywhere)
}

fn decode_weight_map(
    obj: &Object,
    key: &str,
    at: &At<'_>,
) -> Result<FastMap<Box<str>, f64>, FieldError> {
    let mut map = FastMap::default();
    let Some(value) = decode::field(obj, key) else {
        return Ok(map);
    };
    let map_at = at.key(key);
    for (name, weight) in decode::object(value, &map_at)?.iter() {
        match weight.as_f64() {
            Some(w) if w.is_finite() && w >= 0.0 => {
                map.insert(name.into(), w);
            }
            _ => return Err(map_at.key(name).error("must be a non-negative number")),
        }
    }
    Ok(map)
}

fn decode_context_weights(obj: &Object, root: &At<'_>) -> Result<ContextWeights, FieldError> {
    let Some(value) = decode::field(obj, "contextWeights") else {
        return Ok(ContextWeights::default());
    };
    let at = root.key("contextWeights");
    let weights = decode::object(value, &at)?;
    decode::deny_unknown_keys(weights, &["placement", "channel", "device"], &at)?;
    Ok(ContextWeights {
        placement: decode_weight_map(weights, "placement", &at)?,
        channel: decode_weight_map(weights, "channel", &at)?,
        device: decode_weight_map(weights, "device", &at)?,
    })
}

fn decode_priors(obj: &Object, root: &At<'_>) -> Result<Priors, FieldError> {
    let mut priors = Priors {
        successes: 1.0,
        trials: 20.0,
        success_event: ContactEvent::Click,
    };
    let Some(value) = decode::field(obj, "priors") else {
        return Ok(priors);
    };
    let at = root.key("priors");
    let p = decode::object(value, &at)?;
    decode::deny_unknown_keys(p, &["accepts", "impressions", "success"], &at)?;
    priors.successes =
        decode::optional_non_negative(p, "accepts", &at)?.unwrap_or(priors.successes);
    priors.trials = decode::optional_non_negative(p, "impressions", &at)?.unwrap_or(priors.trials);
    if priors.successes <= 0.0 || priors.trials <= priors.successes {
        return Err(at.error("needs 0 < accepts < impressions (a proper Beta prior)"));
    }
    if let Some(event) = decode::field(p, "success") {
        priors.success_event = ContactEvent::parse_at(event, &at.key("success"))?;
        if !priors.success_event.is_response() {
            return Err(at.key("success").error("must be click, accept or purchase"));
        }
    }
    Ok(priors)
}

fn decode_half_life(obj: &Object, root: &At<'_>) -> Result<f64, FieldError> {
    let Some(value) = decode::field(obj, "affinity") else {
        return Ok(90.0);
    };
    let at = root.key("affinity");
    let a = decode::object(value, &at)?;
    decode::deny_unknown_keys(a, &["halfLifeDays"], &at)?;
    match decode::optional_number(a, "halfLifeDays", &at)? {
        None => Ok(90.0),
        Some(d) if d > 0.0 && d <= 36_600.0 => Ok(d),
        Some(d) => Err(at.key("halfLifeDays").error(format!(
            "must be more than 0 and at most 36600, found {}",
            Num(d)
        ))),
    }
}

fn decode_suitability(obj: &Object, root: &At<'_>) -> Result<Suitability, FieldError> {
    let mut s = Suitability {
        complaint_attribute: "openComplaint".to_owned(),
        nps_attribute: "nps".to_owned(),
        detractor_max: 6.0,
    };
    let Some(value) = decode::field(obj, "suitability") else {
        return Ok(s);
    };
    let at = root.key("suitability");
    let o = decode::object(value, &at)?;
    decode::deny_unknown_keys(
        o,
        &["complaintAttribute", "npsAttribute", "detractorMax"],
        &at,
    )?;
    if let Some(a) = decode::optional_str(o, "complaintAttribute", &at)? {
        s.complaint_attribute = a.to_owned();
    }
    if let Some(a) = decode::optional_str(o, "npsAttribute", &at)? {
        s.nps_attribute = a.to_owned();
    }
    s.detractor_max = decode::optional_number(o, "detractorMax", &at)?.unwrap_or(s.detractor_max);
    Ok(s)
}

fn decode_control(obj: &Object, root: &At<'_>) -> Result<Option<ControlGroup>, FieldError> {
    let Some(value) = decode::field(obj, "controlGroup") else {
        return Ok(None);
    };
    let at = root.key("controlGroup");
    let o = decode::object(value, &at)?;
    decode::deny_unknown_keys(o, &["share", "seed"], &at)?;
    let share = decode::optional_number(o, "share", &at)?
        .ok_or_else(|| at.key("share").error("is required"))?;
    if !(0.0..=1.0).contains(&share) {
        return Err(at
            .key("share")
            .error(format!("must be between 0 and 1, found {}", Num(share))));
    }
    let seed = decode::optional_str(o, "seed", &at)?
        .unwrap_or("nextoffer-control")
        .to_owned();
    Ok(Some(ControlGroup { share, seed }))
}
