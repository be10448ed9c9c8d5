#!/usr/bin/env python3
"""Checks nextoffer's recommendation module against peers on MovieLens 100k, users as baskets of the items
they rated 4 or more (942 baskets, 1,447 items):
 - frequent itemsets at min support 0.25 (and 0.10, 3,683 sets) equal mlxtend's fpgrowth: same sets, support
   to 1e-9;
 - every association rule of those itemsets equals mlxtend's association_rules (same rules; antecedent and
   consequent support, support, confidence, lift, leverage, conviction to 1e-9);
 - the top-20 item-item cosine neighbours of every item equal a direct numpy computation (values to 1e-9,
   and they are the 20 largest of each row), and agree with implicit's CosineRecommender (float32, 1e-6);
 - the probability that treatment beats control equals scipy's numerical integration of the two Beta
   posteriors (to 1e-8).
Exits non-zero on any failure. Run by `make test` in a venv with
`tests/validate/recommend_peers.requirements.txt`; needs the data from `make data`.

Usage: python tests/validate/recommend_peers.py  (from anywhere; the repo root is found from this file)
"""
import io
import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
from mlxtend.frequent_patterns import association_rules, fpgrowth
from scipy import integrate, sparse
from scipy.stats import beta

# implicit warns that it converts its input to CSR; the values are what is checked.
warnings.filterwarnings("ignore", module="implicit")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INTER = os.path.join(ROOT, ".cache", "recbole", "recbole", "dataset_example", "ml-100k", "ml-100k.inter")
TOL = 1e-9
METRICS = ["antecedent support", "consequent support", "support", "confidence", "lift", "leverage", "conviction"]

failures = []
passed = 0


def check(name, ok, detail=""):
    global passed
    if ok:
        passed += 1
        print(f"ok: {name}")
    else:
        failures.append(f"{name}: {detail}")
        print(f"FAIL: {name}: {detail}")


def dump(*args):
    cmd = ["cargo", "run", "--quiet", "--release", "--example", "recommend_dump", "--", *map(str, args)]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
    return pd.read_csv(io.StringIO(out.stdout), sep="\t", dtype=str, keep_default_na=False)


def itemset(text):
    return frozenset(int(x) for x in text.split(",")) if text else frozenset()


def close(a, b, tol=TOL):
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol


def validate_itemsets_and_rules(matrix, min_support):
    theirs = fpgrowth(matrix, min_support=min_support, use_colnames=True)
    their_sets = {frozenset(int(i) for i in s): float(v) for s, v in zip(theirs["itemsets"], theirs["support"])}
    ours = dump("itemsets", INTER, min_support)
    our_sets = {itemset(s): float(v) for s, v in zip(ours["itemsets"], ours["support"])}
    check(
        f"itemsets at {min_support}: same {len(their_sets)} sets as mlxtend",
        our_sets.keys() == their_sets.keys() and len(ours) == len(our_sets),
        f"ours {len(our_sets)} ({len(ours)} rows), mlxtend {len(their_sets)}; "
        f"only ours: {list(our_sets.keys() - their_sets.keys())[:3]}, only mlxtend: {list(their_sets.keys() - our_sets.keys())[:3]}",
    )
    worst = max((abs(our_sets[k] - v) for k, v in their_sets.items() if k in our_sets), default=0.0)
    check(f"itemsets at {min_support}: support to 1e-9", worst <= TOL, f"worst difference {worst}")

    their_rules = association_rules(theirs, num_itemsets=len(matrix), metric="confidence", min_threshold=0.0)
    their_map = {
        (frozenset(int(i) for i in a), frozenset(int(i) for i in c)): {m: float(row[m]) for m in METRICS}
        for a, c, (_, row) in zip(their_rules["antecedents"], their_rules["consequents"], their_rules.iterrows())
    }
    ours = dump("rules", INTER, min_support)
    our_map = {
        (itemset(a), itemset(c)): {m: float(row[m]) for m in METRICS}
        for a, c, (_, row) in zip(ours["antecedents"], ours["consequents"], ours.iterrows())
    }
    check(
        f"rules at {min_support}: same {len(their_map)} rules as mlxtend",
        our_map.keys() == their_map.keys() and len(ours) == len(our_map),
        f"ours {len(our_map)}, mlxtend {len(their_map)}",
    )
    for m in METRICS:
        bad = [k for k, v in their_map.items() if k in our_map and not close(our_map[k][m], v[m])]
        worst = max(
            (abs(our_map[k][m] - v[m]) for k, v in their_map.items() if k in our_map and not math.isinf(v[m])),
            default=0.0,
        )
        check(f"rules at {min_support}: {m} to 1e-9", not bad, f"{len(bad)} differ, e.g. {bad[:2]}; worst {worst}")


