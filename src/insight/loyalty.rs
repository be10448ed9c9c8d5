//! Loyalty: tiers from trailing spend and purchase frequency, a points balance from accrual rules, and
//! progress to the next tier ("spend 3,200 more to reach Gold"). Loyalty programs reward frequency and
//! spend; showing the gap to the next tier is itself an offer.

use super::summary::CustomerSummary;
use crate::json::{Object, Value};

/// One tier: reached when trailing spend and trailing purchase days both meet the minimums.
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    /// Display name.
    pub name: String,
    /// Minimum spend in the trailing window.
    pub min_spend: f64,
    /// Minimum purchase days in the trailing window.
    pub min_purchases: u32,
}

/// How points accrue (over the whole history up to `as_of`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointsRules {
    /// Points per unit of currency spent (fractions are dropped from the total).
    pub per_unit: f64,
    /// Points per purchase day.
    pub per_purchase: f64,
    /// Points once, for joining (any purchase).
    pub welcome: f64,
}

/// Tiers (lowest first; the trailing window is `ImportOptions::trailing_days`) and points rules.
#[derive(Clone, Debug, PartialEq)]
pub struct LoyaltyOptions {
    /// Tiers, lowest first. A customer below the first tier has no tier.
    pub tiers: Vec<Tier>,
    /// Points accrual.
    pub points: PointsRules,
}

impl Default for LoyaltyOptions {
    fn default() -> Self {
        let tier = |name: &str, min_spend: f64, min_purchases: u32| Tier {
            name: name.to_string(),
            min_spend,
            min_purchases,
        };
        LoyaltyOptions {
            tiers: vec![
                tier("Bronze", 0.0, 1),
                tier("Silver", 500.0, 2),
                tier("Gold", 2000.0, 4),
                tier("Platinum", 5000.0, 8),
            ],
            points: PointsRules {
                per_unit: 1.0,
                per_purchase: 0.0,
                welcome: 0.0,
            },
        }
    }
}

/// One customer's loyalty standing.
#[derive(Clone, Debug, PartialEq)]
pub struct LoyaltyStatus {
    /// The highest tier reached (`None` below the first tier).
    pub tier: Option<String>,
    /// Points balance.
    pub points: f64,
    /// The next tier up, if any.
    pub next_tier: Option<String>,
    /// Trailing spend still missing for the next tier (0 if that requirement is met).
    pub spend_to_next: f64,
    /// Trailing purchase days still missing for the next tier.
    pub purchases_to_next: u32,
    /// Progress toward the next tier, 0 to 1 (the lesser of the two requirements; 1 at the top tier).
    pub progress: f64,
    /// A sentence for people: "spend 3,200 more to reach Gold".
    pub message: String,
}

/// The loyalty standing of one customer.
///
/// ```
/// use nextoffer::insight::loyalty::{status, LoyaltyOptions};
/// use nextoffer::insight::{ImportOptions, OrderBook};
/// let csv = "customer_id,date,amount\na,2024-01-10,300\na,2024-02-10,500\n";
/// let mut book = OrderBook::new(ImportOptions::default());
/// book.read_csv(csv.as_bytes(), &mut |_, _, _| {}).unwrap();
/// let s = status(&book.finish().unwrap().customers[0], &LoyaltyOptions::default());
/// assert_eq!(s.tier.as_deref(), Some("Silver"));
/// assert_eq!(s.message, "spend 1,200 more and make 2 more purchases to reach Gold");
/// ```
pub fn status(c: &CustomerSummary, options: &LoyaltyOptions) -> LoyaltyStatus {
    let qualifies =
        |t: &Tier| c.trailing_spend >= t.min_spend && c.trailing_purchases >= t.min_purchases;
    let reached = options.tiers.iter().rposition(qualifies);
    let next = match reached {
        Some(i) => options.tiers.get(i + 1),
        None => options.tiers.first(),
    };
    let p = &options.points;
    let raw_points = (p.per_unit * c.total_spend).floor()
        + p.per_purchase * f64::from(c.purchase_days)
        + p.welcome;
    let points = if raw_points.is_finite() {
        raw_points.max(0.0)
    } else {
        0.0
    };
    let tier = reached
        .and_then(|i| options.tiers.get(i))
        .map(|t| t.name.clone());
    let Some(next) = next else {
        return LoyaltyStatus {
            tier,
            points,
            next_tier: None,
            spend_to_next: 0.0,
            purchases_to_next: 0,
            progress: 1.0,
            message: "top tier reached".to_string(),
        };
    };
    let spend_to_next = (next.min_spend - c.trailing_spend).max(0.0);
    let purchases_to_next = next.min_purchases.saturating_sub(c.trailing_purchases);
    let mut parts = Vec::new();
    if spend_to_next > 0.0 {
        parts.push(format!("spend {} more", money(spend_to_next)));
    }
    if purchases_to_next > 0 {
        let noun = if purchases_to_next == 1 {
            "purchase"
        } else {
            "purchases"
        };
        parts.push(format!("make {purchases_to_next} more {noun}"));
    }
    let progress_spend = if next.min_spend > 0.0 {
        (c.trailing_spend / next.min_spend).min(1.0)
    } else {
        1.0
    };
    let progress_purchases = if next.min_purchases > 0 {
        (f64::from(c.trailing_purchases) / f64::from(next.min_purchases)).min(1.0)
    } else {
        1.0
    };
    LoyaltyStatus {
        tier,
        points,
        next_tier: Some(next.name.clone()),
        spend_to_next,
        purchases_to_next,
        progress: progress_spend.min(progress_purchases).max(0.0),
        message: format!("{} to reach {}", parts.join(" and "), next.name),
    }
}

/// Formats an amount for people: thousands separators, cents only when there are any.
fn money(v: f64) -> String {
    let cents = (v * 100.0).ceil() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if frac > 0 {
        out.push_str(&format!(".{frac:02}"));
    }
    out
}

impl LoyaltyStatus {
    /// As a JSON object with camelCase keys.
    pub fn to_json(&self) -> Value {
        let mut o = Object::new();
        o.insert("tier", self.tier.clone());
        o.insert("points", self.points);
        o.insert("nextTier", self.next_tier.clone());
        o.insert("spendToNext", self.spend_to_next);
        o.insert("purchasesToNext", self.purchases_to_next);
        o.insert("progress", self.progress);
        o.insert("message", self.message.as_str());
        Value::Object(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_keeps_cents_only_when_present() {
        assert_eq!(money(3200.0), "3,200");
        assert_eq!(money(1234567.5), "1,234,567.50");
        assert_eq!(money(0.01), "0.01");
        assert_eq!(money(999.0), "999");
    }
}
