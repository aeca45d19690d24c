"""Benchmarks of theorybook.neural_shattering: the two hot paths of the chapter.

1. Full-batch GD steps per second: the chapter's JAX kernel (jit + lax.fori_loop, seeds vmapped)
   against a plain numpy implementation of the same update (closed-form gradient, clipping), at the
   issue's size: width 512, n = 256 (d = 5, 4 seeds).
2. Sharpness: power iteration on Hessian-vector products (``sharpness``) against a dense Hessian
   (``jax.hessian``) and ``numpy.linalg.eigvalsh``, for small networks: time and agreement.

Run: ``.venv/bin/python benchmarks/neural_shattering.py`` (writes results/neural_shattering.md).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from _harness import markdown_table, timeit, write_results
from jax.flatten_util import ravel_pytree

from theorybook import neural_shattering as ns
from theorybook.neural_shattering._model import _loss, _x64
from theorybook.neural_shattering._rates import _batched

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _reference import relu_gd  # noqa: E402  (the numpy reference the unit tests use)


def bench_gd(width=512, n=256, d=5, seeds=range(4), steps=200):
    data = [ns.make_dataset(n, d, noise=1.0, seed=s) for s in seeds]
    nets = [ns.init_network(width, d, seed=s) for s in seeds]
    count = len(nets)
    rows = []
    for float64 in (True, False):
        dtype = jnp.float64 if float64 else jnp.float32
        ctx = _x64() if float64 else contextlib.nullcontext()
        with ctx:
            stack = lambda xs: jnp.asarray(np.stack(xs), dtype=dtype)  # noqa: E731
            params = {k: stack([p[k] for p in nets]) for k in nets[0]}
            X, y, f0 = (stack([r[i] for r in data]) for i in range(3))

            def run():
                return jax.block_until_ready(_batched(params, X, y, f0, 0.2, 0.0, steps, False, 50.0))

            t = timeit(run, repeat=3)
        rows.append((f"JAX jit + vmap over {count} seeds, float{64 if float64 else 32}",
                     t, count * steps / t))
    gd = dict(lr=0.2, steps=steps, clip=50.0)  # the numpy reference of the unit tests
    t_np = timeit(lambda: [relu_gd(p, r[0], r[1], **gd) for p, r in zip(nets, data)],
                  repeat=3, warmup=0)
    rows.append((f"numpy, loop over {count} seeds, float64", t_np, count * steps / t_np))
    # agreement of the two implementations after `steps` steps (seed 0)
    ref = relu_gd(nets[0], data[0][0], data[0][1], **gd)
    out, _ = ns.train_gd(nets[0], data[0][0], data[0][1], lr=0.2, steps=steps, sharpness_iters=0)
    diff = max(float(np.max(np.abs(out[k] - ref[k]))) for k in ref)
    table = markdown_table(["implementation", f"seconds for {steps} steps x {count} seeds",
                            "GD steps per second", "speed-up over numpy"],
                           [(name, t, sps, sps / rows[-1][2]) for name, t, sps in rows])
    return table, diff


def bench_sharpness(configs=((64, 2, 64), (256, 2, 128), (256, 10, 64))):
    rows = []
    for n, d, width in configs:
        X, y, _ = ns.make_dataset(n, d, noise=1.0, seed=0)
        p = ns.init_network(width, d, seed=0)
        p, _ = ns.train_gd(p, X, y, lr=0.4, steps=500, sharpness_iters=0)  # a trained network
        lam = ns.sharpness(p, X, y, iters=300)
        t_hvp = timeit(lambda: ns.sharpness(p, X, y, iters=300), repeat=3)
        with _x64():
            flat, unravel = ravel_pytree(jax.tree.map(jnp.asarray, p))
            hess = jax.jit(jax.hessian(lambda q, X, y: _loss(unravel(q), X, y)))
            Xj, yj = jnp.asarray(X), jnp.asarray(y)

            def dense():
                return np.linalg.eigvalsh(np.asarray(hess(flat, Xj, yj)))[-1]

            lam_dense = dense()
            t_dense = timeit(dense, repeat=3)
        rows.append((n, d, width, flat.size, t_hvp, t_dense, t_dense / t_hvp,
                     abs(lam - lam_dense) / abs(lam_dense)))
    return markdown_table(["n", "d", "width", "parameters", "HVP power iteration (s, 300 its)",
                           "dense Hessian + eigvalsh (s)", "ratio dense / HVP",
                           "relative difference of lambda_max"], rows)


def main():
    gd_table, diff = bench_gd()
    sharp_table = bench_sharpness()
    body = f"""
**Full-batch GD** (width 512, n = 256, d = 5, lr 0.2; the update of `train_gd`: clipped gradient of
the 1/2n squared loss). The JAX kernel is the one `rate_sweep` uses (jit, `fori_loop` over steps,
`vmap` over seeds). After 200 steps the float64 JAX and numpy parameters differ by at most {diff:.1e}.

{gd_table}

**Sharpness** of a network trained 500 steps with lr 0.4: `sharpness` (power iteration on
forward-over-reverse Hessian-vector products, float64, 300 iterations, jitted) against the dense
Hessian from `jax.hessian` (jitted) and `numpy.linalg.eigvalsh`.

{sharp_table}
"""
    path = write_results("neural_shattering", "Neural shattering (Liang et al. 2025)", body)
    print(path.read_text())


if __name__ == "__main__":
    main()
