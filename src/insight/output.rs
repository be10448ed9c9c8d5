//! Output of a run: JSON (for Wasm and `--format json`), CSV with one row per customer (for spreadsheets
//! and `--format csv`), and the attributes the decision engine reads per customer.

use std::io::Write;

use super::report::{CustomerInsight, Insight, PurchaseFit};
use crate::json::{Object, Value};

/// The per-customer CSV columns, in order (also the keys of the flat per-customer JSON object).
pub const CUSTOMER_COLUMNS: [&str; 35] = [
    "customerId",
    "firstPurchase",
    "lastPurchase",
    "rows",
    "purchaseDays",
    "frequency",
    "recencyDays",
    "ageDays",
    "daysSinceLast",
    "totalSpend",
    "averageSpend",
    "repeatSpend",
    "averageRepeatSpend",
    "trailingSpend",
    "trailingPurchases",
    "categories",
    "recencyScore",
    "frequencyScore",
    "monetaryScore",
    "rfm",
    "segment",
    "rank",
    "revenuePosition",
    "dormant",
    "dormantAfterDays",
    "loyaltyTier",
    "points",
    "loyaltyMessage",
    "probabilityAlive",
    "churnRisk",
    "expectedPurchases",
    "probabilityOfPurchase",
    "expectedSpend",
    "lifetimeValue",
    "expectedDaysToNext",
];

fn num(v: f64) -> Value {
    if v.is_finite() {
        Value::Number(v)
    } else {
        Value::Null
    }
}

impl CustomerInsight {
    /// The flat per-customer record: `(column, value)` for every name in [`CUSTOMER_COLUMNS`]; model columns
    /// are `null` without a model.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        let s = &self.summary;
        let r = &self.rfm;
        let p = self.prediction.as_ref();
        let values = [
            Value::from(s.customer_id.as_str()),
            Value::from(s.first_purchase.to_string()),
            Value::from(s.last_purchase.to_string()),
            Value::from(s.rows),
            Value::from(s.purchase_days),
            Value::from(s.frequency),
            Value::from(s.recency_days),
            Value::from(s.age_days),
            Value::from(s.days_since_last),
            num(s.total_spend),
            num(s.average_spend),
            num(s.repeat_spend),
            num(s.average_repeat_spend),
            num(s.trailing_spend),
            Value::from(s.trailing_purchases),
            Value::Array(
                s.categories
                    .iter()
                    .map(|c| Value::from(c.as_str()))
                    .collect(),
            ),
            Value::from(u32::from(r.recency)),
            Value::from(u32::from(r.frequency)),
            Value::from(u32::from(r.monetary)),
            Value::from(format!("{}{}{}", r.recency, r.frequency, r.monetary)),
            Value::from(r.segment.name()),
            Value::from(r.rank.name()),
            Value::from(r.revenue_position),
            Value::from(r.dormant),
            num(r.dormant_after_days),
            Value::from(self.loyalty.tier.clone()),
            num(self.loyalty.points),
            Value::from(self.loyalty.message.as_str()),
            p.map_or(Value::Null, |p| num(p.probability_alive)),
            p.map_or(Value::Null, |p| num(p.churn_risk)),
            p.map_or(Value::Null, |p| num(p.expected_purchases)),
            p.map_or(Value::Null, |p| num(p.probability_of_purchase)),
            p.and_then(|p| p.expected_spend).map_or(Value::Null, num),
            p.and_then(|p| p.lifetime_value).map_or(Value::Null, num),
            p.map_or(Value::Null, |p| num(p.expected_days_to_next)),
        ];
        CUSTOMER_COLUMNS.iter().copied().zip(values).collect()
    }

    /// The flat record as a JSON object.
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.fields()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// Attributes for the decision engine's offer conditions and arbitration: `segment`, `rank`
    /// (`"A"`/`"B"`/`"C"`), `rfm` (`"545"`), `recencyScore`, `frequencyScore`, `monetaryScore`, `dormant`,
    /// `loyaltyTier` (`null` below the first tier), `loyaltyPoints`, `totalSpend`, `purchaseDays`,
    /// `daysSinceLast`, and with a model `churnRisk`, `probabilityAlive`, `expectedPurchases`, and with a
    /// spend model `lifetimeValue`. (`leadGrade` comes from `leads::LeadScore::attributes`.)
    ///
    /// ```
    /// use nextoffer::insight::{run_csv, InsightOptions, ModelChoice};
    /// let csv = "customer_id,date,amount\na,2024-01-02,30\n";
    /// let options = InsightOptions { model: ModelChoice::None, ..InsightOptions::default() };
    /// let insight = run_csv(csv.as_bytes(), &options, &mut |_, _, _| {}).unwrap();
    /// let attrs = insight.customers[0].attributes();
    /// assert_eq!(attrs[0].0, "segment");
    /// ```
    pub fn attributes(&self) -> Vec<(&'static str, Value)> {
        let s = &self.summary;
        let r = &self.rfm;
        let mut out = vec![
            ("segment", Value::from(r.segment.name())),
            ("rank", Value::from(r.rank.name())),
            (
                "rfm",
                Value::from(format!("{}{}{}", r.recency, r.frequency, r.monetary)),
            ),
            ("recencyScore", Value::from(u32::from(r.recency))),
            ("frequencyScore", Value::from(u32::from(r.frequency))),
            ("monetaryScore", Value::from(u32::from(r.monetary))),
            ("dormant", Value::from(r.dormant)),
            ("loyaltyTier", Value::from(self.loyalty.tier.clone())),
            ("loyaltyPoints", num(self.loyalty.points)),
            ("totalSpend", num(s.total_spend)),
            ("purchaseDays", Value::from(s.purchase_days)),
            ("daysSinceLast", Value::from(s.days_since_last)),
        ];
        if let Some(p) = &self.prediction {
            out.push(("churnRisk", num(p.churn_risk)));
            out.push(("probabilityAlive", num(p.probability_alive)));
            out.push(("expectedPurchases", num(p.expected_purchases)));
            if let Some(v) = p.lifetime_value {
                out.push(("lifetimeValue", num(v)));
            }
        }
        out
    }
}

