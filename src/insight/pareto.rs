//! The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987; likelihood as in Fader, Hardie & Lee 2005,
//! "A note on implementing the Pareto/NBD model"): while active a customer buys at Poisson rate
//! λ ~ Gamma(r, α) and drops out at exponential rate μ ~ Gamma(s, β), at any time.
//!
//! Every quantity here reduces to integrals of the form ∫ (a₁+u)^(-p₁) (a₂+u)^(-p₂) du over a time
//! interval (the dropout happening in it), whose tails are closed-form in 2F1 with argument
//! |a₁ - a₂| / (max(a₁, a₂) + t) < 1: the same device `lifetimes` uses for its A₀ term. The fit uses BFGS
//! with central-difference gradients (four parameters; the analytic gradient of 2F1 is not worth its code).

use super::model::{
    check_settled, subsample, FitData, FitError, FitReport, History, PurchaseModel, TimeUnit,
};
use super::optimize::{minimize_with_restarts, NumericGradient, OptimizeOptions};
use super::special::{ln_gamma, ln_hyp2f1, ln_hyp2f1_within, log_add_exp, log_sub_exp};

/// Fitted Pareto/NBD parameters (rates per time unit of the fit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParetoNbd {
    /// Shape of the purchase-rate gamma.
    pub r: f64,
    /// Scale (rate) of the purchase-rate gamma.
    pub alpha: f64,
    /// Shape of the dropout-rate gamma.
    pub s: f64,
    /// Scale (rate) of the dropout-rate gamma (weakly identified: compare log-likelihoods, not beta).
    pub beta: f64,
}

/// The parameter names, in order.
pub const PARETO_PARAMETERS: [&str; 4] = ["r", "alpha", "s", "beta"];

/// A fitted Pareto/NBD model and how the fit went.
#[derive(Clone, Debug, PartialEq)]
pub struct ParetoNbdFit {
    /// The parameters.
    pub model: ParetoNbd,
    /// Log-likelihood, time unit, effort.
    pub report: FitReport,
}

/// Series terms a fit's likelihood may spend on one 2F1 (see [`Effort`]).
const FIT_TERMS: usize = 2_000;

/// How hard the likelihood works at a point: predictions use the full series (extrapolating its tail when z
/// is within a hair of 1); a fit's objective gives up past [`FIT_TERMS`] terms and scores the point as
/// impossible. Without that bound, a 7-customer file whose fit drifted toward z = 1 took 17 s (found by the
/// `orders_csv` fuzz target).
#[derive(Clone, Copy)]
enum Effort {
    Full,
    Fit,
}

/// ln ∫_t^∞ (a1+u)^(-p1) (a2+u)^(-p2) du, for a1, a2 > 0, p1, p2 > 0, p1 + p2 > 1, t >= 0.
fn ln_tail(a1: f64, p1: f64, a2: f64, p2: f64, t: f64, effort: Effort) -> f64 {
    let big = p1 + p2 - 1.0;
    // Rewrite the factor with the smaller shift as (m+u)(1 - z) around the larger shift m.
    let (m, p_small, gap) = if a1 >= a2 {
        (a1, p2, a1 - a2)
    } else {
        (a2, p1, a2 - a1)
    };
    let z = gap / (m + t);
    let series = match effort {
        Effort::Full => ln_hyp2f1(big, p_small, big + 1.0, z),
        Effort::Fit => ln_hyp2f1_within(big, p_small, big + 1.0, z, FIT_TERMS).unwrap_or(f64::NAN),
    };
    -big * (m + t).ln() + series - big.ln()
}

/// ln ∫_{t1}^{t2} (a1+u)^(-p1) (a2+u)^(-p2) du (negative infinity for an empty interval).
#[allow(clippy::too_many_arguments)] // the integrand's four parameters, the interval, the effort
fn ln_integral(a1: f64, p1: f64, a2: f64, p2: f64, t1: f64, t2: f64, effort: Effort) -> f64 {
    if t2 <= t1 {
        return f64::NEG_INFINITY;
    }
    log_sub_exp(
        ln_tail(a1, p1, a2, p2, t1, effort),
        ln_tail(a1, p1, a2, p2, t2, effort),
    )
}

