//! The engine: a loaded model plus what it has learned, answering `decide` and taking feedback.
//!
//! One `decide` call runs the pipeline of DESIGN.md: candidates for the placement and date, eligibility
//! conditions, suitability and contact policy, propensity, arbitration, then the ranked result with reasons.

use crate::arbitration::{ArbitrationSettings, Factors};
use crate::bucket;
use crate::candidates::Attached;
use crate::catalog::Offer;
use crate::customer::PreparedCustomer;
use crate::decision::{Decision, Group, RankedOffer, Reason, SuppressedOffer};
use crate::decode::{self, At, FieldError};
use crate::error::{Error, Input};
use crate::feedback::{LearnedState, OfferStats};
use crate::json::Value;
use crate::model::Model;
use crate::policy::{CapState, Suppression};
use crate::profile::{ContactEvent, Profile};
use crate::propensity::Boost;
use crate::propensity::{propensity, PropensityParts};
use crate::request::{DecideRequest, ReadError, RequestView, CONTACTS_FIELD, CUSTOMER_FIELDS};
use crate::text::{join, Fixed, Num};

/// Most events one `record` call may count at once.
const MAX_EVENT_COUNT: u64 = 1_000_000;

/// A loaded model and its learned counts.
///
/// ```
/// let model = r#"{"offers":[{"id":"o1","kind":"content","title":"Brewing guide"}]}"#;
/// let engine = nextoffer::Engine::from_json(model).unwrap();
/// let decision = engine.decide_json(r#"{"context":{"now":"2026-11-23T10:00:00Z"}}"#).unwrap();
/// assert!(decision.contains(r#""id":"o1""#));
/// ```
#[derive(Debug)]
pub struct Engine {
    model: Model,
    /// Learned counts of the model's offers, by offer index: the hot path indexes, it never hashes.
    stats: Vec<OfferStats>,
    /// Counts of offer ids the model does not have, kept so that exporting never loses them.
    orphans: LearnedState,
    /// Rank of each offer's id in sorted order, for deterministic tie-breaks without string compares.
    id_rank: Vec<u32>,
    /// Identifies this engine, so a customer prepared against another model is refused, never misread.
    token: u64,
    /// The recommender attached with [`Engine::attach_recommender`], if any.
    recommender: Option<Attached>,
}

/// Marks a `best` entry's index as a generated offer's slot rather than a model offer's index.
const GENERATED: u32 = 1 << 31;

/// A model offer and its index, as the candidate loop of `decide_view` hands it on.
#[derive(Clone, Copy)]
struct Candidate<'m> {
    offer: &'m Offer,
    index: u32,
}

/// What every candidate of one decision is scored against.
struct Scoring<'a> {
    profile: &'a Profile,
    segment: Option<&'a str>,
    context_weight: f64,
    settings: &'a ArbitrationSettings,
    seed: u64,
}

