//! Learned state: counts of impressions, clicks, acceptances, dismissals and purchases per offer, overall and
//! per customer segment. They feed the propensity of every later decision.
//!
//! Counts only ever add, so two exported states merge by adding them: edge isolates and browser tabs each
//! learn alone and converge when their states meet, in any order.

use crate::decode::{self, At, FieldError};
use crate::intern::FastMap;
use crate::json::{Object, Value, Writer};
use crate::profile::ContactEvent;
use crate::text::Num;

/// The format tag of an exported state, so that a state is never misread as something else.
pub const STATE_FORMAT: &str = "nextoffer-state";
/// The current state version.
pub const STATE_VERSION: u32 = 1;

/// Largest count accepted: beyond 2^53 a JavaScript number can no longer hold it exactly.
const MAX_COUNT: u64 = 1 << 53;

/// Most offers a state may hold when read: as many as a model may have, so a hostile state cannot make an
/// engine hold more than a model could.
pub const MAX_STATE_OFFERS: usize = 100_000;
/// Most segments one offer may count separately, when a state is read and when an event is recorded: segments
/// are a model's customer groups (`Champions`, `gold` ...), a handful in practice; an unbounded number would
/// let a stream of events with made-up segments grow an edge isolate until it is evicted.
pub const MAX_SEGMENTS: usize = 1_000;
/// Longest offer id or segment name in a state, in bytes (offer ids of a model are at most 256 characters).
pub const MAX_STATE_NAME: usize = 1_024;

/// Event counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Indexed like [`ContactEvent::ALL`].
    by_event: [u64; 5],
}

impl Counts {
    /// The count of one event type.
    pub fn get(&self, event: ContactEvent) -> u64 {
        self.by_event.get(event_slot(event)).copied().unwrap_or(0)
    }

    /// Adds `n` events of one type (saturating: counts never wrap).
    pub fn add(&mut self, event: ContactEvent, n: u64) {
        if let Some(slot) = self.by_event.get_mut(event_slot(event)) {
            *slot = slot.saturating_add(n).min(MAX_COUNT);
        }
    }

    fn merge(&mut self, other: &Counts) {
        for event in ContactEvent::ALL {
            self.add(event, other.get(event));
        }
    }

    fn to_json(self) -> Object {
        ContactEvent::ALL
            .iter()
            .map(|&e| (plural(e).to_owned(), Value::from(self.get(e) as f64)))
            .collect()
    }

    fn write(&self, w: &mut Writer) {
        w.begin_object();
        for event in ContactEvent::ALL {
            w.key(plural(event));
            w.number(self.get(event) as f64);
        }
        w.end_object();
    }

    fn decode(value: &Value, at: &At<'_>) -> Result<Counts, FieldError> {
        let obj = decode::object(value, at)?;
        let names: Vec<&str> = ContactEvent::ALL.iter().map(|&e| plural(e)).collect();
        decode::deny_unknown_keys(obj, &names, at)?;
        let mut counts = Counts::default();
        for event in ContactEvent::ALL {
            counts.add(
                event,
                decode::optional_count(obj, plural(event), MAX_COUNT, at)?.unwrap_or(0),
            );
        }
        Ok(counts)
    }

    fn covers(&self, part: &Counts) -> bool {
        ContactEvent::ALL
            .iter()
            .all(|&e| self.get(e) >= part.get(e))
    }
}

/// The entries of `map` in the order of their keys, as the JSON forms write them.
fn sorted<V>(map: &FastMap<Box<str>, V>) -> Vec<(&str, &V)> {
    let mut entries: Vec<(&str, &V)> = map.iter().map(|(k, v)| (&**k, v)).collect();
    crate::sort::sort_by(&mut entries, |a, b| a.0 < b.0);
    entries
}

fn event_slot(event: ContactEvent) -> usize {
    event as usize
}

fn plural(event: ContactEvent) -> &'static str {
    match event {
        ContactEvent::Impression => "impressions",
        ContactEvent::Click => "clicks",
        ContactEvent::Accept => "accepts",
        ContactEvent::Dismiss => "dismisses",
        ContactEvent::Purchase => "purchases",
    }
}

