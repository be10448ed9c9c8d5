//! Customer-insight benchmarks, native (`cargo bench --bench insight`). Prints `name: value unit` lines.
//!
//! - CDNOW (2,357 customers, weeks): BG/NBD, Gamma-Gamma, both, and Pareto/NBD fits; median of several
//!   runs. The peer figures come from `www/bench/insight_peer.py` (lifetimes) in the same run.
//! - BG/NBD fit on 1,000,000 customers drawn from a BG/NBD model with a seeded generator (target: <= 3 s).
//! - 10,000,000 order rows generated on the fly as CSV text, streamed through the orders reader into RFM
//!   segments (target: <= 5 s), with the process's peak resident memory.
//!
//! Arguments after `--`: `--quick` for a tenth of the sizes; `cdnow`, `fit1m`, `rfm10m` to run only those.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::time::Instant;

use nextoffer::insight::rfm::{score, RfmOptions};
use nextoffer::insight::synth::{bgnbd_histories, SyntheticOrders};
use nextoffer::insight::{
    fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd, BgNbd, Date, FitData, History, ImportOptions,
    OrderBook, SpendHistory, TimeUnit,
};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    f();
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn cdnow() -> Option<(FitData, Vec<SpendHistory>)> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        ".cache/lifetimes/lifetimes/datasets/cdnow_customers_summary_with_transactions.csv",
    ]
    .iter()
    .collect();
    let text = std::fs::read_to_string(&path).ok()?;
    let mut histories = Vec::new();
    let mut spend = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
        histories.push(History {
            frequency: f[1],
            recency: f[2],
            age: f[3],
        });
        if f[1] > 0.0 {
            spend.push(SpendHistory {
                frequency: f[1],
                mean_value: f[4],
            });
        }
    }
    Some((FitData::new(histories).0, spend))
}

/// CPU seconds this process has used (user + system), from /proc: on a shared machine the wall clock
/// also counts time spent waiting for a core, so both are printed.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let quick = args.iter().any(|a| a == "--quick");
    let scale = if quick { 10 } else { 1 };
    let only: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| only.is_empty() || only.contains(&name);
    if wanted("cdnow") {
        cdnow_fits();
    }
    if wanted("fit1m") {
        fit_million(scale);
    }
    if wanted("rfm10m") {
        rfm_ten_million(scale);
    }
    if let Some(mb) = peak_rss_mb() {
        println!("insight_bench_peak_rss: {mb:.0} MB");
    }
}

fn cdnow_fits() {
    match cdnow() {
        Some((data, spend)) => {
            let unit = TimeUnit::Weeks;
            let bg = time(9, || fit_bgnbd(&data, unit, &mut |_| {}).unwrap());
            let gg = time(9, || fit_gamma_gamma(&spend, &mut |_| {}).unwrap());
            let both = time(9, || {
                (
                    fit_bgnbd(&data, unit, &mut |_| {}).unwrap(),
                    fit_gamma_gamma(&spend, &mut |_| {}).unwrap(),
                )
            });
            let pn = time(5, || fit_pareto_nbd(&data, unit, &mut |_| {}).unwrap());
            println!("cdnow_bgnbd_fit: {bg:.5} s");
            println!("cdnow_gamma_gamma_fit: {gg:.5} s");
            println!("cdnow_bgnbd_plus_gamma_gamma_fit: {both:.5} s");
            println!("cdnow_pareto_nbd_fit: {pn:.5} s");
        }
        None => eprintln!(
            "CDNOW data missing under .cache/lifetimes: run `make data` (CDNOW figures skipped)"
        ),
    }
}

fn fit_million(scale: usize) {
    // A million customers from a CDNOW-like model, in days, fitted in weeks.
    let n = 1_000_000 / scale;
    let truth = BgNbd {
        r: 0.243,
        alpha: 4.414 * 7.0,
        a: 0.793,
        b: 2.426,
    };
    let histories: Vec<History> = bgnbd_histories(&truth, n, 365, 2005)
        .into_iter()
        .map(|h| History {
            frequency: h.frequency,
            recency: h.recency / 7.0,
            age: h.age / 7.0,
        })
        .collect();
    let start = Instant::now();
    let cpu = cpu_seconds();
    let data = FitData::new(histories.iter().copied()).0;
    let fit = fit_bgnbd(&data, TimeUnit::Weeks, &mut |_| {}).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    println!("bgnbd_fit_{n}_customers: {seconds:.3} s");
    println!("bgnbd_fit_{n}_customers_cpu: {:.2} s", cpu_seconds() - cpu);
    println!(
        "bgnbd_fit_{n}_customers_distinct_histories: {} rows",
        data.rows.len()
    );
    let m = fit.model;
    println!(
        "bgnbd_fit_{n}_customers_recovered: r {:.3} alpha {:.3} a {:.3} b {:.3} (true 0.243 4.414 0.793 2.426) params",
        m.r, m.alpha, m.a, m.b
    );
}

fn rfm_ten_million(scale: usize) {
    use std::io::BufRead;
    // Ten million order rows, streamed as CSV text, to RFM segments.
    let rows = 10_000_000 / scale as u64;
    let customers = 1_000_000 / scale as u64;
    let start_date = Date::parse("2023-01-01").unwrap();
    // The generator's own cost, to subtract: the same text produced and thrown away.
    let mut stream = SyntheticOrders::new(rows, customers, start_date, 730, 7);
    let start = Instant::now();
    loop {
        let n = stream.fill_buf().unwrap().len();
        if n == 0 {
            break;
        }
        stream.consume(n);
    }
    println!(
        "rfm_{rows}_rows_generation_only: {:.3} s",
        start.elapsed().as_secs_f64()
    );
    let stream = SyntheticOrders::new(rows, customers, start_date, 730, 7);
    let as_of = stream.end();
    let start = Instant::now();
    let cpu = cpu_seconds();
    let mut book = OrderBook::new(ImportOptions {
        as_of: Some(as_of),
        ..ImportOptions::default()
    });
    book.read_csv(stream, &mut |_, _, _| {}).unwrap();
    let read = start.elapsed().as_secs_f64();
    let base = book.finish().unwrap();
    let finished = start.elapsed().as_secs_f64();
    let scores = score(&base.customers, &RfmOptions::default());
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "rfm_{rows}_rows_stages: read {read:.3} summarize {:.3} score {:.3} s",
        finished - read,
        seconds - finished
    );
    assert_eq!(base.stats.rows_used, rows);
    println!("rfm_{rows}_rows: {seconds:.3} s");
    println!("rfm_{rows}_rows_cpu: {:.2} s", cpu_seconds() - cpu);
    println!(
        "rfm_{rows}_rows_throughput: {:.2} Mrows/s",
        rows as f64 / seconds / 1e6
    );
    println!("rfm_{rows}_rows_customers: {} customers", scores.len());
}
