//! The JavaScript API of recommendations, in JSON values: what the Wasm binding (`src/wasm/recommend.rs`)
//! exposes as `Recommender` and `lift`, kept here so native tests check exactly what JavaScript gets.
//!
//! A [`RecommenderApi`] holds a recommender, the upsell ladders derived from its prices and categories, and,
//! when built from orders, the baskets (association rules need them; a loaded model has only neighbours).
//! Options and requests arrive as [`Value`]s; answers leave as [`Value`]s with camelCase keys; failures are
//! [`ApiError`]s with a stable code and the path of the offending field.

use super::api_input::{
    build_options, events_csv, events_json, ladder_options, rules_options, suggest_request,
    BuildOptions, EventRow,
};
use super::baskets::{Baskets, BasketsBuilder};
use super::error::RecommendError;
use super::fpgrowth::{frequent_itemsets, FpGrowthOptions};
use super::ladder::Ladders;
use super::lift::LiftTable;
use super::order_columns::OrderColumns;
use super::orders::{Line, OrderRows};
use super::reason::Reason;
use super::recommender::Recommender;
use super::rules::{RuleOptions, RuleSet};
use super::suggest::suggest;
use crate::json::{Object, Value};

/// A failure of the JavaScript API: `code` (`invalid-orders`, `invalid-options`, `invalid-request`,
/// `invalid-model`, `invalid-events`, `unknown-item`, `no-baskets`), the `path` of the offending field (may be
/// empty) and a lowercase message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// The stable code.
    pub code: &'static str,
    /// The offending field, e.g. `weights.upsell`, `orders[3].date`, `line 12, column 2 (date)`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(code: &'static str, path: &str, message: String) -> Self {
        Self {
            code,
            path: path.to_owned(),
            message,
        }
    }

    fn core(code: &'static str, e: &RecommendError) -> Self {
        let path = match e {
            RecommendError::Orders { at, .. } => at.clone(),
            RecommendError::OutOfRange { option, .. } => (*option).to_owned(),
            _ => String::new(),
        };
        Self::new(code, &path, e.to_string())
    }
}

/// A recommender with its ladders (and baskets when built from orders). See the module docs.
#[derive(Debug)]
pub struct RecommenderApi {
    rec: Recommender,
    ladders: Ladders,
    baskets: Option<Baskets>,
}

impl RecommenderApi {
    /// Builds from order rows with `options` (`{ basket?, similarity?, neighbours?, minTogether?, segments?,
    /// segmentTop?, ladder? }`).
    pub fn from_orders(rows: &OrderRows, options: Option<&Value>) -> Result<Self, ApiError> {
        let o = build_options(options)?;
        let baskets = Baskets::from_lines(rows.lines(), o.basket)
            .map_err(|e| ApiError::core("invalid-orders", &e))?;
        Self::from_baskets(baskets, &o)
    }

