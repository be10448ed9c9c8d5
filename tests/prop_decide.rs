//! Property tests of `decide` over generated models and customers: whatever the catalog and the history, a
//! ranked offer is one the rules allow (its condition holds, it is for this placement and date, not owned or
//! carted, its requirements met, under its cap, suitable), no offer is both ranked and suppressed, ranks are
//! sorted by score, and the same request gives the same decision.

#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use nextoffer::condition::eval_condition;
use nextoffer::json::{parse, Value};
use nextoffer::Engine;
use proptest::prelude::*;

const KINDS: [&str; 6] = [
    "upsell",
    "cross_sell",
    "retention",
    "reactivation",
    "loyalty",
    "content",
];
const PLANS: [&str; 3] = ["free", "pro", "team"];
const PLACEMENTS: [&str; 2] = ["cart", "home"];
const NOW: &str = "2026-06-15T12:00:00Z";
/// The offer cap of every generated model: at most this many impressions of one offer in 7 days.
const CAP: usize = 2;

#[derive(Clone, Debug)]
struct OfferGen {
    kind: usize,
    product: usize,
    placements: Vec<usize>,
    condition: Option<String>,
    requires: Vec<usize>,
    excludes: Vec<usize>,
    repeatable: bool,
    window: Option<(&'static str, &'static str)>,
    value: u32,
}

#[derive(Clone, Debug)]
struct CustomerGen {
    plan: usize,
    visits: u32,
    complaint: bool,
    owned: Vec<usize>,
    cart: Vec<usize>,
    /// (offer index, days ago) of impressions.
    impressions: Vec<(usize, u32)>,
    placement: Option<usize>,
    seed: u64,
    limit: u32,
}

fn product(i: usize) -> String {
    format!("p{i}")
}

fn list(items: &[usize], name: fn(usize) -> String) -> String {
    let quoted: Vec<String> = items.iter().map(|&i| format!("\"{}\"", name(i))).collect();
    format!("[{}]", quoted.join(","))
}

