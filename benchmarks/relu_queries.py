"""Benchmark of theorybook.relu_queries.

1. ``relu_error`` (exact, one quadrature) against Monte Carlo of the same accuracy: the time of
   one exact evaluation, and the time Monte Carlo needs for a standard error equal to the
   quadrature's accuracy (taken as 1e-9 relative, a conservative bound: the tests check the
   exact value against identities to 1e-9), extrapolated from a timed run with s.e. ∝ M^{-1/2}.
2. ``query_learner`` at d = 50 (t* = 2, eps = 0.01, noiseless and Gaussian noise σ = 0.03): wall
   time per run after the JIT warm-up, labels used and the final error (target of the issue:
   under 1 s per run).
3. ``passive_learner`` with the same number of labels, for comparison.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _harness import markdown_table, timeit, write_results  # noqa: E402

from theorybook import relu_queries as rq  # noqa: E402

EXACT_REL = 1e-9


def exact_vs_mc():
    rows = []
    g = np.random.default_rng(0)
    for d, t, t_star in [(10, 0.5, 1.0), (50, 1.0, 2.0), (50, 2.5, 3.0)]:
        w_star = np.eye(d)[0]
        w = w_star + 0.3 * g.standard_normal(d) / np.sqrt(d)
        t_exact = timeit(lambda: rq.relu_error(w, t, w_star, t_star), repeat=5)
        value = rq.relu_error(w, t, w_star, t_star)
        samples = 200_000
        start = time.perf_counter()
        X = np.random.default_rng(1).standard_normal((samples, d))
        sq = (np.maximum(X @ w - t, 0) - np.maximum(X @ w_star - t_star, 0)) ** 2
        est, se = sq.mean(), sq.std() / np.sqrt(samples)
        t_mc = time.perf_counter() - start
        matched = t_mc * (se / (EXACT_REL * value)) ** 2
        rows.append((d, t, t_star, f"{value:.3e}", t_exact * 1e3, t_mc * 1e3,
                     round((est - value) / se, 2), se / value, f"{matched / t_exact:.2g}"))
    header = ["d", "t", "t*", "exact value", "exact (ms)", "MC 2e5 (ms)", "(MC − exact)/s.e.",
              "MC rel. s.e.", "MC time to 1e-9 rel. / exact time"]
    return markdown_table(header, rows)


def learner_times():
    rows = []
    d, t_star, eps = 50, 2.0, 0.01
    w_star = np.eye(d)[0]
    for noise, level in [("none", 0.0), ("gaussian", 0.03)]:
        for seed in range(3):
            def run():
                oracle = rq.make_oracle(w_star, t_star, noise=noise, level=level, seed=seed)
                return rq.query_learner(oracle, d, eps, seed=seed)

            run()                                   # JIT warm-up for these shapes
            wall = timeit(run, repeat=3, warmup=0)
            res = run()
            X = np.random.default_rng(seed).standard_normal((res.queries, d))
            y = rq.make_oracle(w_star, t_star, noise=noise, level=level, seed=seed)(X)
            rq.passive_learner(X, y, seed=seed)     # warm-up
            start = time.perf_counter()
            fit = rq.passive_learner(X, y, seed=seed)
            t_passive = time.perf_counter() - start
            rows.append((noise, seed, res.queries, wall, f"{res.trace[-1][2]:.1e}", t_passive,
                         f"{rq.relu_error(fit.w, fit.t, w_star, t_star):.1e}"))
    header = ["noise", "seed", "labels", "query learner (s)", "its error", "passive GD, same labels (s)",
              "its error"]
    zero = rq.relu_error(np.zeros(d), 0.0, w_star, t_star)
    return markdown_table(header, rows) + f"\n\nZero predictor's error: {zero:.2e} (d = 50, t* = 2)."


if __name__ == "__main__":
    body = ("### Exact error against Monte Carlo\n\n" + exact_vs_mc()
            + "\n\n### Learners at d = 50 (t* = 2, eps = 0.01; target under 1 s per run)\n\n"
            + learner_times())
    print(body)
    print(write_results("relu_queries", "relu_queries: exact error and learner wall time", body))
