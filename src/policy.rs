//! Contact policy: how often a customer may be approached, and when an offer must wait.
//!
//! Approaches continue without pestering: caps per offer, per kind and per placement over a period, and a
//! pause after repeated ignores. The caller keeps the customer's contact history and sends it with each
//! request; these rules read it. Only contacts at or before `now` count.

use crate::catalog::OfferKind;
use crate::decode::{self, At, FieldError};
use crate::intern::Interner;
use crate::json::Value;
use crate::profile::{ContactEvent, Profile};
use crate::text::Num;
use crate::time::{format_instant, SECONDS_PER_DAY};

/// What a cap counts over.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scope {
    /// Impressions of the same offer.
    Offer,
    /// Impressions of any offer of one kind.
    Kind(OfferKind),
    /// Impressions of any offer in one placement.
    Placement(u32),
    /// Ignores of the same offer: `ignores` within `window` seconds pause it for `pause` seconds.
    Ignores {
        ignores: u32,
        window: i64,
        pause: i64,
    },
}

/// One contact rule of the model.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub id: String,
    pub scope: Scope,
    /// Most impressions allowed within `period` (cap scopes only).
    pub max: u32,
    /// Length of the counting period, in seconds.
    pub period: i64,
}

const POLICY_FIELDS: &[&str] = &[
    "id",
    "scope",
    "max",
    "periodDays",
    "kind",
    "placement",
    "ignores",
    "windowDays",
    "pauseDays",
];

/// Longest period a rule may count over: ten years is already longer than any contact history kept.
const MAX_DAYS: f64 = 3_660.0;

fn days(obj: &crate::json::Object, key: &str, at: &At<'_>) -> Result<i64, FieldError> {
    match decode::optional_number(obj, key, at)? {
        Some(d) if d > 0.0 && d <= MAX_DAYS => Ok((d * SECONDS_PER_DAY as f64).round() as i64),
        Some(d) => Err(at.key(key).error(format!(
            "must be more than 0 and at most {} days, found {}",
            Num(MAX_DAYS),
            Num(d)
        ))),
        None => Err(at.key(key).error("is required")),
    }
}

impl Policy {
    pub(crate) fn decode(
        value: &Value,
        at: &At<'_>,
        placements: &mut Interner,
    ) -> Result<Policy, FieldError> {
        let obj = decode::object(value, at)?;
        decode::deny_unknown_keys(obj, POLICY_FIELDS, at)?;
        let id = decode::required_str(obj, "id", at)?.to_owned();
        let scope_name = decode::required_str(obj, "scope", at)?;
        let count = |key: &str| -> Result<u32, FieldError> {
            decode::optional_count(obj, key, 1_000_000, at)?
                .map(|n| n as u32)
                .ok_or_else(|| at.key(key).error("is required"))
        };
        let (scope, max, period) = match scope_name {
            "offer" => (Scope::Offer, count("max")?, days(obj, "periodDays", at)?),
            "kind" => {
                let name = decode::required_str(obj, "kind", at)?;
                let kind = OfferKind::parse(name)
                    .ok_or_else(|| at.key("kind").error(format!("unknown kind \"{name}\"")))?;
                (
                    Scope::Kind(kind),
                    count("max")?,
                    days(obj, "periodDays", at)?,
                )
            }
            "placement" => {
                let name = decode::required_str(obj, "placement", at)?;
                (
                    Scope::Placement(placements.intern(name)),
                    count("max")?,
                    days(obj, "periodDays", at)?,
                )
            }
            "ignores" => {
                let ignores = count("ignores")?;
                if ignores == 0 {
                    return Err(at.key("ignores").error("must be at least 1"));
                }
                let scope = Scope::Ignores {
                    ignores,
                    window: days(obj, "windowDays", at)?,
                    pause: days(obj, "pauseDays", at)?,
                };
                (scope, 0, 0)
            }
            other => {
                return Err(at.key("scope").error(format!(
                    "unknown scope \"{other}\" (expected one of: offer, kind, placement, ignores)"
                )))
            }
        };
        Ok(Policy {
            id,
            scope,
            max,
            period,
        })
    }
}

/// Why an offer was left out of a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// The rule: a policy id of the model, or a built-in rule (`already-owned`, `in-cart`, `requires`,
    /// `excludes`, `suitability`, `control-group`).
    pub rule: String,
    /// The reason in words, with the figures that triggered it.
    pub reason: String,
}

/// Request-wide cap state, computed once per decision: which kinds and placements are exhausted.
pub(crate) struct CapState {
    /// Per policy index: for kind and placement scopes, the suppression when exhausted.
    exhausted: Vec<Option<Suppression>>,
    /// The first exhausted placement cap, if any.
    exhausted_placement: Option<Suppression>,
}

