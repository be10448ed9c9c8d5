//! Arbitration: which eligible offer goes first.
//!
//! priority = propensity x context weight x value^valueExponent x lever, the formula of Pega Customer
//! Decision Hub with one tunable exponent, every factor reported with the offer. Settings can be split
//! champion/challenger with GrowthBook-compatible bucketing, so a new weighting is measured before it wins.

use crate::bucket;
use crate::decode::{self, At, FieldError};
use crate::json::Value;

/// Tunable weights of the priority formula.
#[derive(Debug, Clone, PartialEq)]
pub struct ArbitrationSettings {
    /// How much category affinity moves propensity: the multiplier ranges over `1 ± affinityWeight`.
    pub affinity_weight: f64,
    /// Exponent on business value: 1 is Pega's formula; below 1 favours likely offers over valuable ones.
    pub value_exponent: f64,
    /// Propensity from one Thompson draw of the Beta posterior (`"propensity": "thompson"`) instead of its
    /// mean (`"mean"`, the default): a bandit that explores offers with little data.
    pub thompson: bool,
}

impl Default for ArbitrationSettings {
    fn default() -> Self {
        ArbitrationSettings {
            affinity_weight: 0.5,
            value_exponent: 1.0,
            thompson: false,
        }
    }
}

const SETTINGS_FIELDS: &[&str] = &["name", "affinityWeight", "valueExponent", "propensity"];

impl ArbitrationSettings {
    /// Reads settings, filling what is absent from `base`.
    pub(crate) fn decode(
        value: &Value,
        at: &At<'_>,
        base: &ArbitrationSettings,
    ) -> Result<Self, FieldError> {
        let obj = decode::object(value, at)?;
        decode::deny_unknown_keys(obj, SETTINGS_FIELDS, at)?;
        let affinity_weight =
            decode::number_in(obj, "affinityWeight", 0.0..=1.0, base.affinity_weight, at)?;
        let value_exponent =
            decode::number_in(obj, "valueExponent", 0.0..=4.0, base.value_exponent, at)?;
        let thompson = match decode::optional_str(obj, "propensity", at)? {
            None => base.thompson,
            Some("mean") => false,
            Some("thompson") => true,
            Some(other) => {
                return Err(at.key("propensity").error(format!(
                    "must be \"mean\" or \"thompson\", found \"{other}\""
                )))
            }
        };
        Ok(ArbitrationSettings {
            affinity_weight,
            value_exponent,
            thompson,
        })
    }
}

/// A champion/challenger split of arbitration settings.
#[derive(Debug, Clone)]
pub(crate) struct ArbitrationSplit {
    pub id: String,
    pub seed: String,
    pub ranges: Vec<(f64, f64)>,
    pub variations: Vec<(String, ArbitrationSettings)>,
}

/// The variation a customer landed in.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The split's id.
    pub split: String,
    /// Index of the variation.
    pub variation: usize,
    /// Name of the variation.
    pub name: String,
}

