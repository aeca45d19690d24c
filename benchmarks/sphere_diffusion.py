"""Benchmarks of theorybook.sphere_diffusion (RDLM): training throughput, tables vs simulation, sampling, BPC.

Run: ``.venv/bin/python benchmarks/sphere_diffusion.py`` (writes benchmarks/results/sphere_diffusion.md).
The training step is compared with the authors' PyTorch code as measured side by side on this
machine class (``REFERENCE_STEP``); the chapter brief's older figures (tables 16 384 × 10 000 in
≈ 9.5 s, ≈ 1 s with 1 000 steps; 32 × 128 samples with 64 steps ≈ 2.2 s) are context only.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import markdown_table, timeit, write_results  # noqa: E402

import jax  # noqa: E402

from theorybook import sphere_diffusion as sd  # noqa: E402

CK = Path(sd.__file__).with_name("checkpoints")
EQUAL_BUDGET_S = 120


# The authors' PyTorch code (RDLM, DiT hidden 128, 4 heads, 2 blocks; batch 32 × length 128, float32),
# timed with its own training loop, alternating with ours on a quiet 2-core machine of this class
# by the session that filed issue 21 (before 2026-12-01; measured once, not re-run here: torch is not
# a dependency of the book). Our step at that time: 0.154 s.
REFERENCE_STEP = {"authors' code, torch.compile": 0.141, "authors' code, eager": 0.188}
STEP_SHAPE = dict(batch=32, length=128, width=128, heads=4, layers=2)


def gemm_rate(n=2048, repeat=5):
    """GFLOP/s of one float32 n × n matrix product in JAX: the ceiling a CPU network approaches."""
    a = jax.random.normal(jax.random.key(0), (n, n), jax.numpy.float32)
    product = jax.jit(lambda x: x @ x)
    return 2 * n**3 / timeit(lambda: product(a).block_until_ready(), repeat=repeat) / 1e9


def step_profile():
    """Milliseconds, GFLOP and GFLOP/s per class of XLA operation in one step, from XLA's own
    trace (``sphere_diffusion_profile.py``, run in a subprocess: its flag must precede JAX)."""
    script = Path(__file__).with_name("sphere_diffusion_profile.py")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    prof = json.loads(out.stdout.strip().splitlines()[-1])
    total = sum(c["ms"] for c in prof["classes"].values())
    rows = [[name, round(c["ms"], 1), f"{c['ms'] / total:.0%}", round(c["gflop"], 2),
             round(c["gflop"] / c["ms"] * 1e3, 1) if c["gflop"] else "—"]
            for name, c in sorted(prof["classes"].items(), key=lambda kv: -kv[1]["ms"])]
    shapes = [[label, round(rate, 1)] for label, rate in prof["shape_rates"]]
    return (markdown_table(["operations", "ms / step", "share", "GFLOP / step", "GFLOP/s"], rows)
            + "\n\nThe network's largest products run alone (float32, JAX):\n\n"
            + markdown_table(["product", "GFLOP/s"], shapes), prof)


def training_step(steps=80, chunk=10):
    """Seconds per step of the real training loop (``RDLM.train``: batch sampling, x_t, loss,
    gradient, clipping, AdamW, inside the scanned chunk): the median time between the ends of
    successive ``chunk``-step chunks of one ``steps``-step run (``on_chunk`` stamps them; the first
    chunk, which compiles, is left out)."""
    shape = STEP_SHAPE
    data = sd.corpus("pydoc", length=shape["length"])
    model = sd.RDLM(27, shape["length"], width=shape["width"], heads=shape["heads"], layers=shape["layers"])
    stamps = []
    model.train(data, steps, batch=shape["batch"], log_every=chunk,
                on_chunk=lambda step, params: stamps.append(time.perf_counter()))
    per_step = statistics.median(b - a for a, b in zip(stamps, stamps[1:])) / chunk
    tokens = shape["batch"] * shape["length"]
    flops = model.train_flops(shape["batch"])
    gemm = gemm_rate()
    rows = [[name, s, round(tokens / s), "—", "—"] for name, s in REFERENCE_STEP.items()]
    rows.append(["theorybook `RDLM.train` (this run)", round(per_step, 3), round(tokens / per_step),
                 round(flops / per_step / 1e9, 1), f"{flops / per_step / 1e9 / gemm:.0%}"])
    ratio = REFERENCE_STEP["authors' code, torch.compile"] / per_step
    profile, prof = step_profile()
    dense = prof["classes"]["dense products"]
    return (markdown_table(["implementation", "s / step", "tokens / s", "network GFLOP/s",
                            "fraction of GEMM rate"], rows)
            + f"\n\nOne step is {flops / 1e9:.1f} GFLOP (XLA cost analysis of the loss and its gradient); "
            f"a float32 2048² product runs at {gemm:.0f} GFLOP/s in JAX here. Throughput ratio to the "
            f"compiled reference: {ratio:.2f}× (issue 21's goal: 1.3×). The reference rows were measured "
            "once on another day: compare the ratio with care.\n\n"
            "**Where the step's time goes** (XLA's per-operation trace of the same scanned chunk, "
            "`benchmarks/sphere_diffusion_profile.py`):\n\n" + profile + "\n\n"
            f"The linear layers run at {dense['gflop'] / dense['ms'] * 1e3:.0f} GFLOP/s, "
            f"{dense['gflop'] / dense['ms'] * 1e3 / gemm:.0%} of the 2048² rate: they are not what "
            "holds the step back. The rest is the backend's: XLA:CPU runs the "
            f"{shape['batch'] * shape['heads']} small attention products per layer "
            f"({shape['length']} × {shape['width'] // shape['heads']} × {shape['length']}) "
            "as separate small GEMMs, and it materialises "
            "transposes for the weight gradients and runs layer norm, GELU, softmax and the rotary "
            "embedding as separate loops, where torch.compile generates fused loops for the elementwise "
            "work and hands transposed operands to its GEMM library as flags (our reading of "
            "torch.compile on CPU; the reference was not profiled here). Rewrites of the network measured on "
            "2026-12-01, alternating in one process (ms per step of this chunk; not re-run here): as it "
            "is 155; rotary applied by a column permutation of W_qkv (no strided slices or stacking) "
            "153; that plus `jax.nn.dot_product_attention` in the [B, L, heads, head dim] layout (no "
            "transposes) 161; XLA's flag `--xla_cpu_experimental_xnn_graph_fusion_mode="
            "XNN_GRAPH_FUSION_MODE_GREEDY` 144 (a process-wide flag that a library cannot set). None is beyond the run-to-run spread "
            "by enough to keep.")


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
        # Runs of the seed study were trained at low priority beside other jobs (their "note").
        seconds = f"({cfg['train_seconds']}, shared machine)" if "note" in cfg else cfg["train_seconds"]
        rows.append([name, cfg["train"]["steps"], seconds, f"{v:.3f} ± {se:.3f}"])
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
        "### Training step (RDLM, DiT-sized: width 128, 4 heads, 2 blocks; batch 32 × length 128)\n\n"
        + training_step(),
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
