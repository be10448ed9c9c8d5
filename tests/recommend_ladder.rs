#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Upsell ladders: rungs by price or tier, the jump band, margins, ownership, bad catalogs.

use nextoffer::recommend::{
    BasketMode, Baskets, LadderItem, LadderOptions, Ladders, OrderLine, RecommendError,
    Recommender, RecommenderOptions,
};

fn item(id: &str, category: &str, price: f64) -> LadderItem {
    LadderItem {
        id: id.into(),
        category: category.into(),
        price,
        tier: None,
        margin: None,
    }
}

fn grinders() -> Vec<LadderItem> {
    vec![
        item("hand", "grinder", 3000.0),
        item("burr", "grinder", 5000.0),
        item("burr-plus", "grinder", 5000.0),
        item("electric", "grinder", 9000.0),
        item("barista", "grinder", 32000.0),
        item("beans-xl", "beans", 4000.0),
    ]
}

fn ids(steps: &[nextoffer::recommend::Step]) -> Vec<&str> {
    steps.iter().map(|s| s.item.as_str()).collect()
}

#[test]
fn the_next_rung_by_price_stays_in_the_category_and_the_jump_band() {
    let l = Ladders::new(
        grinders(),
        LadderOptions {
            min_jump: 1.05,
            max_jump: 2.0,
            min_margin: None,
        },
    )
    .unwrap();
    let steps = l.next_up("hand", &[], 10).unwrap();
    // electric is 3x and barista 10.7x: outside the band. beans-xl is another category.
    assert_eq!(ids(&steps), ["burr", "burr-plus"]);
    assert_eq!(steps[0].rung, 1);
    assert_eq!(steps[0].jump, 5000.0 / 3000.0);
    assert_eq!(
        steps[0].reason().to_string(),
        "next tier up from hand (5000 vs 3000, +67%)"
    );
    assert_eq!(ids(&l.next_up("burr", &[], 10).unwrap()), ["electric"]);
    assert!(l.next_up("barista", &[], 10).unwrap().is_empty());
}

#[test]
fn owned_items_are_skipped_but_keep_their_rung() {
    let l = Ladders::new(
        grinders(),
        LadderOptions {
            min_jump: 1.05,
            max_jump: 4.0,
            min_margin: None,
        },
    )
    .unwrap();
    let steps = l.next_up("hand", &["burr", "burr-plus"], 10).unwrap();
    assert_eq!(ids(&steps), ["electric"]);
    assert_eq!(steps[0].rung, 2);
}

#[test]
fn margins_rank_within_a_rung_and_a_floor_removes_thin_ones() {
    let mut catalog = grinders();
    catalog[1].margin = Some(0.1); // burr: 500
    catalog[2].margin = Some(0.3); // burr-plus: 1500
    let l = Ladders::new(
        catalog.clone(),
        LadderOptions {
            min_jump: 1.05,
            max_jump: 2.0,
            min_margin: None,
        },
    )
    .unwrap();
    let steps = l.next_up("hand", &[], 10).unwrap();
    assert_eq!(ids(&steps), ["burr-plus", "burr"]);
    assert_eq!(steps[0].margin_amount, Some(1500.0));
    let floor = Ladders::new(
        catalog,
        LadderOptions {
            min_jump: 1.05,
            max_jump: 2.0,
            min_margin: Some(0.2),
        },
    )
    .unwrap();
    assert_eq!(ids(&floor.next_up("hand", &[], 10).unwrap()), ["burr-plus"]);
}

#[test]
fn explicit_tiers_order_the_ladder_instead_of_prices() {
    let mut plans = vec![
        item("basic", "plan", 1000.0),
        item("team", "plan", 1500.0),
        item("pro", "plan", 1200.0),
    ];
    plans[0].tier = Some(1.0);
    plans[1].tier = Some(3.0);
    plans[2].tier = Some(2.0);
    let l = Ladders::new(plans, LadderOptions::default()).unwrap();
    let steps = l.next_up("basic", &[], 10).unwrap();
    assert_eq!(ids(&steps), ["pro", "team"]);
    assert_eq!((steps[0].rung, steps[1].rung), (1, 2));
    assert!(l.next_up("team", &[], 10).unwrap().is_empty());
}

#[test]
fn unknown_items_and_bad_catalogs_are_errors() {
    let l = Ladders::new(grinders(), LadderOptions::default()).unwrap();
    assert_eq!(
        l.next_up("nope", &[], 3).unwrap_err().to_string(),
        "next_up: unknown item \"nope\""
    );
    let mut bad = grinders();
    bad[2].price = -5.0;
    assert_eq!(
        Ladders::new(bad, LadderOptions::default())
            .unwrap_err()
            .to_string(),
        "catalog[2] (\"burr-plus\"): price -5 is not a positive number"
    );
    let mut dup = grinders();
    dup.push(item("hand", "grinder", 10.0));
    assert!(matches!(
        Ladders::new(dup, LadderOptions::default()),
        Err(RecommendError::Catalog { index: 6, .. })
    ));
    let mut margin = grinders();
    margin[0].margin = Some(1.5);
    assert!(Ladders::new(margin, LadderOptions::default()).is_err());
    for options in [
        LadderOptions {
            min_jump: 0.5,
            ..LadderOptions::default()
        },
        LadderOptions {
            min_jump: 2.0,
            max_jump: 1.5,
            min_margin: None,
        },
        LadderOptions {
            min_margin: Some(-0.1),
            ..LadderOptions::default()
        },
    ] {
        assert!(matches!(
            Ladders::new(grinders(), options),
            Err(RecommendError::OutOfRange { .. })
        ));
    }
}

#[test]
fn ladders_can_come_from_order_amounts() {
    let lines = [
        OrderLine::new("c1", 1, "hand")
            .with_category("grinder")
            .with_amount(3000.0),
        OrderLine::new("c2", 1, "burr")
            .with_category("grinder")
            .with_amount(10000.0)
            .with_quantity(2.0),
        OrderLine::new("c3", 1, "mystery").with_category("grinder"),
    ];
    let b = Baskets::from_lines(lines, BasketMode::Order).unwrap();
    let rec = Recommender::build(&b, &RecommenderOptions::default()).unwrap();
    let l = Ladders::from_recommender(&rec, LadderOptions::default()).unwrap();
    assert_eq!(l.item("burr").unwrap().price, 5000.0);
    assert!(l.item("mystery").is_none());
    assert_eq!(ids(&l.next_up("hand", &[], 3).unwrap()), ["burr"]);
}