/// Source of engine tokens: a counter, not a clock or a random source, so runs stay deterministic.
static NEXT_ENGINE_TOKEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Engine {
    /// An engine for a validated model, with nothing learned yet.
    pub fn new(model: Model) -> Engine {
        let mut order: Vec<u32> = (0..model.offer_count() as u32).collect();
        crate::sort::sort_by(&mut order, |&a, &b| {
            model.offer(a).map(|o| &o.id) < model.offer(b).map(|o| &o.id)
        });
        let mut id_rank = vec![0; order.len()];
        for (rank, &index) in (0u32..).zip(&order) {
            if let Some(slot) = id_rank.get_mut(index as usize) {
                *slot = rank;
            }
        }
        Engine {
            stats: vec![OfferStats::default(); model.offer_count()],
            model,
            orphans: LearnedState::default(),
            id_rank,
            token: NEXT_ENGINE_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            recommender: None,
        }
    }

    /// Attaches a recommender saved in its compact binary format (`recommend::Recommender::to_bytes`, the
    /// CLI's `similar --save`, `Recommender.save()` in JavaScript), replacing any attached before. `options`
    /// (an object or `Null`): `crossSellWeight` (1), `upsellWeight` (0.5), `crossSellOffers` and `upsellOffers`
    /// (generated offers per decision, 1 each), `valueRate` (a generated offer's value as a share of its price,
    /// 0.3), `placements` (where generated offers may appear; all by default), `ladder` (`minJump`, `maxJump`,
    /// `minMargin`). See `candidates.rs`. Attach before preparing customers: their products are resolved when
    /// they are read. Answers how many items the recommender knows; errors are `invalid-model` at
    /// `recommender...`.
    pub fn attach_recommender(&mut self, bytes: &[u8], options: &Value) -> Result<usize, Error> {
        let attached = Attached::load(&mut self.model, bytes, options)
            .map_err(Error::invalid(Input::Model))?;
        let items = attached.item_count();
        self.recommender = Some(attached);
        Ok(items)
    }

    /// [`Engine::attach_recommender`] with options as JSON text (empty for none).
    pub fn attach_recommender_json(&mut self, bytes: &[u8], options: &str) -> Result<usize, Error> {
        let options = if options.trim().is_empty() {
            Value::Null
        } else {
            crate::json::parse(options).map_err(|source| Error::Json {
                input: Input::Model,
                source,
            })?
        };
        self.attach_recommender(bytes, &options)
    }

    /// Parses, validates and loads a model from JSON text.
    pub fn from_json(model: &str) -> Result<Engine, Error> {
        Model::from_json(model).map(Engine::new)
    }

    /// The loaded model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Decides which offers to show for a request.
    pub fn decide(&self, request: &DecideRequest) -> Result<Decision<'_>, Error> {
        self.decide_text(request.as_json())
    }

    /// Decides for a request given as JSON text, read in one streaming pass against the model.
    pub fn decide_text(&self, request: &str) -> Result<Decision<'_>, Error> {
        let mut view = RequestView::read(&self.model, request).map_err(ReadError::into_error)?;
        self.decide_view(&mut view, None)
            .map_err(Error::invalid(Input::Request))
    }

    /// Reads a customer (`{"id","attributes","purchases","owned","contacts"}`) once, for many decisions.
    pub fn prepare_customer(&self, customer: &str) -> Result<PreparedCustomer, Error> {
        PreparedCustomer::read(self, customer)
    }

    /// Decides for a prepared customer. The request carries the context, `limit`, `seed`, `explain`, and
    /// optionally `customer.contacts` (added to the prepared ones); the rest of the customer comes from
    /// `customer`, so giving it again is an error.
    pub fn decide_for(
        &self,
        customer: &PreparedCustomer,
        request: &str,
    ) -> Result<Decision<'_>, Error> {
        let invalid = |path: String, message: &str| Error::Invalid {
            input: Input::Request,
            field: FieldError::new(path, message.to_owned()),
        };
        if customer.engine != self.token {
            return Err(invalid(
                "customer".to_owned(),
                "was prepared by another engine",
            ));
        }
        let mut view = RequestView::read(&self.model, request).map_err(ReadError::into_error)?;
        let repeated = view.customer_fields & !CONTACTS_FIELD;
        if let Some(field) = (0..CUSTOMER_FIELDS.len()).find(|i| repeated & (1 << i) != 0) {
            let name = CUSTOMER_FIELDS.get(field).copied().unwrap_or("customer");
            return Err(invalid(
                format!("customer.{name}"),
                "comes from the prepared customer",
            ));
        }
        view.customer_id.clone_from(&customer.id);
        view.attributes = std::borrow::Cow::Borrowed(&customer.attributes);
        // The prepared purchases and owned products are read in place by `Profile::build`; only the contacts
        // are appended, since the profile keeps one sorted list of them anyway.
        view.contacts.extend_from_slice(&customer.contacts);
        self.decide_view(&mut view, Some(customer))
            .map_err(Error::invalid(Input::Request))
    }

    /// Decides for a prepared customer from JSON text to JSON text.
    pub fn decide_for_json(
        &self,
        customer: &PreparedCustomer,
        request: &str,
    ) -> Result<String, Error> {
        Ok(self.decide_for(customer, request)?.to_json())
    }

    pub(crate) fn token(&self) -> u64 {
        self.token
    }

    /// Decides from JSON text and answers JSON text: the path an edge function takes with a request body.
    pub fn decide_json(&self, request: &str) -> Result<String, Error> {
        Ok(self.decide_text(request)?.to_json())
    }

    /// The decision for a read request, prepared customer or not.
    ///
    /// In the server build (`preload`, what edge isolates load) the steps it calls stay out of line (the
    /// recommender's anchors and generated offers, the control group, suitability, context weight, caps,
    /// reasons, the decision id). A fresh isolate compiles each Wasm function with V8's baseline compiler at
    /// its first call, whole, in time that grows faster than the function: inlined, this was one 20 KB
    /// function, with the recommender's 9 KB compiled even when no recommender is attached; split, the first
    /// decision compiles 6 KB here plus the parts it runs. The edge bench's cold probe (medians of 11
    /// interleaved fresh processes): first decision 8.1 -> 4.5 and 9.3 -> 4.1 ms in two sets; warm,
    /// `decideForJson` runs 3.8% more instructions (callgrind of warm Node: 300k -> 312k per call), under 2%
    /// of a `POST /v1/decide` in workerd.
    fn decide_view<'m>(
        &'m self,
        req: &mut RequestView<'_>,
        prepared: Option<&PreparedCustomer>,
    ) -> Result<Decision<'m>, FieldError> {
        let model = &self.model;
        let root = At::root("");
        let placement = match req.placement.as_deref() {
            Some(p) if !model.accepts_placement(p) => {
                return Err(root
                    .key("context")
                    .key("placement")
                    .error(format!("unknown placement \"{p}\"")));
            }
            Some(p) => model.placement_id(p),
            None => None,
        };
        let profile = Profile::build(model, req, prepared);
        let mut decision = Decision {
            decision_id: decision_id(req),
            customer_id: req.customer_id.clone(),
            placement: req.placement.as_deref().map(str::to_owned),
            at: req.now,
            group: Group::Treatment,
            assignment: None,
            blocked: None,
            offers: Vec::new(),
            suppressed: Vec::new(),
            candidates: 0,
            ineligible_count: 0,
            ineligible: Vec::new(),
        };
        if let Some(blocked) = self.control_group(req) {
            decision.group = Group::Control;
            decision.blocked = Some(blocked);
            return Ok(decision);
        }
        let mut settings = &model.settings;
        if let (Some(split), Some(id)) = (&model.split, &req.customer_id) {
            if let Some((assignment, variation)) = split.assign(id) {
                decision.assignment = Some(assignment);
                settings = variation;
            }
        }
        let caps = CapState::new(&model.policies, &profile, placement, req.now);
        if let Some(blocked) = caps.placement_block() {
            decision.blocked = Some(blocked);
            return Ok(decision);
        }
        // A prepared customer's conditions were evaluated when it was read (`PreparedCustomer::eligible`);
        // a request's attributes are resolved here, once, for every condition.
        let resolved = prepared
            .is_none()
            .then(|| model.keys.resolve(&req.attributes));
        let unhappy = self.unhappy_reason(&req.attributes);
        let segment = req
            .attributes
            .get(&model.segment_attribute)
            .and_then(Value::as_str);
        let context_weight = self.context_weight(req);
        let scoring = Scoring {
            profile: &profile,
            segment,
            context_weight,
            settings,
            seed: req.seed,
        };
        let attached = self.recommender.as_ref();
        let anchors = attached.map(|a| {
            let (owned, purchases) = prepared.map_or((&[][..], &[][..]), |c| {
                (c.owned.as_slice(), c.purchases.as_slice())
            });
            let bought = req
                .purchases
                .iter()
                .chain(purchases)
                .filter(|p| p.at <= req.now)
                .filter_map(|p| p.product);
            a.anchors(
                &req.cart,
                req.owned.iter().chain(owned).copied().chain(bought),
            )
        });
        let boost_of = |offer: &Offer| match (attached, &anchors) {
            (Some(a), Some(an)) => a.boost(an, offer),
            _ => None,
        };
        // The best `limit` offers so far, best first: (priority, id rank for ties, offer index, or a generated
        // offer's slot with the GENERATED bit).
        let mut best: Vec<(f64, u32, u32)> = Vec::with_capacity(req.limit + 1);
        for &index in model.candidates(placement) {
            let Some(offer) = model.offer(index) else {
                continue;
            };
            if !offer.is_live_at(req.now) {
                continue;
            }
            decision.candidates += 1;
            let eligible = match (prepared, &resolved) {
                // Prepared by this engine (its token was checked), so it has an answer for every model offer.
                (Some(customer), _) => customer.eligible.get(index as usize) == Some(&true),
                (None, Some(attributes)) => offer.condition.eval(attributes),
                (None, None) => false,
            };
            if !eligible {
                decision.ineligible_count += 1;
                if req.explain {
                    decision.ineligible.push(offer.id.as_str());
                }
                continue;
            }
            let candidate = Candidate { offer, index };
            match self.rank_eligible(
                candidate,
                &caps,
                unhappy.as_deref(),
                &scoring,
                &boost_of,
                req.now,
            ) {
                Ok(ranked) => keep_best(&mut best, req.limit, ranked),
                Err(suppression) => decision
                    .suppressed
                    .push(SuppressedOffer { offer, suppression }),
            }
        }
        let generated = match (attached, &anchors) {
            (Some(a), Some(an)) => a.generate(an, placement),
            _ => Vec::new(),
        };
        for (slot, boost) in &generated {
            let Some(offer) = attached.and_then(|a| a.offer(*slot, model)) else {
                continue;
            };
            decision.candidates += 1;
            if let Some(suppression) = suitability(offer, unhappy.as_deref()) {
                decision
                    .suppressed
                    .push(SuppressedOffer { offer, suppression });
                continue;
            }
            let stats = self.orphans.offer(&offer.id);
            let (factors, _) = self.factors(offer, stats, &scoring, Some(boost.clone()));
            keep_best(
                &mut best,
                req.limit,
                (factors.priority(settings), u32::MAX, GENERATED | slot),
            );
        }
        // The factors are computed again for the few ranked offers only: keeping every candidate's parts (which
        // own a segment name) would allocate for hundreds of offers to use `limit` of them.
        for (rank, (score, _, index)) in (1..).zip(best) {
            let (offer, stats, boost) = if index & GENERATED != 0 {
                let slot = index & !GENERATED;
                let Some(offer) = attached.and_then(|a| a.offer(slot, model)) else {
                    continue;
                };
                let boost = generated.iter().find(|g| g.0 == slot).map(|g| g.1.clone());
                (offer, self.orphans.offer(&offer.id), boost)
            } else {
                let Some(offer) = model.offer(index) else {
                    continue;
                };
                (offer, self.stats.get(index as usize), boost_of(offer))
            };
            let (factors, parts) = self.factors(offer, stats, &scoring, boost);
            let reasons = self.reasons(offer, &factors, &parts, req);
            decision.offers.push(RankedOffer {
                offer,
                rank,
                score,
                factors,
                propensity: parts,
                reasons,
            });
        }
        Ok(decision)
    }

    /// An eligible candidate's suppression, or its entry for `keep_best` (priority, id rank, index).
    ///
    /// Out of line in the server build (`preload`, what edge isolates load), with `Profile::build`: a fresh
    /// isolate runs new Wasm on V8's baseline compiler, which charges each loop iteration by the size of the
    /// loop's code and recompiles a function with TurboFan in the background once that budget is spent. With
    /// both inlined, `decide_view` was one 29 KB function whose loops the bench request's 200 purchases and 262
    /// candidates ran through, recompiled during the first decision (60 to 200 ms of CPU taken from the
    /// decision on this two-core machine). Now its loops are small and only eligible candidates (24) come here.
    #[cfg_attr(feature = "preload", inline(never))]
    fn rank_eligible(
        &self,
        Candidate { offer, index }: Candidate<'_>,
        caps: &CapState,
        unhappy: Option<&str>,
        scoring: &Scoring<'_>,
        boost_of: &dyn Fn(&Offer) -> Option<Boost>,
        now: i64,
    ) -> Result<(f64, u32, u32), Suppression> {
        let profile = scoring.profile;
        let suppression = self
            .product_rules(offer, profile)
            .or_else(|| suitability(offer, unhappy))
            .or_else(|| caps.check(&self.model.policies, profile, index, offer.kind, now));
        if let Some(suppression) = suppression {
            return Err(suppression);
        }
        let stats = self.stats.get(index as usize);
        let (factors, _) = self.factors(offer, stats, scoring, boost_of(offer));
        Ok((
            factors.priority(scoring.settings),
            self.rank_of(index),
            index,
        ))
    }

    fn rank_of(&self, index: u32) -> u32 {
        self.id_rank
            .get(index as usize)
            .copied()
            .unwrap_or(u32::MAX)
    }

    fn factors(
        &self,
        offer: &Offer,
        stats: Option<&OfferStats>,
        s: &Scoring<'_>,
        boost: Option<Boost>,
    ) -> (Factors, PropensityParts) {
        let affinity = offer.category_id.and_then(|c| s.profile.category_share(c));
        // Thompson draws are seeded by the request and the offer: the same request decides the same way.
        let draw_seed = s.settings.thompson.then(|| {
            use std::hash::Hasher;
            let mut hasher = crate::intern::FnvHasher::default();
            hasher.write(offer.id.as_bytes());
            splitmix64(hasher.finish() ^ splitmix64(s.seed))
        });
        let parts = propensity(
            &self.model.priors,
            stats,
            s.segment,
            affinity,
            s.settings.affinity_weight,
            boost,
            draw_seed,
        );
        let factors = Factors {
            propensity: parts.propensity,
            context_weight: s.context_weight,
            value: offer.value,
            lever: offer.lever,
        };
        (factors, parts)
    }

    // Out of line in the server build, as every step of `decide_view` (see there).
    #[cfg_attr(feature = "preload", inline(never))]
    fn control_group(&self, req: &RequestView<'_>) -> Option<Suppression> {
        let control = self.model.control.as_ref()?;
        let id = req.customer_id.as_deref()?;
        let n = bucket::hash(&control.seed, id, 2)?;
        (n < control.share).then(|| Suppression {
            rule: "control-group".to_owned(),
            reason: format!(
                "held out in the {}% control group that measures lift",
                Num(control.share * 100.0)
            ),
        })
    }

    /// Why a customer should get service before any sales pitch, if they should.
    #[cfg_attr(feature = "preload", inline(never))]
    fn unhappy_reason(&self, attributes: &Value) -> Option<String> {
        let rules = &self.model.suitability;
        if attributes
            .get(&rules.complaint_attribute)
            .is_some_and(crate::condition::truthy)
        {
            return Some(format!(
                "the customer has an open complaint ({})",
                rules.complaint_attribute
            ));
        }
        match attributes.get(&rules.nps_attribute).and_then(Value::as_f64) {
            Some(nps) if nps <= rules.detractor_max => Some(format!(
                "the customer is an NPS detractor ({} <= {})",
                Num(nps),
                Num(rules.detractor_max)
            )),
            _ => None,
        }
    }

    fn product_rules(&self, offer: &Offer, profile: &Profile) -> Option<Suppression> {
        let rule = |rule: &str, reason: String| {
            Some(Suppression {
                rule: rule.to_owned(),
                reason,
            })
        };
        if let Some(product) = offer.product {
            if profile.cart.contains(product) {
                return rule(
                    "in-cart",
                    join(self.model.product_name(product), " is already in the cart"),
                );
            }
            if !offer.repeatable && profile.owned.contains(product) {
                return rule(
                    "already-owned",
                    join(
                        "the customer already owns ",
                        self.model.product_name(product),
                    ),
                );
            }
        }
        let has = |p: &u32| profile.owned.contains(*p) || profile.cart.contains(*p);
        if !offer.requires.is_empty() && !offer.requires.iter().any(has) {
            return rule(
                "requires",
                format!("needs one of: {}", self.product_names(&offer.requires)),
            );
        }
        if let Some(p) = offer.excludes.iter().find(|p| has(p)) {
            return rule(
                "excludes",
                join("not for owners of ", self.model.product_name(*p)),
            );
        }
        None
    }

    fn product_names(&self, ids: &[u32]) -> String {
        let names: Vec<&str> = ids.iter().map(|&p| self.model.product_name(p)).collect();
        crate::text::comma_list(&names)
    }

    #[cfg_attr(feature = "preload", inline(never))]
    fn context_weight(&self, req: &RequestView<'_>) -> f64 {
        let weights = &self.model.context_weights;
        let factor = |map: &crate::intern::FastMap<Box<str>, f64>, key: Option<&str>| {
            key.and_then(|k| map.get(k)).copied().unwrap_or(1.0)
        };
        factor(&weights.placement, req.placement.as_deref())
            * factor(&weights.channel, req.channel.as_deref())
            * factor(&weights.device, req.device.as_deref())
    }

    #[cfg_attr(feature = "preload", inline(never))]
    fn reasons(
        &self,
        offer: &Offer,
        f: &Factors,
        p: &PropensityParts,
        req: &RequestView<'_>,
    ) -> Vec<Reason> {
        let mut reasons = Vec::with_capacity(6);
        let mut add = |code, text: String| reasons.push(Reason { code, text });
        let attributes = offer.condition.attribute_count();
        if attributes > 0 {
            add(
                "audience",
                format!("matches the offer's audience rule on {attributes} attribute(s)"),
            );
        }
        let event = self.model.priors.success_event.name();
        let segment = p
            .segment
            .as_deref()
            .map(|s| format!(" in segment {s}"))
            .unwrap_or_default();
        add(
            "propensity",
            if p.impressions > 0 {
                format!(
                    "{} {event}(s) in {} impressions{segment}: expected rate {}%",
                    p.successes,
                    p.impressions,
                    Fixed(p.posterior * 100.0, 1)
                )
            } else {
                format!(
                    "not shown yet{segment}: prior rate {}%",
                    Fixed(p.posterior * 100.0, 1)
                )
            },
        );
        if let Some(b) = &p.boost {
            add(b.code, format!("{} (x{})", b.text, Fixed(b.multiplier, 2)));
        }
        if let Some(d) = &p.draw {
            add(
                "bandit",
                format!(
                    "Thompson draw {}% from Beta({}, {}), mean {}%",
                    Fixed(d.sample * 100.0, 1),
                    Fixed(d.alpha, 1),
                    Fixed(d.beta, 1),
                    Fixed(p.posterior * 100.0, 1)
                ),
            );
        }
        if let (Some(share), Some(category)) = (p.affinity, &offer.category) {
            add(
                "affinity",
                format!(
                    "{}% of recent purchases are in {category} (x{})",
                    Fixed(share * 100.0, 0),
                    Fixed(p.affinity_multiplier, 2)
                ),
            );
        }
        if f.context_weight != 1.0 {
            // Written in place rather than joined: one `join` instance less in the browser module.
            let mut context = String::new();
            for (name, value) in [
                ("placement", req.placement.as_deref()),
                ("channel", req.channel.as_deref()),
                ("device", req.device.as_deref()),
            ] {
                if let Some(value) = value {
                    if !context.is_empty() {
                        context.push_str(", ");
                    }
                    context.push_str(name);
                    context.push(' ');
                    context.push_str(value);
                }
            }
            add(
                "context",
                format!("{context} weigh x{}", Fixed(f.context_weight, 2)),
            );
        }
        add(
            "value",
            format!("worth {} {} per acceptance", Num(f.value), offer.currency),
        );
        if f.lever != 1.0 {
            add("lever", format!("business lever x{}", Num(f.lever)));
        }
        reasons
    }

    /// Records one feedback event (`impression`, `click`, `accept`, `dismiss`, `purchase`) for an offer.
    ///
    /// The event: `{"type":"click","offerId":"o1","segment":"gold","count":1}` (`segment`, `count`,
    /// `decisionId`, `customerId`, `placement` and `at` optional).
    pub fn record(&mut self, event: &Value) -> Result<(), Error> {
        let root = At::root("");
        let invalid = Error::invalid(Input::Event);
        let obj = decode::object(event, &root).map_err(&invalid)?;
        decode::deny_unknown_keys(
            obj,
            &[
                "type",
                "offerId",
                "segment",
                "count",
                "decisionId",
                "customerId",
                "placement",
                "at",
            ],
            &root,
        )
        .map_err(&invalid)?;
        let kind = decode::field(obj, "type")
            .ok_or_else(|| invalid(root.key("type").error("is required")))?;
        let kind = ContactEvent::parse_at(kind, &root.key("type")).map_err(&invalid)?;
        let offer_id = decode::required_str(obj, "offerId", &root).map_err(&invalid)?;
        let segment = decode::optional_str(obj, "segment", &root).map_err(&invalid)?;
        let count = decode::optional_count(obj, "count", MAX_EVENT_COUNT, &root)
            .map_err(&invalid)?
            .unwrap_or(1);
        decode::optional_instant(obj, "at", &root).map_err(&invalid)?;
        for key in ["decisionId", "customerId", "placement"] {
            decode::optional_str(obj, key, &root).map_err(&invalid)?;
        }
        let Some(index) = self.model.offer_index(offer_id) else {
            // A generated offer's counts are kept by id with the other ids the model does not have.
            if self
                .recommender
                .as_ref()
                .is_some_and(|a| a.is_generated_id(offer_id))
            {
                self.orphans.offer_mut(offer_id).add(kind, segment, count);
                return Ok(());
            }
            return Err(Error::UnknownOffer {
                input: Input::Event,
                path: "offerId".to_owned(),
                id: offer_id.to_owned(),
            });
        };
        if let Some(stats) = self.stats.get_mut(index as usize) {
            if let Some(name) = segment {
                check_segment(stats, name).map_err(|e| invalid(root.key("segment").error(e)))?;
            }
            stats.add(kind, segment, count);
        }
        Ok(())
    }

    /// Records an event given as JSON text.
    pub fn record_json(&mut self, event: &str) -> Result<(), Error> {
        let value = crate::json::parse(event).map_err(|source| Error::Json {
            input: Input::Event,
            source,
        })?;
        self.record(&value)
    }

    /// Everything learned, as a mergeable state.
    pub fn export_state(&self) -> LearnedState {
        let mut state = self.orphans.clone();
        for (offer, stats) in self.model.offers().iter().zip(&self.stats) {
            if *stats != OfferStats::default() {
                *state.offer_mut(&offer.id) = stats.clone();
            }
        }
        state
    }

    /// Replaces what was learned with `state`.
    pub fn import_state(&mut self, state: &LearnedState) {
        self.stats = vec![OfferStats::default(); self.model.offer_count()];
        self.orphans = LearnedState::default();
        self.merge_state(state);
    }

    /// Adds the counts of `state` to what was learned (states from other instances converge this way).
    pub fn merge_state(&mut self, state: &LearnedState) {
        let mut learned = self.export_state();
        learned.merge(state);
        self.stats = self
            .model
            .offers()
            .iter()
            .map(|offer| learned.offer(&offer.id).cloned().unwrap_or_default())
            .collect();
        let mut orphans = LearnedState::default();
        for (id, stats) in learned.iter() {
            if self.model.offer_index(id).is_none() {
                *orphans.offer_mut(id) = stats.clone();
            }
        }
        self.orphans = orphans;
    }
}

