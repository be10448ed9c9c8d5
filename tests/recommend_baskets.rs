#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Baskets from order rows: the three basket modes, returns, prices and categories.

use nextoffer::recommend::{BasketMode, Baskets, OrderLine, NO_CATEGORY};

fn names(b: &Baskets, i: usize) -> Vec<&str> {
    b.basket(i)
        .iter()
        .map(|&id| b.items().name(id).unwrap())
        .collect()
}

#[test]
fn an_order_id_makes_one_basket_even_across_days() {
    let lines = [
        OrderLine::new("c1", 10, "tea").with_order("o1"),
        OrderLine::new("c1", 11, "cups").with_order("o1"),
        OrderLine::new("c1", 11, "kettle").with_order("o2"),
    ];
    let b = Baskets::from_lines(lines, BasketMode::Order).unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(names(&b, 0), ["tea", "cups"]);
    assert_eq!(b.basket_days(), &[10, 11]);
}

#[test]
fn without_order_ids_a_customers_day_is_a_basket() {
    let lines = [
        OrderLine::new("c1", 10, "tea"),
        OrderLine::new("c2", 10, "tea"),
        OrderLine::new("c1", 10, "cups"),
        OrderLine::new("c1", 12, "kettle"),
    ];
    let b = Baskets::from_lines(lines, BasketMode::Order).unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!(names(&b, 0), ["tea", "cups"]);
    assert_eq!(names(&b, 1), ["tea"]);
    assert_eq!(names(&b, 2), ["kettle"]);
    assert_eq!(b.customers().name(b.basket_customers()[1]), Some("c2"));
}

#[test]
fn customer_mode_joins_a_whole_history_and_dates_it_by_the_last_purchase() {
    let lines = [
        OrderLine::new("c1", 12, "tea").with_order("o1"),
        OrderLine::new("c1", 30, "cups").with_order("o2"),
        OrderLine::new("c1", 20, "tea").with_order("o3"),
    ];
    let b = Baskets::from_lines(lines, BasketMode::Customer).unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(names(&b, 0), ["tea", "cups"]);
    assert_eq!(b.basket_days(), &[30]);
    assert_eq!(b.item_supports(), vec![1, 1]);
}

#[test]
fn returns_and_empty_product_ids_are_skipped_and_counted() {
    let lines = [
        OrderLine::new("c1", 1, "tea").with_quantity(2.0),
        OrderLine::new("c1", 1, "cups").with_quantity(-1.0),
        OrderLine::new("c1", 1, "kettle").with_quantity(0.0),
        OrderLine::new("c1", 1, "").with_quantity(1.0),
        OrderLine::new("c1", 1, "pot").with_quantity(f64::NAN),
    ];
    let b = Baskets::from_lines(lines, BasketMode::Order).unwrap();
    assert_eq!(b.skipped_lines(), 4);
    assert_eq!(b.item_count(), 1);
    assert_eq!(names(&b, 0), ["tea"]);
}

#[test]
fn unit_prices_average_amount_over_quantity_and_categories_keep_the_first_seen() {
    let lines = [
        OrderLine::new("c1", 1, "beans")
            .with_amount(2400.0)
            .with_quantity(2.0),
        OrderLine::new("c2", 1, "beans")
            .with_amount(1000.0)
            .with_category("coffee"),
        OrderLine::new("c3", 1, "beans").with_category("tea"),
        OrderLine::new("c3", 1, "mug"),
    ];
    let b = Baskets::from_lines(lines, BasketMode::Order).unwrap();
    assert_eq!(b.item_prices()[0], 1100.0);
    assert!(b.item_prices()[1].is_nan());
    assert_eq!(b.categories().name(b.item_categories()[0]), Some("coffee"));
    assert_eq!(b.item_categories()[1], NO_CATEGORY);
}

#[test]
fn no_lines_make_no_baskets() {
    let b = Baskets::from_lines(std::iter::empty(), BasketMode::Order).unwrap();
    assert!(b.is_empty());
    assert_eq!(b.item_count(), 0);
    assert_eq!(b.basket(0), &[] as &[u32]);
    assert_eq!(b.iter().count(), 0);
}

#[test]
fn a_product_bought_twice_in_a_basket_counts_once() {
    let lines = [
        OrderLine::new("c1", 1, "tea"),
        OrderLine::new("c1", 1, "tea"),
    ];
    let b = Baskets::from_lines(lines, BasketMode::Order).unwrap();
    assert_eq!(b.basket(0).len(), 1);
}

#[test]
fn basket_modes_parse_from_their_cli_names() {
    assert_eq!(BasketMode::parse("order"), Some(BasketMode::Order));
    assert_eq!(BasketMode::parse("customer"), Some(BasketMode::Customer));
    assert_eq!(BasketMode::parse("Order"), None);
    assert_eq!(BasketMode::Customer.as_str(), "customer");
}
