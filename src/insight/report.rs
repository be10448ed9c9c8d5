//! One insight run: import, summary, RFM, model fits, predictions, retention what-if, loyalty. A model
//! that cannot be fitted (nobody bought twice, say) does not fail the run: its error is reported and the
//! model-based columns are left empty, while everything else is still computed.

use std::io::BufRead;

use super::bgnbd::{fit_bgnbd, BgNbd};
use super::gamma_gamma::{fit_gamma_gamma, GammaGamma, SpendHistory};
use super::loyalty::{self, LoyaltyStatus};
use super::model::{FitData, FitReport, PurchaseModel, TimeUnit};
use super::options::ModelChoice;
use super::orders::{ImportStats, OrderBook, OrderError, OrderRow};
use super::pareto::{fit_pareto_nbd, ParetoNbd};
use super::predict::{predict, Prediction};
use super::retention::{what_if, RetentionWhatIf};
use super::rfm::{self, RfmScore, Segment};
use super::summary::{CustomerBase, CustomerSummary};
use super::{Date, Stage};
use crate::json::Value;

use super::options::InsightOptions;

/// Why a run could not produce any result.
#[derive(Debug, thiserror::Error)]
pub enum InsightError {
    /// The orders could not be imported.
    #[error(transparent)]
    Orders(#[from] OrderError),
    /// The orders JSON is not an array of objects.
    #[error("orders: expected an array of order objects, got {0}")]
    NotAnArray(&'static str),
}

/// A fitted purchase model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PurchaseFit {
    /// BG/NBD.
    BgNbd(BgNbd),
    /// Pareto/NBD.
    ParetoNbd(ParetoNbd),
}

impl PurchaseFit {
    /// The model as a trait object.
    pub fn model(&self) -> &dyn PurchaseModel {
        match self {
            PurchaseFit::BgNbd(m) => m,
            PurchaseFit::ParetoNbd(m) => m,
        }
    }
}

/// Everything known about one customer.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerInsight {
    /// Purchase summary.
    pub summary: CustomerSummary,
    /// RFM scores, segment, rank, dormancy.
    pub rfm: RfmScore,
    /// Loyalty tier, points and progress.
    pub loyalty: LoyaltyStatus,
    /// Model predictions (`None` when no purchase model could be fitted).
    pub prediction: Option<Prediction>,
}

/// The result of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Insight {
    /// The calibration cut used.
    pub as_of: Date,
    /// The models' time unit.
    pub time_unit: TimeUnit,
    /// What the import read, used and skipped.
    pub stats: ImportStats,
    /// One row per customer, in order of first appearance.
    pub customers: Vec<CustomerInsight>,
    /// The fitted purchase model.
    pub purchase: Option<PurchaseFit>,
    /// Its fit report.
    pub purchase_report: Option<FitReport>,
    /// The fitted spend model.
    pub spend: Option<GammaGamma>,
    /// Its fit report.
    pub spend_report: Option<FitReport>,
    /// Why a requested model is missing (one message per model).
    pub model_errors: Vec<String>,
    /// Retention what-if, one per requested churn reduction (empty without a purchase model).
    pub retention: Vec<RetentionWhatIf>,
    /// Customers per segment, best segment first (segments with nobody included, with 0).
    pub segments: Vec<(Segment, usize)>,
}

/// Imports a CSV stream and runs everything on it.
pub fn run_csv<R: BufRead>(
    reader: R,
    options: &InsightOptions,
    progress: &mut dyn FnMut(Stage, u64, u64),
) -> Result<Insight, InsightError> {
    let mut book = OrderBook::new(options.import.clone());
    book.read_csv(reader, progress)?;
    Ok(run(book.finish()?, options, progress))
}

/// Imports parsed rows and runs everything on them.
pub fn run_rows<'a>(
    rows: impl IntoIterator<Item = &'a OrderRow>,
    options: &InsightOptions,
    progress: &mut dyn FnMut(Stage, u64, u64),
) -> Result<Insight, InsightError> {
    let mut book = OrderBook::new(options.import.clone());
    for (i, row) in rows.into_iter().enumerate() {
        book.add(i, row)?;
    }
    Ok(run(book.finish()?, options, progress))
}