impl CapState {
    // Out of line in the server build, as every step of `Engine::decide_view` (see there).
    #[cfg_attr(feature = "preload", inline(never))]
    pub(crate) fn new(
        policies: &[Policy],
        profile: &Profile,
        placement: Option<u32>,
        now: i64,
    ) -> CapState {
        let exhausted = policies
            .iter()
            .map(|policy| {
                let since = now - policy.period;
                let seen = match policy.scope {
                    Scope::Kind(kind) => profile.impressions_since(since, |c| c.kind == Some(kind)),
                    // A placement cap binds only the placement being decided for.
                    Scope::Placement(p) if placement == Some(p) => {
                        profile.impressions_since(since, |c| c.placement == Some(p))
                    }
                    _ => return None,
                };
                (seen >= policy.max as usize).then(|| Suppression {
                    rule: policy.id.clone(),
                    reason: cap_reason(seen, policy),
                })
            })
            .collect::<Vec<_>>();
        let exhausted_placement = policies.iter().zip(&exhausted).find_map(|(p, e)| {
            if matches!(p.scope, Scope::Placement(_)) {
                e.clone()
            } else {
                None
            }
        });
        CapState {
            exhausted,
            exhausted_placement,
        }
    }

    /// A placement cap that is exhausted withholds every offer of the decision at once.
    pub(crate) fn placement_block(&self) -> Option<Suppression> {
        self.exhausted_placement.clone()
    }

    /// The first rule of `policies` that suppresses the offer at `offer_index` of kind `kind`, if any.
    pub(crate) fn check(
        &self,
        policies: &[Policy],
        profile: &Profile,
        offer_index: u32,
        kind: OfferKind,
        now: i64,
    ) -> Option<Suppression> {
        for (policy, exhausted) in policies.iter().zip(&self.exhausted) {
            match policy.scope {
                Scope::Offer => {
                    let seen = profile
                        .offer_contacts(offer_index)
                        .iter()
                        .filter(|c| {
                            c.event == ContactEvent::Impression && c.at > now - policy.period
                        })
                        .count();
                    if seen >= policy.max as usize {
                        return Some(Suppression {
                            rule: policy.id.clone(),
                            reason: cap_reason(seen, policy),
                        });
                    }
                }
                Scope::Kind(k) if k == kind => {
                    if let Some(s) = exhausted {
                        return Some(s.clone());
                    }
                }
                // Placement caps withhold the whole decision: see `placement_block`.
                Scope::Placement(_) => {}
                Scope::Ignores {
                    ignores,
                    window,
                    pause,
                } => {
                    if let Some(until) =
                        paused_until(profile, offer_index, ignores, window, pause, now)
                    {
                        return Some(Suppression {
                            rule: policy.id.clone(),
                            reason: format!(
                                "ignored {ignores} times within {} days: paused until {}",
                                window / SECONDS_PER_DAY,
                                format_instant(until)
                            ),
                        });
                    }
                }
                Scope::Kind(_) => {}
            }
        }
        None
    }
}

fn cap_reason(seen: usize, policy: &Policy) -> String {
    let what = match &policy.scope {
        Scope::Offer => "of this offer".to_owned(),
        Scope::Kind(kind) => format!("of {} offers", kind.name()),
        Scope::Placement(_) => "in this placement".to_owned(),
        Scope::Ignores { .. } => String::new(),
    };
    format!(
        "{seen} impressions {what} in the last {} days (at most {})",
        format_days(policy.period),
        policy.max
    )
}

fn format_days(seconds: i64) -> String {
    Num(seconds as f64 / SECONDS_PER_DAY as f64).to_string()
}

/// An ignore is a dismissal, or an impression that no click, acceptance or purchase of the same offer followed.
/// When `ignores` of them fall within `window`, the offer rests for `pause` after the last one.
fn paused_until(
    profile: &Profile,
    offer: u32,
    ignores: u32,
    window: i64,
    pause: i64,
    now: i64,
) -> Option<i64> {
    let contacts = profile.offer_contacts(offer);
    // Contacts are sorted by time; the latest response time decides which earlier impressions went unanswered.
    let mut ignore_times: Vec<i64> = Vec::new();
    for (i, contact) in contacts.iter().enumerate() {
        let ignored = match contact.event {
            ContactEvent::Dismiss => true,
            ContactEvent::Impression => !contacts
                .iter()
                .skip(i + 1)
                .any(|later| later.event.is_response()),
            _ => false,
        };
        if ignored {
            ignore_times.push(contact.at);
        }
    }
    let needed = ignores as usize;
    ignore_times
        .windows(needed)
        .filter_map(|run| match (run.first(), run.last()) {
            (Some(&first), Some(&last)) if last - first <= window => Some(last + pause),
            _ => None,
        })
        .max()
        .filter(|&until| until > now)
}