/// Keeps an offer's segments within the learned state's limits, so a stream of events with made-up segments
/// cannot grow the engine without bound (and what is recorded can always be exported and read back).
fn check_segment(stats: &OfferStats, name: &str) -> Result<(), String> {
    if name.len() > crate::feedback::MAX_STATE_NAME {
        return Err(format!(
            "is {} bytes long, more than the limit of {}",
            name.len(),
            crate::feedback::MAX_STATE_NAME
        ));
    }
    if stats.segment(name).is_none() && stats.segment_count() >= crate::feedback::MAX_SEGMENTS {
        return Err(format!(
            "\"{name}\" would be the offer's segment number {}, more than the limit of {}",
            stats.segment_count() + 1,
            crate::feedback::MAX_SEGMENTS
        ));
    }
    Ok(())
}

fn suitability(offer: &Offer, unhappy: Option<&str>) -> Option<Suppression> {
    let reason = unhappy?;
    offer.kind.is_sales_pitch().then(|| Suppression {
        rule: "suitability".to_owned(),
        reason: format!("{reason}: service and retention come before a sales pitch"),
    })
}

/// Inserts `candidate` into `best` (kept sorted, best first, at most `limit` long) if it ranks high enough.
/// Ties break by the id's rank, so equal priorities always come out in id order. A selection, not a sort: with
/// `limit` usually 3, each of the 500 candidates costs a comparison or two.
fn keep_best(best: &mut Vec<(f64, u32, u32)>, limit: usize, candidate: (f64, u32, u32)) {
    let ranks_before =
        |a: &(f64, u32, u32), b: &(f64, u32, u32)| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1);
    if best.len() >= limit
        && best
            .last()
            .is_none_or(|last| !ranks_before(&candidate, last))
    {
        return;
    }
    let position = best.partition_point(|entry| ranks_before(entry, &candidate));
    best.insert(position, candidate);
    best.truncate(limit);
}

/// A decision id from the request alone: the same request gives the same id, natively and in Wasm.
#[cfg_attr(feature = "preload", inline(never))]
fn decision_id(req: &RequestView<'_>) -> String {
    use std::hash::Hasher;
    let mut hasher = crate::intern::FnvHasher::default();
    hasher.write(req.customer_id.as_deref().unwrap_or("").as_bytes());
    hasher.write(req.placement.as_deref().unwrap_or("").as_bytes());
    let h = hasher.finish();
    let mixed = splitmix64(h ^ splitmix64(req.seed) ^ (req.now as u64).rotate_left(29));
    format!("{mixed:016x}")
}

/// SplitMix64's finaliser: spreads every input bit over the whole output.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
