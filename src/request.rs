//! A decide request: the customer (attributes, purchases, owned products, contact history), the context
//! (placement, cart, device, `now`), how many offers to return, and the seed.
//!
//! The request stays a parsed JSON tree; [`RequestView`] borrows from it, so reading 200 purchases copies no
//! strings.

use crate::decode::{self, At, FieldError};
use crate::error::{Error, Input};
use crate::json::{Object, Value};

/// Most offers one decision may return.
pub const MAX_LIMIT: u64 = 100;

/// A parsed decide request (validated when decided, against the model it is decided with).
#[derive(Debug, Clone)]
pub struct DecideRequest {
    root: Value,
}

impl DecideRequest {
    /// Parses a request from JSON text.
    ///
    /// ```
    /// let request = nextoffer::DecideRequest::from_json(r#"{"context":{"now":"2026-11-23T10:00:00Z"}}"#);
    /// assert!(request.is_ok());
    /// ```
    pub fn from_json(text: &str) -> Result<DecideRequest, Error> {
        crate::json::parse(text)
            .map(DecideRequest::from_value)
            .map_err(|source| Error::Json {
                input: Input::Request,
                source,
            })
    }

    /// Wraps an already parsed JSON value.
    pub fn from_value(root: Value) -> DecideRequest {
        DecideRequest { root }
    }

    pub(crate) fn view(&self) -> Result<RequestView<'_>, FieldError> {
        RequestView::read(&self.root)
    }
}

static NO_ATTRIBUTES: Value = Value::Null;

/// The fields of a request, borrowed from its JSON tree.
pub(crate) struct RequestView<'a> {
    pub customer: Option<&'a Object>,
    pub customer_id: Option<String>,
    pub attributes: &'a Value,
    pub placement: Option<&'a str>,
    pub cart: Vec<&'a str>,
    pub device: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub now: i64,
    pub limit: usize,
    pub seed: u64,
    pub explain: bool,
}

const REQUEST_FIELDS: &[&str] = &["customer", "context", "limit", "seed", "explain"];
const CUSTOMER_FIELDS: &[&str] = &["id", "attributes", "purchases", "owned", "contacts"];
const CONTEXT_FIELDS: &[&str] = &[
    "placement",
    "page",
    "cart",
    "device",
    "channel",
    "locale",
    "now",
];

impl<'a> RequestView<'a> {
    fn read(root_value: &'a Value) -> Result<RequestView<'a>, FieldError> {
        let root = At::root("");
        let obj = decode::object(root_value, &root)?;
        decode::deny_unknown_keys(obj, REQUEST_FIELDS, &root)?;
        let customer_at = root.key("customer");
        let customer = decode::field(obj, "customer")
            .map(|c| decode::object(c, &customer_at))
            .transpose()?;
        let (customer_id, attributes) = match customer {
            None => (None, &NO_ATTRIBUTES),
            Some(c) => {
                decode::deny_unknown_keys(c, CUSTOMER_FIELDS, &customer_at)?;
                let id = match decode::field(c, "id") {
                    None => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    // Numeric CRM ids are common; hashing their JS string form keeps buckets identical across SDKs.
                    Some(v @ Value::Number(_)) => Some(v.to_json()),
                    Some(v) => {
                        return Err(customer_at.key("id").error(format!(
                            "must be a string or number, found {}",
                            v.type_name()
                        )))
                    }
                };
                let attributes = match decode::field(c, "attributes") {
                    None => &NO_ATTRIBUTES,
                    Some(a) => {
                        decode::object(a, &customer_at.key("attributes"))?;
                        a
                    }
                };
                (id, attributes)
            }
        };
        let context_at = root.key("context");
        let context = decode::field(obj, "context")
            .ok_or_else(|| context_at.error("is required (it carries `now`)"))?;
        let context = decode::object(context, &context_at)?;
        decode::deny_unknown_keys(context, CONTEXT_FIELDS, &context_at)?;
        let now = decode::optional_instant(context, "now", &context_at)?.ok_or_else(|| {
            context_at
                .key("now")
                .error("is required: the engine reads no clock")
        })?;
        for key in ["page", "locale"] {
            decode::optional_str(context, key, &context_at)?;
        }
        let cart = decode::string_list(context, "cart", &context_at)?;
        if cart.len() > crate::profile::MAX_LIST {
            return Err(context_at.key("cart").error("has too many entries"));
        }
        let limit = match decode::optional_count(obj, "limit", MAX_LIMIT, &root)? {
            None => 3,
            Some(0) => return Err(root.key("limit").error("must be at least 1")),
            Some(n) => n as usize,
        };
        Ok(RequestView {
            customer,
            customer_id,
            attributes,
            placement: decode::optional_str(context, "placement", &context_at)?,
            cart,
            device: decode::optional_str(context, "device", &context_at)?,
            channel: decode::optional_str(context, "channel", &context_at)?,
            now,
            limit,
            seed: decode::optional_count(obj, "seed", 1 << 53, &root)?.unwrap_or(0),
            explain: decode::optional_bool(obj, "explain", &root)?.unwrap_or(false),
        })
    }
}
