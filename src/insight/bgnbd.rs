//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while active, a
//! customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with probability
//! p ~ Beta(a, b).
//!
//! The fit maximizes the full log-likelihood (equation 6 of the paper) over the logarithms of the four
//! parameters with BFGS and the analytic gradient, restarting from several points. Customers with identical
//! histories are one weighted row, and terms that depend only on x are computed once per distinct x, so a
//! million customers cost one pass of a few logarithms per distinct history per iteration.

use super::model::{
    check_settled, subsample, FitData, FitError, FitReport, History, PurchaseModel, TimeUnit,
};
use super::optimize::{minimize_with_restarts, Objective, OptimizeOptions};
use super::special::{c_times_hyp2f1, digamma, ln_gamma, log_add_exp};

/// Fitted BG/NBD parameters (rates per time unit of the fit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgNbd {
    /// Shape of the purchase-rate gamma.
    pub r: f64,
    /// Scale (rate) of the purchase-rate gamma, in time units.
    pub alpha: f64,
    /// First shape of the dropout-probability beta.
    pub a: f64,
    /// Second shape of the dropout-probability beta.
    pub b: f64,
}

/// The parameter names, in order.
pub const BGNBD_PARAMETERS: [&str; 4] = ["r", "alpha", "a", "b"];

/// A fitted BG/NBD model and how the fit went.
#[derive(Clone, Debug, PartialEq)]
pub struct BgNbdFit {
    /// The parameters.
    pub model: BgNbd,
    /// Log-likelihood, time unit, effort.
    pub report: FitReport,
}

/// Histories grouped by frequency: the slice of `data.rows` sharing each x.
struct Groups {
    /// (x, start, end) into the rows.
    spans: Vec<(f64, usize, usize)>,
}

impl Groups {
    fn new(data: &FitData) -> Groups {
        let mut spans: Vec<(f64, usize, usize)> = Vec::new();
        for (i, h) in data.rows.iter().enumerate() {
            match spans.last_mut() {
                Some((x, _, end)) if *x == h.frequency => *end = i + 1,
                _ => spans.push((h.frequency, i, i + 1)),
            }
        }
        Groups { spans }
    }
}

struct Likelihood<'a> {
    data: &'a FitData,
    groups: Groups,
    total_weight: f64,
}

impl Objective for Likelihood<'_> {
    /// Mean negative log-likelihood over log-parameters.
    fn eval(&mut self, theta: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let [lr, la, laa, lb] = match theta {
            [a, b, c, d] => [*a, *b, *c, *d],
            _ => return f64::INFINITY,
        };
        let (r, alpha, a, b) = (lr.exp(), la.exp(), laa.exp(), lb.exp());
        if ![r, alpha, a, b].iter().all(|v| v.is_finite() && *v > 0.0) {
            return f64::INFINITY;
        }
        let want_grad = grad.is_some();
        let (mut ll, mut gr, mut gal, mut ga, mut gb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
        let (dg_r, dg_b, dg_ab) = if want_grad {
            (digamma(r), digamma(b), digamma(a + b))
        } else {
            (0.0, 0.0, 0.0)
        };
        let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
        for &(x, start, end) in &self.groups.spans {
            let rx = r + x;
            let a1 = ln_gamma(rx) - lg_r + r * ln_alpha;
            let a2 = lg_ab + ln_gamma(b + x) - lg_b - ln_gamma(a + b + x);
            let ln_q = if x > 0.0 {
                ln_a - (b + x - 1.0).ln()
            } else {
                f64::NEG_INFINITY
            };
            let (rows, weights) = match (
                self.data.rows.get(start..end),
                self.data.weights.get(start..end),
            ) {
                (Some(r), Some(w)) => (r, w),
                _ => continue,
            };
            // Sums over the group needed by the gradient: Σw, Σw·(1-s)·ln(α+T), Σw·s·ln(α+t_x), etc.,
            // where s is the weight of the "dropped out at t_x" branch of the likelihood.
            let (mut sw, mut s_ll, mut s_lt, mut s_it, mut s_s) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (h, &w) in rows.iter().zip(weights) {
                let lt = (alpha + h.age).ln();
                let a3 = -rx * lt;
                let (branch, term) = if x > 0.0 {
                    let ltx = (alpha + h.recency).ln();
                    let a4 = ln_q - rx * ltx;
                    let s = 1.0 / (1.0 + (a3 - a4).exp());
                    if want_grad {
                        s_lt += w * ((1.0 - s) * lt + s * ltx);
                        s_it += w * ((1.0 - s) / (alpha + h.age) + s / (alpha + h.recency));
                    }
                    (s, log_add_exp(a3, a4))
                } else {
                    if want_grad {
                        s_lt += w * lt;
                        s_it += w / (alpha + h.age);
                    }
                    (0.0, a3)
                };
                sw += w;
                s_ll += w * term;
                s_s += w * branch;
            }
            ll += sw * (a1 + a2) + s_ll;
            if want_grad {
                let dg_rx = digamma(rx);
                let dg_bx = digamma(b + x);
                let dg_abx = digamma(a + b + x);
                gr += sw * (dg_rx - dg_r + ln_alpha) - s_lt;
                gal += sw * r / alpha - rx * s_it;
                ga += sw * (dg_ab - dg_abx) + if x > 0.0 { s_s / a } else { 0.0 };
                gb += sw * (dg_ab + dg_bx - dg_b - dg_abx)
                    - if x > 0.0 { s_s / (b + x - 1.0) } else { 0.0 };
            }
        }
        let n = self.total_weight.max(1.0);
        if let Some(g) = grad {
            // d(-LL/n)/dθ = -(p · dLL/dp)/n for θ = ln p.
            for (gi, v) in g.iter_mut().zip([gr * r, gal * alpha, ga * a, gb * b]) {
                *gi = -v / n;
            }
        }
        let f = -ll / n;
        if f.is_finite() {
            f
        } else {
            f64::INFINITY
        }
    }
}

