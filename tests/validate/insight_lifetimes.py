#!/usr/bin/env python3
"""Checks nextoffer's customer-insight models against the Python `lifetimes` package (0.11.3) on the whole
CDNOW sample.

Per customer, for BG/NBD, Pareto/NBD and Gamma-Gamma: probability alive, expected purchases and probability
of at least one purchase over the horizon, expected spend per purchase, 12-month discounted lifetime value.
 - at the same parameters (nextoffer's fit loaded into lifetimes' fitters): agreement to 1e-6 relative;
 - each side with its own fit: agreement to 1e-3 relative;
 - the orders import of the raw transactions (cut at 1997-09-30) against `summary_data_from_transaction_data`:
   frequency, recency and age exactly, repeat-purchase value to 1e-9.
Relative comparisons use |a - b| <= tol * |b| + 1e-12 (the floor keeps values of order 1e-15 from failing on
rounding noise). Exits non-zero on any failure. Run by `make test` in a venv with
`tests/validate/insight_lifetimes.requirements.txt`.

Usage: python tests/validate/insight_lifetimes.py  (from anywhere; the repo root is found from this file)
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from lifetimes.utils import summary_data_from_transaction_data

# lifetimes itself logs log(0) for customers without repeat purchases; the values are right.
warnings.filterwarnings("ignore", category=RuntimeWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, ".cache", "lifetimes", "lifetimes", "datasets")
SUMMARY = os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv")
RAW = os.path.join(DATA, "CDNOW_sample.txt")
HORIZON = 39.0  # weeks
AS_OF = "1997-09-30"

failures = []
passed = 0


def dump(*args):
    cmd = ["cargo", "run", "--quiet", "--release", "--example", "insight_dump", "--", *args]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def compare(name, ours, theirs, tol):
    global passed
    ours = np.asarray(ours, dtype=float)
    theirs = np.asarray(theirs, dtype=float)
    if ours.shape != theirs.shape:
        failures.append(f"{name}: {ours.shape} values against {theirs.shape}")
        return
    if not np.all(np.isfinite(ours)):
        failures.append(f"{name}: nextoffer gave non-finite values")
        return
    err = np.abs(ours - theirs)
    bad = err > tol * np.abs(theirs) + 1e-12
    worst = float(np.max(err / np.maximum(np.abs(theirs), 1e-300)))
    if np.any(bad):
        i = int(np.argmax(bad))
        failures.append(f"{name}: {int(bad.sum())} customers beyond {tol:g} (first #{i}: {ours[i]!r} vs {theirs[i]!r})")
    else:
        passed += 1
        print(f"ok  {name:<44} max relative difference {worst:.2e} (tolerance {tol:g})")


def set_params(fitter, params):
    fitter.params_ = pd.Series(params)
    # fit() would set this alias; lifetimes' lifetime value calls it.
    if hasattr(fitter, "conditional_expected_number_of_purchases_up_to_time"):
        fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time
    return fitter


def outputs(bg, pn, gg, d):
    """Per-customer outputs of lifetimes at the fitters' current parameters."""
    x, tx, T, zbar = d["x"], d["t_x"], d["T"], d["zbar"]
    r, alpha = bg.params_["r"], bg.params_["alpha"]
    bg_alive = bg.conditional_probability_alive(x, tx, T)
    spend = gg.conditional_expected_average_profit(x, zbar)
    out = {
        "gg_spend": spend,
        "bg_alive": bg_alive,
        "bg_expected": bg.conditional_expected_number_of_purchases_up_to_time(HORIZON, x, tx, T),
        # lifetimes has no conditional P(Y(t) > 0) for BG/NBD: alive, the next purchase comes within t with
        # probability 1 - ((alpha+T)/(alpha+T+t))^(r+x).
        "bg_prob_purchase": bg_alive * (1 - ((alpha + T) / (alpha + T + HORIZON)) ** (r + x)),
        "bg_clv": gg.customer_lifetime_value(bg, x, tx, T, zbar, time=12, discount_rate=0.01, freq="W"),
        "pn_alive": pn.conditional_probability_alive(x, tx, T),
        "pn_expected": pn.conditional_expected_number_of_purchases_up_to_time(HORIZON, x, tx, T),
        "pn_prob_purchase": 1 - pn.conditional_probability_of_n_purchases_up_to_time(0, HORIZON, x, tx, T),
        "pn_clv": gg.customer_lifetime_value(pn, x, tx, T, zbar, time=12, discount_rate=0.01, freq="W"),
    }
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def main():
    if not (os.path.exists(SUMMARY) and os.path.exists(RAW)):
        print(f"CDNOW data missing under {DATA}: run `make data` first", file=sys.stderr)
        return 1
    d = pd.read_csv(SUMMARY)
    rust = dump("summary", SUMMARY, "--horizon", str(HORIZON))
    ours = {k: np.array([c[k] for c in rust["customers"]], dtype=float) for k in rust["customers"][0] if k != "id"}
    if [str(c["id"]) for c in rust["customers"]] != [str(i) for i in d["ID"]]:
        failures.append("customer order differs between the dump and the summary file")

    bgp, pnp, ggp = (rust[m]["parameters"] for m in ("bgnbd", "pareto_nbd", "gamma_gamma"))
    bg = set_params(BetaGeoFitter(), {k: bgp[k] for k in ("r", "alpha", "a", "b")})
    pn = set_params(ParetoNBDFitter(), {k: pnp[k] for k in ("r", "alpha", "s", "beta")})
    gg = set_params(GammaGammaFitter(), {"p": ggp["p"], "q": ggp["q"], "v": ggp["gamma"]})
    theirs = outputs(bg, pn, gg, d)
    for key, values in theirs.items():
        compare(f"same parameters: {key}", ours[key], values, 1e-6)

    # Each side's own fit. lifetimes starts Pareto/NBD from a random point: seed it, so the check is repeatable.
    np.random.seed(2005)
    bg_fit = BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
    pn_fit = ParetoNBDFitter().fit(d["x"], d["t_x"], d["T"])
    repeat = d[d["x"] > 0]
    gg_fit = GammaGammaFitter().fit(repeat["x"], repeat["zbar"])
    print("lifetimes fits:", dict(bg_fit.params_), dict(pn_fit.params_), dict(gg_fit.params_))
    print("nextoffer fits:", bgp, pnp, ggp)
    theirs = outputs(bg_fit, pn_fit, gg_fit, d)
    for key, values in theirs.items():
        compare(f"own fits: {key}", ours[key], values, 1e-3)

    # The orders import against lifetimes' summary of the raw transactions.
    raw = pd.read_csv(RAW, sep=r"\s+", header=None, names=["master", "id", "date", "cds", "amount"], dtype={"id": str, "date": str})
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    summ = summary_data_from_transaction_data(
        raw, "id", "date", monetary_value_col="amount", observation_period_end=AS_OF, freq="D"
    )
    imported = dump("orders", RAW, "--as-of", AS_OF)
    got = pd.DataFrame(imported["customers"]).set_index("id").loc[summ.index]
    compare("import: frequency", got["frequency"], summ["frequency"], 0.0)
    compare("import: recency (days)", got["recency_days"], summ["recency"], 0.0)
    compare("import: age T (days)", got["age_days"], summ["T"], 0.0)
    compare("import: repeat purchase value", got["monetary_value"], summ["monetary_value"], 1e-9)

    for f in failures:
        print(f"FAIL {f}")
    print(f"insight_lifetimes: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