impl ParetoNbd {
    /// ln of the "still active at T" term and of the "dropped out in (t_x, T]" term of the likelihood,
    /// without the factors common to both.
    fn branches(&self, h: &History, effort: Effort) -> (f64, f64) {
        let rx = self.r + h.frequency;
        let active = -rx * (self.alpha + h.age).ln() - self.s * (self.beta + h.age).ln();
        let dropped = self.s.ln()
            + ln_integral(
                self.alpha,
                rx,
                self.beta,
                self.s + 1.0,
                h.recency,
                h.age,
                effort,
            );
        (active, dropped)
    }

    /// One customer's log-likelihood with the given effort.
    fn log_likelihood_with(&self, h: &History, effort: Effort) -> f64 {
        let (r, x) = (self.r, h.frequency);
        let common = ln_gamma(r + x) - ln_gamma(r) + r * self.alpha.ln() + self.s * self.beta.ln();
        let (active, dropped) = self.branches(h, effort);
        common + log_add_exp(active, dropped)
    }

    /// The fit's objective: the total log-likelihood, NaN where a series would need more than
    /// [`FIT_TERMS`] terms.
    fn fit_log_likelihood(&self, data: &FitData) -> f64 {
        data.rows
            .iter()
            .zip(&data.weights)
            .map(|(h, w)| w * self.log_likelihood_with(h, Effort::Fit))
            .sum()
    }

    /// The total log-likelihood of `data` at these parameters.
    pub fn total_log_likelihood(&self, data: &FitData) -> f64 {
        data.rows
            .iter()
            .zip(&data.weights)
            .map(|(h, w)| w * self.log_likelihood(h))
            .sum()
    }

    /// Posterior-mean expected purchases in t while active, with the dropout rate scale `beta_t`.
    fn active_expectation(&self, t: f64, h: &History, beta_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let ln_q = (beta_t / (beta_t + t)).ln();
        let u = (self.s - 1.0) * ln_q;
        // [1 - q^(s-1)] / (s - 1) = -ln q · expm1(u)/u, finite through s = 1.
        let g = if u.abs() < 1e-12 {
            -ln_q
        } else {
            -ln_q * u.exp_m1() / u
        };
        (self.r + h.frequency) / (self.alpha + h.age) * beta_t * g
    }
}

/// The mean negative log-likelihood over log-parameters, with numeric gradients.
fn likelihood(data: &FitData) -> NumericGradient<impl FnMut(&[f64]) -> f64 + '_> {
    let total: f64 = data.weights.iter().sum();
    NumericGradient(move |theta: &[f64]| {
        let [r, alpha, s, beta] = match theta {
            [a, b, c, d] => [a.exp(), b.exp(), c.exp(), d.exp()],
            _ => return f64::INFINITY,
        };
        if ![r, alpha, s, beta]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
        {
            return f64::INFINITY;
        }
        let f = -ParetoNbd { r, alpha, s, beta }.fit_log_likelihood(data) / total.max(1.0);
        if f.is_finite() {
            f
        } else {
            f64::INFINITY
        }
    })
}

