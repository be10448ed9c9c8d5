//! The customer-insight commands of the CLI: `insight` (per-customer RFM, rank, dormancy, lifetime value,
//! churn risk, timing and loyalty, plus the fitted models) and `fit` (the fitted models alone, written to a
//! file).
//!
//! Both read an orders CSV with the library's streaming reader (`insight::run_csv`), so memory follows
//! customers, not rows. Options on the command line override those of an `--options` JSON file, which uses
//! the keys of `InsightOptions::from_json`. Progress goes to standard error only when it is a terminal, so
//! pipes and tests see nothing but the result and the errors.

use std::io::{BufReader, IsTerminal, Read, Write};

use super::args::{read_file, Args};
use super::Failure;
use nextoffer::insight::{
    run_csv, Date, FitReport, Insight, InsightError, InsightOptions, ModelChoice, Stage,
};
use nextoffer::json::Value;

/// Runs `insight` or `fit` (`command` is known to be one of them).
pub fn run(command: &str, rest: &[String]) -> Result<String, Failure> {
    if command == "fit" {
        let args = Args::parse(
            rest,
            &["-o", "--output", "--as-of", "--model", "--options"],
            &["--lenient"],
        )?;
        fit(&args)
    } else {
        let args = Args::parse(
            rest,
            &["--as-of", "--format", "--model", "--options"],
            &["--lenient"],
        )?;
        insight(&args)
    }
}

/// How `insight` prints its result.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Csv,
}

/// The one orders file of a command.
fn orders_file(args: &Args, command: &str) -> Result<String, Failure> {
    match args.positional.as_slice() {
        [file] => Ok(file.clone()),
        [] => Err(Failure::Usage(format!("{command} needs an orders file"))),
        [_, extra, ..] => Err(Failure::Usage(format!(
            "{command} takes one orders file, got also \"{extra}\""
        ))),
    }
}

/// Options from `--options`, then the command-line overrides. Command-line values are checked before any
/// file is read, so that a bad command line exits with status 2 whatever the files hold.
fn options(args: &Args) -> Result<InsightOptions, Failure> {
    let as_of = args
        .optional("--as-of")
        .map(|text| Date::parse(text).map_err(|e| Failure::Usage(format!("--as-of: {e}"))))
        .transpose()?;
    let model = args
        .optional("--model")
        .map(|text| {
            ModelChoice::parse(text).ok_or_else(|| {
                Failure::Usage(format!(
                    "--model must be bgnbd, pareto or none, not \"{text}\""
                ))
            })
        })
        .transpose()?;
    let mut options = match args.optional("--options") {
        None => InsightOptions::default(),
        Some(file) => {
            let value = nextoffer::json::parse(&read_file(file)?)
                .map_err(|e| Failure::Input(format!("{file}: invalid JSON at {e}")))?;
            InsightOptions::from_json(&value).map_err(|e| Failure::Input(format!("{file}: {e}")))?
        }
    };
    if as_of.is_some() {
        options.import.as_of = as_of;
    }
    if let Some(model) = model {
        options.model = model;
    }
    if args.flag("--lenient") {
        options.import.lenient = true;
    }
    Ok(options)
}

/// Reads and analyses the orders file (`-` is standard input).
fn analyse(file: &str, options: &InsightOptions) -> Result<Insight, Failure> {
    let reader: Box<dyn Read> = if file == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(file)
                .map_err(|e| Failure::Input(format!("{file}: cannot read: {e}")))?,
        )
    };
    let mut progress = Progress::new();
    let result = run_csv(
        BufReader::new(reader),
        options,
        &mut |stage, done, total| progress.report(stage, done, total),
    );
    progress.finish();
    result.map_err(|e: InsightError| Failure::Input(format!("{file}: {e}")))
}

