//! Effect measurement: conversion per arm, lift with a 95% interval, and the probability that treatment
//! beats control.
//!
//! Every approach is measured against a control group (DESIGN.md); the engine's deterministic bucketing
//! assigns each customer to treatment or control per offer, and the recorded events say who was exposed and
//! who converted. Intervals: Wilson for each rate, Newcombe's hybrid score interval for the difference,
//! and the Katz log interval for the relative lift (treatment rate / control rate - 1). The probability
//! that treatment beats control is `P(p_t > p_c)` under independent Beta(1 + conversions,
//! 1 + non-conversions) posteriors, computed exactly (Evan Miller's sum) up to 100,000 treatment
//! conversions and by the normal approximation beyond.

use super::error::RecommendError;
use super::math::{exp, ln, ln_beta, normal_cdf};

/// The 97.5% quantile of the standard normal distribution.
const Z95: f64 = 1.959_963_984_540_054;
/// Above this many treatment conversions the exact sum gives way to the normal approximation.
const EXACT_LIMIT: u64 = 100_000;

/// Exposures and conversions of one arm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArmCounts {
    /// Customers (or impressions) exposed.
    pub exposures: u64,
    /// Of those, how many converted.
    pub conversions: u64,
}

impl ArmCounts {
    /// The conversion rate, `None` without exposures.
    pub fn rate(&self) -> Option<f64> {
        (self.exposures > 0).then(|| self.conversions as f64 / self.exposures as f64)
    }

    /// The 95% Wilson score interval of the rate, `None` without exposures.
    pub fn wilson(&self) -> Option<Interval> {
        let p = self.rate()?;
        let n = self.exposures as f64;
        let z2 = Z95 * Z95;
        let center = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        Some(Interval {
            estimate: p,
            low: (center - half).max(0.0),
            high: (center + half).min(1.0),
        })
    }
}

/// An estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The point estimate.
    pub estimate: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// Treatment against control.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LiftReport {
    /// Treatment counts.
    pub treatment: ArmCounts,
    /// Control counts.
    pub control: ArmCounts,
    /// Treatment conversion rate with its Wilson interval (`None` without exposures).
    pub treatment_rate: Option<Interval>,
    /// Control conversion rate with its Wilson interval.
    pub control_rate: Option<Interval>,
    /// `rate_t - rate_c` with Newcombe's interval (`None` when an arm has no exposures).
    pub difference: Option<Interval>,
    /// `rate_t / rate_c - 1` with the Katz log interval (`None` when an arm has no exposures or no
    /// conversions: the ratio or its interval is undefined).
    pub relative_lift: Option<Interval>,
    /// `P(p_t > p_c)` under uniform priors (0.5 with no data at all).
    pub probability_treatment_beats_control: f64,
}

/// `P(X > Y)` for `X ~ Beta(a_t, b_t)`, `Y ~ Beta(a_c, b_c)` with integer `a_t`.
fn prob_beats(a_t: f64, b_t: f64, a_c: f64, b_c: f64, conversions_t: u64) -> f64 {
    if conversions_t <= EXACT_LIMIT {
        // Σ_{i=0}^{a_t-1} B(a_c+i, b_c+b_t) / ((b_t+i) B(1+i, b_t) B(a_c, b_c))
        let base = ln_beta(a_c, b_c);
        let mut total = 0.0;
        for i in 0..(conversions_t + 1) {
            let fi = i as f64;
            let term = ln_beta(a_c + fi, b_c + b_t) - ln(b_t + fi) - ln_beta(1.0 + fi, b_t) - base;
            total += exp(term);
        }
        total.clamp(0.0, 1.0)
    } else {
        let mean = |a: f64, b: f64| a / (a + b);
        let var = |a: f64, b: f64| a * b / ((a + b) * (a + b) * (a + b + 1.0));
        let sd = (var(a_t, b_t) + var(a_c, b_c)).sqrt();
        normal_cdf((mean(a_t, b_t) - mean(a_c, b_c)) / sd)
    }
}

fn check(arm: &str, c: ArmCounts) -> Result<(), RecommendError> {
    if c.conversions > c.exposures {
        return Err(RecommendError::Counts {
            arm: arm.to_owned(),
            message: format!(
                "{} conversions exceed {} exposures",
                c.conversions, c.exposures
            ),
        });
    }
    Ok(())
}

