//! Reading the JSON options and requests of the JavaScript API ([`super::api`]): every key is checked, an
//! unknown key or a value of the wrong type is an [`ApiError`] naming its path, never a silent default.

use super::api::ApiError;
use super::baskets::BasketMode;
use super::cooccurrence::Similarity;
use super::ladder::LadderOptions;
use super::lift::{LiftEvent, LiftEventKind, Variant};
use super::recommender::{HistoryItem, RecommenderOptions};
use super::rules::RuleMetric;
use super::suggest::SuggestRequest;
use crate::json::{Object, Value};
use crate::time::{parse_instant, SECONDS_PER_DAY};

/// The keys of an options object, checked against the known ones.
pub(crate) struct Fields<'a> {
    object: Option<&'a Object>,
    code: &'static str,
    prefix: &'a str,
}

impl<'a> Fields<'a> {
    /// `value` must be an object (or `null`/absent: no keys); `known` lists its allowed keys.
    pub(crate) fn new(
        value: Option<&'a Value>,
        code: &'static str,
        prefix: &'a str,
        known: &[&str],
    ) -> Result<Self, ApiError> {
        let object = match value {
            None | Some(Value::Null) => None,
            Some(Value::Object(o)) => Some(o),
            Some(v) => {
                return Err(ApiError::new(
                    code,
                    prefix,
                    format!("{prefix}: must be an object, not {}", v.type_name()),
                ))
            }
        };
        if let Some(key) = object.and_then(|o| o.keys().find(|k| !known.contains(k))) {
            let path = Self::join(prefix, key);
            return Err(ApiError::new(
                code,
                &path,
                format!("{path}: unknown key (known: {})", known.join(", ")),
            ));
        }
        Ok(Self {
            object,
            code,
            prefix,
        })
    }

    fn join(prefix: &str, key: &str) -> String {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.object
            .and_then(|o| o.get(key))
            .filter(|v| !v.is_null())
    }

    fn bad(&self, key: &str, message: &str) -> ApiError {
        let path = Self::join(self.prefix, key);
        ApiError::new(self.code, &path, format!("{path}: {message}"))
    }

    /// The raw value of a key, if present and not null.
    pub(crate) fn value(&self, key: &str) -> Option<&'a Value> {
        self.get(key)
    }

    /// The path of a key, for nested readers.
    pub(crate) fn path(&self, key: &str) -> String {
        Self::join(self.prefix, key)
    }

    pub(crate) fn number(&self, key: &str) -> Result<Option<f64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(*n)),
            Some(v) => Err(self.bad(key, &format!("must be a number, not {}", v.type_name()))),
        }
    }

    /// A number in `[low, high]`.
    pub(crate) fn ranged(&self, key: &str, low: f64, high: f64) -> Result<Option<f64>, ApiError> {
        match self.number(key)? {
            Some(n) if !(low..=high).contains(&n) => Err(self.bad(
                key,
                &format!(
                    "{} is outside [{}, {}]",
                    crate::json::number_to_js_string(n),
                    crate::json::number_to_js_string(low),
                    crate::json::number_to_js_string(high)
                ),
            )),
            other => Ok(other),
        }
    }

    /// A whole number of at least `min`.
    pub(crate) fn count(&self, key: &str, min: usize) -> Result<Option<usize>, ApiError> {
        match self.number(key)? {
            Some(n) if n.fract() == 0.0 && n >= min as f64 && n <= 1e9 => Ok(Some(n as usize)),
            Some(n) => Err(self.bad(
                key,
                &format!(
                    "must be a whole number of at least {min}, not {}",
                    crate::json::number_to_js_string(n)
                ),
            )),
            None => Ok(None),
        }
    }

    pub(crate) fn text(&self, key: &str) -> Result<Option<&'a str>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.bad(key, &format!("must be a string, not {}", v.type_name()))),
        }
    }

    /// One of `choices`, parsed by `parse`.
    pub(crate) fn choice<T>(
        &self,
        key: &str,
        choices: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ApiError> {
        match self.text(key)? {
            None => Ok(None),
            Some(s) => parse(s)
                .map(Some)
                .ok_or_else(|| self.bad(key, &format!("must be {choices}, not {s:?}"))),
        }
    }

    /// An array of strings.
    pub(crate) fn strings(&self, key: &str) -> Result<Vec<String>, ApiError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(self.bad(
                        &format!("{key}[{i}]"),
                        &format!("must be a string, not {}", other.type_name()),
                    )),
                })
                .collect(),
            Some(v) => Err(self.bad(
                key,
                &format!("must be an array of strings, not {}", v.type_name()),
            )),
        }
    }

    /// An ISO date or date-time as a day number.
    pub(crate) fn day(&self, key: &str) -> Result<Option<i32>, ApiError> {
        match self.text(key)? {
            None => Ok(None),
            Some(s) => day_of(s)
                .map(Some)
                .ok_or_else(|| self.bad(key, &format!("{s:?} is not an ISO date or date-time"))),
        }
    }
}

