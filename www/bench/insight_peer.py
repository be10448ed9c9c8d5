#!/usr/bin/env python3
"""The peer side of the insight benchmark: `lifetimes` 0.11.3 fitting BG/NBD, Gamma-Gamma and Pareto/NBD on
the CDNOW sample (weeks), timed in the same run as nextoffer's `cargo bench --bench insight`.

Prints `name: value unit` lines (median of several runs, after one warm-up), like benches/insight.rs:
    lifetimes_cdnow_bgnbd_fit: 0.151 s
Needs the venv from tests/validate/insight_lifetimes.requirements.txt and the data from `make data`.

Usage: python www/bench/insight_peer.py [--runs N]
"""
import os
import statistics
import sys
import time
import warnings

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

warnings.filterwarnings("ignore", category=RuntimeWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUMMARY = os.path.join(ROOT, ".cache", "lifetimes", "lifetimes", "datasets", "cdnow_customers_summary_with_transactions.csv")


def timed(fn, runs):
    fn()  # warm-up (imports, autograd tracing caches)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    runs = 5
    if "--runs" in sys.argv:
        runs = int(sys.argv[sys.argv.index("--runs") + 1])
    if not os.path.exists(SUMMARY):
        print(f"{SUMMARY} is missing: run `make data` first", file=sys.stderr)
        return 1
    d = pd.read_csv(SUMMARY)
    repeat = d[d["x"] > 0]

    def bgnbd():
        return BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])

    def gamma_gamma():
        return GammaGammaFitter().fit(repeat["x"], repeat["zbar"])

    def both():
        bgnbd()
        gamma_gamma()

    def pareto():
        return ParetoNBDFitter().fit(d["x"], d["t_x"], d["T"])

    print(f"lifetimes_cdnow_bgnbd_fit: {timed(bgnbd, runs):.4f} s")
    print(f"lifetimes_cdnow_gamma_gamma_fit: {timed(gamma_gamma, runs):.4f} s")
    print(f"lifetimes_cdnow_bgnbd_plus_gamma_gamma_fit: {timed(both, runs):.4f} s")
    print(f"lifetimes_cdnow_pareto_nbd_fit: {timed(pareto, max(1, runs // 2)):.4f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