/// Imports a JSON array of order objects (see [`OrderBook::add_json`]) and runs everything on them.
pub fn run_json(
    orders: &Value,
    options: &InsightOptions,
    progress: &mut dyn FnMut(Stage, u64, u64),
) -> Result<Insight, InsightError> {
    let rows = orders
        .as_array()
        .ok_or(InsightError::NotAnArray(orders.type_name()))?;
    let mut book = OrderBook::new(options.import.clone());
    for (i, row) in rows.iter().enumerate() {
        book.add_json(i, row)?;
    }
    Ok(run(book.finish()?, options, progress))
}

/// Runs everything on imported customers.
pub fn run(
    base: CustomerBase,
    options: &InsightOptions,
    progress: &mut dyn FnMut(Stage, u64, u64),
) -> Insight {
    let CustomerBase {
        as_of,
        customers,
        stats,
    } = base;
    let unit = options.time_unit;
    progress(Stage::Rfm, 0, 1);
    let scores = rfm::score(&customers, &options.rfm);
    progress(Stage::Rfm, 1, 1);

    let mut model_errors = Vec::new();
    let (purchase, purchase_report) =
        fit_purchase(&customers, options, &mut model_errors, progress);
    let (spend, spend_report) = if options.fit_spend {
        let data: Vec<SpendHistory> = customers
            .iter()
            .map(|c| SpendHistory {
                frequency: f64::from(c.frequency),
                mean_value: c.average_repeat_spend,
            })
            .collect();
        let mut on_iteration = |i: usize| progress(Stage::FitSpend, i as u64, 0);
        match fit_gamma_gamma(&data, &mut on_iteration) {
            Ok(fit) => (Some(fit.model), Some(fit.report)),
            Err(e) => {
                model_errors.push(e.to_string());
                (None, None)
            }
        }
    } else {
        (None, None)
    };

    let n = customers.len() as u64;
    let rows: Vec<CustomerInsight> = customers
        .iter()
        .zip(scores)
        .enumerate()
        .map(|(i, (c, rfm))| {
            if i % 4096 == 0 {
                progress(Stage::Predict, i as u64, n);
            }
            CustomerInsight {
                summary: c.clone(),
                rfm,
                loyalty: loyalty::status(c, &options.loyalty),
                prediction: purchase
                    .map(|p| predict(p.model(), spend.as_ref(), c, unit, &options.prediction)),
            }
        })
        .collect();
    progress(Stage::Predict, n, n);
    let retention = match purchase {
        Some(p) => what_if(
            p.model(),
            spend.as_ref(),
            &customers,
            unit,
            &options.prediction,
            &options.churn_reductions,
        ),
        None => Vec::new(),
    };
    let segments = Segment::ALL
        .iter()
        .map(|&s| (s, rows.iter().filter(|c| c.rfm.segment == s).count()))
        .collect();
    Insight {
        as_of,
        time_unit: unit,
        stats,
        customers: rows,
        purchase,
        purchase_report,
        spend,
        spend_report,
        model_errors,
        retention,
        segments,
    }
}

fn fit_purchase(
    customers: &[CustomerSummary],
    options: &InsightOptions,
    errors: &mut Vec<String>,
    progress: &mut dyn FnMut(Stage, u64, u64),
) -> (Option<PurchaseFit>, Option<FitReport>) {
    let data = FitData::from_customers(customers, options.time_unit);
    let mut on_iteration = |i: usize| progress(Stage::FitPurchases, i as u64, 0);
    let result = match options.model {
        ModelChoice::None => return (None, None),
        ModelChoice::BgNbd => fit_bgnbd(&data, options.time_unit, &mut on_iteration)
            .map(|f| (PurchaseFit::BgNbd(f.model), f.report)),
        ModelChoice::ParetoNbd => fit_pareto_nbd(&data, options.time_unit, &mut on_iteration)
            .map(|f| (PurchaseFit::ParetoNbd(f.model), f.report)),
    };
    match result {
        Ok((m, r)) => (Some(m), Some(r)),
        Err(e) => {
            errors.push(e.to_string());
            (None, None)
        }
    }
}
