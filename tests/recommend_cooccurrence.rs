#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Item-to-item co-occurrence and the recommender built on it.

use nextoffer::recommend::{
    item_neighbours, pair_stats, BasketMode, Baskets, Blend, HistoryItem, NeighbourOptions,
    OrderLine, Reason, RecommendError, RecommendRequest, Recommender, RecommenderOptions,
    Similarity,
};

/// 10 orders: beans+filter in 4, beans+mug in 2, beans alone in 1, filter+kettle in 2, grinder alone in 1.
/// So beans is in 7 orders, filter in 6, mug and kettle in 2, grinder in 1.
fn shop() -> Baskets {
    let mut lines = Vec::new();
    let orders: &[(&str, &[&str])] = &[
        ("c1", &["beans", "filter"]),
        ("c2", &["beans", "filter"]),
        ("c3", &["beans", "filter"]),
        ("c4", &["beans", "filter"]),
        ("c5", &["beans", "mug"]),
        ("c6", &["beans", "mug"]),
        ("c7", &["beans"]),
        ("c8", &["filter", "kettle"]),
        ("c9", &["filter", "kettle"]),
        ("c10", &["grinder"]),
    ];
    let category = |p: &str| match p {
        "beans" | "grinder" => "coffee",
        "mug" | "kettle" => "kitchen",
        _ => "paper",
    };
    for (i, (customer, items)) in orders.iter().enumerate() {
        for item in items.iter() {
            lines.push((
                customer.to_string(),
                format!("o{i}"),
                item.to_string(),
                category(item),
            ));
        }
    }
    Baskets::from_lines(
        lines
            .iter()
            .map(|(c, o, p, cat)| OrderLine::new(c, 1, p).with_order(o).with_category(cat)),
        BasketMode::Order,
    )
    .unwrap()
}

fn id(b: &Baskets, name: &str) -> u32 {
    b.items().id(name).unwrap()
}

#[test]
fn pair_measures_follow_their_definitions() {
    let b = shop();
    let p = pair_stats(&b, id(&b, "beans"), id(&b, "filter"));
    assert_eq!((p.baskets, p.count_a, p.count_b, p.together), (10, 7, 6, 4));
    assert_eq!(p.support(), 0.4);
    assert_eq!(p.confidence(), 4.0 / 7.0);
    assert_eq!(p.lift(), 40.0 / 42.0);
    assert_eq!(p.jaccard(), 4.0 / 9.0);
    assert_eq!(p.cosine(), 4.0 / 42f64.sqrt());
}

#[test]
fn neighbours_rank_by_the_chosen_measure_and_break_ties_by_id() {
    let b = shop();
    let cos = item_neighbours(&b, &NeighbourOptions::default()).unwrap();
    let beans: Vec<&str> = cos
        .of(id(&b, "beans"))
        .iter()
        .map(|n| b.items().name(n.item).unwrap())
        .collect();
    // cosine: filter 4/sqrt(42) = 0.617, mug 2/sqrt(14) = 0.535
    assert_eq!(beans, ["filter", "mug"]);
    let lift = item_neighbours(
        &b,
        &NeighbourOptions {
            similarity: Similarity::Lift,
            ..NeighbourOptions::default()
        },
    )
    .unwrap();
    let beans: Vec<&str> = lift
        .of(id(&b, "beans"))
        .iter()
        .map(|n| b.items().name(n.item).unwrap())
        .collect();
    // lift: mug 2*10/(7*2) = 1.43, filter 40/42 = 0.95
    assert_eq!(beans, ["mug", "filter"]);
    // The grinder is never bought with anything.
    assert!(cos.of(id(&b, "grinder")).is_empty());
}

#[test]
fn top_k_and_min_together_cut_the_lists() {
    let b = shop();
    let one = item_neighbours(
        &b,
        &NeighbourOptions {
            top_k: 1,
            ..NeighbourOptions::default()
        },
    )
    .unwrap();
    assert!((0..b.item_count() as u32).all(|i| one.of(i).len() <= 1));
    let none = item_neighbours(
        &b,
        &NeighbourOptions {
            top_k: 0,
            ..NeighbourOptions::default()
        },
    )
    .unwrap();
    assert!(none.is_empty());
    let strong = item_neighbours(
        &b,
        &NeighbourOptions {
            min_together: 3,
            ..NeighbourOptions::default()
        },
    )
    .unwrap();
    assert_eq!(strong.of(id(&b, "beans")).len(), 1);
    assert_eq!(strong.of(id(&b, "beans"))[0].together, 4);
}

#[test]
fn neighbour_lists_are_symmetric_in_their_counts() {
    let b = shop();
    let n = item_neighbours(&b, &NeighbourOptions::default()).unwrap();
    for a in 0..b.item_count() as u32 {
        for x in n.of(a) {
            let back = n.of(x.item).iter().find(|y| y.item == a).unwrap();
            assert_eq!(back.together, x.together);
            assert_eq!(pair_stats(&b, a, x.item).together, x.together);
        }
    }
}

