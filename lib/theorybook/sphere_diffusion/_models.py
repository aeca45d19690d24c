"""RDLM and its two baselines on one small transformer (paper §3–4; repository ``losses.py``, ``sampling.py``).

* :class:`RDLM`: Riemannian diffusion language model. Input: x_t on the sphere (the V token
  coordinates, the mask coordinate dropped); output: V logits p_θ(x_1 | x_t). Trained by
  importance-weighted cross-entropy on simulation-free x_t; sampled by the geodesic random walk
  with the drift η_θ; likelihood bound by the Girsanov path-KL (NELBO).
* :class:`MaskedDiffusion`: MDLM (Sahoo et al. 2024) with the linear schedule α_t = 1 − t.
* :class:`Autoregressive`: a causal model on the same backbone (exact likelihood).

All three share :func:`~theorybook.sphere_diffusion._backbone.forward`, the optimiser (AdamW,
linear warm-up, gradient clipping at 1 as in the repository) and the training driver
(``lax.scan`` over chunks of steps; one key per step by ``fold_in``, so a run's first steps do not
depend on how many steps follow). Deviations from the repository: no EMA (runs of a few thousand
steps are shorter than EMA 0.9999's horizon), learning rate 1e-3 with 100 warm-up steps for the
tiny backbone (repository 3e-4, 2500), no dropout (as the repository).
"""

from __future__ import annotations

import csv
import json
import time
from functools import partial
from pathlib import Path
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ..common import check_choice, check_int, check_number, mean_se
from ._backbone import count_params, forward, init_backbone
from ._bridge import (PRIORS, RHO_FORMULAS, STEP_THR, T_MAX_SAMPLE, _bridge_endpoint, _exp,
                      _mixture_log, _sample_xt, _tables_arrays, prior_point, radial_tables)
from ._data import Corpus, base_digits, from_digits, n_digits
from ._schedule import GeometricSchedule, beta_t, gamma_t, schedule_params

LN2 = float(np.log(2.0))
T_MAX_TRAIN = 1.0 - 1e-6   # repository caps: training 1 − 1e-6, ELBO 1 − 1e-4, sampling 1 − 1e-5
T_MAX_ELBO = 1.0 - 1e-4
_TABLE_CACHE: dict = {}


class TrainLog(NamedTuple):
    """Per-step training loss: ``step`` [S] (1-based) and ``loss`` [S]."""

    step: np.ndarray
    loss: np.ndarray


class BPC(NamedTuple):
    """A likelihood bound in bits per character and its Monte Carlo standard error."""

    value: float
    se: float