/// Counts of one offer: in total, and per segment (the total includes events without a segment).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferStats {
    /// All events of the offer.
    pub total: Counts,
    segments: FastMap<Box<str>, Counts>,
}

impl OfferStats {
    /// Counts within one segment.
    pub fn segment(&self, segment: &str) -> Option<&Counts> {
        self.segments.get(segment)
    }

    /// How many segments are counted separately.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Records `n` events, in `segment` when given.
    pub fn add(&mut self, event: ContactEvent, segment: Option<&str>, n: u64) {
        self.total.add(event, n);
        if let Some(s) = segment {
            self.segments.entry(s.into()).or_default().add(event, n);
        }
    }

    fn merge(&mut self, other: &OfferStats) {
        self.total.merge(&other.total);
        for (segment, counts) in &other.segments {
            self.segments
                .entry(segment.clone())
                .or_default()
                .merge(counts);
        }
    }

    fn to_json(&self) -> Object {
        let mut o = Object::with_capacity(2);
        o.insert("total", self.total.to_json());
        let mut names: Vec<&Box<str>> = self.segments.keys().collect();
        crate::sort::sort_by(&mut names, |a, b| a < b);
        let segments: Object = names
            .into_iter()
            .filter_map(|n| {
                self.segments
                    .get(n)
                    .map(|c| (n.to_string(), Value::from(c.to_json())))
            })
            .collect();
        o.insert("segments", segments);
        o
    }

    fn write(&self, w: &mut Writer) {
        w.begin_object();
        w.key("total");
        self.total.write(w);
        w.key("segments");
        w.begin_object();
        for (name, counts) in sorted(&self.segments) {
            w.key(name);
            counts.write(w);
        }
        w.end_object();
        w.end_object();
    }

    fn decode(value: &Value, at: &At<'_>) -> Result<OfferStats, FieldError> {
        let obj = decode::object(value, at)?;
        decode::deny_unknown_keys(obj, &["total", "segments"], at)?;
        let total = match decode::field(obj, "total") {
            Some(v) => Counts::decode(v, &at.key("total"))?,
            None => return Err(at.key("total").error("is required")),
        };
        let mut stats = OfferStats {
            total,
            segments: FastMap::default(),
        };
        if let Some(segments) = decode::field(obj, "segments") {
            let seg_at = at.key("segments");
            let segments = decode::object(segments, &seg_at)?;
            if segments.len() > MAX_SEGMENTS {
                return Err(seg_at.error(format!(
                    "has {} segments, more than the limit of {MAX_SEGMENTS}",
                    segments.len()
                )));
            }
            for (name, counts) in segments.iter() {
                if name.len() > MAX_STATE_NAME {
                    return Err(seg_at.error(format!(
                        "has a segment name of {} bytes, more than the limit of {MAX_STATE_NAME}",
                        name.len()
                    )));
                }
                let c = Counts::decode(counts, &seg_at.key(name))?;
                if !stats.total.covers(&c) {
                    return Err(seg_at
                        .key(name)
                        .error("has more events than the offer's total"));
                }
                stats.segments.insert(name.into(), c);
            }
        }
        Ok(stats)
    }
}

/// Learned counts for every offer id seen, including ids the current model no longer has (kept, so that
/// nothing learned is lost when a model changes and changes back).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LearnedState {
    offers: FastMap<Box<str>, OfferStats>,
}

impl LearnedState {
    /// Counts of one offer.
    pub fn offer(&self, id: &str) -> Option<&OfferStats> {
        self.offers.get(id)
    }

    /// Mutable counts of one offer, created empty when new.
    pub fn offer_mut(&mut self, id: &str) -> &mut OfferStats {
        self.offers.entry(id.into()).or_default()
    }

