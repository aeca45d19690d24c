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
import numpy as np  # noqa: E402

from theorybook import sphere_diffusion as sd  # noqa: E402

CK = Path(sd.__file__).with_name("checkpoints")


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
        t_sim = timeit(lambda: sd.simulate_bridge(0, "mask", steps, n, key=0, dim=d, record_every=steps // 10),
                       repeat=2)
        rows.append([d, f"{n} × {steps}", round(t_tab, 3), round(t_sim, 3), round(t_sim / t_tab, 1)])
    return markdown_table(["d", "particles × steps", "radial_tables (s)", "full simulation (s)", "ratio"], rows)


def sampling():
    model = sd.load_model("rdlm_ce_pydoc" if (CK / "rdlm_ce_pydoc").exists() else "rdlm_pydoc")
    rows = []
    for steps in (16, 64, 256):
        t = timeit(lambda: model.sample(32, steps=steps, seed=0), repeat=2)
        rows.append([steps, round(t, 3), round(t / 32 * 1e3, 2)])
    return markdown_table(["GRW steps", "32 samples of 32 chars (s)", "ms per sequence"], rows)


def bpc_table():
    rows = []
    for name in ("rdlm_pydoc", "rdlm_ce_pydoc", "rdlm_base3_pydoc", "mdlm_pydoc", "ar_pydoc"):
        path = CK / name / "config.json"
        if not path.exists():
            continue
        cfg = json.loads(path.read_text())
        v, se = cfg["valid_bpc"]
        rows.append([name, cfg["train"]["steps"], cfg["train_seconds"], f"{v:.3f} ± {se:.3f}"])
    return markdown_table(["checkpoint", "steps (batch 64)", "training wall-clock (s)", "validation BPC"], rows)


def main():
    co = sd.corpus("pydoc")
    body = "\n\n".join([
        "### Training throughput (same backbone, batch 32 × length 128)\n\n" + train_throughput(co),
        "### Radial tables against full simulation of the bridge\n\n" + tables_vs_simulation(),
        "### RDLM sampling time against the number of GRW steps\n\n" + sampling(),
        "### Validation BPC of the stored checkpoints (same steps; wall-clock as measured when trained)\n\n"
        + bpc_table() + "\n\nThe checkpoints were trained for equal numbers of steps, one after the other "
        "on the shared machine, not for equal wall-clock; the training times show what each step costs.",
    ])
    print(write_results("sphere_diffusion", "sphere_diffusion (RDLM)", body).read_text())


if __name__ == "__main__":
    jax.config.update("jax_platforms", "cpu")
    main()
