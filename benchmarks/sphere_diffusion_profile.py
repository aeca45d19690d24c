"""Where one RDLM training step spends its time: XLA's own per-operation trace of the scanned chunk.

Run by ``benchmarks/sphere_diffusion.py`` in a subprocess (the trace flag must be set before JAX
starts): ``.venv/bin/python benchmarks/sphere_diffusion_profile.py`` prints one JSON object with,
for each class of operation, its milliseconds per step, its GFLOP per step and the GFLOP/s reached,
and the standalone rate of the network's own matrix-product shapes.

Classes: *dense products* (the linear layers, [tokens, in] × [in, out], forward and backward),
*attention products* (the batched q·kᵀ and p·v products, [B, heads, L, L or head dim]) and
*everything else* (layer norm, GELU, softmax, rotary, bias adds, reductions, copies and layout
changes, x_t sampling, the optimiser). The trace comes from ``jax.profiler`` with
``--xla_cpu_enable_xprof_traceme``, which names every XLA thunk; FLOPs are read off the optimised
HLO (2 × output size × contracted size per dot).
"""

from __future__ import annotations

import collections
import glob
import gzip
import json
import os
import re
import sys
import tempfile
import time

os.environ["JAX_PLATFORMS"] = "cpu"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_enable_xprof_traceme=true").strip()

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from theorybook import sphere_diffusion as sd  # noqa: E402

STEPS = 10
SHAPE = dict(batch=32, length=128, width=128, heads=4, layers=2)


def _dims(shape: str):
    return [int(d) for d in re.findall(r"\d+", shape.split("{")[0].split("[", 1)[1])] if "[" in shape else []


def _dot_flops(text: str, shapes: dict[str, list[int]]) -> tuple[float, int]:
    """(FLOPs, output rank) of the first dot in an HLO computation's text, (0, 0) if none;
    ``shapes`` maps instruction and parameter names to their dimensions."""
    m = re.search(r"= (f32\[[^\]]*\])\S* dot\(%?([\w.\-]+), .*?lhs_contracting_dims=\{(\d+)\}", text)
    if m is None:
        return 0.0, 0
    out = _dims(m.group(1))
    return 2.0 * np.prod(out) * shapes[m.group(2)][int(m.group(3))], len(out)


def classify(hlo: str, times: dict[str, float]) -> dict[str, list[float]]:
    """Per class: [seconds, FLOPs] summed over the traced thunks."""
    computations = dict(re.findall(r"\n%?(\S+) [^\n]*\{\n(.*?)\n\}", hlo, re.S))
    shapes = {name: _dims(shape) for name, shape in re.findall(r"%?([\w.\-]+) = (f32\[[^\]]*\])", hlo)}
    shapes.update({name: _dims(shape) for name, shape in re.findall(r"([\w.\-]+): (f32\[[^\]]*\])", hlo)})
    out = collections.defaultdict(lambda: [0.0, 0.0])
    for name, seconds in times.items():
        m = re.search(r"\n\s*(?:ROOT )?%?" + re.escape(name) + r" = ([^\n]*)", hlo)
        if m is None:
            continue
        line = m.group(1)
        called = re.search(r"calls=%?([\w.\-]+)", line)
        flops, rank = _dot_flops(computations.get(called.group(1), "") if called else "= " + line, shapes)
        kind = ("dense products" if rank in (2, 3) else "attention products" if rank == 4
                else "everything else")
        out[kind][0] += seconds
        out[kind][1] += flops
    return out


def shape_rates(repeat=20):
    """GFLOP/s of the step's largest dense products run alone, forward and both backward forms."""
    n, w = SHAPE["batch"] * SHAPE["length"], SHAPE["width"]
    rows = []
    for label, a_shape, b_shape, spec in (
            ("x·W  [4096,128]·[128,512]", (n, w), (w, 4 * w), "ij,jk->ik"),
            ("dY·Wᵀ [4096,512]·[128,512]ᵀ", (n, 4 * w), (w, 4 * w), "ik,jk->ij"),
            ("xᵀ·dY [4096,128]ᵀ·[4096,512]", (n, w), (n, 4 * w), "ij,ik->jk")):
        a = jax.random.normal(jax.random.key(0), a_shape)
        b = jax.random.normal(jax.random.key(1), b_shape)
        f = jax.jit(lambda a, b, spec=spec: jnp.einsum(spec, a, b))
        f(a, b).block_until_ready()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            f(a, b).block_until_ready()
            times.append(time.perf_counter() - t0)
        rows.append([label, 2 * n * w * 4 * w / np.median(times) / 1e9])
    return rows


def main():
    data = jnp.asarray(sd.corpus("pydoc", length=SHAPE["length"]).train)
    model = sd.RDLM(27, SHAPE["length"], width=SHAPE["width"], heads=SHAPE["heads"], layers=SHAPE["layers"])
    opt = model._optimizer(1e-3, 100)
    params = model.init(0)
    state = opt.init(params)
    chunk = model._chunk_fn(opt, SHAPE["batch"], jax.random.key(1))   # what RDLM.train runs
    jax.block_until_ready(chunk(params, state, 0, data, STEPS))
    hlo = chunk.lower(params, state, 0, data, STEPS).compile().as_text()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with jax.profiler.trace(tmp, create_perfetto_trace=True):
            jax.block_until_ready(chunk(params, state, STEPS, data, STEPS))
        wall = (time.perf_counter() - start) / STEPS
        events = json.load(gzip.open(sorted(glob.glob(f"{tmp}/**/*perfetto_trace.json.gz", recursive=True))[-1]))
    events = events["traceEvents"] if isinstance(events, dict) else events
    times = collections.Counter()
    for e in events:
        if e.get("ph") == "X" and not e["name"].startswith(("$", "ThunkExecutor", "Slinky", "Pjit", "Common")):
            times[e["name"]] += e.get("dur", 0) / 1e6 / STEPS
    classes = classify(hlo, times)
    print(json.dumps({"traced_seconds_per_step": wall,
                      "classes": {k: {"ms": 1e3 * s, "gflop": f / 1e9} for k, (s, f) in classes.items()},
                      "shape_rates": shape_rates()}))


if __name__ == "__main__":
    sys.exit(main())
