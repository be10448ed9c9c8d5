//! The offers of a model: what can be shown, to whom (the eligibility condition), where, when, and what it
//! is worth. Everything is validated when the model loads, so a decision never meets a malformed offer.

use crate::condition::{AttributeKeys, Condition, Mode, SavedGroups};
use crate::decode::{self, At, FieldError};
use crate::intern::Interner;
use crate::json::Value;
use crate::time::SECONDS_PER_DAY;

#[cfg(feature = "streaming-load")]
mod stream;

/// What an offer does for the relationship, which decides how contact and suitability rules treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferKind {
    /// A higher tier of what the customer already buys.
    Upsell,
    /// A product related to what the customer owns or has in the cart.
    CrossSell,
    /// Keeps a customer at risk of leaving: service, goodwill, a save offer.
    Retention,
    /// Wakes a dormant customer.
    Reactivation,
    /// Rewards frequency and spend: points, tiers.
    Loyalty,
    /// Information, no sale: a guide, a how-to.
    Content,
}

impl OfferKind {
    /// All kinds, in a fixed order (their index is used for per-kind counters).
    pub const ALL: [OfferKind; 6] = [
        OfferKind::Upsell,
        OfferKind::CrossSell,
        OfferKind::Retention,
        OfferKind::Reactivation,
        OfferKind::Loyalty,
        OfferKind::Content,
    ];

    /// The name used in JSON (`cross_sell`).
    pub fn name(self) -> &'static str {
        match self {
            OfferKind::Upsell => "upsell",
            OfferKind::CrossSell => "cross_sell",
            OfferKind::Retention => "retention",
            OfferKind::Reactivation => "reactivation",
            OfferKind::Loyalty => "loyalty",
            OfferKind::Content => "content",
        }
    }

    /// Parses a JSON name.
    pub fn parse(name: &str) -> Option<OfferKind> {
        OfferKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether this kind asks the customer to spend more: such offers wait until trust is restored.
    pub fn is_sales_pitch(self) -> bool {
        matches!(self, OfferKind::Upsell | OfferKind::CrossSell)
    }

    /// Position in [`OfferKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One offer of the catalog, validated.
#[derive(Debug)]
pub struct Offer {
    /// Unique id, used by events and learned state.
    pub id: String,
    /// Display title (plain text; renderers escape it).
    pub title: String,
    /// Display description.
    pub description: String,
    /// What the offer does.
    pub kind: OfferKind,
    /// Product category, for affinity.
    pub category: Option<String>,
    /// The product offered, if the offer sells one: not offered again to customers who own it.
    pub product_id: Option<String>,
    /// Price in `currency` (zero for content and service offers).
    pub price: f64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Business value of an acceptance (margin, expected revenue): a factor of the priority.
    pub value: f64,
    /// Image URL.
    pub image: Option<String>,
    /// Link URL.
    pub link: Option<String>,
    /// Business weight: a factor of the priority that lets the business push or hold back an offer.
    pub lever: f64,
    /// Offers for owned products are still shown when true (consumables).
    pub repeatable: bool,
    pub(crate) category_id: Option<u32>,
    pub(crate) product: Option<u32>,
    pub(crate) placements: Vec<u32>,
    pub(crate) starts: Option<i64>,
    pub(crate) ends: Option<i64>,
    pub(crate) condition: Condition,
    pub(crate) requires: Vec<u32>,
    pub(crate) excludes: Vec<u32>,
}

/// Interners shared by every offer of a model while it loads.
#[derive(Debug)]
pub(crate) struct Names {
    pub products: Interner,
    pub categories: Interner,
    pub placements: Interner,
}

pub(crate) const OFFER_FIELDS: &[&str] = &[
    "id",
    "title",
    "description",
    "kind",
    "category",
    "productId",
    "price",
    "currency",
    "value",
    "image",
    "link",
    "placements",
    "startDate",
    "endDate",
    "condition",
    "lever",
    "requires",
    "excludes",
    "repeatable",
];

/// Longest text field accepted, in bytes: titles and links are short; a megabyte title is a broken export.
pub(crate) const MAX_TEXT: usize = 4_096;

/// What every offer of a model is read against.
pub(crate) struct OfferContext<'m> {
    /// The model's currency, for offers that name none.
    pub default_currency: &'m str,
    pub names: &'m mut Names,
    pub keys: &'m mut AttributeKeys,
    pub groups: &'m SavedGroups,
}

// The checks below are shared by both offer readers (`Offer::decode` on a parsed tree, `stream.rs` on the
// streamed fields), so the two report the same errors in the same words.

/// The offer kind named `name`, or an error listing the kinds.
fn kind_of(name: &str, at: &At<'_>) -> Result<OfferKind, FieldError> {
    OfferKind::parse(name).ok_or_else(|| {
        let names: Vec<_> = OfferKind::ALL.iter().map(|k| k.name()).collect();
        at.key("kind").error(format!(
            "unknown kind \"{name}\" (expected one of: {})",
            crate::text::comma_list(&names)
        ))
    })
}

/// The offer's currency: its own ISO 4217 code, or the model's default when it has none.
fn currency_or(code: Option<&str>, default: &str, at: &At<'_>) -> Result<String, FieldError> {
    match code {
        Some(code) if is_currency_code(code) => Ok(code.to_owned()),
        Some(code) => Err(at.key("currency").error(format!(
            "must be a three-letter ISO 4217 code, found \"{code}\""
        ))),
        None => Ok(default.to_owned()),
    }
}

/// Whether an `endDate` text is a date without a time (`YYYY-MM-DD`).
fn is_date_only(end: Option<&str>) -> bool {
    end.is_some_and(|text| text.len() == 10)
}