fn condition_gen() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        (0..3usize).prop_map(|p| Some(format!(r#"{{"plan":"{}"}}"#, PLANS[p]))),
        (0..10u32).prop_map(|v| Some(format!(r#"{{"visits":{{"$gte":{v}}}}}"#))),
        (0..3usize, 0..10u32).prop_map(|(p, v)| Some(format!(
            r#"{{"$or":[{{"plan":{{"$in":["{}"]}}}},{{"visits":{{"$lt":{v}}}}}]}}"#,
            PLANS[p]
        ))),
        Just(Some(r#"{"plan":{"$regex":"^(pro|team)$"}}"#.to_owned())),
        Just(Some(r#"{"$not":{"openComplaint":true}}"#.to_owned())),
    ]
}

fn offer_gen() -> impl Strategy<Value = OfferGen> {
    (
        (
            0..6usize,
            0..6usize,
            proptest::collection::vec(0..2usize, 0..2),
        ),
        condition_gen(),
        proptest::collection::vec(0..6usize, 0..2),
        proptest::collection::vec(0..6usize, 0..2),
        any::<bool>(),
        prop_oneof![
            Just(None),
            Just(Some(("2026-01-01", "2026-12-31"))),
            Just(Some(("2026-07-01", "2026-12-31"))),
            Just(Some(("2025-01-01", "2026-06-15"))),
        ],
        1..1000u32,
    )
        .prop_map(
            |(
                (kind, product, mut placements),
                condition,
                requires,
                excludes,
                repeatable,
                window,
                value,
            )| {
                placements.sort_unstable();
                placements.dedup();
                OfferGen {
                    kind,
                    product,
                    placements,
                    condition,
                    requires,
                    excludes,
                    repeatable,
                    window,
                    value,
                }
            },
        )
}

fn customer_gen(offers: usize) -> impl Strategy<Value = CustomerGen> {
    (
        (0..3usize, 0..12u32, proptest::bool::weighted(0.2)),
        proptest::collection::vec(0..6usize, 0..3),
        proptest::collection::vec(0..6usize, 0..2),
        proptest::collection::vec((0..offers, 1..20u32), 0..8),
        proptest::option::of(0..2usize),
        // Seeds up to 2^53, the largest a JavaScript number holds exactly (the engine's limit).
        0..(1u64 << 53),
        1..6u32,
    )
        .prop_map(
            |((plan, visits, complaint), owned, cart, impressions, placement, seed, limit)| {
                CustomerGen {
                    plan,
                    visits,
                    complaint,
                    owned,
                    cart,
                    impressions,
                    placement,
                    seed,
                    limit,
                }
            },
        )
}

fn model_json(offers: &[OfferGen]) -> String {
    let offers: Vec<String> = offers
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut fields = vec![
                format!(r#""id":"o{i}""#),
                format!(r#""kind":"{}""#, KINDS[o.kind]),
                format!(r#""productId":"{}""#, product(o.product)),
                format!(r#""value":{}"#, o.value),
                format!(r#""repeatable":{}"#, o.repeatable),
                format!(r#""requires":{}"#, list(&o.requires, product)),
                format!(r#""excludes":{}"#, list(&o.excludes, product)),
            ];
            if !o.placements.is_empty() {
                fields.push(format!(
                    r#""placements":{}"#,
                    list(&o.placements, |p| PLACEMENTS[p].to_owned())
                ));
            }
            if let Some(c) = &o.condition {
                fields.push(format!(r#""condition":{c}"#));
            }
            if let Some((start, end)) = o.window {
                fields.push(format!(r#""startDate":"{start}","endDate":"{end}""#));
            }
            format!("{{{}}}", fields.join(","))
        })
        .collect();
    format!(
        r#"{{"placements":["cart","home"],"policies":[{{"id":"cap","scope":"offer","max":{CAP},"periodDays":7}}],"offers":[{}]}}"#,
        offers.join(",")
    )
}

fn attributes_json(c: &CustomerGen) -> String {
    format!(
        r#"{{"plan":"{}","visits":{},"openComplaint":{}}}"#,
        PLANS[c.plan], c.visits, c.complaint
    )
}

fn request_json(c: &CustomerGen) -> String {
    let contacts: Vec<String> = c
        .impressions
        .iter()
        .map(|&(offer, days)| {
            let day = 15 - i64::from(days.min(14));
            let month = if days > 14 { "05" } else { "06" };
            let day = if days > 14 { 30 - i64::from(days - 14) } else { day };
            format!(r#"{{"offerId":"o{offer}","event":"impression","at":"2026-{month}-{day:02}T09:00:00Z"}}"#)
        })
        .collect();
    let placement = c
        .placement
        .map(|p| format!(r#","placement":"{}""#, PLACEMENTS[p]))
        .unwrap_or_default();
    format!(
        r#"{{"customer":{{"id":"c1","attributes":{},"owned":{},"contacts":[{}]}},"context":{{"now":"{NOW}","cart":{}{placement}}},"limit":{},"seed":{},"explain":true}}"#,
        attributes_json(c),
        list(&c.owned, product),
        contacts.join(","),
        list(&c.cart, product),
        c.limit,
        c.seed
    )
}

/// Impressions of `offer` within the cap's 7 days before `NOW` (the generator puts them 1 to 19 days back).
fn recent_impressions(c: &CustomerGen, offer: usize) -> usize {
    c.impressions
        .iter()
        .filter(|&&(o, days)| o == offer && days < 7)
        .count()
}

fn in_window(o: &OfferGen) -> bool {
    match o.window {
        None => true,
        // NOW is 2026-06-15T12:00Z: inside the first window, before the second, past the third's end date
        // (a date-only end date includes that day, so the third window still contains NOW).
        Some((start, _)) => start != "2026-07-01",
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn check(offers: &[OfferGen], c: &CustomerGen) -> Result<(), TestCaseError> {
    let engine = Engine::from_json(&model_json(offers)).unwrap();
    let request = request_json(c);
    let text = engine.decide_json(&request).unwrap();
    let decision = parse(&text).unwrap();
    let attributes = parse(&attributes_json(c)).unwrap();
    let ranked = decision.get("offers").and_then(Value::as_array).unwrap();
    let suppressed = decision
        .get("suppressed")
        .and_then(Value::as_array)
        .unwrap();
    let held: Vec<usize> = c.owned.iter().chain(&c.cart).copied().collect();

    prop_assert!(ranked.len() <= c.limit as usize);
    let mut previous = f64::INFINITY;
    for (i, offer) in ranked.iter().enumerate() {
        let id = str_field(offer, "id");
        let index: usize = id.trim_start_matches('o').parse().unwrap();
        let spec = &offers[index];
        prop_assert_eq!(
            offer.get("rank").and_then(Value::as_f64),
            Some(i as f64 + 1.0)
        );
        let score = offer.get("score").and_then(Value::as_f64).unwrap();
        prop_assert!(
            score <= previous,
            "ranks sorted by score: {} after {}",
            score,
            previous
        );
        previous = score;
        prop_assert!(
            suppressed.iter().all(|s| str_field(s, "id") != id),
            "{} is both ranked and suppressed",
            id
        );
        if let Some(rule) = &spec.condition {
            prop_assert!(
                eval_condition(&parse(rule).unwrap(), &attributes, &Value::Null),
                "{} ranked although its condition {} fails",
                id,
                rule
            );
        }
        if let (Some(p), false) = (c.placement, spec.placements.is_empty()) {
            prop_assert!(
                spec.placements.contains(&p),
                "{} is not for this placement",
                id
            );
        }
        prop_assert!(in_window(spec), "{} ranked outside its date window", id);
        prop_assert!(!c.cart.contains(&spec.product), "{} is in the cart", id);
        if !spec.repeatable {
            prop_assert!(!c.owned.contains(&spec.product), "{} is already owned", id);
        }
        if !spec.requires.is_empty() {
            prop_assert!(
                spec.requires.iter().any(|r| held.contains(r)),
                "{} lacks its requirement",
                id
            );
        }
        prop_assert!(
            spec.excludes.iter().all(|x| !held.contains(x)),
            "{} is excluded",
            id
        );
        prop_assert!(recent_impressions(c, index) < CAP, "{} is over its cap", id);
        if c.complaint {
            prop_assert!(
                !matches!(KINDS[spec.kind], "upsell" | "cross_sell"),
                "{} is a sales pitch to an unhappy customer",
                id
            );
        }
    }
    // The same request, to the same engine and to a fresh one, gives the same decision.
    prop_assert_eq!(&engine.decide_json(&request).unwrap(), &text);
    let fresh = Engine::from_json(&model_json(offers)).unwrap();
    prop_assert_eq!(&fresh.decide_json(&request).unwrap(), &text);
    Ok(())
}

fn case() -> impl Strategy<Value = (Vec<OfferGen>, CustomerGen)> {
    proptest::collection::vec(offer_gen(), 1..10).prop_flat_map(|offers| {
        let n = offers.len();
        (Just(offers), customer_gen(n))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn decide_ranks_only_allowed_offers_sorted_by_score_and_repeats_itself((offers, customer) in case()) {
        check(&offers, &customer)?;
    }
}

#[test]
fn the_generator_makes_models_the_engine_accepts_and_decisions_that_offer_something() {
    // A fixed case where every rule lets o0 through, so the property above is not vacuous.
    let offers = vec![OfferGen {
        kind: 0,
        product: 1,
        placements: vec![0],
        condition: Some(r#"{"plan":"pro"}"#.to_owned()),
        requires: vec![],
        excludes: vec![],
        repeatable: false,
        window: None,
        value: 10,
    }];
    let customer = CustomerGen {
        plan: 1,
        visits: 3,
        complaint: false,
        owned: vec![],
        cart: vec![],
        impressions: vec![(0, 3)],
        placement: Some(0),
        seed: 7,
        limit: 3,
    };
    let engine = Engine::from_json(&model_json(&offers)).unwrap();
    let decision = parse(&engine.decide_json(&request_json(&customer)).unwrap()).unwrap();
    let ranked = decision.get("offers").and_then(Value::as_array).unwrap();
    assert_eq!(ranked.len(), 1);
    assert_eq!(str_field(&ranked[0], "id"), "o0");
    // Two recent impressions reach the cap: the offer is suppressed by the model's policy.
    let capped = CustomerGen {
        impressions: vec![(0, 3), (0, 5)],
        ..customer
    };
    let decision = parse(&engine.decide_json(&request_json(&capped)).unwrap()).unwrap();
    assert_eq!(
        decision
            .get("offers")
            .and_then(Value::as_array)
            .unwrap()
            .len(),
        0
    );
    let suppressed = decision
        .get("suppressed")
        .and_then(Value::as_array)
        .unwrap();
    assert_eq!(str_field(&suppressed[0], "rule"), "cap");
}
