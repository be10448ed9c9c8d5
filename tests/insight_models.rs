//! The lifetime-value models beyond the published figures: parameter recovery on simulated customers,
//! invariance to the time unit, the churn-reduction formulas against Monte Carlo, lifetime value and the
//! retention what-if, and lead scoring.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::insight::leads::{Lead, LogisticModel, PointsModel};
use nextoffer::insight::retention::what_if;
use nextoffer::insight::synth::{bgnbd_histories, Rng};
use nextoffer::insight::{
    customer_lifetime_value, fit_bgnbd, fit_pareto_nbd, BgNbd, FitData, GammaGamma, History,
    ParetoNbd, PredictionOptions, PurchaseModel, TimeUnit,
};

const CDNOW_BG: BgNbd = BgNbd {
    r: 0.2426,
    alpha: 4.4136,
    a: 0.7929,
    b: 2.4258,
};
const CDNOW_PN: ParetoNbd = ParetoNbd {
    r: 0.553,
    alpha: 10.578,
    s: 0.606,
    beta: 11.669,
};

fn h(x: f64, tx: f64, t: f64) -> History {
    History {
        frequency: x,
        recency: tx,
        age: t,
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs()
}

#[test]
fn bgnbd_recovers_the_parameters_it_simulated_from() {
    // Rates per day; simulate a year of cohorts, fit in days.
    let truth = BgNbd {
        r: 0.5,
        alpha: 20.0,
        a: 0.8,
        b: 2.5,
    };
    let histories = bgnbd_histories(&truth, 60_000, 365, 42);
    let (data, _) = FitData::new(histories);
    let fit = fit_bgnbd(&data, TimeUnit::Days, &mut |_| {}).unwrap();
    let m = fit.model;
    // Whole-day rounding merges a few same-day purchases, so allow a little bias.
    for (got, want) in [
        (m.r, truth.r),
        (m.alpha, truth.alpha),
        (m.a, truth.a),
        (m.b, truth.b),
    ] {
        assert!(close(got, want, 0.12), "{m:?}");
    }
    assert!(fit.report.converged);
}

#[test]
fn fitting_in_days_or_weeks_gives_the_same_model() {
    let days: Vec<History> = bgnbd_histories(
        &BgNbd {
            r: 0.3,
            alpha: 25.0,
            a: 0.7,
            b: 2.0,
        },
        5_000,
        300,
        9,
    );
    let weeks: Vec<History> = days
        .iter()
        .map(|d| h(d.frequency, d.recency / 7.0, d.age / 7.0))
        .collect();
    let (dd, _) = FitData::new(days.clone());
    let (dw, _) = FitData::new(weeks.clone());
    let fd = fit_bgnbd(&dd, TimeUnit::Days, &mut |_| {}).unwrap();
    let fw = fit_bgnbd(&dw, TimeUnit::Weeks, &mut |_| {}).unwrap();
    assert!(
        close(fd.model.r, fw.model.r, 1e-4)
            && close(fd.model.a, fw.model.a, 1e-4)
            && close(fd.model.b, fw.model.b, 1e-4)
    );
    assert!(close(fd.model.alpha, 7.0 * fw.model.alpha, 1e-4));
    // The densities differ by the Jacobian of the time change: 7^-x per customer.
    let shift: f64 = days.iter().map(|d| d.frequency * 7f64.ln()).sum();
    assert!((fd.report.log_likelihood - (fw.report.log_likelihood - shift)).abs() < 1e-3);
    assert_eq!(fd.report.time_unit, Some(TimeUnit::Days));
    for (d, w) in days.iter().zip(&weeks).take(200) {
        assert!(close(
            fd.model.expected_purchases(70.0, d),
            fw.model.expected_purchases(10.0, w),
            1e-3
        ));
        assert!((fd.model.probability_alive(d) - fw.model.probability_alive(w)).abs() < 1e-4);
    }
}

#[test]
fn predictions_stay_in_range_and_grow_with_the_horizon() {
    let models: [&dyn PurchaseModel; 2] = [&CDNOW_BG, &CDNOW_PN];
    let histories = [
        h(0.0, 0.0, 38.86),
        h(2.0, 30.43, 38.86),
        h(1.0, 1.71, 38.86),
        h(14.0, 38.0, 38.86),
        h(0.0, 0.0, 0.0),
        h(3.0, 3.0, 3.0),
    ];
    for m in models {
        for hist in &histories {
            let alive = m.probability_alive(hist);
            assert!((0.0..=1.0).contains(&alive), "{} {hist:?}", m.name());
            let mut last = 0.0;
            for t in [0.0, 1.0, 10.0, 52.0, 520.0] {
                let e = m.expected_purchases(t, hist);
                let p = m.probability_of_purchase(t, hist);
                assert!(
                    e.is_finite() && e >= last - 1e-12,
                    "{} {hist:?} {t}",
                    m.name()
                );
                assert!((0.0..=alive + 1e-12).contains(&p));
                // At least one purchase is never likelier than the expected count.
                assert!(p <= e + 1e-12);
                last = e;
            }
            assert_eq!(
                m.expected_purchases_with_less_churn(20.0, hist, 0.0),
                m.expected_purchases(20.0, hist)
            );
            assert!(
                m.expected_purchases_with_less_churn(20.0, hist, 0.2)
                    >= m.expected_purchases(20.0, hist)
            );
            assert!(m.expected_time_to_next_purchase(hist) > 0.0);
        }
    }
    // Nobody who never came back is "surely dead" in BG/NBD: dropout happens only after a repeat purchase.
    assert_eq!(CDNOW_BG.probability_alive(&h(0.0, 0.0, 38.86)), 1.0);
}

#[test]
fn bgnbd_churn_reduction_matches_monte_carlo_over_the_posterior() {
    // Given alive: λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x); dropout scaled by (1-k): purchases in t are
    // (1 - e^(-λ p' t)) / p' in expectation (geometric number of Poisson events, truncated at t).
    let m = BgNbd {
        r: 0.9,
        alpha: 6.0,
        a: 1.7,
        b: 3.0,
    };
    let hist = h(3.0, 20.0, 30.0);
    let (t, k) = (26.0, 0.25);
    let mut rng = Rng::new(11);
    let n = 400_000;
    let mut sum = 0.0;
    for _ in 0..n {
        let lambda = rng.gamma(m.r + hist.frequency) / (m.alpha + hist.age);
        let p = (1.0 - k) * rng.beta(m.a, m.b + hist.frequency);
        sum += -(-lambda * p * t).exp_m1() / p;
    }
    let monte_carlo = sum / n as f64;
    let formula = m.expected_purchases_with_less_churn(t, &hist, k) / m.probability_alive(&hist);
    assert!(
        close(formula, monte_carlo, 0.01),
        "{formula} vs {monte_carlo}"
    );
    let base = m.expected_purchases(t, &hist) / m.probability_alive(&hist);
    assert!(formula > base);
}

#[test]
fn pareto_churn_reduction_is_a_rescaled_dropout_posterior() {
    let hist = h(2.0, 30.43, 38.86);
    let (t, k) = (39.0, 0.1);
    // μ' = (1-k) μ: the posterior Gamma(s, β+T) becomes Gamma(s, (β+T)/(1-k)) = a model with β' + T.
    let scaled = ParetoNbd {
        beta: (CDNOW_PN.beta + hist.age) / (1.0 - k) - hist.age,
        ..CDNOW_PN
    };
    let want = CDNOW_PN.probability_alive(&hist) * scaled.expected_purchases(t, &hist)
        / scaled.probability_alive(&hist);
    assert!(close(
        CDNOW_PN.expected_purchases_with_less_churn(t, &hist, k),
        want,
        1e-12
    ));
}

#[test]
fn lifetime_value_is_the_discounted_sum_of_monthly_purchases() {
    let hist = h(2.0, 30.43, 38.86);
    let one_month = customer_lifetime_value(&CDNOW_BG, &hist, 25.0, 1, 0.0, TimeUnit::Weeks);
    assert!(close(
        one_month,
        25.0 * CDNOW_BG.expected_purchases(4.345, &hist),
        1e-12
    ));
    let undiscounted = customer_lifetime_value(&CDNOW_BG, &hist, 25.0, 12, 0.0, TimeUnit::Weeks);
    assert!(close(
        undiscounted,
        25.0 * CDNOW_BG.expected_purchases(12.0 * 4.345, &hist),
        1e-12
    ));
    let discounted = customer_lifetime_value(&CDNOW_BG, &hist, 25.0, 12, 0.01, TimeUnit::Weeks);
    assert!(discounted < undiscounted && discounted > undiscounted / 1.01f64.powi(12));
    let gg = GammaGamma {
        p: 6.25,
        q: 3.74,
        gamma: 15.44,
    };
    // A one-time buyer is expected to spend the population mean p·γ/(q-1).
    assert!(close(
        gg.expected_spend(0.0, 0.0),
        6.25 * 15.44 / 2.74,
        1e-12
    ));
    // Many purchases: the customer's own average dominates.
    assert!((gg.expected_spend(200.0, 40.0) - 40.0).abs() < 0.2);
}

#[test]
fn retention_what_if_grows_with_the_churn_reduction() {
    let histories = bgnbd_histories(
        &BgNbd {
            r: 0.4,
            alpha: 30.0,
            a: 0.8,
            b: 2.4,
        },
        300,
        365,
        5,
    );
    let mut rng = Rng::new(17);
    // Each customer spends around their own mean, which varies across customers (Gamma-Gamma's story).
    let means: Vec<f64> = histories
        .iter()
        .map(|_| 10.0 + 10.0 * rng.gamma(3.0))
        .collect();
    let mut amount = move |i: usize| (means[i] * rng.gamma(6.0) / 6.0 * 100.0).round() / 100.0;
    let csv: String = std::iter::once("customer_id,date,amount".to_string())
        .chain(histories.iter().enumerate().flat_map(|(i, hist)| {
            // Customer i: first purchase `age` days before 2024-12-31, then x purchases up to t_x.
            let end = nextoffer::insight::Date::parse("2024-12-31").unwrap();
            let first = end.add_days(-(hist.age as i32));
            let mut rows = vec![format!("c{i},{first},{}", amount(i))];
            for j in 1..=hist.frequency as i32 {
                let day = first.add_days((hist.recency as i32 * j) / hist.frequency as i32);
                rows.push(format!("c{i},{day},{}", amount(i)));
            }
            rows
        }))
        .collect::<Vec<_>>()
        .join("\n");
    let mut options = nextoffer::insight::InsightOptions::default();
    options.import.as_of = nextoffer::insight::Date::parse("2024-12-31").ok();
    options.churn_reductions = vec![0.05, 0.25];
    let insight = nextoffer::insight::run_csv(csv.as_bytes(), &options, &mut |_, _, _| {}).unwrap();
    assert!(
        insight.model_errors.is_empty(),
        "{:?}",
        insight.model_errors
    );
    let r = &insight.retention;
    assert_eq!(r.len(), 2);
    assert!(r[0].change > 0.0 && r[1].change > r[0].change);
    assert!(close(
        r[0].change_share,
        r[0].change / r[0].base_value,
        1e-12
    ));
    assert!(
        r[1].improved_purchases > r[0].improved_purchases
            && r[0].improved_purchases > r[0].base_purchases
    );
    // The base value is the sum of the customers' lifetime values.
    let total: f64 = insight
        .customers
        .iter()
        .filter_map(|c| c.prediction.and_then(|p| p.lifetime_value))
        .sum();
    assert!(
        close(r[0].base_value, total, 1e-9),
        "{} vs {total}",
        r[0].base_value
    );
    // Directly, on the fitted model too.
    let model = insight.purchase.unwrap();
    let direct = what_if(
        model.model(),
        insight.spend.as_ref(),
        &insight
            .customers
            .iter()
            .map(|c| c.summary.clone())
            .collect::<Vec<_>>(),
        TimeUnit::Weeks,
        &PredictionOptions::default(),
        &[0.05],
    );
    assert_eq!(direct[0], r[0]);
}

#[test]
fn pareto_nbd_fits_simulated_bgnbd_customers_without_trouble() {
    let histories = bgnbd_histories(
        &BgNbd {
            r: 0.4,
            alpha: 30.0,
            a: 0.8,
            b: 2.4,
        },
        600,
        365,
        8,
    );
    let (data, _) = FitData::new(histories);
    let fit = fit_pareto_nbd(&data, TimeUnit::Days, &mut |_| {}).unwrap();
    assert!(fit.report.log_likelihood.is_finite());
    assert!(fit.model.r > 0.0 && fit.model.s > 0.0);
}

fn lead(attrs: &[(&str, &str)], events: &[&str]) -> Lead {
    Lead {
        id: "x".into(),
        attributes: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        events: events.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn lead_points_rank_executive_demo_requests_above_student_downloads_with_reasons() {
    let m = PointsModel::default();
    let exec = m.score(&lead(
        &[("job_level", "Executive"), ("company_size", "1000+")],
        &["demo_request", "demo_request"],
    ));
    assert_eq!((exec.points, exec.grade.as_str()), (80.0, "A"));
    // Largest contribution first; equal ones by rule name.
    let rules: Vec<&str> = exec.reasons.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(
        rules,
        [
            "event:demo_request",
            "job_level=executive",
            "company_size=1000+"
        ]
    );
    assert_eq!(exec.reasons.len(), 3);
    let student = m.score(&lead(&[("job_level", "student")], &["content_download"]));
    assert_eq!((student.points, student.grade.as_str()), (-15.0, "D"));
    let attrs = exec.attributes();
    assert_eq!(attrs[0].0, "leadGrade");
    let json = exec.to_json().to_json();
    assert!(json.starts_with(r#"{"id":"x","points":80,"grade":"A","reasons":[{"rule":"event:demo_request","points":30}"#), "{json}");
}

#[test]
fn logistic_lead_model_learns_signs_and_rejects_one_class_data() {
    let mut rng = Rng::new(3);
    let mut data = Vec::new();
    for _ in 0..2_000 {
        let exec = rng.uniform() < 0.3;
        let demo = rng.uniform() < 0.4;
        let student = !exec && rng.uniform() < 0.3;
        let logit: f64 = -1.5 + if exec { 1.2 } else { 0.0 } + if demo { 2.0 } else { 0.0 }
            - if student { 1.0 } else { 0.0 };
        let won = rng.uniform() < 1.0 / (1.0 + (-logit).exp());
        let level = if exec {
            "executive"
        } else if student {
            "student"
        } else {
            "manager"
        };
        data.push((
            lead(
                &[("job_level", level)],
                if demo { &["demo_request"] } else { &[] },
            ),
            won,
        ));
    }
    let m = LogisticModel::fit(&data, 1.0).unwrap();
    let coef = |name: &str| m.coefficients.iter().find(|(n, _)| n == name).unwrap().1;
    assert!(
        coef("event:demo_request") > 1.5 && coef("event:demo_request") < 2.5,
        "{m:?}"
    );
    assert!(coef("job_level=executive") > coef("job_level=manager"));
    assert!(coef("job_level=student") < coef("job_level=manager"));
    assert!(m.log_likelihood.is_finite() && m.examples == 2_000);
    let only_won: Vec<(Lead, bool)> = data
        .iter()
        .take(5)
        .map(|(l, _)| (l.clone(), true))
        .collect();
    assert_eq!(
        LogisticModel::fit(&only_won, 1.0).unwrap_err().to_string(),
        "logistic lead model: needs both won and lost leads (got 5 won, 0 lost)"
    );
}