def validate_cosine(matrix, k=20):
    items = np.array([int(c) for c in matrix.columns])
    x = matrix.to_numpy(dtype=np.float64)
    counts = x.T @ x
    norms = np.sqrt(np.diag(counts))
    cos = counts / np.outer(norms, norms)
    np.fill_diagonal(cos, 0.0)
    col = {item: j for j, item in enumerate(items)}
    ours = dump("cosine", INTER, k)
    ours["item"] = ours["item"].astype(int)
    ours["neighbour"] = ours["neighbour"].astype(int)
    ours["cosine"] = ours["cosine"].astype(float)
    worst_value = 0.0
    wrong_rows = []
    for item, group in ours.groupby("item", sort=False):
        i = col[item]
        expected = np.array([cos[i, col[n]] for n in group["neighbour"]])
        worst_value = max(worst_value, float(np.max(np.abs(expected - group["cosine"].to_numpy()))))
        row = np.sort(cos[i][cos[i] > 0])[::-1][:k]
        got = np.sort(group["cosine"].to_numpy())[::-1]
        if len(row) != len(got) or np.max(np.abs(row - got)) > TOL:
            wrong_rows.append(item)
    rows_with_neighbours = int(np.sum(np.any(cos > 0, axis=1)))
    check(
        f"cosine: a list for each of the {rows_with_neighbours} items with a co-rated item",
        ours["item"].nunique() == rows_with_neighbours,
        f"{ours['item'].nunique()} lists",
    )
    check("cosine: values equal numpy to 1e-9", worst_value <= TOL, f"worst difference {worst_value}")
    check(f"cosine: each list holds the row's {k} largest values", not wrong_rows, f"rows {wrong_rows[:5]}")

    # implicit keeps K neighbours per item including the item itself; ask for k + 1.
    from implicit.nearest_neighbours import CosineRecommender

    model = CosineRecommender(K=k + 1)
    model.fit(sparse.csr_matrix(x), show_progress=False)
    sim = model.similarity.tocoo()
    pairs = {(items[r], items[c]): v for r, c, v in zip(sim.row, sim.col, sim.data) if r != c}
    our_pairs = {(a, b): v for a, b, v in zip(ours["item"], ours["neighbour"], ours["cosine"])}
    common = pairs.keys() & our_pairs.keys()
    worst = max((abs(pairs[p] - our_pairs[p]) for p in common), default=1.0)
    check(
        f"cosine: {len(common)} pairs shared with implicit's CosineRecommender agree to 1e-6",
        len(common) > 0.9 * len(our_pairs) and worst <= 1e-6,
        f"{len(common)} of {len(our_pairs)} shared, worst difference {worst}",
    )


def validate_lift():
    for xt, nt, xc, nc in [(120, 1000, 100, 1000), (5, 40, 2, 50), (3, 10, 1, 10), (310, 10000, 250, 10000), (40, 500, 55, 520)]:
        ours = dump("lift", xt, nt, xc, nc)
        p = float(ours["probability"][0])
        at, bt, ac, bc = 1 + xt, 1 + nt - xt, 1 + xc, 1 + nc - xc
        lo = min(beta.ppf(1e-12, at, bt), beta.ppf(1e-12, ac, bc))
        hi = max(beta.isf(1e-12, at, bt), beta.isf(1e-12, ac, bc))
        pts = [beta.mean(at, bt), beta.mean(ac, bc)]
        theirs, _ = integrate.quad(
            lambda t: beta.pdf(t, at, bt) * beta.cdf(t, ac, bc), lo, hi, points=pts, limit=500, epsabs=1e-13, epsrel=1e-12
        )
        check(f"P(treatment beats control) for {xt}/{nt} vs {xc}/{nc} equals scipy's integral", abs(p - theirs) <= 1e-8, f"{p} vs {theirs}")


def main():
    if not os.path.exists(INTER):
        print(f"{INTER} is missing: run `make data` first", file=sys.stderr)
        return 1
    ratings = pd.read_csv(INTER, sep="\t")
    ratings.columns = ["user", "item", "rating", "timestamp"]
    liked = ratings[ratings["rating"] >= 4]
    matrix = pd.crosstab(liked["user"], liked["item"]).astype(bool)
    print(f"MovieLens 100k, ratings >= 4: {matrix.shape[0]} baskets, {matrix.shape[1]} items")
    for s in (0.25, 0.10):
        validate_itemsets_and_rules(matrix, s)
    validate_cosine(matrix)
    validate_lift()
    print(f"recommend_peers: {passed} passed, {len(failures)} failed")
    for f in failures:
        print(f"  {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
