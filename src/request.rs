//! A decide request: the customer (attributes, purchases, owned products, contact history), the context
//! (placement, cart, device, `now`), how many offers to return, and the seed.
//!
//! The request is read in one streaming pass against the model: purchases, contacts and product lists become
//! compact records of the model's ids as they are read, with no tree and no string copies; only the customer's
//! attributes become a JSON value, because conditions walk them. A 200-purchase request is most of a decision's
//! input, so this is where the microseconds are.

use crate::decode::{At, FieldError};
use crate::error::{Error, Input};
use crate::json::{Kind, ParseError, Reader, Value};
use crate::model::Model;
use crate::profile::{Contact, ContactEvent, Purchase, MAX_LIST};
use std::borrow::Cow;

/// Most offers one decision may return.
pub const MAX_LIMIT: u64 = 100;

/// A decide request as JSON text, checked to be well-formed JSON; its fields are validated against the model
/// when it is decided.
#[derive(Debug, Clone)]
pub struct DecideRequest {
    text: String,
}

impl DecideRequest {
    /// Checks that `text` is JSON and keeps it for deciding.
    ///
    /// ```
    /// let request = nextoffer::DecideRequest::from_json(r#"{"context":{"now":"2026-11-23T10:00:00Z"}}"#);
    /// assert!(request.is_ok());
    /// assert_eq!(nextoffer::DecideRequest::from_json("{").unwrap_err().code(), "invalid-json");
    /// ```
    pub fn from_json(text: &str) -> Result<DecideRequest, Error> {
        let mut reader = Reader::new(text);
        reader
            .skip()
            .and_then(|()| reader.finish())
            .map_err(|source| Error::Json {
                input: Input::Request,
                source,
            })?;
        Ok(DecideRequest {
            text: text.to_owned(),
        })
    }

    /// A request from an already parsed JSON value.
    pub fn from_value(value: &Value) -> DecideRequest {
        DecideRequest {
            text: value.to_json(),
        }
    }

    /// The request's JSON text.
    pub fn as_json(&self) -> &str {
        &self.text
    }
}

/// A failure while reading a request: bad JSON, or a bad field.
pub(crate) enum ReadError {
    Syntax(ParseError),
    Field(FieldError),
}

impl From<ParseError> for ReadError {
    fn from(e: ParseError) -> Self {
        ReadError::Syntax(e)
    }
}

impl From<FieldError> for ReadError {
    fn from(e: FieldError) -> Self {
        ReadError::Field(e)
    }
}

impl ReadError {
    pub(crate) fn into_error(self) -> Error {
        match self {
            ReadError::Syntax(source) => Error::Json {
                input: Input::Request,
                source,
            },
            ReadError::Field(field) => Error::Invalid {
                input: Input::Request,
                field,
            },
        }
    }
}

type Read<T> = Result<T, ReadError>;

/// A request, read against a model.
pub(crate) struct RequestView<'a> {
    pub customer_id: Option<String>,
    /// The customer's attributes (`Null` when absent); borrowed when they come from a prepared customer.
    pub attributes: Cow<'a, Value>,
    /// Which fields of `customer` the request gave, by their index in `CUSTOMER_FIELDS`.
    pub customer_fields: u32,
    pub purchases: Vec<Purchase>,
    pub owned: Vec<u32>,
    pub contacts: Vec<Contact>,
    pub placement: Option<Cow<'a, str>>,
    pub cart: Vec<u32>,
    pub device: Option<Cow<'a, str>>,
    pub channel: Option<Cow<'a, str>>,
    pub now: i64,
    pub limit: usize,
    pub seed: u64,
    pub explain: bool,
}

/// One purchase of a customer's history. Out of line in the server build: with it inlined, the history's loop
/// (200 purchases for the bench customer) was charged by the size of the 9 KB `read_customer` per purchase, and
/// V8 recompiled it with TurboFan during a fresh isolate's first customer (see `Engine::rank_eligible`).
#[cfg_attr(feature = "preload", inline(never))]
fn read_purchase(model: &Model, r: &mut Reader<'_>, at: &At<'_>) -> Read<Purchase> {
    let mut purchase = Purchase {
        at: i64::MIN,
        product: None,
        category: None,
    };
    read_object(r, at, PURCHASE_FIELDS, &mut |r, field, at| {
        match field {
            0 => purchase.product = read_product(model, r, at)?,
            1 => purchase.category = read_category(model, r, at)?,
            2 => purchase.at = read_instant(r, at)?,
            3 | 4 => read_non_negative(r, at)?,
            _ => {
                read_str(r, at)?;
            }
        }
        Ok(())
    })?;
    if purchase.at == i64::MIN {
        return Err(at.key("date").error("is required").into());
    }
    Ok(purchase)
}

