//! Reasons attached to recommendations: structured values whose text is built from the real figures.

use std::fmt;

use super::baskets::BasketMode;
use super::error::num;

/// Why an item was recommended. [`fmt::Display`] gives the sentence shown to people; [`Reason::code`] a
/// stable machine code.
///
/// ```
/// use nextoffer::recommend::{BasketMode, Reason};
/// let r = Reason::BoughtTogether {
///     with: "p1".into(), together: 41, with_count: 100, mode: BasketMode::Order,
/// };
/// assert_eq!(r.to_string(), "bought together with p1 in 41% of orders");
/// assert_eq!(r.code(), "bought_together");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// The item shares baskets with `with`, an item of the cart or history.
    BoughtTogether {
        /// The anchor item.
        with: String,
        /// Baskets holding both.
        together: u32,
        /// Baskets holding the anchor.
        with_count: u32,
        /// Whether baskets are orders or customer histories.
        mode: BasketMode,
    },
    /// The item is in a category the customer buys often.
    CategoryAffinity {
        /// The category.
        category: String,
        /// The category's share of the customer's recency-weighted purchases, in `[0, 1]`.
        share: f64,
    },
    /// The item is popular (in the customer's segment, when known).
    Popular {
        /// The segment whose baskets were counted, or `None` for all baskets.
        segment: Option<String>,
        /// Baskets holding the item.
        count: u32,
        /// Baskets counted.
        baskets: u32,
        /// Whether baskets are orders or customer histories.
        mode: BasketMode,
    },
    /// The item is the next tier up from `from` in its category.
    NextTierUp {
        /// The item it upgrades.
        from: String,
        /// Price of `from`.
        from_price: f64,
        /// Price of the recommended item.
        price: f64,
    },
}

/// A share as a percentage: whole percents from 10%, one decimal below.
///
/// Integer arithmetic instead of `{:.0}`: float formatting would add kilobytes to the Wasm build. Halves
/// round away from zero; shares outside `[0, 100]` (a 250% price jump) print as they are, non-finite ones
/// as `0%`.
pub(crate) fn percent(share: f64) -> String {
    let p = share * 100.0;
    if !p.is_finite() {
        return "0%".to_owned();
    }
    let sign = if p < 0.0 { "-" } else { "" };
    let tenths = (p.abs() * 10.0).round().min(1e15) as u64;
    if tenths >= 100 || tenths == 0 {
        format!("{sign}{}%", p.abs().round().min(1e15) as u64)
    } else {
        format!("{sign}{}.{}%", tenths / 10, tenths % 10)
    }
}

fn share(num: u32, den: u32) -> f64 {
    if den == 0 {
        0.0
    } else {
        f64::from(num) / f64::from(den)
    }
}

impl Reason {
    /// A stable code: `bought_together`, `category_affinity`, `popular`, `next_tier_up`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BoughtTogether { .. } => "bought_together",
            Self::CategoryAffinity { .. } => "category_affinity",
            Self::Popular { .. } => "popular",
            Self::NextTierUp { .. } => "next_tier_up",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BoughtTogether {
                with,
                together,
                with_count,
                mode,
            } => {
                let pct = percent(share(*together, *with_count));
                match mode {
                    BasketMode::Order => {
                        write!(f, "bought together with {with} in {pct} of orders")
                    }
                    BasketMode::Customer => {
                        write!(f, "bought by {pct} of customers who bought {with}")
                    }
                }
            }
            Self::CategoryAffinity { category, share } => {
                write!(
                    f,
                    "{} of your recent purchases are in {category}",
                    percent(*share)
                )
            }
            Self::Popular {
                segment,
                count,
                baskets,
                mode,
            } => {
                let pct = percent(share(*count, *baskets));
                match (segment, mode) {
                    (None, BasketMode::Order) => write!(f, "popular: in {pct} of orders"),
                    (None, BasketMode::Customer) => {
                        write!(f, "popular: bought by {pct} of customers")
                    }
                    (Some(s), BasketMode::Order) => {
                        write!(f, "popular with {s}: in {pct} of their orders")
                    }
                    (Some(s), BasketMode::Customer) => {
                        write!(f, "popular with {s}: bought by {pct} of them")
                    }
                }
            }
            Self::NextTierUp {
                from,
                from_price,
                price,
            } => {
                if *from_price > 0.0 {
                    let jump = percent(price / from_price - 1.0);
                    write!(
                        f,
                        "next tier up from {from} ({} vs {}, +{jump})",
                        num(*price),
                        num(*from_price)
                    )
                } else {
                    write!(f, "next tier up from {from}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_print_whole_from_ten_percent_and_with_one_decimal_below() {
        assert_eq!(percent(0.41), "41%");
        assert_eq!(percent(2.0 / 3.0), "67%");
        assert_eq!(percent(0.6645), "66%");
        assert_eq!(percent(0.0995), "10%");
        assert_eq!(percent(0.0994), "9.9%");
        assert_eq!(percent(0.012), "1.2%");
        assert_eq!(percent(0.0004), "0%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(2.5), "250%");
        assert_eq!(percent(-0.05), "-5.0%");
        assert_eq!(percent(f64::NAN), "0%");
    }

    #[test]
    fn next_tier_reasons_print_prices_as_javascript_does() {
        let r = Reason::NextTierUp {
            from: "basic".into(),
            from_price: 1200.5,
            price: 3200.0,
        };
        assert_eq!(
            r.to_string(),
            "next tier up from basic (3200 vs 1200.5, +167%)"
        );
        assert_eq!(r.code(), "next_tier_up");
    }
}
