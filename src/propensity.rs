//! Propensity: the learned probability that this customer accepts this offer.
//!
//! The base is a Beta posterior of the offer's successes per impression. Within the customer's segment the
//! posterior is shrunk toward the offer's overall rate (a hierarchical prior worth as many impressions as the
//! model's prior), so a segment with little data borrows strength and one with much data speaks for itself.
//! Category affinity from the customer's recency-weighted purchases then scales it within `1 ± weight`, and an
//! attached recommender's boost (cross-sell association, next tier up) multiplies it (see `candidates.rs`).
//!
//! With the model's `arbitration.propensity` set to `"thompson"`, the posterior mean gives way to one draw
//! from the Beta posterior (Thompson sampling per offer and segment): offers with little data are explored,
//! offers with much data are exploited. The draw is seeded by the request's `seed` and the offer's id, so the
//! same request gives the same decision.

use crate::feedback::OfferStats;
use crate::model::Priors;

/// A multiplier of propensity from the recommender, with its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Boost {
    /// `cross_sell` or `upsell`.
    pub code: &'static str,
    /// The multiplier (at least 1).
    pub multiplier: f64,
    /// The reason: "bought together with X in 41% of orders", "next tier up from Y (...)".
    pub text: String,
}

/// How a propensity was reached, for the decision's explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct PropensityParts {
    /// Posterior mean of success per impression.
    pub posterior: f64,
    /// Successes behind the posterior (in the segment when one was used).
    pub successes: u64,
    /// Impressions behind the posterior.
    pub impressions: u64,
    /// The segment whose counts were used, if any.
    pub segment: Option<String>,
    /// Share of the customer's recent purchases in the offer's category, if known.
    pub affinity: Option<f64>,
    /// Multiplier from affinity (1 when unknown).
    pub affinity_multiplier: f64,
    /// The attached recommender's boost, if any.
    pub boost: Option<Boost>,
    /// The Thompson draw that replaced the posterior mean, when the model samples.
    pub draw: Option<ThompsonDraw>,
    /// The final propensity.
    pub propensity: f64,
}

/// One Thompson sample: the Beta posterior it was drawn from and the draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThompsonDraw {
    /// `posterior × strength`.
    pub alpha: f64,
    /// `(1 - posterior) × strength`.
    pub beta: f64,
    /// The draw, used in place of the posterior mean.
    pub sample: f64,
}