/// Fits Pareto/NBD by maximum likelihood. `on_iteration(i)` reports optimizer iterations.
pub fn fit_pareto_nbd(
    data: &FitData,
    unit: TimeUnit,
    on_iteration: &mut dyn FnMut(usize),
) -> Result<ParetoNbdFit, FitError> {
    const MODEL: &str = "pareto_nbd";
    if data.customers == 0 {
        return Err(FitError::NoCustomers { model: MODEL });
    }
    if data.repeat_customers() == 0.0 {
        return Err(FitError::NoRepeatPurchases { model: MODEL });
    }
    let total: f64 = data.weights.iter().sum();
    let (mut sx, mut st) = (0.0, 0.0);
    for (h, w) in data.rows.iter().zip(&data.weights) {
        sx += w * h.frequency;
        st += w * h.age;
    }
    let scale = if sx > 0.0 {
        st / sx
    } else {
        data.max_age().max(1.0)
    };
    let age = data.max_age().max(1.0);
    let starts = vec![
        vec![0.0, scale.ln(), 0.0, age.ln()],
        vec![
            (0.5f64).ln(),
            (0.5 * scale).ln(),
            (0.5f64).ln(),
            (0.5 * age).ln(),
        ],
        vec![
            (2.0f64).ln(),
            (2.0 * scale).ln(),
            (2.0f64).ln(),
            (4.0 * age).ln(),
        ],
    ];
    let options = OptimizeOptions::default();
    let mut candidates = starts;
    let (mut extra_iterations, mut extra_evaluations) = (0, 0);
    if let Some(sub) = subsample(data, 5_000) {
        // Choose the basin on a systematic subsample, then polish once on everything.
        let mut objective = likelihood(&sub);
        if let Some(m) = minimize_with_restarts(&mut objective, &candidates, &options, on_iteration)
        {
            (extra_iterations, extra_evaluations) = (m.iterations, m.evaluations);
            candidates = vec![m.x];
        }
    }
    let mut objective = likelihood(data);
    let mut count = |i: usize| on_iteration(extra_iterations + i);
    let mut best = minimize_with_restarts(&mut objective, &candidates, &options, &mut count)
        .ok_or(FitError::NoFiniteLikelihood { model: MODEL })?;
    best.iterations += extra_iterations;
    best.evaluations += extra_evaluations;
    check_settled(MODEL, &PARETO_PARAMETERS, &best.x)?;
    let model = match best.x.as_slice() {
        [a, b, c, d] => ParetoNbd {
            r: a.exp(),
            alpha: b.exp(),
            s: c.exp(),
            beta: d.exp(),
        },
        _ => return Err(FitError::NoFiniteLikelihood { model: MODEL }),
    };
    let report = FitReport {
        model: MODEL,
        parameters: vec![
            ("r", model.r),
            ("alpha", model.alpha),
            ("s", model.s),
            ("beta", model.beta),
        ],
        log_likelihood: -best.value * total.max(1.0),
        time_unit: Some(unit),
        customers: data.customers,
        iterations: best.iterations,
        evaluations: best.evaluations,
        converged: best.converged,
    };
    Ok(ParetoNbdFit { model, report })
}

impl PurchaseModel for ParetoNbd {
    fn name(&self) -> &'static str {
        "pareto_nbd"
    }

    fn log_likelihood(&self, h: &History) -> f64 {
        self.log_likelihood_with(h, Effort::Full)
    }

    fn probability_alive(&self, h: &History) -> f64 {
        let (active, dropped) = self.branches(h, Effort::Full);
        1.0 / (1.0 + (dropped - active).exp())
    }

    fn expected_purchases(&self, t: f64, h: &History) -> f64 {
        self.probability_alive(h) * self.active_expectation(t, h, self.beta + h.age)
    }

    fn probability_of_purchase(&self, t: f64, h: &History) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        // Alive at T: P(a purchase before dropout and before T+t)
        //   = (r+x) (α+T)^(r+x) (β+T)^s ∫_T^{T+t} (α+u)^-(r+x+1) (β+u)^-s du.
        let rx = self.r + h.frequency;
        let ln_p = rx.ln()
            + rx * (self.alpha + h.age).ln()
            + self.s * (self.beta + h.age).ln()
            + ln_integral(
                self.alpha,
                rx + 1.0,
                self.beta,
                self.s,
                h.age,
                h.age + t,
                Effort::Full,
            );
        (self.probability_alive(h) * ln_p.exp()).clamp(0.0, 1.0)
    }

    fn expected_purchases_with_less_churn(&self, t: f64, h: &History, share: f64) -> f64 {
        // μ' = (1-k) μ with μ | data ~ Gamma(s, β+T) is Gamma(s, (β+T)/(1-k)).
        let keep = (1.0 - share).clamp(1e-9, 1.0);
        self.probability_alive(h) * self.active_expectation(t, h, (self.beta + h.age) / keep)
    }

    fn expected_time_to_next_purchase(&self, h: &History) -> f64 {
        (self.alpha + h.age) / (self.r + h.frequency)
    }
}