// A purchase's field readers, out of line in the server build: the closure above runs once per key (800 times
// for the bench customer's 200 purchases) and, in a fresh isolate, V8 charges its baseline-tier budget by the
// closure's code size on each call; with all four readers inlined it spent that budget and was recompiled by
// TurboFan during the first customer. Each reader here runs once per purchase. The browser build inlines them
// back into the closure, where the shared `read_object` is not inlined and out-of-line readers cost size.

#[cfg_attr(feature = "preload", inline(never))]
#[cfg_attr(not(feature = "preload"), inline(always))]
fn read_product(model: &Model, r: &mut Reader<'_>, at: &At<'_>) -> Read<Option<u32>> {
    Ok(model.product_id(&read_str(r, at)?))
}

#[cfg_attr(feature = "preload", inline(never))]
#[cfg_attr(not(feature = "preload"), inline(always))]
fn read_category(model: &Model, r: &mut Reader<'_>, at: &At<'_>) -> Read<Option<u32>> {
    Ok(model.category_id(&read_str(r, at)?))
}

#[cfg_attr(feature = "preload", inline(never))]
#[cfg_attr(not(feature = "preload"), inline(always))]
fn read_non_negative(r: &mut Reader<'_>, at: &At<'_>) -> Read<()> {
    let n = read_number(r, at)?;
    if n < 0.0 {
        return Err(at
            .error(format!(
                "must not be negative, found {}",
                crate::text::Num(n)
            ))
            .into());
    }
    Ok(())
}

/// Reads the fields of one object, calling `field` for each key; `allowed` lists the keys it knows, so an
/// unknown or repeated key is an error naming it.
///
/// `field` is a `dyn` closure, so in the browser build the five readers share one copy of this loop (as a
/// generic it was inlined into each of them: 290 B more gzipped Wasm). The server build (`preload`) inlines it
/// back into each reader, where the closure's calls are direct again: shared, it cost a native `decide` 4%
/// more instructions (callgrind, 200 purchases read through it) and `decideFor` 3%.
#[cfg_attr(feature = "preload", inline(always))]
fn read_object<'a>(
    r: &mut Reader<'a>,
    at: &At<'_>,
    allowed: &[&str],
    field: &mut dyn FnMut(&mut Reader<'a>, usize, &At<'_>) -> Read<()>,
) -> Read<()> {
    expect(r, Kind::Object, at)?;
    r.begin_object()?;
    let mut seen: u32 = 0;
    while let Some((key, index)) = next_field(r, at, allowed, &mut seen)? {
        field(r, index, &at.key(&key))?;
    }
    Ok(())
}

/// The next key of an object with a value to read, and its index in `allowed`: an unknown or repeated key is an
/// error naming it; null values are taken as absent and skipped (refused for a number field).
///
/// Out of line in the server build so that the key loop `read_object` inlines into each reader stays small: in a
/// fresh isolate V8 runs new Wasm on its baseline tier, charges a function's budget by the size of its code on
/// each loop iteration and call, and recompiles the function with TurboFan once the budget is spent. With this
/// part inlined, `read_purchase` (800 keys for the bench customer's 200 purchases) spent its budget during the
/// first customer, and that recompile took about 5 ms of the first customer on this two-core machine (issue 6).
/// The warm path pays one call per key: the request's few keys per decision (a prepared customer is read once).
#[cfg_attr(feature = "preload", inline(never))]
fn next_field<'a>(
    r: &mut Reader<'a>,
    at: &At<'_>,
    allowed: &[&str],
    seen: &mut u32,
) -> Read<Option<(Cow<'a, str>, usize)>> {
    while let Some(key) = r.next_key()? {
        let Some(index) = allowed.iter().position(|k| *k == key) else {
            return Err(unknown_field(at, &key, allowed));
        };
        let bit = 1u32 << index;
        if *seen & bit != 0 {
            return Err(field_error(at, &key, "appears twice"));
        }
        *seen |= bit;
        if r.peek()? == Kind::Null {
            // A null number is refused, not read as absent: JSON.stringify writes NaN and Infinity as null.
            if NUMBER_FIELDS.contains(&key.as_ref()) {
                return Err(field_error(at, &key, crate::decode::NULL_NUMBER));
            }
            r.null()?;
            continue;
        }
        return Ok(Some((key, index)));
    }
    Ok(None)
}

// The errors of `next_field`, out of line: it runs once per key, and in a fresh isolate V8 compiles a function
// whole on its first call and charges its loop by the loop's size, so error formatting kept inline is compiled
// for nothing and brings the optimizing tier in sooner.
#[cold]
#[inline(never)]
fn unknown_field(at: &At<'_>, key: &str, allowed: &[&str]) -> ReadError {
    at.key(key)
        .error(format!(
            "unknown field (expected one of: {})",
            crate::text::comma_list(allowed)
        ))
        .into()
}