fn day_of(text: &str) -> Option<i32> {
    parse_instant(text).and_then(|s| i32::try_from(s.div_euclid(SECONDS_PER_DAY)).ok())
}

/// Options of `Recommender.fromOrders`.
pub(crate) struct BuildOptions {
    pub(crate) basket: BasketMode,
    pub(crate) recommender: RecommenderOptions,
    pub(crate) segments: Vec<(String, String)>,
    pub(crate) ladder: LadderOptions,
}

pub(crate) fn build_options(value: Option<&Value>) -> Result<BuildOptions, ApiError> {
    let f = Fields::new(
        value,
        "invalid-options",
        "",
        &[
            "basket",
            "similarity",
            "neighbours",
            "minTogether",
            "segments",
            "segmentTop",
            "ladder",
        ],
    )?;
    let mut recommender = RecommenderOptions::default();
    let n = &mut recommender.neighbours;
    if let Some(s) = f.choice(
        "similarity",
        "cosine, jaccard, lift or confidence",
        Similarity::parse,
    )? {
        n.similarity = s;
    }
    n.top_k = f.count("neighbours", 1)?.unwrap_or(n.top_k);
    if let Some(m) = f.count("minTogether", 1)? {
        n.min_together = u32::try_from(m).unwrap_or(u32::MAX);
    }
    recommender.segment_top = f.count("segmentTop", 1)?.unwrap_or(recommender.segment_top);
    let mut segments = Vec::new();
    if let Some(v) = f.value("segments") {
        let path = f.path("segments");
        let o = v.as_object().ok_or_else(|| {
            ApiError::new(
                "invalid-options",
                &path,
                format!(
                    "{path}: must be an object of customer id to segment, not {}",
                    v.type_name()
                ),
            )
        })?;
        for (customer, seg) in o.iter() {
            let seg = seg.as_str().ok_or_else(|| {
                let p = format!("{path}.{customer}");
                ApiError::new(
                    "invalid-options",
                    &p,
                    format!("{p}: must be a string, not {}", seg.type_name()),
                )
            })?;
            segments.push((customer.to_owned(), seg.to_owned()));
        }
    }
    let ladder = ladder_options(f.value("ladder"))?;
    Ok(BuildOptions {
        basket: f
            .choice("basket", "order or customer", BasketMode::parse)?
            .unwrap_or_default(),
        recommender,
        segments,
        ladder,
    })
}

pub(crate) fn ladder_options(value: Option<&Value>) -> Result<LadderOptions, ApiError> {
    let f = Fields::new(
        value,
        "invalid-options",
        "ladder",
        &["minJump", "maxJump", "minMargin"],
    )?;
    let d = LadderOptions::default();
    Ok(LadderOptions {
        min_jump: f.number("minJump")?.unwrap_or(d.min_jump),
        max_jump: f.number("maxJump")?.unwrap_or(d.max_jump),
        min_margin: f.ranged("minMargin", 0.0, 1.0)?,
    })
}