impl ArbitrationSplit {
    pub(crate) fn decode(
        value: &Value,
        at: &At<'_>,
        base: &ArbitrationSettings,
    ) -> Result<Self, FieldError> {
        let obj = decode::object(value, at)?;
        decode::deny_unknown_keys(
            obj,
            &["id", "seed", "coverage", "weights", "variations"],
            at,
        )?;
        let id = decode::required_str(obj, "id", at)?.to_owned();
        let seed = decode::optional_str(obj, "seed", at)?
            .unwrap_or(&id)
            .to_owned();
        let variations_at = at.key("variations");
        let variation_values = decode::optional_array(obj, "variations", at)?;
        if variation_values.len() < 2 || variation_values.len() > 20 {
            return Err(
                variations_at.error("needs 2 to 20 variations (a champion and its challengers)")
            );
        }
        let mut variations = Vec::with_capacity(variation_values.len());
        for (i, v) in variation_values.iter().enumerate() {
            let v_at = variations_at.index(i);
            let settings = ArbitrationSettings::decode(v, &v_at, base)?;
            let name = decode::optional_str(decode::object(v, &v_at)?, "name", &v_at)?.map_or_else(
                || {
                    if i == 0 {
                        "champion".to_owned()
                    } else {
                        format!("challenger-{i}")
                    }
                },
                str::to_owned,
            );
            variations.push((name, settings));
        }
        let coverage = decode::optional_number(obj, "coverage", at)?.unwrap_or(1.0);
        let weights = decode::optional_array(obj, "weights", at)?;
        let weights: Option<Vec<f64>> = if weights.is_empty() {
            None
        } else {
            let w: Option<Vec<f64>> = weights.iter().map(Value::as_f64).collect();
            Some(w.ok_or_else(|| at.key("weights").error("must be an array of numbers"))?)
        };
        if let Some(w) = &weights {
            let sum: f64 = w.iter().sum();
            if w.len() != variations.len() || (sum - 1.0).abs() > 1e-6 || w.iter().any(|x| *x < 0.0)
            {
                return Err(at
                    .key("weights")
                    .error("needs one non-negative weight per variation, summing to 1"));
            }
        }
        let ranges = bucket::bucket_ranges(variations.len(), coverage, weights.as_deref());
        Ok(ArbitrationSplit {
            id,
            seed,
            ranges,
            variations,
        })
    }

    /// The variation of `customer_id`, by GrowthBook's hash v2, or `None` when outside the coverage.
    pub(crate) fn assign(&self, customer_id: &str) -> Option<(Assignment, &ArbitrationSettings)> {
        let n = bucket::hash(&self.seed, customer_id, 2)?;
        let index = bucket::choose_variation(n, &self.ranges)?;
        let (name, settings) = self.variations.get(index)?;
        Some((
            Assignment {
                split: self.id.clone(),
                variation: index,
                name: name.clone(),
            },
            settings,
        ))
    }
}

/// The factors of one offer's priority.
#[derive(Debug, Clone, PartialEq)]
pub struct Factors {
    /// Probability of acceptance, after affinity.
    pub propensity: f64,
    /// Product of the context multipliers.
    pub context_weight: f64,
    /// Business value of an acceptance.
    pub value: f64,
    /// Business lever of the offer.
    pub lever: f64,
}

impl Factors {
    /// The priority these factors give under `settings`.
    pub fn priority(&self, settings: &ArbitrationSettings) -> f64 {
        let value = power(self.value, settings.value_exponent);
        self.propensity * self.context_weight * value * self.lever
    }
}

/// `value` to the power `exponent`, through `recommend::math` (IEEE basic operations only): the same bits
/// natively and in Wasm, and no libm `pow` (2 KB) in the browser module. Exact at the exponents 0 and 1.
fn power(value: f64, exponent: f64) -> f64 {
    use crate::recommend::math::{exp, ln};
    if exponent == 1.0 {
        value
    } else if exponent == 0.0 {
        1.0
    } else if value == 0.0 {
        if exponent > 0.0 {
            0.0
        } else {
            f64::INFINITY
        }
    } else {
        exp(exponent * ln(value))
    }
}

#[cfg(test)]
mod tests {
    use super::power;

    #[test]
    fn power_agrees_with_powf_to_the_last_few_bits_and_is_exact_at_zero_and_one() {
        for value in [0.5, 1.0, 3.0, 1_200.0, 8_000.0, 68_000.0, 1e9] {
            for exponent in [0.25, 0.5, 0.75, 1.5, 2.0, -1.0] {
                let (got, want) = (power(value, exponent), f64::powf(value, exponent));
                assert!(
                    (got - want).abs() <= 1e-14 * want,
                    "{value}^{exponent}: {got} vs {want}"
                );
            }
            assert_eq!(power(value, 1.0), value);
            assert_eq!(power(value, 0.0), 1.0);
        }
        assert_eq!(power(0.0, 0.5), 0.0);
        assert_eq!(power(0.0, 0.0), 1.0);
        assert_eq!(power(0.0, -1.0), f64::INFINITY);
    }
}