class _Model:
    """Shared configuration, training driver, checkpoints. Subclasses define the loss and sampler."""

    kind = ""

    def __init__(self, vocab=27, length=32, *, width=64, layers=2, heads=4):
        self.vocab = check_int("vocab", vocab, low=2)
        self.length = check_int("length", length, low=2)
        self.width = check_int("width", width, low=4)
        self.layers = check_int("layers", layers, low=1)
        self.heads = check_int("heads", heads, low=1)
        if self.width % self.heads:
            raise ValueError(f"width = {width} must be divisible by heads = {heads}")
        self.params = None
        self.log: TrainLog | None = None
        self.train_config: dict = {}

    # ---- compiled samplers are shared between models of the same shape ----
    # The jitted methods take ``self`` as a static argument and read from it only the network's
    # shape (and RDLM's schedule); parameters and start points are traced arguments. Hashing
    # by that shape lets models that differ only in training (loss, prior, seed) share one
    # compiled sampler instead of compiling one each.
    def _static_key(self):
        return (type(self), self.vocab, self.length, self.seq_len, self.d_in, self.d_out,
                self.width, self.layers, self.heads, getattr(self, "schedule", None),
                getattr(self, "dim", None))

    def __hash__(self):
        return hash(self._static_key())

    def __eq__(self, other):
        return isinstance(other, _Model) and self._static_key() == other._static_key()

    # ---- sizes of the network (overridden by RDLM with splitting) ----
    @property
    def seq_len(self) -> int:
        return self.length

    @property
    def d_in(self) -> int:
        return self.vocab + 1

    @property
    def d_out(self) -> int:
        return self.vocab

    def config(self) -> dict:
        return {"model": self.kind, "vocab": self.vocab, "length": self.length, "width": self.width,
                "layers": self.layers, "heads": self.heads}

    def init(self, seed: int = 0):
        """Fresh parameters from ``seed``; returns them and stores them in ``self.params``."""
        self.params = init_backbone(jax.random.key(seed), self.d_in, self.d_out, self.width, self.layers)
        return self.params

    @property
    def n_params(self) -> int:
        return count_params(self.params if self.params is not None else self.init(0))

    def _net(self, params, h, t, causal=False):
        return forward(params, h, t, heads=self.heads, causal=causal)

    def _tokens(self, data) -> np.ndarray:
        tokens = data.train if isinstance(data, Corpus) else np.asarray(data)
        if tokens.ndim != 2 or tokens.shape[1] != self.length:
            raise ValueError(f"tokens must have shape [n, {self.length}], got {tokens.shape}")
        if not np.issubdtype(tokens.dtype, np.integer) or tokens.min() < 0 or tokens.max() >= self.vocab:
            raise ValueError(f"tokens must be integers in [0, {self.vocab})")
        return tokens.astype(np.int32)

    def _encode(self, tokens):
        """Tokens → what the network's loss sees (digits for RDLM with splitting)."""
        return tokens

    def _loss_fn(self):
        raise NotImplementedError

    def train(self, data, steps: int, *, batch: int = 64, lr: float = 1e-3, warmup: int = 100,
              seed: int = 0, log_every: int = 50, time_budget: float | None = None,
              on_chunk=None) -> TrainLog:
        """Train from fresh parameters (seed ``seed``) for ``steps`` AdamW steps on ``data``.

        ``data`` is a :class:`Corpus` (its train split) or tokens [n, length]. Batches are drawn
        with replacement, one key per step (``fold_in(seed, step)``). With ``time_budget`` (seconds,
        compilation included) training stops at the first multiple of ``log_every`` steps past the
        budget, for comparisons at equal wall-clock. ``on_chunk(step, params)``, if given, is called
        after every ``log_every`` steps (with a constant learning rate after warm-up and one key
        per step, the parameters after ``s`` steps are those of a run of ``s`` steps: the scaling
        study evaluates several budgets in one run this way). Returns and stores the per-step loss.
        Raises ValueError naming ``steps``, ``batch``, ``lr``, ``time_budget`` or ``tokens``.
        """
        steps = check_int("steps", steps, low=1)
        if time_budget is not None:
            time_budget = check_number("time_budget", time_budget, low=0.0, low_open=True)
        start = time.perf_counter()
        batch = check_int("batch", batch, low=1)
        log_every = check_int("log_every", log_every, low=1)
        lr = check_number("lr", lr, low=0.0, low_open=True)
        data = jnp.asarray(self._encode(self._tokens(data)))
        params = self.init(seed)
        opt = self._optimizer(lr, warmup)
        state = opt.init(params)
        chunk = self._chunk_fn(opt, batch, jax.random.fold_in(jax.random.key(seed), 1))

        losses = []
        done = 0
        while done < steps:
            n = min(log_every, steps - done)
            (params, state), loss = chunk(params, state, done, data, n)
            losses.append(np.asarray(loss))  # waits for the chunk, so the clock below is honest
            done += n
            if on_chunk is not None:
                on_chunk(done, params)
            if time_budget is not None and time.perf_counter() - start >= time_budget:
                break
        self.params = params
        self.log = TrainLog(np.arange(1, done + 1), np.concatenate(losses))
        self.train_config = {"steps": done, "batch": batch, "lr": lr, "warmup": warmup, "seed": seed,
                             "log_every": log_every}
        return self.log

    @staticmethod
    def _optimizer(lr: float, warmup: int):
        """AdamW (β = 0.9, 0.999, no weight decay) after clipping the gradient's norm at 1, with a
        linear warm-up over ``warmup`` steps to the constant rate ``lr``."""
        sched = lambda i: lr * jnp.minimum(1.0, (i + 1) / max(warmup, 1))  # noqa: E731
        return optax.chain(optax.clip_by_global_norm(1.0),
                           optax.adamw(sched, b1=0.9, b2=0.999, weight_decay=0.0))

    def _chunk_fn(self, opt, batch: int, key):
        """The jitted chunk :meth:`train` runs: ``chunk(params, state, start, data, n)`` takes ``n``
        steps (``lax.scan``), step ``start + i`` with its own key ``fold_in(key, start + i)``, and
        returns ``((params, state), losses)``. The benchmarks profile this same function."""
        loss_fn = self._loss_fn()

        @partial(jax.jit, static_argnums=4)
        def chunk(params, state, start, data, n):
            def body(carry, i):
                params, state = carry
                kb, kl = jax.random.split(jax.random.fold_in(key, start + i))
                idx = jax.random.randint(kb, (batch,), 0, data.shape[0])
                loss, grads = jax.value_and_grad(loss_fn)(params, data[idx], kl)
                updates, state = opt.update(grads, state, params)
                return (optax.apply_updates(params, updates), state), loss

            return jax.lax.scan(body, (params, state), jnp.arange(n))

        return chunk

    def train_flops(self, batch: int = 64) -> float:
        """FLOPs of one training step's loss and gradient on a batch of ``batch`` sequences, from
        XLA's cost analysis of the compiled function (the optimiser's few per-parameter FLOPs left
        out): the compute axis of the scaling study."""
        batch = check_int("batch", batch, low=1)
        tokens = jnp.zeros((batch, self.length), jnp.int32)
        grad = jax.jit(jax.value_and_grad(self._loss_fn()))
        params = self.params if self.params is not None else self.init(0)
        cost = grad.lower(params, jnp.asarray(self._encode(tokens)), jax.random.key(0)).compile().cost_analysis()
        return float((cost[0] if isinstance(cost, list) else cost)["flops"])

    def _need_params(self):
        if self.params is None:
            raise ValueError("the model has no parameters: call train(...) or load a checkpoint first")

    # ---- checkpoints ----
    def save(self, path, extra: dict | None = None, *, weights: bool = True) -> Path:
        """Write ``weights.npz`` (unless ``weights=False``), ``config.json`` and ``log.csv``
        into the folder ``path``."""
        self._need_params()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if weights:
            flat = jax.tree_util.tree_flatten_with_path(self.params)[0]
            np.savez_compressed(path / "weights.npz",
                                **{jax.tree_util.keystr(k): np.asarray(v) for k, v in flat})
        cfg = {"config": self.config(), "train": self.train_config, **(extra or {})}
        (path / "config.json").write_text(json.dumps(cfg, indent=1) + "\n")
        if self.log is not None:
            with open(path / "log.csv", "w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["step", "loss"])
                w.writerows([int(s), f"{float(v):.6g}"] for s, v in zip(self.log.step, self.log.loss))
        return path


class RDLM(_Model):
    r"""Riemannian Diffusion Language Model (paper §3; repository ``LogBridge`` + ``ce_loss_fn``).

    Each position is a point of S^{d−1}, d = V_s + 1 (V_s symbols plus the mask coordinate), with
    V_s = V, or V_s = ``base`` when tokens are split into m = ⌈log_b V⌉ digits (§3.4; then the
    network sees L·m positions). Training: t ~ w(t)/Z with the window weight
    w(t) = 1 on (left, right), 1e-4 elsewhere (text8: (0.3, 0.6)), x_t from the radial tables, and

    .. math:: \mathcal L = \frac{Z}{w(t)} \sum_l -\log p_\theta(x^l \mid x_t, t)

    (averaged over positions here, so the loss is per symbol). Sampling: the geodesic random
    walk with drift :math:`\eta_\theta = \gamma(t)\sum_k p_k \log_x(e_k)`. Likelihood: the
    Girsanov bound (see :meth:`bpc`).

    Args:
        vocab, length: V and the sequence length L in characters.
        prior: ``"mask"`` (start at e_m), ``"uniform"`` (start at 1/√d) or ``"mixture"``, the
            paper's text8 path (repository ``LogBridge_Mixture`` with ``mix_type="step"``): a
            bridge at time t starts at 1/√d if t < ``step_thr``, else at e_m (:func:`start_rule`),
            in the training loss and the bound alike; the sampler starts at the point of t = 0.
        step_thr: the mixture's threshold (repository text8: 0.35); used with ``"mixture"`` only.
        base: None, or b ≥ 2 for dimension splitting.
        schedule: :class:`GeometricSchedule` (β0 = 1e-3, β1 = 0.2).
        window: (left, right) of the importance weight.
        loss: ``"ce_is"`` (the repository's), ``"ce"`` (t uniform, no weight) or ``"mse"`` (the
            drift-matching NELBO integrand), the three arms of the paper's Fig. 1 ablation.
        table_particles, table_steps, rho: passed to :func:`radial_tables` (repository: 2^14,
            10^4, "repo"; here 4096, 1000, "exact" by default).
    """

    kind = "rdlm"

    def __init__(self, vocab=27, length=32, *, prior="mask", step_thr=STEP_THR, base=None,
                 schedule=GeometricSchedule(),
                 window=(0.3, 0.6), loss="ce_is", table_particles=4096, table_steps=1000, rho="exact",
                 width=64, layers=2, heads=4):
        super().__init__(vocab, length, width=width, layers=layers, heads=heads)
        prior = check_choice("prior", prior, PRIORS + ("mixture",))
        self.step_thr = check_number("step_thr", step_thr, low=0.0, high=1.0)
        if base is not None:
            base = check_int("base", base, low=2)
        schedule_params(schedule)   # raises for anything but a GeometricSchedule
        left, right = map(float, window)
        if not 0 <= left < right <= 1:
            raise ValueError(f"window must satisfy 0 <= left < right <= 1, got {window!r}")
        loss = check_choice("loss", loss, ("ce_is", "ce", "mse"))
        self.prior, self.base, self.schedule, self.window, self.loss = (
            prior, base, schedule, (left, right), loss)
        self.rho = check_choice("rho", rho, RHO_FORMULAS)
        self.table_particles = check_int("table_particles", table_particles, low=2)
        self.table_steps = check_int("table_steps", table_steps, low=2)
        self.digits = 1 if base is None else n_digits(self.vocab, base)
        self.symbols = self.vocab if base is None else base
        self.dim = self.symbols + 1
        # The sampler's start: the start point of t = 0 (the mixture's is u unless step_thr = 0).
        self.x0 = jnp.asarray(prior_point(self._start_prior(0.0), self.dim), jnp.float32)

    def _start_prior(self, t: float) -> str:
        if self.prior != "mixture":
            return self.prior
        return "uniform" if t < self.step_thr else "mask"

    @property
    def tables(self):
        """The radial tables of this model's sphere and prior (:meth:`tables_of`; mixture: an error)."""
        if self.prior == "mixture":
            raise ValueError("prior = 'mixture' uses two tables: call tables_of('mask' or 'uniform')")
        return self.tables_of(self.prior)

    def tables_of(self, prior: str):
        """The radial tables of this model's sphere for the start ``prior`` ("mask" or "uniform"),
        computed on first use and shared between models."""
        prior = check_choice("prior", prior, PRIORS)
        key = (self.dim, prior, self.schedule, self.table_particles, self.table_steps, self.rho)
        if key not in _TABLE_CACHE:
            _TABLE_CACHE[key] = radial_tables(self.dim, prior, schedule=self.schedule,
                                              particles=self.table_particles,
                                              steps=self.table_steps, rho=self.rho)
        return _TABLE_CACHE[key]

    def _paths(self):
        """(start, xt): the start point of each example's bridge from its time t [B] ([B, 1, d]),
        and x_t [B, L', d] from the radial approximation of that bridge (jit-friendly)."""
        priors = ("mask", "uniform") if self.prior == "mixture" else (self.prior,)
        parts = {p: (_tables_arrays(self.tables_of(p)),
                     jnp.asarray(prior_point(p, self.dim), jnp.float32),
                     jnp.float32(self.tables_of(p).c0)) for p in priors}

        def uniform_start(t):
            return (t < self.step_thr)[:, None, None]

        def start(t):
            if self.prior != "mixture":
                return jnp.broadcast_to(parts[self.prior][1], (t.shape[0], 1, self.dim))
            return jnp.where(uniform_start(t), parts["uniform"][1], parts["mask"][1])

        def xt(key, tok, t):
            x = {p: _sample_xt(key, tok, t[:, None], *parts[p]) for p in priors}
            if self.prior != "mixture":
                return x[self.prior]
            return jnp.where(uniform_start(t), x["uniform"], x["mask"])

        return start, xt

    @property
    def seq_len(self):
        return self.length * self.digits

    @property
    def d_in(self):
        return self.symbols

    @property
    def d_out(self):
        return self.symbols

    def config(self):
        mixture = {"step_thr": self.step_thr} if self.prior == "mixture" else {}
        return {**super().config(), "prior": self.prior, **mixture, "base": self.base,
                "beta0": self.schedule.beta0, "beta1": self.schedule.beta1, "window": list(self.window),
                "loss": self.loss, "table_particles": self.table_particles,
                "table_steps": self.table_steps, "rho": self.rho}

    def _encode(self, tokens):
        return tokens if self.base is None else base_digits(tokens, self.base, self.vocab)

    def _window_icdf(self, u):
        """Inverse CDF of w(t)/Z (closed form; the repository bisects the same CDF)."""
        left, right = self.window
        eps = 1e-4
        Z = eps * left + (right - left) + eps * (1 - right)
        c1, c2 = eps * left / Z, (eps * left + right - left) / Z
        t = jnp.where(u < c1, u * Z / eps,
                      jnp.where(u < c2, left + (u * Z - eps * left),
                                right + (u * Z - eps * left - (right - left)) / eps))
        return jnp.minimum(t, T_MAX_TRAIN), Z

    def _weight(self, t):
        left, right = self.window
        return jnp.where((t > left) & (t < right), 1.0, 1e-4)

    def _drift_residual(self, params, x, t, tok):
        """Σ_k p_k log_x(e_k) − log_x(e_tok) [B, L', d]; η_θ − γ log_x(e_k) is γ times this."""
        p = jax.nn.softmax(self._net(params, x[..., : self.symbols], t), axis=-1)
        p = jnp.pad(p, [(0, 0), (0, 0), (0, 1)])
        return _mixture_log(x, p - jax.nn.one_hot(tok, self.dim))  # linear in the weights

    def _loss_fn(self):
        _, sample_xt = self._paths()
        sp = schedule_params(self.schedule)

        def loss(params, tok, key):
            k1, k2 = jax.random.split(key)
            u = jax.random.uniform(k1, (tok.shape[0],))
            if self.loss == "ce_is":
                t, Z = self._window_icdf(u)
                weight = Z / self._weight(t)
            else:
                t, weight = u * T_MAX_TRAIN, jnp.ones_like(u)
            x = sample_xt(k2, tok, t)
            if self.loss == "mse":
                r = self._drift_residual(params, x, t, tok)
                g = gamma_t(t, sp)
                return jnp.mean(0.5 * g**2 / beta_t(t, sp) * jnp.sum(r**2, axis=(-1, -2))
                                / tok.shape[1])
            logp = jax.nn.log_softmax(self._net(params, x[..., : self.symbols], t), axis=-1)
            ce = -jnp.take_along_axis(logp, tok[..., None], axis=-1)[..., 0]
            return jnp.mean(weight[:, None] * ce)

        return loss

    def sample(self, n: int, *, steps: int = 64, seed: int = 0, start: str | None = None) -> np.ndarray:
        r"""Draw ``n`` sequences by the geodesic random walk (repository ``EulerMaruyamaPredictor``, "grw").

        .. math:: x \leftarrow \exp_x\big(\eta_\theta(x, t)\,\Delta t + \sqrt{\beta(t)\Delta t}\,z\big),
                  \quad t_i = i\,(1-10^{-5})/S,

        from the prior point of t = 0 (the mixture path's is u, as the repository's
        ``prior_sample`` at t = 0), or from ``start`` ("mask" or "uniform") if given; tokens are
        argmax over the V symbol coordinates (digits decoded back to tokens with splitting).
        Returns int32 [n, length].
        """
        x = self.sampler_states(n, steps=steps, seed=seed, start=start)[-1]
        tok = np.asarray(jnp.argmax(x[..., : self.symbols], axis=-1))
        return tok.astype(np.int32) if self.base is None else from_digits(tok, self.base, self.vocab)

    def sampler_states(self, n: int, *, steps: int = 64, seed: int = 0, start: str | None = None,
                       every: int | None = None) -> np.ndarray:
        """The states of :meth:`sample`'s geodesic random walk at t_i = i·(1 − 1e-5)/steps for
        i = 0, every, 2·every, ..., steps (``every`` = steps by default: the last state only).
        Returns float32 [R, n, L', d] (L' = L·m with splitting)."""
        self._need_params()
        n, steps = check_int("n", n, low=1), check_int("steps", steps, low=1)
        every = steps if every is None else check_int("every", every, low=1)
        if steps % every:
            raise ValueError(f"every = {every} must divide steps = {steps}")
        x0 = self.x0 if start is None else jnp.asarray(
            prior_point(check_choice("start", start, PRIORS), self.dim), jnp.float32)
        records = 1 if every == steps else steps // every + 1
        return np.asarray(self._grw(self.params, jax.random.key(seed), x0, n, jnp.int32(steps),
                                    jnp.int32(every), records))

    @partial(jax.jit, static_argnums=(0, 4, 7))
    def _grw(self, params, key, x0, n, steps, every, records):
        # ``steps`` and ``every`` are traced (while loops), so a new step count does not recompile
        # the sampler; ``records`` states are kept: every ``every`` steps, or (1) the last one.
        sp = schedule_params(self.schedule)
        dt = T_MAX_SAMPLE / steps
        x = jnp.broadcast_to(x0, (n, self.seq_len, self.dim))

        def step(i, x):
            t = i * dt
            tt = jnp.full((n,), t)
            p = jax.nn.softmax(self._net(params, x[..., : self.symbols], tt), axis=-1)
            p = jnp.pad(p, [(0, 0), (0, 0), (0, 1)])
            drift = gamma_t(t, sp) * _mixture_log(x, p)        # η_θ(x, t)
            z = jax.random.normal(jax.random.fold_in(key, i), x.shape)
            return _exp(x, drift * dt + jnp.sqrt(beta_t(t, sp) * dt) * z)

        def chunk(j, carry):
            x, buf = carry
            x = jax.lax.fori_loop(j * every, (j + 1) * every, step, x)
            return x, buf.at[jnp.minimum(j + 1, records - 1)].set(x)

        buf = jnp.zeros((records, *x.shape), x.dtype).at[0].set(x)
        x, buf = jax.lax.fori_loop(0, steps // every, chunk, (x, buf))
        return buf.at[-1].set(x)

    def training_states(self, tokens, t, *, seed: int = 0) -> np.ndarray:
        """x_t as the training loss draws it (radial approximation of the bridge that starts at
        the start point of time t, :func:`start_rule` for the mixture), for every sequence of
        ``tokens`` [B, L] at the time ``t`` (a number in [0, 1]). Returns float32 [B, L', d]."""
        t = check_number("t", t, low=0.0, high=1.0)
        tok = jnp.asarray(self._encode(self._tokens(tokens)))
        _, xt = self._paths()
        return np.asarray(xt(jax.random.key(seed), tok, jnp.full((tok.shape[0],), t, jnp.float32)))

    def _nelbo_integrand(self, xt, sim_steps):
        """(params, digits [B, L'], t [B], key) → the NELBO integrand of each sequence at its t (nats),
        with x_t from the exact GRW bridge (``xt="simulate"``) or the radial approximation."""
        xt = check_choice("xt", xt, ("simulate", "approx"))
        sim_steps = check_int("sim_steps", sim_steps, low=1)
        start, sample_xt = self._paths()
        sp = schedule_params(self.schedule)

        def integrand(params, tok, t, key):
            if xt == "simulate":
                x = _bridge_endpoint(key, start(t), jax.nn.one_hot(tok, self.dim), t, sim_steps,
                                     sp)
            else:
                x = sample_xt(key, tok, t)
            r = self._drift_residual(params, x, t, tok)
            return 0.5 * gamma_t(t, sp) ** 2 / beta_t(t, sp) * jnp.sum(r**2, axis=(-1, -2))

        return integrand

    def bpc(self, data, *, draws: int = 4, xt: str = "simulate", sim_steps: int = 100, seed: int = 0,
            batch: int = 64) -> BPC:
        r"""Girsanov bound in bits per character (repository ``elbo_loss_fn`` + ``Eval.bpc``).

        .. math:: \text{NELBO}(x) = \int_0^1 \sum_l \frac{1}{2\beta(t)}
                  \big\lVert \eta_\theta(x_t^l, t) - \gamma(t)\log_{x_t^l}(e_{x^l}) \big\rVert^2 dt ,
                  \qquad \text{BPC} = \frac{\text{NELBO}}{L \ln 2},

        estimated with ``draws`` stratified times per sequence on [0, 1 − 1e-4]; x_t from the exact
        GRW bridge (``xt="simulate"``, ``sim_steps`` steps on [0, t]; repository: 500) or from
        the radial approximation (``xt="approx"``, a different estimator). No prior term: every
        path starts at the same point. ``data``: a Corpus (its validation split) or tokens.
        Returns the mean over sequences and its standard error.
        """
        self._need_params()
        nelbo = _stratified_nelbo(self._nelbo_integrand(xt, sim_steps), draws,
                                  lambda u: u * T_MAX_ELBO)
        digits = jnp.asarray(self._encode(self._tokens(
            data.valid if isinstance(data, Corpus) else data)))
        return _batched_bpc(nelbo, self.params, digits, batch, seed, self.length)

    def nelbo_profile(self, data, ts, *, xt: str = "approx", sim_steps: int = 100, seed: int = 0):
        """The NELBO integrand of :meth:`bpc` at fixed times ``ts``, in bits per character per unit t.

        Its integral over [0, 1] is the BPC bound; the profile shows which times dominate it.
        Returns an array [len(ts)] (mean over the sequences of ``data``).
        """
        self._need_params()
        ts = np.asarray(ts, dtype=float)
        if np.any(ts < 0) or np.any(ts >= 1):
            raise ValueError("ts must lie in [0, 1)")
        digits = jnp.asarray(self._encode(self._tokens(data.valid if isinstance(data, Corpus) else data)))
        per_sequence = self._nelbo_integrand(xt, sim_steps)
        integrand = jax.jit(lambda params, tok, t, key: jnp.mean(
            per_sequence(params, tok, jnp.full((tok.shape[0],), t), key)))

        key = jax.random.key(seed)
        return np.array([float(integrand(self.params, digits, float(t), jax.random.fold_in(key, i)))
                         for i, t in enumerate(ts)]) / (self.length * LN2)


class StartCheck(NamedTuple):
    """Mean mask coordinate ⟨x, e_m⟩ at times ``t`` [R]: along the sampler's paths (``sampler``,
    started as :meth:`RDLM.sample` starts) and in the states the training loss draws
    (``training``), each with its s.e. over sequences (``*_se``)."""

    t: np.ndarray
    sampler: np.ndarray
    sampler_se: np.ndarray
    training: np.ndarray
    training_se: np.ndarray


def start_check(model: RDLM, tokens, *, n: int = 32, steps: int = 64, records: int = 16,
                seed: int = 0, start: str | None = None) -> StartCheck:
    """Does the sampler visit the states the network was trained on? (brief, pitfall 2.)

    With the mixture path the loss trains on bridges from u for t < step_thr and from e_m after;
    the sampler starts at u and never sees a mask start. The mask coordinate tells the two apart
    (it starts at 1 from e_m, at 1/√d from u). Compares its mean along ``n`` sampler paths
    (``steps`` GRW steps, ``records`` + 1 times) with its mean in the training states of the
    first ``n`` sequences of ``tokens`` at the same times.
    """
    records = check_int("records", records, low=1)
    steps = check_int("steps", steps, low=records)
    if steps % records:
        raise ValueError(f"records = {records} must divide steps = {steps}")
    xs = model.sampler_states(n, steps=steps, seed=seed, start=start, every=steps // records)
    t = np.linspace(0.0, T_MAX_SAMPLE, records + 1)
    tokens = np.asarray(tokens)[:n]
    seq_mean = lambda x: x[..., -1].mean(axis=-1)   # noqa: E731 (mask coordinate, mean over positions)
    samp = np.stack([seq_mean(x) for x in xs])
    train = np.stack([seq_mean(model.training_states(tokens, float(ti), seed=seed + i + 1))
                      for i, ti in enumerate(t)])
    se = lambda a: a.std(axis=1, ddof=1) / np.sqrt(a.shape[1])   # noqa: E731
    return StartCheck(t, samp.mean(axis=1), se(samp), train.mean(axis=1), se(train))


def _stratified_nelbo(integrand, draws, time_of):
    """NELBO per sequence: the mean of ``integrand(params, tok, t, key)`` over ``draws``
    stratified times t = time_of(u), u_j ∈ [j/draws, (j+1)/draws) (one shared estimator for
    RDLM's and MDLM's :meth:`bpc`); a jitted (params, tok [B, L], key) → [B]."""
    draws = check_int("draws", draws, low=1)

    @jax.jit
    def nelbo(params, tok, key):
        k1, k2 = jax.random.split(key)
        B = tok.shape[0]
        u = (jnp.arange(draws)[None, :] + jax.random.uniform(k1, (B, draws))) / draws
        per = integrand(params, jnp.repeat(tok, draws, axis=0), time_of(u).reshape(-1), k2)
        return per.reshape(B, draws).mean(axis=1)

    return nelbo


def _batched_bpc(fn, params, tokens, batch, seed, length) -> BPC:
    vals = []
    key = jax.random.key(seed)
    for i, s in enumerate(range(0, tokens.shape[0], batch)):
        vals.append(np.asarray(fn(params, tokens[s:s + batch], jax.random.fold_in(key, i))))
    per_seq = np.concatenate(vals) / (length * LN2)
    return BPC(float(per_seq.mean()), float(per_seq.std(ddof=1) / np.sqrt(per_seq.size)))


class MaskedDiffusion(_Model):
    r"""Masked diffusion (MDLM, Sahoo et al. 2024) on the same backbone, linear schedule α_t = 1 − t.

    Each position is masked independently with probability t; the network sees one-hot tokens
    (V + 1 symbols, the last = mask) and t, and predicts the clean token (SUBS: no mass on the
    mask, carry-over of unmasked tokens). Continuous-time NELBO (MDLM Eq. 10 with α_t = 1 − t):

    .. math:: \text{NELBO}(x) = E_{t\sim U(0,1)}\Big[\frac1t \sum_{l:\,z_t^l = m} -\log p_\theta(x^l\mid z_t)\Big].
    """

    kind = "mdlm"
    _T_MIN = 1e-3  # MDLM's sampling_eps

    def _mask_inputs(self, tok, t, key):
        masked = jax.random.uniform(key, tok.shape) < t[:, None]
        z = jnp.where(masked, self.vocab, tok)
        return z, masked

    def _nelbo_terms(self, params, tok, t, key):
        z, masked = self._mask_inputs(tok, t, key)
        logp = jax.nn.log_softmax(self._net(params, jax.nn.one_hot(z, self.vocab + 1), t), axis=-1)
        ce = -jnp.take_along_axis(logp, tok[..., None], axis=-1)[..., 0]
        return jnp.sum(masked * ce, axis=-1) / t  # nats per sequence

    def _loss_fn(self):
        def loss(params, tok, key):
            k1, k2 = jax.random.split(key)
            # Low-discrepancy times across the batch (MDLM's ``antithetic_sampling``): the 1/t weight
            # makes i.i.d. times give rare huge losses that stall Adam on a small batch.
            B = tok.shape[0]
            u = (jax.random.uniform(k1, ()) + jnp.arange(B) / B) % 1.0
            t = self._T_MIN + (1 - self._T_MIN) * u
            return jnp.mean(self._nelbo_terms(params, tok, t, k2)) / tok.shape[1]

        return loss

    def bpc(self, data, *, draws: int = 4, seed: int = 0, batch: int = 64) -> BPC:
        """The NELBO above in bits per character, ``draws`` stratified times per sequence; returns (mean, s.e.)."""
        self._need_params()
        nelbo = _stratified_nelbo(self._nelbo_terms, draws,
                                  lambda u: self._T_MIN + (1 - self._T_MIN) * u)
        tokens = jnp.asarray(self._tokens(data.valid if isinstance(data, Corpus) else data))
        return _batched_bpc(nelbo, self.params, tokens, batch, seed, self.length)

    def nelbo_profile(self, data, ts, *, seed: int = 0):
        """The NELBO integrand of :meth:`bpc` at fixed times ``ts`` (bits per character per unit t).

        At time t it is E[cross-entropy of a masked position] in bits: the 1/t weight cancels the
        fraction t of masked positions. Its integral over [0, 1] is the BPC bound; compare with
        :meth:`RDLM.nelbo_profile`. Returns an array [len(ts)].
        """
        self._need_params()
        ts = np.asarray(ts, dtype=float)
        if np.any(ts <= 0) or np.any(ts > 1):
            raise ValueError("ts must lie in (0, 1]")
        tokens = jnp.asarray(self._tokens(data.valid if isinstance(data, Corpus) else data))
        fn = jax.jit(lambda params, t, key: jnp.mean(
            self._nelbo_terms(params, tokens, jnp.full((tokens.shape[0],), t), key)))
        key = jax.random.key(seed)
        return np.array([float(fn(self.params, float(t), jax.random.fold_in(key, i)))
                         for i, t in enumerate(ts)]) / (self.length * LN2)

    def sample(self, n: int, *, steps: int = 64, seed: int = 0) -> np.ndarray:
        """Ancestral sampling from all-mask (MDLM): from t to s < t a masked position is revealed with
        probability (t − s)/t, drawn from p_θ(· | z_t). Returns int32 [n, length]."""
        self._need_params()
        n, steps = check_int("n", n, low=1), check_int("steps", steps, low=1)
        return np.asarray(self._ancestral(self.params, jax.random.key(seed), n,
                                          jnp.int32(steps))).astype(np.int32)

    @partial(jax.jit, static_argnums=(0, 3))
    def _ancestral(self, params, key, n, steps):
        # ``steps`` is traced (a while loop): a new step count does not recompile the sampler.
        z = jnp.full((n, self.length), self.vocab)

        def step(i, z):
            t, s = 1.0 - i / steps, 1.0 - (i + 1) / steps
            k1, k2 = jax.random.split(jax.random.fold_in(key, i))
            logits = self._net(params, jax.nn.one_hot(z, self.vocab + 1), jnp.full((n,), t))
            draw = jax.random.categorical(k1, logits)
            reveal = (z == self.vocab) & (jax.random.uniform(k2, z.shape) < (t - s) / t)
            return jnp.where(reveal, draw, z)

        return jax.lax.fori_loop(0, steps, step, z)


class Autoregressive(_Model):
    """Causal transformer on the same backbone: p(x) = Π_l p_θ(x^l | x^{<l}); exact likelihood.

    Input at position l is the one-hot of x^{l−1} (a start symbol V at l = 0); time is fixed at 0.
    """

    kind = "ar"

    def _logits(self, params, tok):
        prev = jnp.concatenate([jnp.full((tok.shape[0], 1), self.vocab), tok[:, :-1]], axis=1)
        return self._net(params, jax.nn.one_hot(prev, self.vocab + 1), jnp.zeros(tok.shape[0]), causal=True)

    def _nll(self, params, tok):
        logp = jax.nn.log_softmax(self._logits(params, tok), axis=-1)
        return -jnp.take_along_axis(logp, tok[..., None], axis=-1)[..., 0].sum(-1)

    def _loss_fn(self):
        return lambda params, tok, key: jnp.mean(self._nll(params, tok)) / tok.shape[1]

    def bpc(self, data, *, seed: int = 0, batch: int = 256) -> BPC:
        """Exact negative log-likelihood in bits per character; returns (mean, s.e. over sequences)."""
        self._need_params()
        tokens = jnp.asarray(self._tokens(data.valid if isinstance(data, Corpus) else data))
        fn = jax.jit(lambda params, tok, key: self._nll(params, tok))
        return _batched_bpc(fn, self.params, tokens, batch, seed, self.length)

    def sample(self, n: int, *, steps: int | None = None, seed: int = 0) -> np.ndarray:
        """Ancestral left-to-right sampling (``steps`` is ignored: always L network calls)."""
        self._need_params()
        n = check_int("n", n, low=1)
        return np.asarray(self._ancestral(self.params, jax.random.key(seed), n)).astype(np.int32)

    @partial(jax.jit, static_argnums=(0, 3))
    def _ancestral(self, params, key, n):
        def step(tok, i):
            logits = self._logits(params, tok)[:, i]
            return tok.at[:, i].set(jax.random.categorical(jax.random.fold_in(key, i), logits)), None

        tok, _ = jax.lax.scan(step, jnp.zeros((n, self.length), jnp.int32), jnp.arange(self.length))
        return tok


MODELS = {"rdlm": RDLM, "mdlm": MaskedDiffusion, "ar": Autoregressive}

# The checkpoints the book loads: display name → folder in the package's ``checkpoints/``
# (each made by ``python -m theorybook.sphere_diffusion.train`` with its config.json).
CHECKPOINTS = {
    "RDLM": "rdlm_pydoc",
    "RDLM, t uniform": "rdlm_ce_pydoc",
    "RDLM, MSE": "rdlm_mse_pydoc",
    "RDLM, uniform prior": "rdlm_uniform_pydoc",
    "RDLM, mixture": "rdlm_mixture_pydoc",
    "RDLM, base 3": "rdlm_base3_pydoc",
    "RDLM, base 3, t uniform": "rdlm_base3_ce_pydoc",
    "MDLM": "mdlm_pydoc",
    "autoregressive": "ar_pydoc",
}


# The seed study (3 training seeds each): display name → folder of seed 0; seed s > 0 is in
# ``<folder>_seed<s>`` (config.json with the validation bound and log.csv, no weights).
SEED_FAMILIES = ("RDLM", "RDLM, t uniform", "RDLM, MSE", "RDLM, uniform prior", "RDLM, mixture",
                 "MDLM", "autoregressive")


class SeedBPC(NamedTuple):
    """Validation bounds of one model trained with several seeds: ``mean`` ± ``se`` over the
    seeds (s.e. of the mean, nan for one seed), and each seed's ``values`` (BPC) and ``seeds``."""

    mean: float
    se: float
    values: tuple
    seeds: tuple


def seed_bpc(name: str) -> SeedBPC:
    """The stored validation bounds of every training seed of the checkpoint ``name`` (a display
    name of :data:`CHECKPOINTS`), as mean ± s.e. over seeds (``common.mean_se``).

    Raises: ValueError for a name not in :data:`CHECKPOINTS`.
    """
    folder = Path(__file__).with_name("checkpoints") / CHECKPOINTS[check_choice("name", name, CHECKPOINTS)]
    runs = [folder] + sorted(folder.parent.glob(folder.name + "_seed*"))
    cfgs = [json.loads((p / "config.json").read_text()) for p in runs if (p / "config.json").exists()]
    if not cfgs:
        raise ValueError(f"name {name!r}: no stored run in {folder}")
    values = tuple(float(c["valid_bpc"][0]) for c in cfgs)
    mean, se = mean_se(values)
    return SeedBPC(float(mean), float(se), values, tuple(int(c["train"]["seed"]) for c in cfgs))


def load_checkpoints(names=None) -> dict:
    """The shipped checkpoints by display name (all of :data:`CHECKPOINTS`, or ``names`` in order).

    Raises:
        ValueError: a name that is not in :data:`CHECKPOINTS`.
    """
    names = list(CHECKPOINTS) if names is None else list(names)
    return {k: load_model(CHECKPOINTS[check_choice("names", k, CHECKPOINTS)]) for k in names}


def load_model(path):
    """Load a model saved by :meth:`_Model.save` (or a checkpoint name in the package's ``checkpoints/``)."""
    path = Path(path)
    if not path.exists():
        path = Path(__file__).with_name("checkpoints") / str(path)
    if not (path / "config.json").exists():
        raise ValueError(f"path {path} holds no checkpoint (config.json missing)")
    cfg = json.loads((path / "config.json").read_text())
    c = dict(cfg["config"])
    cls = MODELS[c.pop("model")]
    if cls is RDLM:
        c["schedule"] = GeometricSchedule(c.pop("beta0"), c.pop("beta1"))
        c["window"] = tuple(c["window"])
    model = cls(**c)
    # Shapes only (no random numbers drawn): the stored arrays replace every leaf.
    template = jax.eval_shape(lambda: init_backbone(jax.random.key(0), model.d_in, model.d_out, model.width,
                                                    model.layers))
    leaves, treedef = jax.tree_util.tree_flatten_with_path(template)
    with np.load(path / "weights.npz") as w:
        model.params = jax.tree_util.tree_unflatten(
            treedef, [jnp.asarray(w[jax.tree_util.keystr(k)]) for k, _ in leaves])
    model.train_config = cfg.get("train", {})
    model.extra = {k: v for k, v in cfg.items() if k not in ("config", "train")}
    if (path / "log.csv").exists():
        arr = np.loadtxt(path / "log.csv", delimiter=",", skiprows=1, ndmin=2)
        model.log = TrainLog(arr[:, 0].astype(int), arr[:, 1])
    return model