    /// Every offer id with its counts, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &OfferStats)> {
        self.offers.iter().map(|(id, stats)| (&**id, stats))
    }

    /// Adds every count of `other` to this state.
    ///
    /// ```
    /// use nextoffer::{LearnedState, ContactEvent};
    /// let mut a = LearnedState::default();
    /// a.offer_mut("o1").add(ContactEvent::Click, None, 2);
    /// let mut b = LearnedState::default();
    /// b.offer_mut("o1").add(ContactEvent::Click, Some("gold"), 1);
    /// a.merge(&b);
    /// assert_eq!(a.offer("o1").unwrap().total.get(ContactEvent::Click), 3);
    /// ```
    pub fn merge(&mut self, other: &LearnedState) {
        for (id, stats) in &other.offers {
            self.offers.entry(id.clone()).or_default().merge(stats);
        }
    }

    /// The state as JSON: `{"format":"nextoffer-state","version":1,"offers":{...}}`, offers sorted by id.
    pub fn to_json(&self) -> Value {
        let mut ids: Vec<&Box<str>> = self.offers.keys().collect();
        crate::sort::sort_by(&mut ids, |a, b| a < b);
        let offers: Object = ids
            .into_iter()
            .filter_map(|id| {
                self.offers
                    .get(id)
                    .map(|s| (id.to_string(), Value::from(s.to_json())))
            })
            .collect();
        let mut root = Object::with_capacity(3);
        root.insert("format", STATE_FORMAT);
        root.insert("version", f64::from(STATE_VERSION));
        root.insert("offers", offers);
        Value::Object(root)
    }

    /// The same JSON as [`LearnedState::to_json`], as text, written directly: what the WebAssembly package
    /// exports. Building the tree first and then writing it cost 823 B more of gzipped Wasm in the browser
    /// build (the tree form stays for native callers).
    pub fn to_json_text(&self) -> String {
        let mut w = Writer::new();
        w.begin_object();
        w.key("format");
        w.string(STATE_FORMAT);
        w.key("version");
        w.number(f64::from(STATE_VERSION));
        w.key("offers");
        w.begin_object();
        for (id, stats) in sorted(&self.offers) {
            w.key(id);
            stats.write(&mut w);
        }
        w.end_object();
        w.end_object();
        w.finish()
    }

    /// Reads an exported state, rejecting any other format or version (a newer version is an error naming
    /// both versions, never read as this one), malformed counts, segments with more events than their
    /// offer's total, and states past [`MAX_STATE_OFFERS`], [`MAX_SEGMENTS`] or [`MAX_STATE_NAME`].
    pub fn from_value(value: &Value) -> Result<LearnedState, FieldError> {
        let root = At::root("");
        let obj = decode::object(value, &root)?;
        decode::deny_unknown_keys(obj, &["format", "version", "offers"], &root)?;
        if decode::optional_str(obj, "format", &root)? != Some(STATE_FORMAT) {
            return Err(root
                .key("format")
                .error(format!("must be \"{STATE_FORMAT}\"")));
        }
        match decode::optional_number(obj, "version", &root)? {
            Some(v) if v == f64::from(STATE_VERSION) => {}
            Some(v) => {
                return Err(root.key("version").error(format!(
                    "unsupported state version {} (this engine reads version {STATE_VERSION})",
                    Num(v)
                )))
            }
            None => return Err(root.key("version").error("is required")),
        }
        let mut state = LearnedState::default();
        if let Some(offers) = decode::field(obj, "offers") {
            let offers_at = root.key("offers");
            let offers = decode::object(offers, &offers_at)?;
            if offers.len() > MAX_STATE_OFFERS {
                return Err(offers_at.error(format!(
                    "has {} offers, more than the limit of {MAX_STATE_OFFERS}",
                    offers.len()
                )));
            }
            for (id, stats) in offers.iter() {
                if id.is_empty() || id.len() > MAX_STATE_NAME {
                    return Err(offers_at.error(format!(
                        "has an offer id of {} bytes, outside 1 to {MAX_STATE_NAME}",
                        id.len()
                    )));
                }
                state
                    .offers
                    .insert(id.into(), OfferStats::decode(stats, &offers_at.key(id))?);
            }
        }
        Ok(state)
    }
}