/// Compares a treatment arm with its control.
///
/// ```
/// use nextoffer::recommend::{measure_lift, ArmCounts};
/// let r = measure_lift(
///     ArmCounts { exposures: 1000, conversions: 120 },
///     ArmCounts { exposures: 1000, conversions: 100 },
/// ).unwrap();
/// let lift = r.relative_lift.unwrap();
/// assert!((lift.estimate - 0.2).abs() < 1e-12);
/// assert!(lift.low < 0.0 && lift.high > 0.4); // not significant at this size
/// assert!(r.probability_treatment_beats_control > 0.9 && r.probability_treatment_beats_control < 0.95);
/// ```
pub fn measure_lift(
    treatment: ArmCounts,
    control: ArmCounts,
) -> Result<LiftReport, RecommendError> {
    check("treatment", treatment)?;
    check("control", control)?;
    let treatment_rate = treatment.wilson();
    let control_rate = control.wilson();
    let difference = match (treatment_rate, control_rate) {
        (Some(t), Some(c)) => {
            let d = t.estimate - c.estimate;
            let low = d - ((t.estimate - t.low).powi(2) + (c.high - c.estimate).powi(2)).sqrt();
            let high = d + ((t.high - t.estimate).powi(2) + (c.estimate - c.low).powi(2)).sqrt();
            Some(Interval {
                estimate: d,
                low,
                high,
            })
        }
        _ => None,
    };
    let relative_lift = if treatment.conversions > 0 && control.conversions > 0 {
        let (xt, nt) = (treatment.conversions as f64, treatment.exposures as f64);
        let (xc, nc) = (control.conversions as f64, control.exposures as f64);
        let ratio = (xt / nt) / (xc / nc);
        let se = (1.0 / xt - 1.0 / nt + 1.0 / xc - 1.0 / nc).max(0.0).sqrt();
        let l = ln(ratio);
        Some(Interval {
            estimate: ratio - 1.0,
            low: exp(l - Z95 * se) - 1.0,
            high: exp(l + Z95 * se) - 1.0,
        })
    } else {
        None
    };
    let a_t = 1.0 + treatment.conversions as f64;
    let b_t = 1.0 + (treatment.exposures - treatment.conversions) as f64;
    let a_c = 1.0 + control.conversions as f64;
    let b_c = 1.0 + (control.exposures - control.conversions) as f64;
    Ok(LiftReport {
        treatment,
        control,
        treatment_rate,
        control_rate,
        difference,
        relative_lift,
        probability_treatment_beats_control: prob_beats(a_t, b_t, a_c, b_c, treatment.conversions),
    })
}

/// Treatment or control, as the engine's bucketing assigned it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Shown the offer.
    Treatment,
    /// Held out.
    Control,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiftEventKind {
    /// The customer was exposed (or, for control, would have been).
    Exposure,
    /// The customer converted.
    Conversion,
}

/// One recorded event for lift measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiftEvent<'a> {
    /// The offer.
    pub offer: &'a str,
    /// The customer's arm.
    pub variant: Variant,
    /// Exposure or conversion.
    pub kind: LiftEventKind,
}

/// Exposures and conversions per offer and arm, aggregated from events.
///
/// ```
/// use nextoffer::recommend::{LiftEvent, LiftEventKind::*, LiftTable, Variant::*};
/// let mut t = LiftTable::default();
/// t.add(LiftEvent { offer: "o1", variant: Treatment, kind: Exposure });
/// t.add(LiftEvent { offer: "o1", variant: Treatment, kind: Conversion });
/// t.add(LiftEvent { offer: "o1", variant: Control, kind: Exposure });
/// let reports = t.reports().unwrap();
/// assert_eq!(reports[0].0, "o1");
/// assert_eq!(reports[0].1.treatment.conversions, 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiftTable {
    offers: Vec<(String, ArmCounts, ArmCounts)>,
}

impl LiftTable {
    /// Counts one event.
    pub fn add(&mut self, event: LiftEvent<'_>) {
        let i = match self.offers.iter().position(|o| o.0 == event.offer) {
            Some(i) => i,
            None => {
                self.offers.push((
                    event.offer.to_owned(),
                    ArmCounts::default(),
                    ArmCounts::default(),
                ));
                self.offers.len() - 1
            }
        };
        if let Some(entry) = self.offers.get_mut(i) {
            let arm = match event.variant {
                Variant::Treatment => &mut entry.1,
                Variant::Control => &mut entry.2,
            };
            match event.kind {
                LiftEventKind::Exposure => arm.exposures += 1,
                LiftEventKind::Conversion => arm.conversions += 1,
            }
        }
    }

    /// A report per offer, in order of first event. Errors when an offer's arm has more conversions than
    /// exposures (a conversion recorded without its exposure), naming the offer and arm.
    pub fn reports(&self) -> Result<Vec<(String, LiftReport)>, RecommendError> {
        self.offers
            .iter()
            .map(|(offer, t, c)| {
                check(&format!("offers[{offer:?}].treatment"), *t)?;
                check(&format!("offers[{offer:?}].control"), *c)?;
                Ok((offer.clone(), measure_lift(*t, *c)?))
            })
            .collect()
    }
}