/// Computes the propensity of an offer with `stats` (None: never shown) for a customer in `segment` with
/// category share `affinity`, scaled by `boost`; `draw_seed` replaces the posterior mean by a Thompson draw.
pub(crate) fn propensity(
    priors: &Priors,
    stats: Option<&OfferStats>,
    segment: Option<&str>,
    affinity: Option<f64>,
    affinity_weight: f64,
    boost: Option<Boost>,
    draw_seed: Option<u64>,
) -> PropensityParts {
    let successes_of = |c: &crate::feedback::Counts| {
        let n = c.get(crate::profile::ContactEvent::Impression);
        // More successes than impressions means impressions went unrecorded; cap so the rate stays a probability.
        (c.get(priors.success_event).min(n), n)
    };
    let (global_s, global_n) = stats.map_or((0, 0), |s| successes_of(&s.total));
    let global = (priors.successes + global_s as f64) / (priors.trials + global_n as f64);
    let segment_counts = match (stats, segment) {
        (Some(s), Some(name)) => s.segment(name).map(|c| (name, successes_of(c))),
        _ => None,
    };
    let (posterior, successes, impressions, segment) = match segment_counts {
        Some((name, (s, n))) => {
            let strength = priors.trials;
            (
                (global * strength + s as f64) / (strength + n as f64),
                s,
                n,
                Some(name.to_owned()),
            )
        }
        None => (global, global_s, global_n, None),
    };
    let affinity_multiplier = affinity.map_or(1.0, |a| 1.0 + affinity_weight * (2.0 * a - 1.0));
    let draw = draw_seed.map(|seed| {
        // The posterior's weight in impressions: the prior's plus the ones observed.
        let strength = priors.trials + impressions as f64;
        let alpha = (posterior * strength).max(f64::MIN_POSITIVE);
        let beta = ((1.0 - posterior) * strength).max(f64::MIN_POSITIVE);
        let sample = crate::recommend::Rng::new(seed).beta(alpha, beta);
        ThompsonDraw {
            alpha,
            beta,
            sample: if sample.is_finite() {
                sample
            } else {
                posterior
            },
        }
    });
    let base = draw.map_or(posterior, |d| d.sample);
    let boost_multiplier = boost.as_ref().map_or(1.0, |b| b.multiplier);
    PropensityParts {
        posterior,
        successes,
        impressions,
        segment,
        affinity,
        affinity_multiplier,
        boost,
        draw,
        propensity: base * affinity_multiplier * boost_multiplier,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ContactEvent;

    fn priors() -> Priors {
        Priors {
            successes: 1.0,
            trials: 20.0,
            success_event: ContactEvent::Click,
        }
    }

    #[test]
    fn an_offer_never_shown_has_the_prior_mean() {
        let p = propensity(&priors(), None, None, None, 0.5, None, None);
        assert!((p.propensity - 0.05).abs() < 1e-12);
    }

    #[test]
    fn clicks_raise_the_posterior_toward_the_observed_rate() {
        let mut stats = OfferStats::default();
        stats.add(ContactEvent::Impression, None, 180);
        stats.add(ContactEvent::Click, None, 36);
        let p = propensity(&priors(), Some(&stats), None, None, 0.5, None, None);
        assert!((p.posterior - 37.0 / 200.0).abs() < 1e-12);
    }

    #[test]
    fn a_segment_with_few_impressions_stays_near_the_offer_rate() {
        let mut stats = OfferStats::default();
        stats.add(ContactEvent::Impression, None, 980);
        stats.add(ContactEvent::Click, None, 99);
        stats.add(ContactEvent::Impression, Some("gold"), 2);
        stats.add(ContactEvent::Click, Some("gold"), 2);
        let overall = (1.0 + 99.0 + 2.0) / (20.0 + 982.0);
        let p = propensity(&priors(), Some(&stats), Some("gold"), None, 0.5, None, None);
        assert!((p.posterior - (overall * 20.0 + 2.0) / 22.0).abs() < 1e-12);
        assert_eq!(p.segment.as_deref(), Some("gold"));
    }

    #[test]
    fn affinity_scales_within_one_plus_or_minus_the_weight() {
        let all_in = propensity(&priors(), None, None, Some(1.0), 0.5, None, None);
        let none_in = propensity(&priors(), None, None, Some(0.0), 0.5, None, None);
        assert!((all_in.affinity_multiplier - 1.5).abs() < 1e-12);
        assert!((none_in.affinity_multiplier - 0.5).abs() < 1e-12);
    }

    #[test]
    fn successes_beyond_impressions_are_capped() {
        let mut stats = OfferStats::default();
        stats.add(ContactEvent::Click, None, 50);
        let p = propensity(&priors(), Some(&stats), None, None, 0.5, None, None);
        assert!((p.posterior - 0.05).abs() < 1e-12);
    }

    #[test]
    fn a_thompson_draw_replaces_the_mean_reproducibly_and_a_boost_multiplies() {
        let boost = Boost {
            code: "cross_sell",
            multiplier: 1.4,
            text: "bought together with kettle in 40% of orders".into(),
        };
        let p = propensity(&priors(), None, None, None, 0.5, Some(boost), Some(7));
        let d = p.draw.unwrap();
        assert!((d.alpha - 1.0).abs() < 1e-12 && (d.beta - 19.0).abs() < 1e-12);
        assert!(d.sample > 0.0 && d.sample < 1.0 && d.sample != p.posterior);
        assert!((p.propensity - d.sample * 1.4).abs() < 1e-15);
        let again = propensity(&priors(), None, None, None, 0.5, None, Some(7));
        assert_eq!(again.draw.unwrap().sample, d.sample);
        let other = propensity(&priors(), None, None, None, 0.5, None, Some(8));
        assert_ne!(other.draw.unwrap().sample, d.sample);
    }
}
