"""Benchmarks of theorybook.sphere_diffusion (RDLM): training throughput, tables vs simulation, sampling, BPC.

Run: ``.venv/bin/python benchmarks/sphere_diffusion.py`` (writes benchmarks/results/sphere_diffusion.md).
Reference numbers for the authors' PyTorch code on a 2-core CPU come from the chapter brief
(DiT hidden 128, 4 heads, 2 blocks, batch 32 × length 128: 0.096 s/step compiled ≈ 43 k tokens/s;
tables 16 384 × 10 000 in ≈ 9.5 s, ≈ 1 s with 1 000 steps; 32 × 128 samples with 64 steps ≈ 2.2 s).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import markdown_table, timeit, write_results  # noqa: E402

import jax  # noqa: E402

from theorybook import sphere_diffusion as sd  # noqa: E402

CK = Path(sd.__file__).with_name("checkpoints")
EQUAL_BUDGET_S = 120


def train_throughput(co):
    """Tokens per second of one gradient evaluation of the training loss (the step's cost; the AdamW
    update is negligible), same backbone (width 128, 4 heads, 2 blocks), batch 32 × length 128."""
    rows = []
    data = sd.corpus("pydoc", length=128)
    batch = jax.numpy.asarray(data.train[:32])
    for name, cls in (("RDLM", sd.RDLM), ("MDLM", sd.MaskedDiffusion), ("autoregressive", sd.Autoregressive)):
        model = cls(27, 128, width=128, layers=2, heads=4)
        params = model.init(0)
        grad = jax.jit(jax.value_and_grad(model._loss_fn()))
        key = jax.random.key(0)
        per_step = timeit(lambda: jax.block_until_ready(grad(params, batch, key)), repeat=5)
        rows.append([name, round(per_step, 4), round(32 * 128 / per_step), round(32 * 128 / per_step / 43_000, 2)])
    return markdown_table(["model", "s / step", "tokens / s", "ratio to repo (43 k tokens/s, brief)"], rows)


def tables_vs_simulation():
    """radial_tables (two scalar SDEs) against simulating the full d-dimensional bridge, same particles × steps."""
    rows = []
    for d in (28, 257):
        n, steps = 4096, 500
        t_tab = timeit(lambda: sd.radial_tables(d, "mask", particles=n, steps=steps), repeat=2)
        t_sim = timeit(lambda: sd.simulate_bridge(0, "mask", steps=steps, n=n, key=0, dim=d,
                                                  record_every=steps // 10),
                       repeat=2)
        rows.append([d, f"{n} × {steps}", round(t_tab, 3), round(t_sim, 3), round(t_sim / t_tab, 1)])
    return markdown_table(["d", "particles × steps", "radial_tables (s)", "full simulation (s)", "ratio"], rows)


def sampling():
    model = sd.load_model("rdlm_pydoc")
    rows = []
    for steps in (16, 64, 256):
        t = timeit(lambda: model.sample(32, steps=steps, seed=0), repeat=2)
        rows.append([steps, round(t, 3), round(t / 32 * 1e3, 2)])
    return markdown_table(["GRW steps", "32 samples of 32 chars (s)", "ms per sequence"], rows)


def bpc_table():
    rows = []
    for name in sd.CHECKPOINTS.values():
        cfg = json.loads((CK / name / "config.json").read_text())
        v, se = cfg["valid_bpc"]
        rows.append([name, cfg["train"]["steps"], cfg["train_seconds"], f"{v:.3f} ± {se:.3f}"])
    return markdown_table(["checkpoint", "steps (batch 64)", "training wall-clock (s)", "validation BPC"], rows)


def bpc_equal_wall_clock(co, budget=EQUAL_BUDGET_S):
    """Each model trained for the same wall-clock budget (compilation included) from the same seed,
    then its bound on 256 validation sequences (RDLM: exact bridge, 100 GRW steps)."""
    rows = []
    for name, model in (("RDLM", sd.RDLM(27, 32)), ("MDLM", sd.MaskedDiffusion(27, 32)),
                        ("autoregressive", sd.Autoregressive(27, 32))):
        start = time.perf_counter()
        log = model.train(co, 100_000, time_budget=budget, log_every=100)
        seconds = time.perf_counter() - start
        b = model.bpc(co.valid[:256])
        rows.append([name, len(log.loss), round(seconds), f"{b.value:.3f} ± {b.se:.3f}"])
    return markdown_table(["model", "steps done", "wall-clock (s)", "validation BPC"], rows)


def main():
    co = sd.corpus("pydoc")
    body = "\n\n".join([
        "### Training throughput (same backbone, batch 32 × length 128)\n\n" + train_throughput(co),
        "### Radial tables against full simulation of the bridge\n\n" + tables_vs_simulation(),
        "### RDLM sampling time against the number of GRW steps\n\n" + sampling(),
        "### Validation BPC of the stored checkpoints (same steps; wall-clock as measured when trained)\n\n"
        + bpc_table() + "\n\nThe checkpoints were trained for equal numbers of steps, one after the other, "
        "not for equal wall-clock; the training times show what each step costs.",
        f"### Validation BPC at equal wall-clock ({EQUAL_BUDGET_S} s of training each, width 64, batch 64 × 32)\n\n"
        + bpc_equal_wall_clock(co),
    ])
    print(write_results("sphere_diffusion", "sphere_diffusion (RDLM)", body).read_text())


if __name__ == "__main__":
    jax.config.update("jax_platforms", "cpu")
    main()