impl Insight {
    /// The whole result as JSON: `{"asOf", "timeUnit", "import", "models": {"purchase", "spend",
    /// "errors"}, "retention", "segments", "customers": [flat records]}`.
    pub fn to_json(&self) -> Value {
        let mut o = Object::new();
        o.insert("asOf", self.as_of.to_string());
        o.insert("timeUnit", self.time_unit.name());
        let s = &self.stats;
        let mut import = Object::new();
        import.insert("rowsRead", s.rows_read);
        import.insert("rowsUsed", s.rows_used);
        import.insert("rowsSkipped", s.rows_skipped);
        import.insert("rowsAfterAsOf", s.rows_after_as_of);
        import.insert(
            "skippedExamples",
            s.skipped_examples
                .iter()
                .map(|m| Value::from(m.as_str()))
                .collect::<Vec<_>>(),
        );
        import.insert("firstDate", s.first_date.map(|d| d.to_string()));
        import.insert("lastDate", s.last_date.map(|d| d.to_string()));
        import.insert("customers", self.customers.len());
        o.insert("import", import);
        let mut models = Object::new();
        models.insert(
            "purchase",
            self.purchase_report
                .as_ref()
                .map_or(Value::Null, |r| r.to_json()),
        );
        models.insert(
            "spend",
            self.spend_report
                .as_ref()
                .map_or(Value::Null, |r| r.to_json()),
        );
        models.insert(
            "errors",
            self.model_errors
                .iter()
                .map(|m| Value::from(m.as_str()))
                .collect::<Vec<_>>(),
        );
        o.insert("models", models);
        o.insert(
            "retention",
            self.retention
                .iter()
                .map(|r| r.to_json())
                .collect::<Vec<_>>(),
        );
        o.insert(
            "segments",
            self.segments
                .iter()
                .map(|(s, n)| (s.name().to_string(), Value::from(*n)))
                .collect::<Object>(),
        );
        o.insert(
            "customers",
            self.customers
                .iter()
                .map(CustomerInsight::to_json)
                .collect::<Vec<_>>(),
        );
        Value::Object(o)
    }

    /// The fitted models alone, for `nextoffer fit -o model.json`: `{"asOf", "timeUnit", "purchase":
    /// {report}, "spend": {report}, "errors"}`.
    pub fn models_json(&self) -> Value {
        let mut o = Object::new();
        o.insert("asOf", self.as_of.to_string());
        o.insert("timeUnit", self.time_unit.name());
        o.insert(
            "purchase",
            self.purchase_report
                .as_ref()
                .map_or(Value::Null, |r| r.to_json()),
        );
        o.insert(
            "spend",
            self.spend_report
                .as_ref()
                .map_or(Value::Null, |r| r.to_json()),
        );
        o.insert(
            "errors",
            self.model_errors
                .iter()
                .map(|m| Value::from(m.as_str()))
                .collect::<Vec<_>>(),
        );
        Value::Object(o)
    }

    /// The purchase model, if fitted.
    pub fn purchase_model(&self) -> Option<&PurchaseFit> {
        self.purchase.as_ref()
    }

    /// Writes one CSV row per customer with the [`CUSTOMER_COLUMNS`] header. Numbers are written as
    /// JavaScript would; categories are joined by `|`; empty cells for missing model values.
    pub fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}", CUSTOMER_COLUMNS.join(","))?;
        let mut line = String::new();
        for c in &self.customers {
            line.clear();
            for (i, (_, v)) in c.fields().into_iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                let cell = match v {
                    Value::Null => String::new(),
                    Value::String(s) => s,
                    Value::Array(items) => items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("|"),
                    other => other.to_json(),
                };
                push_csv_cell(&mut line, &cell);
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}

fn push_csv_cell(line: &mut String, cell: &str) {
    if cell.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&cell.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(cell);
    }
}