#[cold]
#[inline(never)]
fn field_error(at: &At<'_>, key: &str, message: &str) -> ReadError {
    at.key(key).error(message).into()
}

/// Fails unless the next value is of `kind`.
fn expect(r: &mut Reader<'_>, kind: Kind, at: &At<'_>) -> Read<()> {
    let found = r.peek()?;
    if found == kind {
        Ok(())
    } else {
        Err(at
            .error(format!(
                "must be {}, found {}",
                kind.article_name(),
                found.name()
            ))
            .into())
    }
}

fn read_str<'a>(r: &mut Reader<'a>, at: &At<'_>) -> Read<Cow<'a, str>> {
    expect(r, Kind::String, at)?;
    Ok(r.string()?)
}

fn read_number(r: &mut Reader<'_>, at: &At<'_>) -> Read<f64> {
    expect(r, Kind::Number, at)?;
    Ok(r.number()?)
}

fn read_count(r: &mut Reader<'_>, max: u64, at: &At<'_>) -> Read<u64> {
    let n = read_number(r, at)?;
    if n >= 0.0 && n.fract() == 0.0 && n <= max as f64 {
        Ok(n as u64)
    } else {
        Err(at
            .error(format!(
                "must be a whole number from 0 to {max}, found {}",
                crate::text::Num(n)
            ))
            .into())
    }
}

// Out of line in the server build, as a purchase's other field readers (see above `read_product`): the purchase
// and contact closures call it once per record.
#[cfg_attr(feature = "preload", inline(never))]
fn read_instant(r: &mut Reader<'_>, at: &At<'_>) -> Read<i64> {
    let text = read_str(r, at)?;
    crate::time::parse_instant(&text).ok_or_else(|| {
        at.error(format!(
            "must be an ISO date or date-time (2026-11-23T10:00:00Z), found \"{text}\""
        ))
        .into()
    })
}

/// Reads an array, calling `item` for each element with its path (`dyn` as in [`read_object`]).
#[cfg_attr(feature = "preload", inline(always))]
fn read_array<'a>(
    r: &mut Reader<'a>,
    at: &At<'_>,
    item: &mut dyn FnMut(&mut Reader<'a>, &At<'_>) -> Read<()>,
) -> Read<()> {
    expect(r, Kind::Array, at)?;
    r.begin_array()?;
    let mut index = 0;
    while r.next_item()? {
        if index >= MAX_LIST {
            return Err(at
                .error(format!("has more than the limit of {MAX_LIST} entries"))
                .into());
        }
        item(r, &at.index(index))?;
        index += 1;
    }
    Ok(())
}

/// Reads an array of product ids, keeping the ones the model knows (the others cannot match any offer).
fn read_products(r: &mut Reader<'_>, model: &Model, at: &At<'_>) -> Read<Vec<u32>> {
    let mut ids = Vec::new();
    read_array(r, at, &mut |r, at| {
        let product = read_str(r, at)?;
        if let Some(id) = model.product_id(&product) {
            ids.push(id);
        }
        Ok(())
    })?;
    Ok(ids)
}

/// The request's number fields (in the request, its purchases and contacts).
const NUMBER_FIELDS: &[&str] = &["limit", "seed", "amount", "quantity"];
const REQUEST_FIELDS: &[&str] = &["customer", "context", "limit", "seed", "explain"];
pub(crate) const CUSTOMER_FIELDS: &[&str] = &["id", "attributes", "purchases", "owned", "contacts"];
/// The bit of `contacts` in `RequestView::customer_fields`.
pub(crate) const CONTACTS_FIELD: u32 = 1 << 4;
const CONTEXT_FIELDS: &[&str] = &[
    "placement",
    "page",
    "cart",
    "device",
    "channel",
    "locale",
    "now",
];
const PURCHASE_FIELDS: &[&str] = &[
    "productId",
    "category",
    "date",
    "amount",
    "quantity",
    "orderId",
];
const CONTACT_FIELDS: &[&str] = &["offerId", "event", "at", "placement", "decisionId"];

