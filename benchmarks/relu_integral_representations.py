"""Benchmarks of theorybook.relu_integral_representations: the chapter's hot paths.

1. Sampling and evaluating a width-10^5 Monte Carlo network in d = 100 on 1000 points: the
   chapter's path (numpy sampling, ``network_predict``: a jitted float64 JAX scan over chunks of
   4096 neurons) against plain numpy (the same sampling, then ``relu(X W^T - b) @ a`` over the
   same chunks). Ratio and agreement.
2. ``mc_error`` on the default grid of notebook 02 (widths 10 to 10^4, 10 networks each,
   d = 10, 2000 test points; target of the issue: under 10 s), and ``predicted_constant`` alone.

Run: ``.venv/bin/python benchmarks/relu_integral_representations.py``
(writes results/relu_integral_representations.md).
"""

from __future__ import annotations

import time

import numpy as np
from _harness import markdown_table, timeit, write_results

from theorybook import relu_integral_representations as ri

CHUNK = 4096


def numpy_predict(net, X):
    """Plain numpy evaluation of the same network, chunked like the JAX scan."""
    out = np.zeros(X.shape[0])
    for start in range(0, net.width, CHUNK):
        sl = slice(start, start + CHUNK)
        out += np.maximum(X @ net.W[sl].T - net.b[sl], 0.0) @ net.a[sl]
    return out * np.exp(-0.5 * np.sum(X * X, axis=1))


def bench_network():
    p = ri.PRESETS["x1 x2 + x3^2/2 - x4"]
    rows = []
    for width, d, n in [(10**4, 100, 1000), (10**5, 100, 1000), (10**5, 10, 2000)]:
        X = ri.sample_domain(("sphere", 1.0), n, d, seed=0)
        t_sample = timeit(lambda: ri.sample_network(p, width, d, seed=1), repeat=3)
        net = ri.sample_network(p, width, d, seed=1)
        t_jax = timeit(lambda: ri.network_predict(net, X), repeat=3)
        t_np = timeit(lambda: numpy_predict(net, X), repeat=3)
        diff = np.max(np.abs(ri.network_predict(net, X) - numpy_predict(net, X)))
        rows.append((width, d, n, t_sample, t_jax, t_np, f"{t_np / t_jax:.2f}",
                     f"{(t_sample + t_np) / (t_sample + t_jax):.2f}", f"{diff:.1e}"))
    return markdown_table(["width", "d", "points", "sampling (s)", "JAX evaluation (s)",
                           "numpy evaluation (s)", "evaluation numpy / JAX",
                           "sample + evaluate, numpy / JAX", "max abs difference"], rows)


def bench_mc_error():
    p = ri.PRESETS["x1 x2 + x3^2/2 - x4"]
    widths = [10, 30, 100, 300, 1000, 3000, 10_000]
    start = time.perf_counter()
    res = ri.mc_error(p, widths, 10, repetitions=10, seed=0)
    t_mc = time.perf_counter() - start
    X = ri.sample_domain(("sphere", 1.0), 2000, 10, seed=0)
    t_c = timeit(lambda: ri.predicted_constant(p, X), repeat=3)
    rows = [("mc_error, default grid of notebook 02 (first call, compilation included)", t_mc),
            ("predicted_constant, 2000 points", t_c)]
    return markdown_table(["task", "time (s)"], rows), res


def main():
    net_table = bench_network()
    mc_table, res = bench_mc_error()
    body = f"""
**Sampling and evaluating a Monte Carlo network.** Sampling is numpy in both columns
(`sample_network`: normal inner weights, Laplace biases, Hermite weights by
`scipy.special.eval_hermitenorm`); evaluation is `network_predict` (JAX, float64, jitted
`lax.scan` over chunks of {CHUNK} neurons; the timing excludes the first call's compilation)
against the same chunks in numpy.

{net_table}

**Monte Carlo error curve** (widths 10 to 10^4, 10 networks each, d = 10, 2000 test points on
the unit sphere; issue target: under 10 s). At N = 10^4 it measured RMSE {res.rmse[-1]:.4f}
against the predicted {res.predicted[-1]:.4f}.

{mc_table}
"""
    path = write_results("relu_integral_representations",
                         "Explicit integral representations (Lee 2026)", body)
    print(path.read_text())


if __name__ == "__main__":
    main()