    /// Builds from rows that `read` hands over one at a time, straight into the basket builder: no owned
    /// copy of the rows (a `String` per id, about a quarter of the instructions of a CSV build on
    /// MovieLens). Errors come in the order of [`RecommenderApi::from_orders`] on rows read first: a bad
    /// row, then a bad option, then a basket that cannot be built.
    fn streamed(
        options: Option<&Value>,
        read: impl FnOnce(&mut dyn FnMut(&Line<'_>)) -> Result<(), RecommendError>,
    ) -> Result<Self, ApiError> {
        let invalid_orders = |e: RecommendError| ApiError::core("invalid-orders", &e);
        let o = match build_options(options) {
            Ok(o) => o,
            Err(e) => {
                read(&mut |_| {}).map_err(invalid_orders)?;
                return Err(e);
            }
        };
        let mut builder = BasketsBuilder::new(o.basket);
        let mut failed = None;
        read(&mut |line| {
            if failed.is_none() {
                failed = builder.push(&line.order_line()).err();
            }
        })
        .map_err(invalid_orders)?;
        if let Some(e) = failed {
            return Err(invalid_orders(e));
        }
        Self::from_baskets(builder.finish().map_err(invalid_orders)?, &o)
    }

    fn from_baskets(baskets: Baskets, o: &BuildOptions) -> Result<Self, ApiError> {
        let invalid = |e: RecommendError| ApiError::core("invalid-options", &e);
        let mut rec = Recommender::build(&baskets, &o.recommender).map_err(invalid)?;
        if !o.segments.is_empty() {
            let lookup = |customer: &str| {
                o.segments
                    .iter()
                    .find(|(c, _)| c == customer)
                    .map(|(_, s)| s.clone())
            };
            rec = rec
                .with_segments(&baskets, o.recommender.segment_top, lookup)
                .map_err(invalid)?;
        }
        let ladders = Ladders::from_recommender(&rec, o.ladder).map_err(invalid)?;
        Ok(Self {
            rec,
            ladders,
            baskets: Some(baskets),
        })
    }

    /// Builds from CSV text or a JSON array of orders.
    pub fn from_orders_input(orders: Input<'_>, options: Option<&Value>) -> Result<Self, ApiError> {
        match orders {
            Input::Csv(text) => Self::streamed(options, |each| OrderRows::read_csv(text, each)),
            Input::Json(value) => {
                let rows = OrderRows::from_json(value)
                    .map_err(|e| ApiError::core("invalid-orders", &e))?;
                Self::from_orders(&rows, options)
            }
        }
    }

    /// [`RecommenderApi::from_orders_input`] for order objects as columns (what the Wasm binding's walk of
    /// an array of order objects hands over): the same rows, options and errors as from their JSON text.
    pub fn from_order_columns(
        columns: &OrderColumns,
        options: Option<&Value>,
    ) -> Result<Self, ApiError> {
        Self::streamed(options, |each| columns.read(each))
    }

    /// [`RecommenderApi::from_orders_input`] for the JSON text of an array of order objects (what the Wasm
    /// binding holds after `JSON.stringify`), read without building a tree (see
    /// [`OrderRows::from_json_text`]); `None` when the text does not parse, for the caller to report the
    /// JSON error as for any other input.
    pub fn from_orders_json_text(
        text: &str,
        options: Option<&Value>,
    ) -> Option<Result<Self, ApiError>> {
        let rows = OrderRows::from_json_text(text)?;
        Some(
            rows.map_err(|e| ApiError::core("invalid-orders", &e))
                .and_then(|rows| Self::from_orders(&rows, options)),
        )
    }

    /// Loads a model saved by [`RecommenderApi::to_bytes`]; `ladder` options as in `from_orders`.
    pub fn from_bytes(bytes: &[u8], ladder: Option<&Value>) -> Result<Self, ApiError> {
        let rec =
            Recommender::from_bytes(bytes).map_err(|e| ApiError::core("invalid-model", &e))?;
        let ladders = Ladders::from_recommender(&rec, ladder_options(ladder)?)
            .map_err(|e| ApiError::core("invalid-options", &e))?;
        Ok(Self {
            rec,
            ladders,
            baskets: None,
        })
    }

    /// The model in the versioned binary format.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.rec.to_bytes()
    }

    /// The recommender.
    pub fn recommender(&self) -> &Recommender {
        &self.rec
    }

    /// `[{ item, score, together, countA, countB, …, reason }]`: the stored neighbours of `item`.
    pub fn similar(&self, item: &str, limit: usize) -> Result<Value, ApiError> {
        let list = self.rec.similar(item, limit).map_err(|e| {
            ApiError::new(
                "unknown-item",
                "item",
                format!("item: {item:?} is not in the model"),
            )
            .with_core(&e)
        })?;
        let mode = self.rec.mode();
        Ok(Value::Array(
            list.iter()
                .map(|s| {
                    let mut v = s.to_value();
                    if let Value::Object(o) = &mut v {
                        let reason = Reason::BoughtTogether {
                            with: item.to_owned(),
                            together: s.stats.together,
                            with_count: s.stats.count_a,
                            mode,
                        };
                        o.insert("reason", reason.to_string());
                    }
                    v
                })
                .collect(),
        ))
    }

    /// `[{ item, score, source, reason, reasons }]` for one customer: see `suggest_request` for the keys.
    pub fn recommend(&self, request: Option<&Value>) -> Result<Value, ApiError> {
        let request = suggest_request(request)?;
        let out = suggest(&self.rec, &self.ladders, &request)
            .map_err(|e| ApiError::core("invalid-request", &e))?;
        Ok(Value::Array(
            out.items
                .iter()
                .map(|s| {
                    let mut o = Object::with_capacity(5);
                    o.insert("item", s.item.as_str());
                    o.insert("score", s.score);
                    o.insert("source", s.source.as_str());
                    o.insert(
                        "reason",
                        s.reasons
                            .first()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                    );
                    o.insert(
                        "reasons",
                        s.reasons.iter().map(Reason::to_value).collect::<Vec<_>>(),
                    );
                    Value::Object(o)
                })
                .collect(),
        ))
    }

    /// Association rules by FP-growth over the baskets, sorted by `sort` (default lift), at most `limit` of
    /// them, and how many there are in all: `([{ antecedents, consequents, count, antecedentSupport,
    /// consequentSupport, support, confidence, lift, leverage, conviction }], total)`. A loaded model has no
    /// baskets: `no-baskets`.
    pub fn rules(&self, options: Option<&Value>) -> Result<(Value, usize), ApiError> {
        let o = rules_options(options)?;
        let baskets = self.baskets.as_ref().ok_or_else(|| {
            ApiError::new(
                "no-baskets",
                "",
                "rules need the baskets: build the recommender with fromOrders (a saved model keeps only neighbours)".into(),
            )
        })?;
        let invalid = |e: RecommendError| ApiError::core("invalid-options", &e);
        let itemsets = frequent_itemsets(
            baskets,
            &FpGrowthOptions {
                min_support: o.min_support,
                max_len: o.max_len,
            },
        )
        .map_err(invalid)?;
        let mut rules = RuleSet::generate(
            itemsets,
            &RuleOptions {
                min_confidence: o.min_confidence,
                min_lift: o.min_lift,
            },
        )
        .map_err(invalid)?;
        rules.sort_by(o.sort);
        let total = rules.len();
        Ok((
            Value::Array(
                rules
                    .iter()
                    .take(o.limit.unwrap_or(usize::MAX))
                    .map(|r| r.to_value(baskets.items()))
                    .collect(),
            ),
            total,
        ))
    }
}

impl ApiError {
    fn with_core(mut self, e: &RecommendError) -> Self {
        if !matches!(e, RecommendError::UnknownItem { .. }) {
            self.code = "invalid-request";
            self.message = e.to_string();
        }
        self
    }
}

/// Orders or events as the API receives them.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    /// CSV text.
    Csv(&'a str),
    /// A JSON array of objects.
    Json(&'a Value),
}

/// Lift per offer from events: `[{ offer, treatment: { exposures, conversions, rate }, control: {…},
/// difference, relativeLift, probabilityTreatmentBeatsControl }]`, offers in order of first event.
pub fn lift(events: Input<'_>) -> Result<Value, ApiError> {
    let rows: Vec<EventRow> = match events {
        Input::Csv(text) => events_csv(text)?,
        Input::Json(value) => events_json(value)?,
    };
    let mut table = LiftTable::default();
    for row in &rows {
        table.add(row.event());
    }
    let reports = table
        .reports()
        .map_err(|e| ApiError::core("invalid-events", &e))?;
    Ok(Value::Array(
        reports
            .iter()
            .map(|(offer, report)| {
                let mut o = Object::with_capacity(6);
                o.insert("offer", offer.as_str());
                if let Value::Object(fields) = report.to_value() {
                    for (k, v) in fields {
                        o.insert(k, v);
                    }
                }
                Value::Object(o)
            })
            .collect(),
    ))
}