impl<'a> RequestView<'a> {
    /// A request with nothing in it yet.
    fn empty() -> RequestView<'a> {
        RequestView {
            customer_id: None,
            attributes: Cow::Owned(Value::Null),
            customer_fields: 0,
            purchases: Vec::new(),
            owned: Vec::new(),
            contacts: Vec::new(),
            placement: None,
            cart: Vec::new(),
            device: None,
            channel: None,
            now: 0,
            limit: 3,
            seed: 0,
            explain: false,
        }
    }

    /// Reads and validates a request against `model`.
    pub(crate) fn read(model: &Model, text: &'a str) -> Read<RequestView<'a>> {
        let mut view = RequestView::empty();
        let mut has_now = false;
        let mut has_context = false;
        let root = At::root("");
        let r = &mut Reader::new(text);
        read_object(r, &root, REQUEST_FIELDS, &mut |r, field, at| {
            match field {
                0 => view.read_customer(model, r, at)?,
                1 => {
                    has_context = true;
                    has_now = view.read_context(model, r, at)?;
                }
                2 => {
                    view.limit = read_count(r, MAX_LIMIT, at)? as usize;
                    if view.limit == 0 {
                        return Err(at.error("must be at least 1").into());
                    }
                }
                3 => view.seed = read_count(r, 1 << 53, at)?,
                _ => {
                    expect(r, Kind::Bool, at)?;
                    view.explain = r.boolean()?;
                }
            }
            Ok(())
        })?;
        r.finish()?;
        let context_at = root.key("context");
        if !has_context {
            return Err(context_at.error("is required (it carries `now`)").into());
        }
        if !has_now {
            return Err(context_at
                .key("now")
                .error("is required: the engine reads no clock")
                .into());
        }
        Ok(view)
    }

    /// Reads a customer object on its own (for a prepared customer).
    pub(crate) fn read_customer_document(model: &Model, text: &'a str) -> Read<RequestView<'a>> {
        let mut view = RequestView::empty();
        let r = &mut Reader::new(text);
        view.read_customer(model, r, &At::root(""))?;
        r.finish()?;
        Ok(view)
    }

    fn read_customer(&mut self, model: &Model, r: &mut Reader<'a>, at: &At<'_>) -> Read<()> {
        read_object(r, at, CUSTOMER_FIELDS, &mut |r, field, at| {
            self.customer_fields |= 1 << field;
            match field {
                0 => {
                    self.customer_id = Some(match r.peek()? {
                        Kind::String => r.string()?.into_owned(),
                        // Numeric CRM ids are common; their JS string form keeps buckets identical across SDKs.
                        Kind::Number => crate::json::number_to_js_string(r.number()?).into_owned(),
                        other => {
                            return Err(at
                                .error(format!(
                                    "must be a string or number, found {}",
                                    other.name()
                                ))
                                .into())
                        }
                    })
                }
                1 => {
                    expect(r, Kind::Object, at)?;
                    self.attributes = Cow::Owned(r.value()?);
                }
                2 => self.read_purchases(model, r, at)?,
                3 => self.owned = read_products(r, model, at)?,
                _ => self.read_contacts(model, r, at)?,
            }
            Ok(())
        })
    }

    fn read_purchases(&mut self, model: &Model, r: &mut Reader<'a>, at: &At<'_>) -> Read<()> {
        read_array(r, at, &mut |r, at| {
            self.purchases.push(read_purchase(model, r, at)?);
            Ok(())
        })
    }

    fn read_contacts(&mut self, model: &Model, r: &mut Reader<'a>, at: &At<'_>) -> Read<()> {
        read_array(r, at, &mut |r, at| {
            let mut offer: Option<Option<u32>> = None;
            let mut event = None;
            let mut when = None;
            let mut placement = None;
            read_object(r, at, CONTACT_FIELDS, &mut |r, field, at| {
                match field {
                    0 => offer = Some(model.offer_index(&read_str(r, at)?)),
                    1 => {
                        let name = read_str(r, at)?;
                        event = Some(ContactEvent::parse(&name).ok_or_else(|| {
                            at.error(format!(
                                "unknown event \"{name}\" (expected one of: impression, click, accept, dismiss, purchase)"
                            ))
                        })?);
                    }
                    2 => when = Some(read_instant(r, at)?),
                    3 => placement = model.placement_id(&read_str(r, at)?),
                    _ => {
                        read_str(r, at)?;
                    }
                }
                Ok(())
            })?;
            let offer = offer.ok_or_else(|| at.key("offerId").error("is required"))?;
            let event = event.ok_or_else(|| at.key("event").error("is required"))?;
            let when = when.ok_or_else(|| at.key("at").error("is required"))?;
            self.contacts.push(Contact {
                offer: offer.unwrap_or(u32::MAX),
                kind: offer.and_then(|o| model.offer(o)).map(|o| o.kind),
                placement,
                event,
                at: when,
            });
            Ok(())
        })
    }

    /// Reads the context; answers whether it had `now`.
    fn read_context(&mut self, model: &Model, r: &mut Reader<'a>, at: &At<'_>) -> Read<bool> {
        let mut has_now = false;
        read_object(r, at, CONTEXT_FIELDS, &mut |r, field, at| {
            match field {
                0 => self.placement = Some(read_str(r, at)?),
                2 => self.cart = read_products(r, model, at)?,
                3 => self.device = Some(read_str(r, at)?),
                4 => self.channel = Some(read_str(r, at)?),
                6 => {
                    self.now = read_instant(r, at)?;
                    has_now = true;
                }
                _ => {
                    read_str(r, at)?;
                }
            }
            Ok(())
        })?;
        Ok(has_now)
    }
}
