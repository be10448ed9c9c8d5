#!/usr/bin/env python3
"""The peer side of the recommendation benchmark, timed in the same run as nextoffer's
`cargo bench --bench recommend`, on MovieLens 100k with users as baskets of the items they rated 4 or more:
 - mlxtend's fpgrowth + association_rules at min support 0.05 and min confidence 0.5 (one run: about 1.5
   minutes), and fpgrowth alone (median of several runs);
 - implicit's CosineRecommender(K=21).fit (20 neighbours besides the item itself; median of several runs).

Prints `name: value unit` lines, like benches/recommend.rs, with the itemset and rule counts so that both
sides are seen to do the same work:
    mlxtend_ml100k_fpgrowth_rules_s005_c05: 91234.5 ms
Needs the venv from tests/validate/recommend_peers.requirements.txt and the data from `make data`.

With `--serve-fits`, it prepares implicit's matrix, fits twice (warm-up), prints `ready THREADS` and then, for
each line `N` read from standard input, fits N times and prints the N times in ms on one line: the Wasm bench
(www/bench/recommend_wasm.mjs) alternates rounds of its own builds with rounds of these fits, so that both
figures of the ratio come from the same minutes of a shared machine.

Usage: python www/bench/recommend_peer.py [--runs N] [--skip-rules] [--serve-fits]
"""
import os
import statistics
import sys
import time
import warnings

import pandas as pd
from scipy import sparse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INTER = os.path.join(ROOT, ".cache", "recbole", "recbole", "dataset_example", "ml-100k", "ml-100k.inter")
MIN_SUPPORT = 0.05
MIN_CONFIDENCE = 0.5

# implicit warns about thread pools and input formats; timings are what matter here.
warnings.filterwarnings("ignore")


def timed(fn, runs):
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def openmp_threads():
    """The OpenMP pool size implicit's loops get (threadpoolctl when installed, else the core count)."""
    try:
        from threadpoolctl import threadpool_info

        sizes = [i["num_threads"] for i in threadpool_info() if i.get("user_api") == "openmp"]
        if sizes:
            return max(sizes)
    except ImportError:
        pass
    return os.cpu_count() or 1


def liked_matrix():
    """Users (rows) by the items they rated 4 or more (columns), as a boolean DataFrame."""
    ratings = pd.read_csv(INTER, sep="\t")
    ratings.columns = ["user", "item", "rating", "timestamp"]
    liked = ratings[ratings["rating"] >= 4]
    return pd.crosstab(liked["user"], liked["item"]).astype(bool)


def cosine_fit(user_items):
    """implicit's CosineRecommender with 20 neighbours besides the item itself, fitted."""
    from implicit.nearest_neighbours import CosineRecommender

    model = CosineRecommender(K=21)
    model.fit(user_items, show_progress=False)
    return model


def serve_fits():
    user_items = sparse.csr_matrix(liked_matrix().to_numpy(dtype="float64"))
    model = cosine_fit(user_items)
    cosine_fit(user_items)
    print(f"ready {model.num_threads or openmp_threads()}", flush=True)
    for line in sys.stdin:
        times = []
        for _ in range(int(line)):
            start = time.perf_counter()
            cosine_fit(user_items)
            times.append((time.perf_counter() - start) * 1e3)
        print(" ".join(f"{t:.4f}" for t in times), flush=True)
    return 0


def main():
    if "--serve-fits" in sys.argv:
        return serve_fits()
    runs = 5
    if "--runs" in sys.argv:
        runs = int(sys.argv[sys.argv.index("--runs") + 1])
    if not os.path.exists(INTER):
        print(f"{INTER} is missing: run `make data` first", file=sys.stderr)
        return 1
    from mlxtend.frequent_patterns import association_rules, fpgrowth

    matrix = liked_matrix()
    print(f"mlxtend_ml100k_baskets: {matrix.shape[0]} baskets")

    fp = timed(lambda: fpgrowth(matrix, min_support=MIN_SUPPORT), max(1, runs // 2))
    print(f"mlxtend_ml100k_fpgrowth_s005: {fp * 1e3:.1f} ms")
    if "--skip-rules" not in sys.argv:
        start = time.perf_counter()
        sets = fpgrowth(matrix, min_support=MIN_SUPPORT)
        rules = association_rules(sets, num_itemsets=len(matrix), metric="confidence", min_threshold=MIN_CONFIDENCE)
        total = time.perf_counter() - start
        print(f"mlxtend_ml100k_itemsets_s005: {len(sets)} itemsets")
        print(f"mlxtend_ml100k_rules_s005_c05: {len(rules)} rules")
        print(f"mlxtend_ml100k_fpgrowth_rules_s005_c05: {total * 1e3:.1f} ms")
        del rules, sets

    user_items = sparse.csr_matrix(matrix.to_numpy(dtype="float64"))

    def fit():
        return cosine_fit(user_items)

    model = fit()
    print(f"implicit_ml100k_item_top20_entries: {model.similarity.nnz - model.similarity.diagonal().astype(bool).sum()} neighbours")
    t = timed(fit, runs * 3)
    print(f"implicit_ml100k_item_top20: {t * 1e3:.2f} ms")
    # implicit's all_pairs_knn runs an OpenMP prange over num_threads (0: OpenMP's default, one per core).
    threads = model.num_threads or openmp_threads()
    print(f"implicit_ml100k_item_top20_threads: {threads} threads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
