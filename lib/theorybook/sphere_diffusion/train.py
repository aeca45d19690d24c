"""Train one model of the chapter and save a small checkpoint (weights, config, training log).

Usage (from anywhere, with the package installed)::

    python -m theorybook.sphere_diffusion.train --model rdlm --corpus pydoc --steps 4000 \
        --out lib/theorybook/sphere_diffusion/checkpoints/rdlm_pydoc

Options: ``--model {rdlm,mdlm,ar}``, ``--corpus {pydoc,markov}``, ``--steps`` (4000), ``--batch`` (64),
``--lr`` (1e-3), ``--seed`` (0), ``--length`` (32), ``--width`` (64), ``--layers`` (2),
``--prior {mask,uniform,mixture}``, ``--step-thr`` (0.35), ``--base`` and ``--loss {ce_is,ce,mse}``
(RDLM only), ``--no-weights`` (store config.json and log.csv only), ``--note`` (a text stored in
config.json). After training it evaluates the
validation BPC bound (RDLM: exact GRW bridge, 100 steps; MDLM: NELBO; AR: exact NLL) on the first
``--eval`` validation sequences and writes it into ``config.json``.
The checkpoints the book loads were made by this command with the settings in their config.json.
"""

from __future__ import annotations

import argparse
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
    a = ap.parse_args(argv)

    data = corpus(a.corpus, length=a.length)
    kw = dict(width=a.width, layers=a.layers)
    if a.model == "rdlm":
        kw.update(prior=a.prior, step_thr=a.step_thr, base=a.base, loss=a.loss)
    model = MODELS[a.model](data.vocab, a.length, **kw)
    start = time.perf_counter()
    log = model.train(data, a.steps, batch=a.batch, lr=a.lr, seed=a.seed)
    seconds = time.perf_counter() - start
    bpc = model.bpc(data.valid[: a.eval])
    print(f"{a.model}: {a.steps} steps in {seconds:.0f} s, final loss {log.loss[-50:].mean():.4f}, "
          f"validation BPC {bpc.value:.3f} ± {bpc.se:.3f}")
    extra = {"corpus": a.corpus, "valid_bpc": [round(bpc.value, 4), round(bpc.se, 4)],
             "eval_sequences": a.eval, "train_seconds": round(seconds)}
    if a.note:
        extra["note"] = a.note
    model.save(a.out, extra=extra, weights=not a.no_weights)


if __name__ == "__main__":
    main()
