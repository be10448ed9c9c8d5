//! What one request says about its customer, turned into the model's dense ids once, so that checking 500
//! offers against it is integer work: owned products, the cart, category affinity, and contact history.

use crate::catalog::OfferKind;
use crate::decode::{self, At, FieldError};
use crate::intern::IdSet;
use crate::json::Value;
use crate::model::Model;
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
    /// Sorted by (offer, at).
    contacts: Vec<Contact>,
}

const PURCHASE_FIELDS: &[&str] = &[
    "productId",
    "category",
    "date",
    "amount",
    "quantity",
    "orderId",
];
const CONTACT_FIELDS: &[&str] = &["offerId", "event", "at", "placement", "decisionId"];

impl Profile {
    /// Reads the customer's purchases, owned products, contacts and cart.
    pub(crate) fn build(
        model: &Model,
        customer: Option<&crate::json::Object>,
        cart: &[&str],
        now: i64,
        at: &At<'_>,
    ) -> Result<Profile, FieldError> {
        let products = model.product_count();
        let mut profile = Profile {
            owned: IdSet::with_capacity(products),
            cart: IdSet::with_capacity(products),
            category_weight: vec![0.0; model.category_count()],
            total_weight: 0.0,
            contacts: Vec::new(),
        };
        for product in cart {
            if let Some(id) = model.product_id(product) {
                profile.cart.insert(id);
            }
        }
        let Some(customer) = customer else {
            return Ok(profile);
        };
        let customer_at = at.key("customer");
        let owned = decode::string_list(customer, "owned", &customer_at)?;
        check_length(owned.len(), &customer_at.key("owned"))?;
        for product in owned {
            if let Some(id) = model.product_id(product) {
                profile.owned.insert(id);
            }
        }
        profile.read_purchases(model, customer, now, &customer_at)?;
        profile.read_contacts(model, customer, now, &customer_at)?;
        Ok(profile)
    }

    fn read_purchases(
        &mut self,
        model: &Model,
        customer: &crate::json::Object,
        now: i64,
        at: &At<'_>,
    ) -> Result<(), FieldError> {
        let purchases = decode::optional_array(customer, "purchases", at)?;
        let list_at = at.key("purchases");
        check_length(purchases.len(), &list_at)?;
        let half_life = model.affinity_half_life_days();
        for (i, purchase) in purchases.iter().enumerate() {
            let item_at = list_at.index(i);
            let obj = decode::object(purchase, &item_at)?;
            decode::deny_unknown_keys(obj, PURCHASE_FIELDS, &item_at)?;
            let when = decode::optional_instant(obj, "date", &item_at)?
                .ok_or_else(|| item_at.key("date").error("is required"))?;
            decode::optional_non_negative(obj, "amount", &item_at)?;
            // A purchase dated after `now` has not happened yet from this decision's point of view.
            if when > now {
                continue;
            }
            if let Some(product) = decode::optional_str(obj, "productId", &item_at)? {
                if let Some(id) = model.product_id(product) {
                    self.owned.insert(id);
                }
            }
            let age_days = (now - when) as f64 / SECONDS_PER_DAY as f64;
            let weight = (-age_days * std::f64::consts::LN_2 / half_life).exp();
            self.total_weight += weight;
            if let Some(category) = decode::optional_str(obj, "category", &item_at)? {
                if let Some(slot) = model
                    .category_id(category)
                    .and_then(|c| self.category_weight.get_mut(c as usize))
                {
                    *slot += weight;
                }
            }
        }
        Ok(())
    }

    fn read_contacts(
        &mut self,
        model: &Model,
        customer: &crate::json::Object,
        now: i64,
        at: &At<'_>,
    ) -> Result<(), FieldError> {
        let contacts = decode::optional_array(customer, "contacts", at)?;
        let list_at = at.key("contacts");
        check_length(contacts.len(), &list_at)?;
        self.contacts.reserve(contacts.len());
        for (i, contact) in contacts.iter().enumerate() {
            let item_at = list_at.index(i);
            let obj = decode::object(contact, &item_at)?;
            decode::deny_unknown_keys(obj, CONTACT_FIELDS, &item_at)?;
            let offer_id = decode::required_str(obj, "offerId", &item_at)?;
            let event_value = decode::field(obj, "event")
                .ok_or_else(|| item_at.key("event").error("is required"))?;
            let event = ContactEvent::parse_at(event_value, &item_at.key("event"))?;
            let when = decode::optional_instant(obj, "at", &item_at)?
                .ok_or_else(|| item_at.key("at").error("is required"))?;
            let placement = decode::optional_str(obj, "placement", &item_at)?
                .and_then(|p| model.placement_id(p));
            if when > now {
                continue;
            }
            let offer = model.offer_index(offer_id);
            self.contacts.push(Contact {
                offer: offer.unwrap_or(u32::MAX),
                kind: offer.and_then(|o| model.offer(o)).map(|o| o.kind),
                placement,
                event,
                at: when,
            });
        }
        crate::sort::sort_by(&mut self.contacts, |a, b| (a.offer, a.at) < (b.offer, b.at));
        Ok(())
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

fn check_length(len: usize, at: &At<'_>) -> Result<(), FieldError> {
    if len > MAX_LIST {
        return Err(at.error(format!(
            "has {len} entries, more than the limit of {MAX_LIST}"
        )));
    }
    Ok(())
}