fn insight(args: &Args) -> Result<String, Failure> {
    let format = match args.optional("--format").unwrap_or("json") {
        "json" => Format::Json,
        "csv" => Format::Csv,
        other => {
            return Err(Failure::Usage(format!(
                "--format must be json or csv, not \"{other}\""
            )))
        }
    };
    let file = orders_file(args, "insight")?;
    let options = options(args)?;
    let result = analyse(&file, &options)?;
    match format {
        Format::Json => Ok(result.to_json().to_json()),
        Format::Csv => {
            let s = &result.stats;
            if s.rows_skipped > 0 {
                eprintln!(
                    "nextoffer: skipped {} of {} rows (--lenient); first: {}",
                    s.rows_skipped,
                    s.rows_read,
                    s.skipped_examples.first().map_or("", String::as_str)
                );
            }
            let mut out = Vec::new();
            result
                .write_csv(&mut out)
                .map_err(|e| Failure::Input(format!("cannot write the table: {e}")))?;
            let text = String::from_utf8(out)
                .map_err(|e| Failure::Input(format!("the table is not UTF-8: {e}")))?;
            // `main` prints the result with its own line break.
            Ok(text.trim_end_matches('\n').to_owned())
        }
    }
}

fn fit(args: &Args) -> Result<String, Failure> {
    let output = match (args.optional("-o"), args.optional("--output")) {
        (Some(_), Some(_)) => return Err(Failure::Usage("-o and --output both given".to_owned())),
        (Some(o), None) | (None, Some(o)) => o.to_owned(),
        (None, None) => return Err(Failure::Usage("fit needs -o MODEL.json".to_owned())),
    };
    let file = orders_file(args, "fit")?;
    let mut options = options(args)?;
    if options.model == ModelChoice::None {
        return Err(Failure::Usage(
            "fit needs a purchase model: --model bgnbd or pareto".to_owned(),
        ));
    }
    // The per-customer table is not written, but loyalty and RFM are cheap beside the fits.
    options.churn_reductions.clear();
    let result = analyse(&file, &options)?;
    let Some(purchase) = &result.purchase_report else {
        let why = result.model_errors.first().map_or("", String::as_str);
        return Err(Failure::Input(format!(
            "{file}: no purchase model could be fitted: {why}"
        )));
    };
    let mut text = result.models_json().to_json();
    text.push('\n');
    std::fs::write(&output, text)
        .map_err(|e| Failure::Input(format!("{output}: cannot write: {e}")))?;
    let mut line = summary(purchase);
    match &result.spend_report {
        Some(spend) => {
            line.push_str("; ");
            line.push_str(&summary(spend));
        }
        None => {
            if let Some(why) = result.model_errors.first() {
                line.push_str(&format!("; no spend model: {why}"));
            }
        }
    }
    line.push_str(&format!(" -> {output}"));
    Ok(line)
}

/// `bgnbd r=0.2426 alpha=4.414 a=0.7929 b=2.426 logLikelihood=-9582.43 (weeks, 2357 customers)`.
fn summary(report: &FitReport) -> String {
    let mut line = report.model.to_owned();
    for (name, value) in &report.parameters {
        line.push_str(&format!(" {name}={}", significant(*value)));
    }
    line.push_str(&format!(" logLikelihood={:.2}", report.log_likelihood));
    let unit = report.time_unit.map_or("", |u| u.name());
    let sep = if unit.is_empty() { "" } else { ", " };
    line.push_str(&format!(" ({unit}{sep}{} customers)", report.customers));
    if !report.converged {
        line.push_str(" [not converged]");
    }
    line
}

/// Four significant digits: enough to compare with published figures on one line.
fn significant(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return Value::from(v).to_json();
    }
    let magnitude = v.abs().log10().floor();
    let decimals = (3.0 - magnitude).clamp(0.0, 12.0) as usize;
    format!("{v:.decimals$}")
}

/// Progress on standard error, rewritten in place, only when it is a terminal. The core already reports
/// sparsely (every many thousand rows or customers, every optimizer iteration), so every report is shown.
struct Progress {
    enabled: bool,
    shown: bool,
}

impl Progress {
    fn new() -> Self {
        Progress {
            enabled: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn report(&mut self, stage: Stage, done: u64, total: u64) {
        if !self.enabled {
            return;
        }
        self.shown = true;
        let mut err = std::io::stderr();
        // A failed progress write must not fail the run.
        let _ = if total > 0 {
            write!(err, "\r\x1b[2K{} {done}/{total}", stage.name())
        } else {
            write!(err, "\r\x1b[2K{} {done}", stage.name())
        };
    }

    fn finish(&self) {
        if self.shown {
            let _ = writeln!(std::io::stderr(), "\r\x1b[2Kdone");
        }
    }
}