#[test]
fn the_cart_recommends_what_is_bought_with_it_with_the_real_share_in_the_reason() {
    let b = shop();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let out = rec
        .recommend(&RecommendRequest {
            cart: vec!["filter".into()],
            limit: 2,
            ..RecommendRequest::default()
        })
        .unwrap();
    assert_eq!(out.items[0].item, "beans");
    assert_eq!(
        out.items[0].reasons[0].to_string(),
        "bought together with filter in 67% of orders"
    );
    assert_eq!(out.items[1].item, "kettle");
    assert_eq!(
        out.items[1].reasons[0],
        Reason::BoughtTogether {
            with: "filter".into(),
            together: 2,
            with_count: 6,
            mode: BasketMode::Order
        }
    );
    assert!(out.items.iter().all(|r| r.item != "filter"));
    assert!(out.unknown.is_empty());
}

#[test]
fn owned_items_are_excluded_unless_repeatable_and_excluded_items_always() {
    let b = shop();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let mut req = RecommendRequest {
        cart: vec!["filter".into()],
        history: vec![HistoryItem {
            product: "beans".into(),
            day: 0,
            category: None,
        }],
        limit: 10,
        ..RecommendRequest::default()
    };
    let items = |r: &RecommendRequest| -> Vec<String> {
        rec.recommend(r)
            .unwrap()
            .items
            .into_iter()
            .map(|x| x.item)
            .collect()
    };
    assert!(!items(&req).contains(&"beans".to_string()));
    req.repeatable = vec!["beans".into()];
    assert!(items(&req).contains(&"beans".to_string()));
    req.exclude = vec!["beans".into(), "kettle".into()];
    let got = items(&req);
    assert!(!got.contains(&"beans".to_string()) && !got.contains(&"kettle".to_string()));
}

#[test]
fn unknown_ids_are_reported_and_an_empty_request_falls_back_to_popularity() {
    let b = shop();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let out = rec
        .recommend(&RecommendRequest {
            cart: vec!["nope".into()],
            limit: 2,
            ..RecommendRequest::default()
        })
        .unwrap();
    assert_eq!(out.unknown, ["nope"]);
    let names: Vec<&str> = out.items.iter().map(|r| r.item.as_str()).collect();
    // beans is in 7 of 10 orders, filter in 6.
    assert_eq!(names, ["beans", "filter"]);
    assert_eq!(
        out.items[0].reasons[0].to_string(),
        "popular: in 70% of orders"
    );
    let none = rec
        .recommend(&RecommendRequest {
            limit: 3,
            blend: Blend::item_to_item_only(),
            ..RecommendRequest::default()
        })
        .unwrap();
    assert!(none.items.is_empty());
}

#[test]
fn category_affinity_prefers_recent_categories() {
    let b = shop();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let req = RecommendRequest {
        history: vec![
            HistoryItem {
                product: "mug".into(),
                day: 100,
                category: None,
            },
            HistoryItem {
                product: "gift-card".into(),
                day: 10,
                category: Some("paper".into()),
            },
        ],
        now_day: Some(100),
        limit: 1,
        blend: Blend {
            half_life_days: 90.0,
            ..Blend::affinity_only()
        },
        ..RecommendRequest::default()
    };
    let out = rec.recommend(&req).unwrap();
    assert_eq!(out.items[0].item, "kettle");
    let share = 1.0 / (1.0 + 0.5);
    match &out.items[0].reasons[0] {
        Reason::CategoryAffinity { category, share: s } => {
            assert_eq!(category, "kitchen");
            assert!((s - share).abs() < 1e-12);
        }
        other => panic!("unexpected reason {other:?}"),
    }
    assert_eq!(out.unknown, ["gift-card"]);
}

#[test]
fn segment_popularity_replaces_global_popularity_for_known_segments() {
    let b = shop();
    let rec = Recommender::build(&b, &RecommenderOptions::default())
        .unwrap()
        .with_segments(&b, 10, |c: &str| {
            if c == "c8" || c == "c9" {
                Some("tinkerers")
            } else {
                None
            }
        })
        .unwrap();
    assert_eq!(rec.segment_names().collect::<Vec<_>>(), ["tinkerers"]);
    let req = |segment: Option<&str>| RecommendRequest {
        segment: segment.map(str::to_owned),
        limit: 1,
        blend: Blend::popularity_only(),
        ..RecommendRequest::default()
    };
    let out = rec.recommend(&req(Some("tinkerers"))).unwrap();
    assert_eq!(out.items[0].item, "filter");
    assert_eq!(
        out.items[0].reasons[0].to_string(),
        "popular with tinkerers: in 100% of their orders"
    );
    assert_eq!(
        rec.recommend(&req(Some("unknown"))).unwrap().items[0].item,
        "beans"
    );
}

