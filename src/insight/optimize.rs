//! Unconstrained minimization for maximum-likelihood fits: BFGS with a backtracking line search, and
//! Nelder-Mead as a derivative-free fallback.
//!
//! The models optimize over the logarithms of their positive parameters, so the search space is all of
//! R^n and no bounds are needed. An objective returns `+inf` (or NaN) where it cannot be evaluated; the line
//! search treats that as "too far" and backs off, so an excursion never poisons the state.

/// An objective: value at `x`, and its gradient written into `grad` when asked.
pub trait Objective {
    /// The value at `x`; when `grad` is `Some`, also the gradient.
    fn eval(&mut self, x: &[f64], grad: Option<&mut [f64]>) -> f64;
}

/// How hard to try.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimizeOptions {
    /// Iteration cap per run.
    pub max_iterations: usize,
    /// Stop when the largest gradient component is below this.
    pub gradient_tolerance: f64,
    /// Stop when an iteration improves the value by less than this, relative to |value| + 1.
    pub value_tolerance: f64,
}

impl Default for OptimizeOptions {
    fn default() -> Self {
        OptimizeOptions {
            max_iterations: 500,
            gradient_tolerance: 1e-7,
            value_tolerance: 1e-13,
        }
    }
}

/// Where a run ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    /// The best point found.
    pub x: Vec<f64>,
    /// The value there.
    pub value: f64,
    /// Iterations used.
    pub iterations: usize,
    /// Objective evaluations used.
    pub evaluations: usize,
    /// True if a tolerance was met (not the iteration cap).
    pub converged: bool,
}

/// Wraps a value-only function with central-difference gradients.
pub struct NumericGradient<F>(pub F);

impl<F: FnMut(&[f64]) -> f64> Objective for NumericGradient<F> {
    fn eval(&mut self, x: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let f = (self.0)(x);
        if let Some(g) = grad {
            let mut probe = x.to_vec();
            for (i, gi) in g.iter_mut().enumerate() {
                let xi = x.get(i).copied().unwrap_or(0.0);
                let h = 1e-6 * xi.abs().max(1.0);
                if let Some(p) = probe.get_mut(i) {
                    *p = xi + h;
                }
                let up = (self.0)(&probe);
                if let Some(p) = probe.get_mut(i) {
                    *p = xi - h;
                }
                let down = (self.0)(&probe);
                if let Some(p) = probe.get_mut(i) {
                    *p = xi;
                }
                *gi = (up - down) / (2.0 * h);
            }
        }
        f
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// BFGS from `x0`. `on_iteration(i)` is called after every iteration (for progress reports).
pub fn bfgs(
    objective: &mut dyn Objective,
    x0: &[f64],
    options: &OptimizeOptions,
    on_iteration: &mut dyn FnMut(usize),
) -> Minimum {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut f = objective.eval(&x, Some(&mut g));
    let mut evaluations = 1;
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Minimum {
            x,
            value: f64::INFINITY,
            iterations: 0,
            evaluations,
            converged: false,
        };
    }
    // Inverse Hessian approximation, row-major.
    let identity = |h: &mut Vec<f64>, scale: f64| {
        h.iter_mut().for_each(|v| *v = 0.0);
        for i in 0..n {
            if let Some(v) = h.get_mut(i * n + i) {
                *v = scale;
            }
        }
    };
    let mut h = vec![0.0; n * n];
    identity(&mut h, 1.0);
    let mut first_step = true;
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    let mut p = vec![0.0; n];
    let mut small_steps = 0;
    for iteration in 1..=options.max_iterations {
        on_iteration(iteration);
        if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) < options.gradient_tolerance {
            return Minimum {
                x,
                value: f,
                iterations: iteration - 1,
                evaluations,
                converged: true,
            };
        }
        for (i, pi) in p.iter_mut().enumerate() {
            *pi = -(0..n)
                .map(|j| {
                    h.get(i * n + j).copied().unwrap_or(0.0) * g.get(j).copied().unwrap_or(0.0)
                })
                .sum::<f64>();
        }
        let mut slope = dot(&g, &p);
        if slope >= 0.0 || !slope.is_finite() {
            identity(&mut h, 1.0);
            p.iter_mut().zip(&g).for_each(|(pi, gi)| *pi = -gi);
            slope = dot(&g, &p);
        }
        let norm = dot(&p, &p).sqrt();
        // Never move more than 10 log-units at once: beyond that the models under- or overflow.
        let mut step = if first_step {
            (1.0 / norm).min(1.0)
        } else {
            1.0
        };
        step = step.min(10.0 / norm.max(1e-300));
        let mut accepted = false;
        for _ in 0..60 {
            x_new
                .iter_mut()
                .zip(&x)
                .zip(&p)
                .for_each(|((xn, xi), pi)| *xn = xi + step * pi);
            let f_try = objective.eval(&x_new, Some(&mut g_new));
            evaluations += 1;
            if f_try.is_finite()
                && g_new.iter().all(|v| v.is_finite())
                && f_try <= f + 1e-4 * step * slope
            {
                accepted = true;
                let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
                let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
                let sy = dot(&s, &y);
                if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
                    if first_step {
                        identity(&mut h, sy / dot(&y, &y));
                    }
                    update_inverse_hessian(&mut h, &s, &y, sy);
                }
                first_step = false;
                let improvement = f - f_try;
                x.copy_from_slice(&x_new);
                g.copy_from_slice(&g_new);
                f = f_try;
                if improvement <= options.value_tolerance * (f.abs() + 1.0) {
                    small_steps += 1;
                    if small_steps >= 3 {
                        return Minimum {
                            x,
                            value: f,
                            iterations: iteration,
                            evaluations,
                            converged: true,
                        };
                    }
                } else {
                    small_steps = 0;
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            // No descent along p even for tiny steps: we are at the minimum to machine precision, or the
            // approximation is bad. Restart from steepest descent once; give up if that fails too.
            if h.iter().enumerate().all(|(k, v)| {
                if k % (n + 1) == 0 {
                    *v == 1.0
                } else {
                    *v == 0.0
                }
            }) {
                let converged = g.iter().fold(0.0f64, |m, v| m.max(v.abs()))
                    < options.gradient_tolerance.sqrt();
                return Minimum {
                    x,
                    value: f,
                    iterations: iteration,
                    evaluations,
                    converged,
                };
            }
            identity(&mut h, 1.0);
            first_step = true;
        }
    }
    Minimum {
        x,
        value: f,
        iterations: options.max_iterations,
        evaluations,
        converged: false,
    }
}

fn update_inverse_hessian(h: &mut [f64], s: &[f64], y: &[f64], sy: f64) {
    let n = s.len();
    let rho = 1.0 / sy;
    // hy = H y
    let hy: Vec<f64> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    h.get(i * n + j).copied().unwrap_or(0.0) * y.get(j).copied().unwrap_or(0.0)
                })
                .sum()
        })
        .collect();
    let yhy = dot(y, &hy);
    for i in 0..n {
        for j in 0..n {
            let (si, sj) = (
                s.get(i).copied().unwrap_or(0.0),
                s.get(j).copied().unwrap_or(0.0),
            );
            let (hyi, hyj) = (
                hy.get(i).copied().unwrap_or(0.0),
                hy.get(j).copied().unwrap_or(0.0),
            );
            if let Some(v) = h.get_mut(i * n + j) {
                *v += (1.0 + yhy * rho) * rho * si * sj - rho * (hyi * sj + si * hyj);
            }
        }
    }
}

