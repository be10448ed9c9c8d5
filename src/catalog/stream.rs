//! Reading an offer straight from the model's text (the `streaming-load` path of `model/read.rs`), checked
//! as [`Offer::decode`] checks a parsed one.

use super::{condition_of, currency_or, intern_all, is_date_only, kind_of, window_end};
use super::{Offer, OfferContext, MAX_TEXT};
use crate::decode::{At, Field, FieldError, Shape};
use crate::json::{Kind, Reader};
use crate::request::ReadError;
use std::borrow::Cow;

/// The [`Shape`] of each field of [`OFFER_FIELDS`], in the same order.
const OFFER_SHAPES: [Shape; 19] = [
    Shape::Text,   // id
    Shape::Text,   // title
    Shape::Text,   // description
    Shape::Text,   // kind
    Shape::Text,   // category
    Shape::Text,   // productId
    Shape::Number, // price
    Shape::Text,   // currency
    Shape::Number, // value
    Shape::Text,   // image
    Shape::Text,   // link
    Shape::List,   // placements
    Shape::Text,   // startDate
    Shape::Text,   // endDate
    Shape::Tree,   // condition
    Shape::Number, // lever
    Shape::List,   // requires
    Shape::List,   // excludes
    Shape::Bool,   // repeatable
];

/// The fields of one offer as read, by their index in [`OFFER_FIELDS`].
struct OfferFields<'a> {
    fields: [Field<'a>; 19],
}

impl<'a> OfferFields<'a> {
    fn get(&self, key: &str) -> &Field<'a> {
        static ABSENT: Field<'static> = Field::Absent;
        field_index(key)
            .and_then(|i| self.fields.get(i))
            .unwrap_or(&ABSENT)
    }
}

/// The index of `key` in [`OFFER_FIELDS`]: a `match` compiles to a switch on the length and a comparison or
/// two, where a scan of the list compares up to 19 names for each key of 500 offers.
fn field_index(key: &str) -> Option<usize> {
    Some(match key {
        "id" => 0,
        "title" => 1,
        "description" => 2,
        "kind" => 3,
        "category" => 4,
        "productId" => 5,
        "price" => 6,
        "currency" => 7,
        "value" => 8,
        "image" => 9,
        "link" => 10,
        "placements" => 11,
        "startDate" => 12,
        "endDate" => 13,
        "condition" => 14,
        "lever" => 15,
        "requires" => 16,
        "excludes" => 17,
        "repeatable" => 18,
        _ => return None,
    })
}

impl Offer {
    /// Reads the next offer of `r` as [`Offer::decode`] validates it, straight from the text: no tree is
    /// built but for its condition (see `model/read.rs`). Any error (a repeated key too) only tells the
    /// caller to load the model from a parsed tree instead, which reports the error.
    pub(crate) fn read<'a>(
        r: &mut Reader<'a>,
        at: &At<'_>,
        context: &mut OfferContext<'_>,
        list: &mut Vec<Cow<'a, str>>,
    ) -> Result<Offer, ReadError> {
        if r.peek()? != Kind::Object {
            return Err(at.error("must be an object").into());
        }
        r.begin_object()?;
        list.clear();
        let mut read = OfferFields {
            fields: std::array::from_fn(|_| Field::Absent),
        };
        while let Some(key) = r.next_key()? {
            match field_index(&key)
                .and_then(|i| Some((read.fields.get_mut(i)?, *OFFER_SHAPES.get(i)?)))
            {
                Some((slot, shape)) if matches!(slot, Field::Absent) => {
                    *slot = Field::read(r, shape, list)?;
                }
                _ => return Err(at.key(&key).error("is repeated or unknown").into()),
            }
        }
        Ok(Offer::check(&read, list, at, context)?)
    }

    /// The checks of [`Offer::decode`], in the same order, on the fields as read.
    fn check(
        read: &OfferFields<'_>,
        list: &[Cow<'_, str>],
        at: &At<'_>,
        context: &mut OfferContext<'_>,
    ) -> Result<Offer, FieldError> {
        let field = |key: &str| read.get(key);
        let text = |key: &str| -> Result<Option<String>, FieldError> {
            match field(key).optional_str(key, at)? {
                Some(s) if s.len() > MAX_TEXT => Err(at
                    .key(key)
                    .error(format!("is longer than {MAX_TEXT} bytes"))),
                other => Ok(other.map(str::to_owned)),
            }
        };
        let id = field("id").required_str("id", at)?;
        if id.is_empty() || id.len() > 256 {
            return Err(at.key("id").error("must be 1 to 256 characters"));
        }
        let kind_name = field("kind").required_str("kind", at)?;
        let kind = kind_of(kind_name, at)?;
        let price = field("price")
            .optional_non_negative("price", at)?
            .unwrap_or(0.0);
        let value_of_acceptance = field("value")
            .optional_non_negative("value", at)?
            .unwrap_or(1.0);
        let lever = field("lever")
            .optional_non_negative("lever", at)?
            .unwrap_or(1.0);
        let currency = currency_or(
            field("currency").optional_str("currency", at)?,
            context.default_currency,
            at,
        )?;
        let starts = field("startDate").optional_instant("startDate", at)?;
        let end_field = field("endDate");
        let end_is_date = is_date_only(end_field.optional_str("endDate", at)?);
        let ends = end_field.optional_instant("endDate", at)?;
        let ends = window_end(starts, ends, end_is_date, at)?;
        let condition = match field("condition") {
            Field::Tree(c) => Some(c),
            _ => None,
        };
        let condition = condition_of(condition, context.keys, context.groups, at)?;
        let category = text("category")?;
        let product_id = text("productId")?;
        let names = &mut *context.names;
        let placements = intern_all(
            field("placements")
                .string_list(list, "placements", at)?
                .iter()
                .map(|p| p.as_ref()),
            &mut names.placements,
        );
        let requires = intern_all(
            field("requires")
                .string_list(list, "requires", at)?
                .iter()
                .map(|p| p.as_ref()),
            &mut names.products,
        );
        let excludes = intern_all(
            field("excludes")
                .string_list(list, "excludes", at)?
                .iter()
                .map(|p| p.as_ref()),
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
            repeatable: field("repeatable")
                .optional_bool("repeatable", at)?
                .unwrap_or(false),
            placements,
            starts,
            ends,
            condition,
            requires,
            excludes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::OFFER_FIELDS;

    #[test]
    fn every_offer_field_is_found_at_its_index_with_its_shape() {
        assert_eq!(OFFER_FIELDS.len(), OFFER_SHAPES.len());
        for (i, name) in OFFER_FIELDS.iter().enumerate() {
            assert_eq!(field_index(name), Some(i), "{name}");
        }
        assert_eq!(field_index("condtion"), None);
        let text = |i: usize| matches!(OFFER_SHAPES[i], Shape::Text);
        assert!(text(0) && text(13) && matches!(OFFER_SHAPES[14], Shape::Tree));
    }
}
