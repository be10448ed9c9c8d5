//! The engine built without the `recommender` feature (the browser build, which keeps within its 80 KB gzipped
//! budget this way). No recommender can be attached, so [`Attached`] has no values: `decide`'s paths that would
//! use one type-check as in the full build and compile away. `Engine::attach_recommender` answers an error
//! naming the build to use instead.

use crate::catalog::Offer;
use crate::decode::{At, FieldError};
use crate::json::Value;
use crate::model::Model;
use crate::propensity::Boost;

/// A recommender attached to an engine: none can exist in this build.
#[derive(Debug)]
pub(crate) enum Attached {}

/// A decision's anchors: never made in this build, since making them needs an [`Attached`].
pub(crate) struct Anchors<'a>(std::marker::PhantomData<&'a ()>);

impl Attached {
    /// Always an error: this build has no recommender.
    pub(crate) fn load(
        _model: &mut Model,
        _bytes: &[u8],
        _options: &Value,
    ) -> Result<Attached, FieldError> {
        Err(At::root("recommender").error(
            "this build of the engine has no recommender (the browser build leaves it out for size); \
             use the server build (`nextoffer` in Node or workerd, or `nextoffer/full`)",
        ))
    }

    pub(crate) fn is_generated_id(&self, _id: &str) -> bool {
        match *self {}
    }

    pub(crate) fn item_count(&self) -> usize {
        match *self {}
    }

    pub(crate) fn anchors<'a>(
        &'a self,
        _cart: &[u32],
        _owned: impl Iterator<Item = u32>,
    ) -> Anchors<'a> {
        match *self {}
    }

    pub(crate) fn boost(&self, _anchors: &Anchors<'_>, _offer: &Offer) -> Option<Boost> {
        match *self {}
    }

    pub(crate) fn generate(
        &self,
        _anchors: &Anchors<'_>,
        _placement: Option<u32>,
    ) -> Vec<(u32, Boost)> {
        match *self {}
    }

    pub(crate) fn offer(&self, _slot: u32, _model: &Model) -> Option<&Offer> {
        match *self {}
    }
}