/// Nelder-Mead from `x0` with an initial simplex of `scale` along each axis.
pub fn nelder_mead(
    objective: &mut dyn Objective,
    x0: &[f64],
    scale: f64,
    options: &OptimizeOptions,
    on_iteration: &mut dyn FnMut(usize),
) -> Minimum {
    let n = x0.len();
    let mut eval = |x: &[f64]| {
        let v = objective.eval(x, None);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    simplex.push((x0.to_vec(), eval(x0)));
    for i in 0..n {
        let mut v = x0.to_vec();
        if let Some(vi) = v.get_mut(i) {
            *vi += scale;
        }
        let f = eval(&v);
        simplex.push((v, f));
    }
    let mut evaluations = n + 1;
    for iteration in 1..=options.max_iterations * 4 {
        on_iteration(iteration);
        super::sort_by(&mut simplex, |a, b| a.1.total_cmp(&b.1).is_lt());
        let (Some(best), Some(worst)) = (simplex.first(), simplex.last()) else {
            break;
        };
        let (best_f, worst_f) = (best.1, worst.1);
        let spread = simplex
            .iter()
            .flat_map(|(v, _)| v.iter().zip(&best.0).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if (worst_f - best_f).abs() <= 1e-12 * (best_f.abs() + 1.0) && spread < 1e-9 {
            let (x, value) = simplex.swap_remove(0);
            return Minimum {
                x,
                value,
                iterations: iteration,
                evaluations,
                converged: true,
            };
        }
        let mut centroid = vec![0.0; n];
        for (v, _) in simplex.iter().take(n) {
            centroid
                .iter_mut()
                .zip(v)
                .for_each(|(c, x)| *c += x / n as f64);
        }
        let worst_x = worst.0.clone();
        let toward = |t: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&worst_x)
                .map(|(c, w)| c + t * (c - w))
                .collect()
        };
        let reflected = toward(1.0);
        let fr = eval(&reflected);
        evaluations += 1;
        let second_worst = simplex.get(n.saturating_sub(1)).map_or(worst_f, |s| s.1);
        let replacement = if fr < best_f {
            let expanded = toward(2.0);
            let fe = eval(&expanded);
            evaluations += 1;
            if fe < fr {
                Some((expanded, fe))
            } else {
                Some((reflected, fr))
            }
        } else if fr < second_worst {
            Some((reflected, fr))
        } else {
            let contracted = if fr < worst_f {
                toward(0.5)
            } else {
                toward(-0.5)
            };
            let fc = eval(&contracted);
            evaluations += 1;
            (fc < worst_f.min(fr)).then_some((contracted, fc))
        };
        match replacement {
            Some(r) => {
                if let Some(last) = simplex.last_mut() {
                    *last = r;
                }
            }
            None => {
                let best_x = simplex.first().map(|s| s.0.clone()).unwrap_or_default();
                for (v, f) in simplex.iter_mut().skip(1) {
                    v.iter_mut()
                        .zip(&best_x)
                        .for_each(|(x, b)| *x = b + 0.5 * (*x - b));
                    *f = eval(v);
                    evaluations += 1;
                }
            }
        }
    }
    super::sort_by(&mut simplex, |a, b| a.1.total_cmp(&b.1).is_lt());
    let (x, value) = simplex
        .into_iter()
        .next()
        .unwrap_or((x0.to_vec(), f64::INFINITY));
    Minimum {
        x,
        value,
        iterations: options.max_iterations * 4,
        evaluations,
        converged: false,
    }
}

