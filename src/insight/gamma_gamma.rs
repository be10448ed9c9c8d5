//! The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's note 025): a customer's
//! transaction values vary around their own mean, which varies across customers. Fitted on repeat buyers'
//! average repeat-purchase values, it shrinks each customer's observed average toward the population mean,
//! more strongly the fewer purchases it rests on.

use super::model::{check_settled, FitError, FitReport};
use super::optimize::{minimize_with_restarts, Objective, OptimizeOptions};
use super::special::{digamma, ln_gamma};

/// Fitted Gamma-Gamma parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GammaGamma {
    /// Shape of the per-transaction value gamma.
    pub p: f64,
    /// Shape of the customer-mean gamma.
    pub q: f64,
    /// Scale of the customer-mean gamma (`v` in `lifetimes`).
    pub gamma: f64,
}

/// One repeat buyer's spend history: x repeat purchases averaging `mean_value`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpendHistory {
    /// Repeat purchases (x >= 1).
    pub frequency: f64,
    /// Their average value (> 0).
    pub mean_value: f64,
}

/// A fitted Gamma-Gamma model and how the fit went.
#[derive(Clone, Debug, PartialEq)]
pub struct GammaGammaFit {
    /// The parameters.
    pub model: GammaGamma,
    /// Log-likelihood and effort (no time unit: spend has none).
    pub report: FitReport,
}

struct Likelihood<'a> {
    data: &'a [SpendHistory],
}

impl Objective for Likelihood<'_> {
    fn eval(&mut self, theta: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let [p, q, v] = match theta {
            [a, b, c] => [a.exp(), b.exp(), c.exp()],
            _ => return f64::INFINITY,
        };
        if ![p, q, v].iter().all(|x| x.is_finite() && *x > 0.0) {
            return f64::INFINITY;
        }
        let want = grad.is_some();
        let (lg_q, ln_v) = (ln_gamma(q), v.ln());
        let dg_q = if want { digamma(q) } else { 0.0 };
        let (mut ll, mut gp, mut gq, mut gv) = (0.0, 0.0, 0.0, 0.0);
        for s in self.data {
            let (x, m) = (s.frequency, s.mean_value);
            let px = p * x;
            let ln_vmx = (v + m * x).ln();
            ll += ln_gamma(px + q) - ln_gamma(px) - lg_q
                + q * ln_v
                + (px - 1.0) * m.ln()
                + px * x.ln()
                - (px + q) * ln_vmx;
            if want {
                let dg_pxq = digamma(px + q);
                gp += x * (dg_pxq - digamma(px) + m.ln() + x.ln() - ln_vmx);
                gq += dg_pxq - dg_q + ln_v - ln_vmx;
                gv += q / v - (px + q) / (v + m * x);
            }
        }
        let n = (self.data.len() as f64).max(1.0);
        if let Some(g) = grad {
            for (gi, val) in g.iter_mut().zip([gp * p, gq * q, gv * v]) {
                *gi = -val / n;
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

/// Fits Gamma-Gamma on repeat buyers. Histories with x < 1 or a non-positive (or non-finite) mean value are
/// left out (they carry no spend information); at least two must remain.
pub fn fit_gamma_gamma(
    data: &[SpendHistory],
    on_iteration: &mut dyn FnMut(usize),
) -> Result<GammaGammaFit, FitError> {
    const MODEL: &str = "gamma_gamma";
    let usable: Vec<SpendHistory> = data
        .iter()
        .copied()
        .filter(|s| {
            s.frequency >= 1.0
                && s.mean_value > 0.0
                && s.mean_value.is_finite()
                && s.frequency.is_finite()
        })
        .collect();
    if usable.len() < 2 {
        return Err(FitError::TooFewRepeatBuyers {
            found: usable.len(),
        });
    }
    let mean = usable.iter().map(|s| s.mean_value).sum::<f64>() / usable.len() as f64;
    let starts = vec![
        vec![0.0, 0.0, mean.ln()],
        vec![(5.0f64).ln(), (3.0f64).ln(), (2.0 * mean / 5.0).ln()],
        vec![(0.5f64).ln(), (10.0f64).ln(), (18.0 * mean).ln()],
    ];
    let mut objective = Likelihood { data: &usable };
    let best = minimize_with_restarts(
        &mut objective,
        &starts,
        &OptimizeOptions::default(),
        on_iteration,
    )
    .ok_or(FitError::NoFiniteLikelihood { model: MODEL })?;
    let names = ["p", "q", "gamma"];
    check_settled(MODEL, &names, &best.x)?;
    let [p, q, gamma] = match best.x.as_slice() {
        [a, b, c] => [a.exp(), b.exp(), c.exp()],
        _ => return Err(FitError::NoFiniteLikelihood { model: MODEL }),
    };
    let report = FitReport {
        model: MODEL,
        parameters: vec![("p", p), ("q", q), ("gamma", gamma)],
        log_likelihood: -best.value * usable.len() as f64,
        time_unit: None,
        customers: usable.len(),
        iterations: best.iterations,
        evaluations: best.evaluations,
        converged: best.converged,
    };
    Ok(GammaGammaFit {
        model: GammaGamma { p, q, gamma },
        report,
    })
}

impl GammaGamma {
    /// The population mean transaction value, p·γ/(q − 1); infinite when q <= 1 (the mean does not
    /// exist), in which case callers fall back to observed values.
    pub fn population_mean(&self) -> f64 {
        if self.q > 1.0 {
            self.p * self.gamma / (self.q - 1.0)
        } else {
            f64::INFINITY
        }
    }

    /// Expected value of a customer's future transactions, given x repeat purchases averaging `mean_value`
    /// (equation 5 of Hardie's note 025): a weighted average of the population mean and the customer's own.
    /// For x = 0 it is the population mean. When q <= 1 (no population mean) the observed mean is returned.
    pub fn expected_spend(&self, frequency: f64, mean_value: f64) -> f64 {
        if self.q <= 1.0 {
            return mean_value;
        }
        let weight = self.p * frequency / (self.p * frequency + self.q - 1.0);
        (1.0 - weight) * self.population_mean() + weight * mean_value
    }

    /// The log-likelihood of one repeat buyer's spend.
    pub fn log_likelihood(&self, s: &SpendHistory) -> f64 {
        let theta = [self.p.ln(), self.q.ln(), self.gamma.ln()];
        -Likelihood {
            data: std::slice::from_ref(s),
        }
        .eval(&theta, None)
    }
}
