//! Loading a valid model in one streaming pass, without a tree of its offers.
//!
//! A model is mostly offers: the 500-offer bench model is 257 KB of them. Parsing it into a [`Value`] tree
//! and then walking the tree cost an allocation per key and per value, and as much again to free the tree:
//! about a third of a load's 32 M instructions natively. Here the small root fields are parsed as trees,
//! and each offer is read from the [`Reader`] straight into an [`Offer`] (only its condition is parsed, for
//! the condition compiler), checked by the same code as an offer of a parsed model.
//!
//! Only a valid model in the usual key order (the root fields the offers depend on before them) loads here.
//! Anything else answers `None` and is loaded from a parsed tree by [`Model::from_json`], so every error is
//! the one the tree path reports: a syntax error anywhere (with its line and column) before any invalid
//! field, and among invalid fields the first in the model's checking order, whatever the key order of the
//! text. A valid model loads to the same [`Model`] both ways (`tests/model_load.rs`).
//!
//! Left out of the browser build (the `streaming-load` feature), whose size budget is tighter than its load
//! time: this path is about 2 KB of gzipped Wasm.
//!
//! [`Value`]: crate::json::Value

use super::{Model, Prelude, ReadOffers, MODEL_FIELDS};
use crate::catalog::Offer;
use crate::decode::At;
use crate::json::{Kind, Object, Reader};
use crate::request::ReadError;

/// Root fields checked after the offers: the only ones that may follow them in the text here.
const AFTER_OFFERS: &[&str] = &[
    "policies",
    "contextWeights",
    "priors",
    "affinity",
    "suitability",
    "controlGroup",
    "arbitration",
    "arbitrationSplit",
    "segmentAttribute",
];

/// The model, if `text` is a valid model whose root fields checked before the offers come before them.
pub(super) fn model(text: &str) -> Option<Model> {
    read(text).ok()
}

fn read(text: &str) -> Result<Model, ReadError> {
    let root = At::root("");
    let mut r = Reader::new(text);
    r.begin_object()?;
    let mut obj = Object::with_capacity(MODEL_FIELDS.len());
    let mut offers = None;
    while let Some(key) = r.next_key()? {
        let repeated = obj.contains_key(&key) || (key == "offers" && offers.is_some());
        if repeated || (offers.is_some() && !AFTER_OFFERS.contains(&&*key)) {
            return Err(root.key(&key).error("is repeated or out of order").into());
        }
        if key == "offers" {
            let (mut prelude, declared) = Prelude::decode(&obj, &root)?;
            let read = read_offers(&mut r, &declared, &root, &mut prelude)?;
            offers = Some((prelude, read));
        } else {
            let value = r.value()?;
            obj.insert(key.into_owned(), value);
        }
    }
    r.finish()?;
    let (prelude, read) = match offers {
        Some(offers) => offers,
        None => (
            Prelude::decode(&obj, &root)?.0,
            ReadOffers::with_capacity(0),
        ),
    };
    Ok(Model::finish(&obj, &root, prelude, read)?)
}

/// Reads the `offers` array against the root fields read before it, checked by `prelude` (`declared`:
/// the placements they declare).
fn read_offers(
    r: &mut Reader<'_>,
    declared: &[&str],
    root: &At<'_>,
    prelude: &mut Prelude,
) -> Result<ReadOffers, ReadError> {
    let offers_at = root.key("offers");
    if r.peek()? != Kind::Array {
        return Err(offers_at.error("must be an array").into());
    }
    let mut read = ReadOffers::with_capacity(0);
    let mut list = Vec::new();
    r.begin_array()?;
    while r.next_item()? {
        let at = offers_at.index(read.offers.len());
        if read.offers.len() >= super::MAX_OFFERS {
            return Err(offers_at.error("has too many offers").into());
        }
        let mut context = read.context(prelude);
        let offer = Offer::read(r, &at, &mut context, &mut list)?;
        read.push(offer, &at, declared, &prelude.names)?;
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_model(name: &str) -> String {
        let path = format!("{}/tests/spec/models/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn the_spec_models_stream_to_the_model_their_parsed_tree_gives() {
        for name in [
            "coffee-shop.json",
            "demo-shop.json",
            "demo-shop-bandit.json",
        ] {
            let text = spec_model(name);
            let streamed = model(&text).map(|m| format!("{m:?}"));
            let parsed = crate::json::parse(&text).map_err(|e| e.to_string());
            let tree = parsed.and_then(|v| Model::from_value(&v).map_err(|e| e.to_string()));
            assert_eq!(streamed, tree.ok().map(|m| format!("{m:?}")), "{name}");
        }
    }

    #[test]
    fn invalid_repeated_or_unusually_ordered_models_are_left_to_the_parsed_tree() {
        assert!(model(r#"{"currency":"JPY","offers":[],"policies":[]}"#).is_some());
        for text in [
            r#"{"offers":[],"currency":"JPY"}"#,
            r#"{"offers":[],"offers":[]}"#,
            r#"{"offers":null}"#,
            r#"{"offers":[{"id":"a","kind":"content","id":"b"}]}"#,
            r#"{"offers":[{"id":"a","kind":"content","zz":1}]}"#,
            r#"{"offers":[{"id":"a","kind":"gift"}]}"#,
            r#"{"offers":[{"id":"a","kind":"content"}]"#,
            r#"[]"#,
        ] {
            assert!(model(text).is_none(), "{text}");
        }
    }
}