#[test]
fn scores_are_sorted_and_signals_stay_in_the_unit_interval() {
    let b = shop();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let out = rec
        .recommend(&RecommendRequest {
            cart: vec!["mug".into()],
            history: vec![HistoryItem {
                product: "filter".into(),
                day: 0,
                category: None,
            }],
            now_day: Some(400),
            limit: 10,
            ..RecommendRequest::default()
        })
        .unwrap();
    assert!(!out.items.is_empty());
    assert!(out.items.windows(2).all(|w| w[0].score >= w[1].score));
    for r in &out.items {
        for s in [r.item_to_item, r.affinity, r.popularity] {
            assert!((0.0..=1.0).contains(&s), "{r:?}");
        }
        let b = Blend::default();
        let expected =
            b.item_to_item * r.item_to_item + b.affinity * r.affinity + b.popularity * r.popularity;
        assert!((r.score - expected).abs() < 1e-12);
    }
}

#[test]
fn invalid_blends_are_errors_not_panics() {
    let rec = Recommender::build(&shop(), &RecommenderOptions::default()).unwrap();
    for blend in [
        Blend {
            item_to_item: -1.0,
            ..Blend::default()
        },
        Blend {
            popularity: f64::NAN,
            ..Blend::default()
        },
        Blend {
            half_life_days: 0.0,
            ..Blend::default()
        },
    ] {
        let err = rec
            .recommend(&RecommendRequest {
                blend,
                limit: 3,
                ..RecommendRequest::default()
            })
            .unwrap_err();
        assert!(matches!(err, RecommendError::OutOfRange { .. }), "{err}");
    }
    let err = rec
        .recommend(&RecommendRequest {
            blend: Blend {
                half_life_days: -3.0,
                ..Blend::default()
            },
            ..RecommendRequest::default()
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "blend.half_life_days = -3 is outside (0, inf]"
    );
}

#[test]
fn an_empty_model_recommends_nothing() {
    let b = Baskets::from_lines(std::iter::empty(), BasketMode::Order).unwrap();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let out = rec
        .recommend(&RecommendRequest {
            cart: vec!["x".into()],
            limit: 5,
            ..RecommendRequest::default()
        })
        .unwrap();
    assert!(out.items.is_empty());
    assert_eq!(out.unknown, ["x"]);
}

#[test]
fn customer_mode_reasons_speak_of_customers() {
    let lines = [
        OrderLine::new("a", 1, "tea"),
        OrderLine::new("a", 9, "cups"),
        OrderLine::new("b", 2, "tea"),
        OrderLine::new("b", 3, "cups"),
        OrderLine::new("c", 2, "tea"),
    ];
    let b = Baskets::from_lines(lines, BasketMode::Customer).unwrap();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let out = rec
        .recommend(&RecommendRequest {
            cart: vec!["tea".into()],
            limit: 1,
            ..RecommendRequest::default()
        })
        .unwrap();
    assert_eq!(
        out.items[0].reasons[0].to_string(),
        "bought by 67% of customers who bought tea"
    );
}

#[test]
fn similar_lists_neighbours_with_their_counts() {
    let b = shop();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let s = rec.similar("filter", 5).unwrap();
    assert_eq!(s[0].item, "beans");
    assert_eq!(s[0].stats.together, 4);
    assert_eq!(s[0].score, 4.0 / 42f64.sqrt());
    assert_eq!(s[1].item, "kettle");
    assert_eq!(
        rec.similar("nope", 5).unwrap_err().to_string(),
        "similar: unknown item \"nope\""
    );
}

#[test]
fn an_offers_product_is_scored_by_its_strongest_anchor() {
    let b = shop();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    // kettle goes with filter (2 of filter's 6 orders), never with beans.
    let a = rec
        .association("kettle", &["beans", "filter", "grinder"])
        .unwrap();
    assert_eq!(a.with, "filter");
    assert_eq!(
        (a.stats.count_a, a.stats.count_b, a.stats.together),
        (6, 2, 2)
    );
    assert_eq!(
        a.reason.to_string(),
        "bought together with filter in 33% of orders"
    );
    assert_eq!(
        a.to_value().to_json(),
        r#"{"with":"filter","score":0.5773502691896258,"confidence":0.3333333333333333,"together":2,"withCount":6,"reason":{"code":"bought_together","text":"bought together with filter in 33% of orders","with":"filter","together":2,"withCount":6,"share":0.3333333333333333}}"#
    );
    // filter: 4 of beans' 7 orders; beans: 4 of filter's 6.
    assert_eq!(
        rec.association("filter", &["beans", "mug"]).unwrap().with,
        "beans"
    );
    assert_eq!(
        rec.association("beans", &["filter", "mug"]).unwrap().with,
        "mug"
    );
    assert!(rec.association("grinder", &["beans"]).is_none());
    assert!(rec.association("nope", &["beans"]).is_none());
    assert!(rec.association("beans", &["beans"]).is_none());
}