/// Starting points in log-parameter space, scaled to the data's purchase rate.
fn starts(data: &FitData) -> Vec<Vec<f64>> {
    let (mut sx, mut st) = (0.0, 0.0);
    for (h, w) in data.rows.iter().zip(&data.weights) {
        sx += w * h.frequency;
        st += w * h.age;
    }
    let scale = if sx > 0.0 && st > 0.0 {
        st / sx
    } else {
        data.max_age().max(1.0)
    };
    vec![
        vec![0.0, scale.ln(), 0.0, 0.0],
        vec![
            (0.3f64).ln(),
            (0.3 * scale).ln(),
            (0.5f64).ln(),
            (3.0f64).ln(),
        ],
        vec![
            (3.0f64).ln(),
            (3.0 * scale).ln(),
            (2.0f64).ln(),
            (0.5f64).ln(),
        ],
    ]
}

/// Fits BG/NBD by maximum likelihood. `on_iteration(i)` reports optimizer iterations.
///
/// ```
/// use nextoffer::insight::{fit_bgnbd, synth::bgnbd_histories, BgNbd, FitData, TimeUnit};
/// let truth = BgNbd { r: 0.5, alpha: 20.0, a: 0.8, b: 2.5 };
/// let (data, _) = FitData::new(bgnbd_histories(&truth, 5_000, 365, 1));
/// let fit = fit_bgnbd(&data, TimeUnit::Days, &mut |_| {}).unwrap();
/// assert!((fit.model.r - 0.5).abs() < 0.1);
/// assert_eq!(fit.report.parameters[0].0, "r");
/// ```
pub fn fit_bgnbd(
    data: &FitData,
    unit: TimeUnit,
    on_iteration: &mut dyn FnMut(usize),
) -> Result<BgNbdFit, FitError> {
    const MODEL: &str = "bgnbd";
    if data.customers == 0 {
        return Err(FitError::NoCustomers { model: MODEL });
    }
    if data.repeat_customers() == 0.0 {
        return Err(FitError::NoRepeatPurchases { model: MODEL });
    }
    let options = OptimizeOptions::default();
    let mut candidates = starts(data);
    let mut extra_iterations = 0;
    let mut extra_evaluations = 0;
    if let Some(sub) = subsample(data, 20_000) {
        // Choose the basin on a systematic subsample, then polish once on everything.
        let mut objective = Likelihood {
            groups: Groups::new(&sub),
            data: &sub,
            total_weight: sub.weights.iter().sum(),
        };
        if let Some(m) = minimize_with_restarts(&mut objective, &candidates, &options, on_iteration)
        {
            extra_iterations = m.iterations;
            extra_evaluations = m.evaluations;
            candidates = vec![m.x];
        }
    }
    let mut objective = Likelihood {
        groups: Groups::new(data),
        data,
        total_weight: data.weights.iter().sum(),
    };
    let mut count = |i: usize| on_iteration(extra_iterations + i);
    let best = minimize_with_restarts(&mut objective, &candidates, &options, &mut count)
        .ok_or(FitError::NoFiniteLikelihood { model: MODEL })?;
    check_settled(MODEL, &BGNBD_PARAMETERS, &best.x)?;
    let p: Vec<f64> = best.x.iter().map(|v| v.exp()).collect();
    let model = match p.as_slice() {
        [r, alpha, a, b] => BgNbd {
            r: *r,
            alpha: *alpha,
            a: *a,
            b: *b,
        },
        _ => return Err(FitError::NoFiniteLikelihood { model: MODEL }),
    };
    let report = FitReport {
        model: MODEL,
        parameters: BGNBD_PARAMETERS
            .iter()
            .copied()
            .zip(p.iter().copied())
            .collect(),
        log_likelihood: -best.value * objective.total_weight,
        time_unit: Some(unit),
        customers: data.customers,
        iterations: best.iterations + extra_iterations,
        evaluations: best.evaluations + extra_evaluations,
        converged: best.converged,
    };
    Ok(BgNbdFit { model, report })
}