/// A `recommend` request: `{ cart?, history?, owned?, segment?, limit?, now?, repeatable?, exclude?,
/// weights? }`.
pub(crate) fn suggest_request(value: Option<&Value>) -> Result<SuggestRequest, ApiError> {
    const CODE: &str = "invalid-request";
    let f = Fields::new(
        value,
        CODE,
        "",
        &[
            "cart",
            "history",
            "owned",
            "segment",
            "limit",
            "now",
            "repeatable",
            "exclude",
            "weights",
        ],
    )?;
    let mut out = SuggestRequest::default();
    let r = &mut out.recommend;
    r.cart = f.strings("cart")?;
    r.limit = f.count("limit", 0)?.unwrap_or(10);
    r.segment = f.text("segment")?.map(str::to_owned);
    r.now_day = f.day("now")?;
    r.repeatable = f.strings("repeatable")?;
    r.exclude = f.strings("exclude")?;
    out.owned = f.strings("owned")?;
    if let Some(v) = f.value("history") {
        let list = v.as_array().ok_or_else(|| {
            ApiError::new(
                CODE,
                "history",
                format!("history: must be an array, not {}", v.type_name()),
            )
        })?;
        for (i, h) in list.iter().enumerate() {
            let path = format!("history[{i}]");
            let item = match h {
                Value::String(s) => HistoryItem {
                    product: s.clone(),
                    day: r.now_day.unwrap_or(0),
                    category: None,
                },
                _ => {
                    let hf = Fields::new(Some(h), CODE, &path, &["item", "date", "category"])?;
                    let product = hf.text("item")?.ok_or_else(|| {
                        ApiError::new(
                            CODE,
                            &format!("{path}.item"),
                            format!("{path}.item: is required"),
                        )
                    })?;
                    HistoryItem {
                        product: product.to_owned(),
                        day: hf.day("date")?.or(r.now_day).unwrap_or(0),
                        category: hf.text("category")?.map(str::to_owned),
                    }
                }
            };
            r.history.push(item);
        }
    }
    let w = Fields::new(
        f.value("weights"),
        CODE,
        "weights",
        &[
            "itemToItem",
            "affinity",
            "popularity",
            "upsell",
            "halfLifeDays",
        ],
    )?;
    let b = &mut r.blend;
    let weight = |key: &str, default: f64| -> Result<f64, ApiError> {
        Ok(w.ranged(key, 0.0, f64::MAX)?.unwrap_or(default))
    };
    b.item_to_item = weight("itemToItem", b.item_to_item)?;
    b.affinity = weight("affinity", b.affinity)?;
    b.popularity = weight("popularity", b.popularity)?;
    out.upsell = weight("upsell", out.upsell)?;
    if let Some(h) = w.number("halfLifeDays")? {
        if h.is_nan() || h <= 0.0 {
            return Err(ApiError::new(
                CODE,
                "weights.halfLifeDays",
                "weights.halfLifeDays: must be a positive number of days".into(),
            ));
        }
        b.half_life_days = h;
    }
    Ok(out)
}

/// Options of `rules`: `{ minSupport?, minConfidence?, minLift?, maxLength?, sort?, limit? }`.
pub(crate) struct RulesOptions {
    pub(crate) min_support: f64,
    pub(crate) min_confidence: f64,
    pub(crate) min_lift: f64,
    pub(crate) max_len: Option<usize>,
    pub(crate) sort: RuleMetric,
    /// At most this many rules are returned (the best by `sort`); all are generated and counted.
    pub(crate) limit: Option<usize>,
}

pub(crate) fn rules_options(value: Option<&Value>) -> Result<RulesOptions, ApiError> {
    let f = Fields::new(
        value,
        "invalid-options",
        "",
        &[
            "minSupport",
            "minConfidence",
            "minLift",
            "maxLength",
            "sort",
            "limit",
        ],
    )?;
    let min_support = f.ranged("minSupport", 0.0, 1.0)?.unwrap_or(0.01);
    if min_support <= 0.0 {
        return Err(ApiError::new(
            "invalid-options",
            "minSupport",
            "minSupport: 0 is outside (0, 1]".into(),
        ));
    }
    Ok(RulesOptions {
        min_support,
        min_confidence: f.ranged("minConfidence", 0.0, 1.0)?.unwrap_or(0.5),
        min_lift: f.ranged("minLift", 0.0, f64::MAX)?.unwrap_or(0.0),
        max_len: f.count("maxLength", 1)?,
        sort: f
            .choice(
                "sort",
                "support, confidence, lift, leverage or conviction",
                RuleMetric::parse,
            )?
            .unwrap_or(RuleMetric::Lift),
        limit: f.count("limit", 0)?,
    })
}

/// One lift event, owned.
pub(crate) struct EventRow {
    pub(crate) offer: String,
    pub(crate) variant: Variant,
    pub(crate) kind: LiftEventKind,
}

impl EventRow {
    pub(crate) fn event(&self) -> LiftEvent<'_> {
        LiftEvent {
            offer: &self.offer,
            variant: self.variant,
            kind: self.kind,
        }
    }
}

fn variant(text: &str) -> Option<Variant> {
    match text.to_ascii_lowercase().as_str() {
        "treatment" => Some(Variant::Treatment),
        "control" => Some(Variant::Control),
        _ => None,
    }
}

fn kind(text: &str) -> Option<LiftEventKind> {
    match text.to_ascii_lowercase().as_str() {
        "exposure" => Some(LiftEventKind::Exposure),
        "conversion" => Some(LiftEventKind::Conversion),
        _ => None,
    }
}