/// Minimizes from several starts: ranks them by value, runs BFGS from the best, and moves on to the next
/// start only while no run has converged (a start in a flat or wrong basin stalls instead of converging).
/// If none converges, the best point is polished with Nelder-Mead and BFGS again. Returns the best point.
pub fn minimize_with_restarts(
    objective: &mut dyn Objective,
    starts: &[Vec<f64>],
    options: &OptimizeOptions,
    on_iteration: &mut dyn FnMut(usize),
) -> Option<Minimum> {
    let mut ranked: Vec<(f64, &Vec<f64>)> = starts
        .iter()
        .map(|s| (objective.eval(s, None), s))
        .filter(|(v, _)| v.is_finite())
        .collect();
    super::sort_by(&mut ranked, |a, b| a.0 < b.0);
    let mut best: Option<Minimum> = None;
    let mut iterations = 0;
    let mut evaluations = starts.len();
    for (_, start) in ranked {
        let offset = iterations;
        let mut count = |i: usize| on_iteration(offset + i);
        let m = bfgs(objective, start, options, &mut count);
        iterations += m.iterations;
        evaluations += m.evaluations;
        let converged = m.converged;
        if best.as_ref().is_none_or(|b| m.value < b.value) && m.value.is_finite() {
            best = Some(m);
        }
        if converged {
            break;
        }
    }
    let mut best = best?;
    if !best.converged {
        let offset = iterations;
        let mut count = |i: usize| on_iteration(offset + i);
        let polished = nelder_mead(objective, &best.x, 0.1, options, &mut count);
        iterations += polished.iterations;
        evaluations += polished.evaluations;
        let offset = iterations;
        let mut count = |i: usize| on_iteration(offset + i);
        let again = bfgs(objective, &polished.x, options, &mut count);
        iterations += again.iterations;
        evaluations += again.evaluations;
        if again.value <= best.value {
            best = again;
        }
    }
    best.iterations = iterations;
    best.evaluations = evaluations;
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rosenbrock;
    impl Objective for Rosenbrock {
        fn eval(&mut self, x: &[f64], grad: Option<&mut [f64]>) -> f64 {
            let (a, b) = (x[0], x[1]);
            if let Some(g) = grad {
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
            }
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        }
    }

    #[test]
    fn bfgs_finds_the_rosenbrock_minimum() {
        let m = bfgs(
            &mut Rosenbrock,
            &[-1.2, 1.0],
            &OptimizeOptions::default(),
            &mut |_| {},
        );
        assert!(m.converged);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6,
            "{:?}",
            m.x
        );
    }

    #[test]
    fn nelder_mead_and_numeric_gradients_agree_with_bfgs() {
        let mut f = NumericGradient(|x: &[f64]| {
            (x[0] - 3.0).powi(2) + 2.0 * (x[1] + 1.0).powi(2) + x[0] * x[1]
        });
        let a = nelder_mead(
            &mut f,
            &[0.0, 0.0],
            1.0,
            &OptimizeOptions::default(),
            &mut |_| {},
        );
        let b = bfgs(
            &mut f,
            &[0.0, 0.0],
            &OptimizeOptions::default(),
            &mut |_| {},
        );
        // Minimum of the quadratic: solve [2 1; 1 4] x = [6; -4].
        let want = [28.0 / 7.0, -14.0 / 7.0];
        for m in [a, b] {
            assert!(
                (m.x[0] - want[0]).abs() < 1e-5 && (m.x[1] - want[1]).abs() < 1e-5,
                "{:?}",
                m.x
            );
        }
    }

    #[test]
    fn infinite_regions_are_backed_away_from() {
        let mut f = NumericGradient(|x: &[f64]| {
            if x[0] > 2.0 {
                f64::INFINITY
            } else {
                (x[0] - 1.9).powi(2)
            }
        });
        let m = bfgs(&mut f, &[0.0], &OptimizeOptions::default(), &mut |_| {});
        assert!((m.x[0] - 1.9).abs() < 1e-5);
    }
}