/// The exclusive end of the offer's window, checked to come after its start. A date-only end means "through
/// that day", so the window closes at the next midnight.
fn window_end(
    starts: Option<i64>,
    ends: Option<i64>,
    end_is_date: bool,
    at: &At<'_>,
) -> Result<Option<i64>, FieldError> {
    let ends = if end_is_date {
        ends.map(|t| t + SECONDS_PER_DAY)
    } else {
        ends
    };
    match (starts, ends) {
        (Some(s), Some(e)) if e <= s => Err(at.key("endDate").error("must be after startDate")),
        _ => Ok(ends),
    }
}

/// The offer's compiled condition (always true when it has none), its errors placed under `condition`.
fn condition_of(
    condition: Option<&Value>,
    keys: &mut AttributeKeys,
    groups: &SavedGroups,
    at: &At<'_>,
) -> Result<Condition, FieldError> {
    let Some(condition) = condition else {
        return Ok(Condition::always());
    };
    Condition::compile(condition, Mode::Strict, keys, groups).map_err(|e| {
        let base = at.key("condition").render();
        let path = if e.path.is_empty() {
            base
        } else {
            format!("{base}.{}", e.path)
        };
        FieldError::new(path, e.message)
    })
}

/// Interns a list of names, sorted and without repeats.
fn intern_all<'s>(list: impl IntoIterator<Item = &'s str>, interner: &mut Interner) -> Vec<u32> {
    let mut ids: Vec<u32> = list.into_iter().map(|p| interner.intern(p)).collect();
    crate::sort::sort_by(&mut ids, |a, b| a < b);
    ids.dedup();
    ids
}

impl Offer {
    /// Validates an offer of a parsed model.
    pub(crate) fn decode(
        value: &Value,
        at: &At<'_>,
        context: &mut OfferContext<'_>,
    ) -> Result<Offer, FieldError> {
        let OfferContext {
            default_currency,
            names,
            keys,
            groups,
        } = context;
        let obj = decode::object(value, at)?;
        decode::deny_unknown_keys(obj, OFFER_FIELDS, at)?;
        let text = |key: &str| -> Result<Option<String>, FieldError> {
            match decode::optional_str(obj, key, at)? {
                Some(s) if s.len() > MAX_TEXT => Err(at
                    .key(key)
                    .error(format!("is longer than {MAX_TEXT} bytes"))),
                other => Ok(other.map(str::to_owned)),
            }
        };
        let id = decode::required_str(obj, "id", at)?;
        if id.is_empty() || id.len() > 256 {
            return Err(at.key("id").error("must be 1 to 256 characters"));
        }
        let kind_name = decode::required_str(obj, "kind", at)?;
        let kind = kind_of(kind_name, at)?;
        let price = decode::optional_non_negative(obj, "price", at)?.unwrap_or(0.0);
        let value_of_acceptance = decode::optional_non_negative(obj, "value", at)?.unwrap_or(1.0);
        let lever = decode::optional_non_negative(obj, "lever", at)?.unwrap_or(1.0);
        let currency = currency_or(
            decode::optional_str(obj, "currency", at)?,
            default_currency,
            at,
        )?;
        let starts = decode::optional_instant(obj, "startDate", at)?;
        let end_is_date = is_date_only(decode::optional_str(obj, "endDate", at)?);
        let ends = decode::optional_instant(obj, "endDate", at)?;
        let ends = window_end(starts, ends, end_is_date, at)?;
        let condition = condition_of(decode::field(obj, "condition"), keys, groups, at)?;
        let category = text("category")?;
        let product_id = text("productId")?;
        let placements = intern_all(
            decode::string_list(obj, "placements", at)?,
            &mut names.placements,
        );
        let requires = intern_all(
            decode::string_list(obj, "requires", at)?,
            &mut names.products,
        );
        let excludes = intern_all(
            decode::string_list(obj, "excludes", at)?,
            &mut names.products,
        );
        Ok(Offer {
            id: id.to_owned(),
            title: text("title")?.unwrap_or_default(),
            description: text("description")?.unwrap_or_default(),
            kind,
            category_id: category.as_deref().map(|c| names.categories.intern(c)),
            product: product_id.as_deref().map(|p| names.products.intern(p)),
            category,
            product_id,
            price,
            currency,
            value: value_of_acceptance,
            image: text("image")?,
            link: text("link")?,
            lever,
            repeatable: decode::optional_bool(obj, "repeatable", at)?.unwrap_or(false),
            placements,
            starts,
            ends,
            condition,
            requires,
            excludes,
        })
    }

    /// Whether the offer's date window contains `now` (start inclusive, end exclusive).
    pub(crate) fn is_live_at(&self, now: i64) -> bool {
        self.starts.is_none_or(|s| now >= s) && self.ends.is_none_or(|e| now < e)
    }

    /// Writes the display fields of the offer, as a renderer needs them (absent optional fields are omitted).
    pub(crate) fn write_display_fields<S: crate::tape::Sink>(&self, w: &mut S) {
        let fields: [(&str, Option<&str>); 6] = [
            ("id", Some(&self.id)),
            ("title", Some(&self.title)),
            ("description", Some(&self.description)),
            ("kind", Some(self.kind.name())),
            ("category", self.category.as_deref()),
            ("productId", self.product_id.as_deref()),
        ];
        for (key, value) in fields {
            if let Some(v) = value {
                w.key(key);
                w.string(v);
            }
        }
        w.key("price");
        w.number(self.price);
        w.key("currency");
        w.string(&self.currency);
        for (key, value) in [
            ("image", self.image.as_deref()),
            ("link", self.link.as_deref()),
        ] {
            if let Some(v) = value {
                w.key(key);
                w.string(v);
            }
        }
    }
}

pub(crate) fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}
