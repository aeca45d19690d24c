"""Benchmark of theorybook.propagation_of_chaos: mean-field GD steps per second.

For widths 16 ... 2048 (d = 8, N = 256, 4 seeds, 100 full-batch steps), three implementations
of the same update (the one ``train_mean_field`` and ``width_gap`` run):

1. JAX, jitted, the 4 seeds as a ``vmap`` axis (``_run_seeds``, what ``width_gap`` uses);
2. JAX, jitted, a Python loop over the 4 seeds (``train_mean_field`` once per seed);
3. plain numpy, a loop over seeds and steps (``tests/_reference.py``, float64).

Compile time is excluded (one warm-up call). The largest parameter difference after 100 steps
between (1) and (3) is reported (float32 against float64).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from _harness import markdown_table, timeit, write_results  # noqa: E402
from _reference import mean_field_gd  # noqa: E402

import jax  # noqa: E402
import numpy as np  # noqa: E402

from theorybook import propagation_of_chaos as poc  # noqa: E402
from theorybook.propagation_of_chaos._dynamics import _seed_keys, _train_seeds  # noqa: E402

WIDTHS = [16, 64, 256, 1024, 2048]
SEEDS = range(4)
STEPS = 100
LR = 0.1


def main():
    task = poc.make_task(8, 256, 1000, "fast", seed=0)
    X, y = task.X_train, task.y_train
    rows = []
    for m in WIDTHS:
        keys = _seed_keys(SEEDS, [(2, m)])

        def vmapped():
            return jax.block_until_ready(_train_seeds(keys, task, LR, [m], STEPS, STEPS, "relu"))

        p0 = [jax.tree.map(lambda x, s=s: x[s], vmapped()[0]) for s in range(len(SEEDS))]

        def looped():
            return [jax.block_until_ready(poc.train_mean_field(p, X, y, lr=LR, steps=STEPS,
                                                               record_every=STEPS)[0])
                    for p in p0]

        def numpy_loop():
            return [mean_field_gd(p["a"], p["w"], X.astype(float), y.astype(float), lr=LR,
                                  steps=STEPS) for p in p0]

        t_vmap = timeit(vmapped, repeat=3)
        t_loop = timeit(looped, repeat=3)
        t_np = timeit(numpy_loop, repeat=1, warmup=0)
        final = vmapped()[1]
        ref = numpy_loop()
        diff = max(float(np.max(np.abs(np.asarray(final["w"][s]) - ref[s][1])))
                   for s in range(len(SEEDS)))
        total = STEPS * len(SEEDS)
        rows.append((m, total / t_vmap, total / t_loop, total / t_np,
                     f"{t_loop / t_vmap:.3g}", f"{t_np / t_vmap:.3g}", f"{diff:.1e}"))
    header = ["width m", "steps/s, JAX vmap over 4 seeds", "steps/s, JAX loop over seeds",
              "steps/s, numpy", "loop / vmap time", "numpy / vmap time",
              "max abs. difference of W, JAX f32 vs numpy f64"]
    body = (f"**Mean-field GD** (d = 8, N = 256, {len(SEEDS)} seeds, {STEPS} full-batch steps, "
            "ReLU; one step of one network counts as one step). Compile time excluded.\n\n"
            + markdown_table(header, rows))
    path = write_results("propagation_of_chaos", "Propagation of chaos (Glasgow & Bruna 2026)",
                         body)
    print(path.read_text())


if __name__ == "__main__":
    main()