impl BgNbd {
    /// The total log-likelihood of `data` at these parameters.
    pub fn total_log_likelihood(&self, data: &FitData) -> f64 {
        let theta = [self.r.ln(), self.alpha.ln(), self.a.ln(), self.b.ln()];
        let total_weight: f64 = data.weights.iter().sum();
        let mut objective = Likelihood {
            groups: Groups::new(data),
            data,
            total_weight,
        };
        -objective.eval(&theta, None) * total_weight.max(1.0)
    }

    /// ln of the odds weight of "dropped out right after the last purchase" against "still active".
    fn ln_dropout_odds(&self, h: &History) -> Option<f64> {
        let x = h.frequency;
        (x > 0.0).then(|| {
            (self.a / (self.b + x - 1.0)).ln()
                + (self.r + x) * ((self.alpha + h.age).ln() - (self.alpha + h.recency).ln())
        })
    }

    /// E[purchases in (T, T + t] | alive, λ and p scaled so that dropout is `keep` times its value]
    /// times `keep`: the bracket of the conditional expectation, f(t) in the module notes.
    fn active_expectation(&self, t: f64, h: &History) -> f64 {
        let bracket = |a: f64| {
            let x = h.frequency;
            let rx = self.r + x;
            let c = a + self.b + x - 1.0;
            let z = t / (self.alpha + h.age + t);
            let ln_q = ((self.alpha + h.age) / (self.alpha + h.age + t)).ln();
            (c - (rx * ln_q).exp() * c_times_hyp2f1(rx, self.b + x, c, z)) / (a - 1.0)
        };
        if t <= 0.0 {
            return 0.0;
        }
        // At a = 1 the expression is 0/0; average the two sides (second-order accurate) instead.
        const NEAR: f64 = 1e-5;
        if (self.a - 1.0).abs() < NEAR {
            return 0.5 * (bracket(1.0 - NEAR) + bracket(1.0 + NEAR));
        }
        bracket(self.a)
    }
}

impl PurchaseModel for BgNbd {
    fn name(&self) -> &'static str {
        "bgnbd"
    }

    fn log_likelihood(&self, h: &History) -> f64 {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let x = h.frequency;
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
        let a3 = -(r + x) * (alpha + h.age).ln();
        let a4 = if x > 0.0 {
            a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + h.recency).ln()
        } else {
            f64::NEG_INFINITY
        };
        a1 + a2 + log_add_exp(a3, a4)
    }

    fn probability_alive(&self, h: &History) -> f64 {
        match self.ln_dropout_odds(h) {
            None => 1.0,
            Some(l) => 1.0 / (1.0 + l.exp()),
        }
    }

    fn expected_purchases(&self, t: f64, h: &History) -> f64 {
        (self.probability_alive(h) * self.active_expectation(t, h)).max(0.0)
    }

    fn probability_of_purchase(&self, t: f64, h: &History) -> f64 {
        // Alive, the first purchase after T comes before T + t with probability 1 - ((α+T)/(α+T+t))^(r+x).
        let ln_q = ((self.alpha + h.age) / (self.alpha + h.age + t.max(0.0))).ln();
        self.probability_alive(h) * -((self.r + h.frequency) * ln_q).exp_m1()
    }

    fn expected_purchases_with_less_churn(&self, t: f64, h: &History, share: f64) -> f64 {
        // With p' = (1 - k) p: E'[Y(t)] = f((1 - k) t) / (1 - k) (see module docs of `retention`).
        let keep = (1.0 - share).clamp(1e-9, 1.0);
        (self.probability_alive(h) * self.active_expectation(keep * t, h) / keep).max(0.0)
    }

    fn expected_time_to_next_purchase(&self, h: &History) -> f64 {
        (self.alpha + h.age) / (self.r + h.frequency)
    }
}