/// Events as an array of `{ offerId, variant, event }` objects (`offer_id` and `offer` are read too).
pub(crate) fn events_json(value: &Value) -> Result<Vec<EventRow>, ApiError> {
    const CODE: &str = "invalid-events";
    let list = value.as_array().ok_or_else(|| {
        ApiError::new(
            CODE,
            "events",
            format!(
                "events: must be CSV text or an array of events, not {}",
                value.type_name()
            ),
        )
    })?;
    list.iter()
        .enumerate()
        .map(|(i, e)| {
            let path = format!("events[{i}]");
            let f = Fields::new(
                Some(e),
                CODE,
                &path,
                &["offerId", "offer_id", "offer", "variant", "event"],
            )?;
            let missing = |key: &str| {
                let p = format!("{path}.{key}");
                ApiError::new(CODE, &p, format!("{p}: is required"))
            };
            let offer = match (f.value("offerId"), f.value("offer_id"), f.value("offer")) {
                (Some(v), _, _) | (None, Some(v), _) | (None, None, Some(v)) => {
                    crate::json::js_to_string(v).into_owned()
                }
                _ => return Err(missing("offerId")),
            };
            let v = f.text("variant")?.ok_or_else(|| missing("variant"))?;
            let k = f.text("event")?.ok_or_else(|| missing("event"))?;
            Ok(EventRow {
                offer,
                variant: variant(v).ok_or_else(|| {
                    ApiError::new(
                        CODE,
                        &format!("{path}.variant"),
                        format!("{path}.variant: {v:?} is neither treatment nor control"),
                    )
                })?,
                kind: kind(k).ok_or_else(|| {
                    ApiError::new(
                        CODE,
                        &format!("{path}.event"),
                        format!("{path}.event: {k:?} is neither exposure nor conversion"),
                    )
                })?,
            })
        })
        .collect()
}

/// Events as CSV text with `offer_id`, `variant` and `event` columns (others ignored), as the CLI reads.
pub(crate) fn events_csv(text: &str) -> Result<Vec<EventRow>, ApiError> {
    use crate::insight::csv::CsvReader;
    const CODE: &str = "invalid-events";
    let csv_error = |e: crate::insight::csv::CsvError| ApiError::new(CODE, "", e.to_string());
    let mut reader = CsvReader::new(text.as_bytes());
    if !reader.next_record(true).map_err(csv_error)? {
        return Err(ApiError::new(
            CODE,
            "line 1",
            "line 1: the events are empty (a header line is needed)".into(),
        ));
    }
    let mut index = [None::<usize>; 3];
    const COLUMNS: [&str; 3] = ["offer_id", "variant", "event"];
    for i in 0..reader.len() {
        let name = reader
            .field(i)
            .map_err(csv_error)?
            .unwrap_or_default()
            .to_ascii_lowercase();
        if let Some(slot) = COLUMNS
            .iter()
            .position(|&n| n == name)
            .and_then(|c| index.get_mut(c))
        {
            slot.get_or_insert(i);
        }
    }
    let mut columns = [0usize; 3];
    for ((slot, found), name) in columns.iter_mut().zip(index).zip(COLUMNS) {
        *slot = found.ok_or_else(|| {
            ApiError::new(
                CODE,
                name,
                format!("line 1: no {name} column (offer_id, variant and event are needed)"),
            )
        })?;
    }
    let mut rows = Vec::new();
    while reader.next_record(false).map_err(csv_error)? {
        let line = reader.line();
        let mut cells = [""; 3];
        for (cell, (&column, name)) in cells.iter_mut().zip(columns.iter().zip(COLUMNS)) {
            let text = reader.field(column).map_err(csv_error)?.unwrap_or_default();
            if text.is_empty() {
                let at = format!("line {line}, column {} ({name})", column + 1);
                return Err(ApiError::new(CODE, &at, format!("{at}: empty")));
            }
            *cell = text;
        }
        let [offer, v, k] = cells;
        let bad = |c: usize, message: String| {
            let column = columns.get(c).copied().unwrap_or(0) + 1;
            let name = COLUMNS.get(c).copied().unwrap_or_default();
            let at = format!("line {line}, column {column} ({name})");
            ApiError::new(CODE, &at, format!("{at}: {message}"))
        };
        rows.push(EventRow {
            offer: offer.to_owned(),
            variant: variant(v)
                .ok_or_else(|| bad(1, format!("{v:?} is neither treatment nor control")))?,
            kind: kind(k)
                .ok_or_else(|| bad(2, format!("{k:?} is neither exposure nor conversion")))?,
        });
    }
    Ok(rows)
}
