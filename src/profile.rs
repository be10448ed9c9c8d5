//! What one request says about its customer, turned into the model's dense ids once, so that checking 500
//! offers against it is integer work: owned products, the cart, category affinity, and contact history.

use crate::catalog::OfferKind;
use crate::customer::PreparedCustomer;
use crate::decode::{At, FieldError};
use crate::intern::IdSet;
use crate::json::Value;
use crate::model::Model;
use crate::request::RequestView;
use crate::time::SECONDS_PER_DAY;

/// Most purchases, contacts or cart lines one request may carry: far above any real profile, low enough that
/// a hostile request cannot make one decision slow.
pub const MAX_LIST: usize = 100_000;

/// A feedback or contact event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactEvent {
    /// The offer was shown.
    Impression,
    /// The customer clicked the offer.
    Click,
    /// The customer accepted the offer (added it to the cart, took the action).
    Accept,
    /// The customer dismissed the offer.
    Dismiss,
    /// The customer bought the offered product.
    Purchase,
}

impl ContactEvent {
    /// All event types, in a fixed order.
    pub const ALL: [ContactEvent; 5] = [
        ContactEvent::Impression,
        ContactEvent::Click,
        ContactEvent::Accept,
        ContactEvent::Dismiss,
        ContactEvent::Purchase,
    ];

    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            ContactEvent::Impression => "impression",
            ContactEvent::Click => "click",
            ContactEvent::Accept => "accept",
            ContactEvent::Dismiss => "dismiss",
            ContactEvent::Purchase => "purchase",
        }
    }

    /// Parses a JSON name.
    pub fn parse(name: &str) -> Option<ContactEvent> {
        ContactEvent::ALL.into_iter().find(|e| e.name() == name)
    }

    /// Whether the event answers an impression (so that impression was not ignored).
    pub fn is_response(self) -> bool {
        matches!(
            self,
            ContactEvent::Click | ContactEvent::Accept | ContactEvent::Purchase
        )
    }

    pub(crate) fn parse_at(value: &Value, at: &At<'_>) -> Result<ContactEvent, FieldError> {
        let name = value
            .as_str()
            .ok_or_else(|| at.error(format!("must be a string, found {}", value.type_name())))?;
        ContactEvent::parse(name).ok_or_else(|| {
            at.error(format!(
                "unknown event \"{name}\" (expected one of: impression, click, accept, dismiss, purchase)"
            ))
        })
    }
}

/// One past purchase, in the model's ids (`None`: a product or category the model does not mention).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Purchase {
    pub at: i64,
    pub product: Option<u32>,
    pub category: Option<u32>,
}

/// One past contact, resolved against the model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Contact {
    /// Offer index in the model, or `u32::MAX` for an offer the model no longer has.
    pub offer: u32,
    pub kind: Option<OfferKind>,
    pub placement: Option<u32>,
    pub event: ContactEvent,
    pub at: i64,
}

/// The customer of one request, in the model's ids.
pub(crate) struct Profile {
    pub owned: IdSet,
    pub cart: IdSet,
    /// Recency-weighted purchase weight per model category.
    category_weight: Vec<f64>,
    /// Recency-weighted weight of all purchases, in or out of the model's categories.
    total_weight: f64,
    /// Contacts at or before `now`, sorted by (offer, at).
    contacts: Vec<Contact>,
}

impl Profile {
    /// Turns a request's records into sets and weights as of `view.now`; purchases and contacts dated after
    /// `now` have not happened yet from this decision's point of view.
    /// A prepared customer's purchases and owned products are read where they are, not copied per request.
    // Out of line in the server build: inlined into `Engine::decide_view`, its purchase loop became a Wasm loop
    // around the rest of that 21 KB function, and V8's baseline code charges each iteration by the loop's size:
    // 200 purchases had the whole function recompiled by TurboFan during a fresh isolate's first decision (see
    // `Engine::rank_eligible`).
    #[cfg_attr(feature = "preload", inline(never))]
    pub(crate) fn build(
        model: &Model,
        view: &mut RequestView<'_>,
        prepared: Option<&PreparedCustomer>,
    ) -> Profile {
        let (prepared_owned, prepared_purchases) = prepared.map_or((&[][..], &[][..]), |c| {
            (c.owned.as_slice(), c.purchases.as_slice())
        });
        let products = model.product_count();
        let now = view.now;
        let mut profile = Profile {
            owned: IdSet::with_capacity(products),
            cart: IdSet::with_capacity(products),
            category_weight: vec![0.0; model.category_count()],
            total_weight: 0.0,
            contacts: std::mem::take(&mut view.contacts),
        };
        for &id in &view.cart {
            profile.cart.insert(id);
        }
        for &id in view.owned.iter().chain(prepared_owned) {
            profile.owned.insert(id);
        }
        let decay_per_day = std::f64::consts::LN_2 / model.affinity_half_life_days();
        for purchase in view
            .purchases
            .iter()
            .chain(prepared_purchases)
            .filter(|p| p.at <= now)
        {
            if let Some(id) = purchase.product {
                profile.owned.insert(id);
            }
            let age_days = (now - purchase.at) as f64 / SECONDS_PER_DAY as f64;
            let weight = (-age_days * decay_per_day).exp();
            profile.total_weight += weight;
            if let Some(slot) = purchase
                .category
                .and_then(|c| profile.category_weight.get_mut(c as usize))
            {
                *slot += weight;
            }
        }
        profile.contacts.retain(|c| c.at <= now);
        crate::sort::sort_by(&mut profile.contacts, |a, b| {
            (a.offer, a.at) < (b.offer, b.at)
        });
        profile
    }

    /// Contacts with the offer at `offer`, oldest first.
    pub(crate) fn offer_contacts(&self, offer: u32) -> &[Contact] {
        let start = self.contacts.partition_point(|c| c.offer < offer);
        let end = self.contacts.partition_point(|c| c.offer <= offer);
        self.contacts.get(start..end).unwrap_or(&[])
    }

    /// Impressions after `since` that satisfy `matches`.
    pub(crate) fn impressions_since(
        &self,
        since: i64,
        matches: impl Fn(&Contact) -> bool,
    ) -> usize {
        self.contacts
            .iter()
            .filter(|c| c.event == ContactEvent::Impression && c.at > since && matches(c))
            .count()
    }

    /// Share of the customer's recency-weighted purchases in `category`, or `None` without purchase history.
    pub(crate) fn category_share(&self, category: u32) -> Option<f64> {
        if self.total_weight <= 0.0 {
            return None;
        }
        self.category_weight
            .get(category as usize)
            .map(|w| w / self.total_weight)
    }
}
