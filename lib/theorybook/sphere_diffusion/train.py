"""Train one model of the chapter and save a small checkpoint (weights, config, training log).

Usage (from anywhere, with the package installed)::

    python -m theorybook.sphere_diffusion.train --model rdlm --corpus pydoc --steps 4000 \
        --out lib/theorybook/sphere_diffusion/checkpoints/rdlm_pydoc

Options: ``--model {rdlm,mdlm,ar}``, ``--corpus {pydoc,markov}``, ``--steps`` (4000), ``--batch`` (64),
``--lr`` (1e-3), ``--seed`` (0), ``--length`` (32), ``--width`` (64), ``--layers`` (2),
``--prior {mask,uniform,mixture}``, ``--step-thr`` (0.35), ``--base`` and ``--loss {ce_is,ce,mse}``
(RDLM only), ``--no-weights`` (store config.json and log.csv only), ``--note`` (a text stored in
config.json), ``--eval-at`` (comma-separated step counts at which the bound is also evaluated during
training, stored as ``bpc_at``; with the constant learning rate after warm-up the parameters there
are those of a shorter run, so one run gives several compute budgets). The FLOPs of one step
(``train_flops``) are stored as ``flops_per_step``. After training it evaluates the
validation BPC bound (RDLM: exact GRW bridge, 100 steps; MDLM: NELBO; AR: exact NLL) on the first
``--eval`` validation sequences and writes it into ``config.json``.
The checkpoints the book loads were made by this command with the settings in their config.json.
"""

from __future__ import annotations

import argparse
import math
import os
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")


def main(argv=None):
    from ._data import corpus
    from ._models import MODELS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=sorted(MODELS), required=True)
    ap.add_argument("--corpus", choices=["pydoc", "markov"], default="pydoc")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--length", type=int, default=32)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--prior", choices=["mask", "uniform", "mixture"], default="mask")
    ap.add_argument("--step-thr", type=float, default=0.35, help="mixture threshold (RDLM)")
    ap.add_argument("--base", type=int, default=None)
    ap.add_argument("--loss", choices=["ce_is", "ce", "mse"], default="ce_is", help="RDLM training loss")
    ap.add_argument("--eval", type=int, default=512, help="validation sequences for the BPC")
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-weights", action="store_true", help="store config.json and log.csv only")
    ap.add_argument("--note", default=None, help="a remark stored in config.json")
    ap.add_argument("--eval-at", default="", help="steps at which to evaluate the bound as well, e.g. 1000,4000")
    a = ap.parse_args(argv)
    eval_at = sorted({int(s) for s in a.eval_at.split(",") if s.strip()})
    if any(s < 1 or s > a.steps for s in eval_at):
        ap.error(f"--eval-at steps must lie in [1, --steps={a.steps}], got {eval_at}")

    data = corpus(a.corpus, length=a.length)
    kw = dict(width=a.width, layers=a.layers)
    if a.model == "rdlm":
        kw.update(prior=a.prior, step_thr=a.step_thr, base=a.base, loss=a.loss)
    model = MODELS[a.model](data.vocab, a.length, **kw)
    bpc_at, eval_seconds = {}, 0.0

    def evaluate(step, params):
        nonlocal eval_seconds
        if step in eval_at and step != a.steps:
            tic = time.perf_counter()
            model.params = params
            b = model.bpc(data.valid[: a.eval])
            bpc_at[step] = [round(b.value, 4), round(b.se, 4)]
            eval_seconds += time.perf_counter() - tic
            print(f"{a.model}: step {step}, validation BPC {b.value:.3f} ± {b.se:.3f}", flush=True)

    log_every = 50
    if any(s % log_every for s in eval_at):
        log_every = math.gcd(*eval_at, log_every)
    start = time.perf_counter()
    log = model.train(data, a.steps, batch=a.batch, lr=a.lr, seed=a.seed, log_every=log_every,
                      on_chunk=evaluate if eval_at else None)
    seconds = time.perf_counter() - start - eval_seconds
    bpc = model.bpc(data.valid[: a.eval])
    if eval_at:
        bpc_at[a.steps] = [round(bpc.value, 4), round(bpc.se, 4)]
    print(f"{a.model}: {a.steps} steps in {seconds:.0f} s, final loss {log.loss[-50:].mean():.4f}, "
          f"validation BPC {bpc.value:.3f} ± {bpc.se:.3f}")
    extra = {"corpus": a.corpus, "valid_bpc": [round(bpc.value, 4), round(bpc.se, 4)],
             "eval_sequences": a.eval, "train_seconds": round(seconds),
             "flops_per_step": model.train_flops(a.batch)}
    if eval_at:
        extra["bpc_at"] = {str(s): bpc_at[s] for s in sorted(bpc_at)}
    if a.note:
        extra["note"] = a.note
    model.save(a.out, extra=extra, weights=not a.no_weights)


if __name__ == "__main__":
    main()
