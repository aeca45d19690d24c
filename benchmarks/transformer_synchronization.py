"""Benchmark of theorybook.transformer_synchronization: the forward pass against a plain numpy
loop, one Benettin estimate, and the paper's 72-run experiment grid.

Run: ``.venv/bin/python benchmarks/transformer_synchronization.py`` (writes
``benchmarks/results/transformer_synchronization.md``). Ratios compare timings of one run.
"""

from __future__ import annotations

import time

import numpy as np
from _harness import markdown_table, timeit, write_results

from theorybook import transformer_synchronization as ts


def numpy_forward(x0, depth, horizon, width, beta, v_scale, sigma, seed):
    """The same two-step layer (paper §1) as ``ts.forward``, ReLU MLP, as a plain numpy loop
    (float64, numpy's Generator for the weights), recording energy and mean cosine per layer."""
    rng = np.random.default_rng(seed)
    x = np.array(x0, dtype=float)
    n, d = x.shape
    dt = horizon / depth
    energy, mean_cos = [ts.energy(x, beta)], [ts.mean_pairwise_cos(x)]
    for _ in range(depth):
        logits = beta * x @ x.T
        w = np.exp(logits - logits.max(axis=1, keepdims=True))
        a = v_scale * (w / w.sum(axis=1, keepdims=True)) @ x
        y = x + dt * a
        y /= np.linalg.norm(y, axis=1, keepdims=True)
        u = rng.standard_normal((width, d))
        wm = rng.standard_normal((d, width))
        b_u = sigma * rng.standard_normal(width)
        b_w = sigma * rng.standard_normal(d)
        g = np.maximum(y @ u.T / np.sqrt(d) + b_u, 0.0) @ wm.T / np.sqrt(width) + b_w
        x = y + np.sqrt(dt) * g
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        c = x @ x.T
        energy.append(0.5 * np.exp(beta) * np.mean(-np.expm1(beta * (np.minimum(c, 1) - 1))))
        mean_cos.append((c.sum() - np.trace(c)) / (n * (n - 1)))
    return x, np.array(energy), np.array(mean_cos)


def main() -> None:
    rows = []
    d, depth, horizon, width, sigma = 64, 150, 5.0, 256, 0.1
    net = dict(depth=depth, horizon=horizon, width=width, sigma_u=sigma, sigma_w=sigma)
    for n, repeat in ((64, 9), (1024, 1)):
        x0 = ts.sample_sphere(n, d, 0)
        start = time.perf_counter()
        ts.forward(x0, seed=0, **net)
        first = time.perf_counter() - start
        t_jax = timeit(lambda: ts.forward(x0, seed=1, **net), repeat=repeat, warmup=0)
        t_np = timeit(lambda: numpy_forward(x0, depth, horizon, width, 1.0, 1.0, sigma, 1),
                      repeat=repeat, warmup=0)
        rows.append([f"forward, N = {n}, d = {d}, L = {depth}, m = {width}", t_np, t_jax,
                     f"{t_np / t_jax:.1f}x", first])
    # the statistic agrees in law: same final energy ratio order (different random numbers)
    x0 = ts.sample_sphere(64, d, 0)
    r_jax = ts.forward(x0, seed=2, **net)
    _, e_np, _ = numpy_forward(x0, depth, horizon, width, 1.0, 1.0, sigma, 2)
    body = ["### Forward pass against a plain numpy loop (ReLU, σ = 0.1, β = 1, V = I)", "",
            markdown_table(["case", "numpy loop (s)", "ts.forward (s)", "speed-up",
                            "first call incl. compile (s)"], rows), "",
            f"Sanity check (one network each, different random numbers): final energy ratio "
            f"E(T)/E(0) = {r_jax.energy[-1] / r_jax.energy[0]:.3g} (JAX, float32) and "
            f"{e_np[-1] / e_np[0]:.3g} (numpy, float64)."]

    # one Benettin estimate (the notebook's configuration)
    benettin = dict(activation="relu", sigma_u=0.1, sigma_w=0.1, width=64, horizon=25.0,
                    depth=500, pairs=16)
    start = time.perf_counter()
    est, se = ts.lyapunov_benettin(5, seeds=range(16), **benettin)
    first = time.perf_counter() - start
    t_b = timeit(lambda: ts.lyapunov_benettin(5, seeds=range(16, 32), **benettin),
                 repeat=3, warmup=0)
    lam = ts.kernel_constants("relu", d=5, sigma_u=0.1, sigma_w=0.1).lyapunov
    body += ["", "### One Benettin estimate (d = 5, ReLU, σ = 0.1, m = 64, T = 25, L = 500, "
             "16 pairs × 16 networks)", "",
             markdown_table(["first call incl. compile (s)", "later calls (s)", "estimate",
                             "formula λ₁"], [[first, t_b, f"{est:.3f} ± {se:.3f}", f"{lam:.3f}"]])]

    # the paper's whole grid: 72 runs with an MLP + 9 without, N = 64, L = 150, T = 5
    start = time.perf_counter()
    ts.experiment_grid(seeds=[0])
    first = time.perf_counter() - start
    t_g = timeit(lambda: ts.experiment_grid(seeds=[1], seed=1), repeat=2, warmup=0)
    body += ["", "### The paper's experiment grid (d ∈ {5, 64, 128} × 4 activations × σ ∈ {0, 0.1} "
             "× V ∈ {I, 0, −I} = 72 runs, plus 9 without MLP; N = 64, L = 150, m = 256)", "",
             markdown_table(["first call incl. compile (s)", "later calls (s)", "target"],
                            [[first, t_g, "< 20 s on 2 cores"]]), "",
             "JAX compiles once per shape "
             "(N, d, L, m, number of seeds), so first calls are dominated by compilation."]
    path = write_results("transformer_synchronization",
                         "transformer_synchronization: forward pass, Lyapunov estimate, grid",
                         "\n".join(body))
    print(path.read_text())


if __name__ == "__main__":
    main()
