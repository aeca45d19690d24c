r"""Fine-tuning by online SGD on fresh Gaussian inputs, and the chapter's metrics.

One SGD step (our reconstruction of the paper's multi-step SGD on the first layer; the abstract
fixes neither the loss nor the form of "localization"):

.. math::

    \hat g_j = m a_j \frac1B \sum_{b=1}^B \ell_b\, \sigma'(\langle w_j, x_b\rangle)\, x_b, \qquad
    \ell_b = \begin{cases} y_b & \text{correlation loss} \\ y_b - f(x_b) & \text{squared loss}
    \end{cases}

    \hat g_j \leftarrow P_{V_{k(j)}} \hat g_j \ \ (\text{localized}), \qquad
    w_j \leftarrow \frac{w_j + \eta (I - w_j w_j^\top)\hat g_j}
    {\lVert w_j + \eta (I - w_j w_j^\top)\hat g_j \rVert}

with σ = He₂ (σ' (z) = 2z), labels :math:`y = \mathrm{He}_2(\langle\theta_W,x\rangle) + \tau\xi`
(weak) or :math:`\mathrm{He}_2(\langle\theta_\kappa,x\rangle)` (truth), and, when the readout is
trained, :math:`a_j \leftarrow a_j + \frac{\eta}{m}\frac1B\sum_b (y_b - f(x_b))\,\sigma(\langle
w_j,x_b\rangle)` (squared loss on the readout: the correlation loss is unbounded in a).

Localized updates keep every neuron in its subspace, so they run exactly in the r reduced
coordinates; free updates run in all d coordinates (the first r inputs are drawn from the same
key, so ``coordinates="full"`` reproduces a reduced run up to rounding).
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..common import (check_array, check_choice, check_int, check_number, check_seed,
                      check_seeds, jax_key, progress)
from ._model import (Geometry, Student, Teacher, _check_geometry, _pad, make_geometry,
                     pretrained_student, teacher_r2, weak_teacher)

__all__ = ["compare", "default_lr", "finetune", "hitting_step", "metrics", "overlap_ode"]

LABELS = ("weak", "truth")
UPDATES = ("localized", "free")
LOSSES = ("correlation", "squared")
COORDINATES = ("reduced", "full")
HISTORY_KEYS = ("target_alignment", "target_overlap", "off_target_retention", "r2")
ARMS = {"W2S": ("weak", "localized"), "weak + free": ("weak", "free"),
        "truth + localized": ("truth", "localized"), "SFT": ("truth", "free")}


def default_lr(geometry: Geometry, updates: str) -> float:
    """η = 0.25/s for localized updates, 0.25/d for free ones (our choice: the gradient noise
    per step grows with the dimension the update lives in)."""
    geo = _check_geometry(geometry)
    updates = check_choice("updates", updates, UPDATES)
    return 0.25 / (geo.s if updates == "localized" else geo.d)


# --- the jitted kernel -------------------------------------------------------------------------
def _observe(W, a, tmask, thetas_n, q0_n, theta_k):
    """Target alignment (top eigenvector of the target neurons), their mean squared overlap,
    off-target retention and the readout-refit R² (closed form for σ = He₂)."""
    Wt = W * tmask[:, None]
    _, vecs = jnp.linalg.eigh(Wt @ Wt.T)
    v = Wt.T @ vecs[:, -1]
    align = jnp.abs(v @ theta_k) / jnp.maximum(jnp.linalg.norm(v), 1e-30)
    q = (W @ theta_k) ** 2
    overlap = jnp.sum(q * tmask) / jnp.sum(tmask)
    off = 1.0 - tmask
    qo = jnp.sum(W * thetas_n, axis=1) ** 2 / q0_n
    retention = jnp.sum(qo * off) / jnp.maximum(jnp.sum(off), 1.0)
    return jnp.stack([align, overlap, retention, _r2(W, theta_k)])


def _r2(W, theta):
    r"""Best :math:`R^2` of :math:`\sum_j c_j \mathrm{He}_2(\langle w_j,x\rangle)` for
    :math:`\mathrm{He}_2(\langle\theta,x\rangle)`: :math:`E[\mathrm{He}_2\mathrm{He}_2] =
    2\langle w,w'\rangle^2`, so :math:`R^2 = b^\top M^+ b` with :math:`M_{ij} = \langle w_i,
    w_j\rangle^2`, :math:`b_i = \langle w_i,\theta\rangle^2`."""
    M = (W @ W.T) ** 2
    b = (W @ theta) ** 2
    vals, vecs = jnp.linalg.eigh(M)                 # pseudo-inverse of the PSD Gram matrix
    inv = jnp.where(vals > 1e-6 * vals[-1], 1.0 / jnp.maximum(vals, 1e-30), 0.0)
    return jnp.clip(jnp.sum((vecs.T @ b) ** 2 * inv), 0.0, 1.0)


def _step(state, key, p, *, batch, r, loss, localized, train_readout):
    W, a = state
    m, D = W.shape
    kx, kr, kn = jax.random.split(key, 3)
    x = jax.random.normal(kx, (batch, r), W.dtype)
    if D > r:
        x = jnp.concatenate([x, jax.random.normal(kr, (batch, D - r), W.dtype)], axis=1)
    z = x @ W.T                                                   # (B, m)
    y = (x @ p["label"]) ** 2 - 1.0 + p["tau"] * jax.random.normal(kn, (batch,), W.dtype)
    f = (z**2 - 1.0) @ a
    ell = y - f if loss == "squared" else y
    G = ((ell[:, None] * 2.0 * z).T @ x) / batch * (m * a)[:, None]   # σ = He₂, σ' = 2z
    if localized:
        G = jnp.einsum("jsd,js->jd", p["U"], jnp.einsum("jsd,jd->js", p["U"], G))
    G = G - jnp.sum(G * W, axis=1, keepdims=True) * W
    W = W + p["lr"] * G
    W = W / jnp.linalg.norm(W, axis=1, keepdims=True)
    if train_readout:
        a = a + p["lr"] / m * jnp.mean((y - f)[:, None] * (z**2 - 1.0), axis=0)
    return W, a


@partial(jax.jit, static_argnames=("batch", "r", "loss", "localized", "train_readout",
                                   "every", "n_records", "keep_weights"))
def _run(W, a, key, p, *, batch, r, loss, localized, train_readout, every, n_records,
         keep_weights):
    step = partial(_step, batch=batch, r=r, loss=loss, localized=localized,
                   train_readout=train_readout)
    obs = partial(_observe, tmask=p["tmask"], thetas_n=p["thetas_n"], q0_n=p["q0_n"],
                  theta_k=p["theta_k"])

    def chunk(state, k):
        state = lax.fori_loop(0, every, lambda i, s: step(s, jax.random.fold_in(k, i), p),
                              state)
        out = (obs(state[0], state[1]), state[0] if keep_weights else jnp.zeros(()))
        return state, out

    keys = jax.random.split(key, n_records)
    (W, a), (hist, traj) = lax.scan(chunk, (W, a), keys)
    return W, a, hist, traj


@partial(jax.jit, static_argnames=("batch", "r", "loss", "localized", "train_readout",
                                   "every", "n_records", "keep_weights"))
def _run_seeds(W, a, keys, p, *, batch, r, loss, localized, train_readout, every, n_records,
               keep_weights):
    """:func:`_run` vmapped over a leading seed axis of every argument."""
    run = partial(_run.__wrapped__, batch=batch, r=r, loss=loss, localized=localized,
                  train_readout=train_readout, every=every, n_records=n_records,
                  keep_weights=keep_weights)
    return jax.vmap(run)(W, a, keys, p)


# --- public functions --------------------------------------------------------------------------
def _params(student, geo, teacher, labels, updates, coordinates, lr):
    """Arrays of one run, padded to the working dimension D."""
    r = geo.r
    D = geo.d if (updates == "free" or coordinates == "full" or student.W.shape[1] > r) else r
    W = _pad(student.W, D)
    group = student.group
    thetas = _pad(geo.thetas, D)
    label = thetas[0] if labels == "truth" else _pad(teacher.theta, D)
    tau = 0.0 if labels == "truth" else teacher.noise
    q0 = np.where(student.overlap0 > 0, student.overlap0, 1.0)
    p = dict(label=label, tau=np.float32(tau), lr=np.float32(lr),
             tmask=(group == 0).astype(np.float32), thetas_n=thetas[group],
             q0_n=q0[group].astype(np.float32), theta_k=thetas[0])
    if updates == "localized":
        p["U"] = _pad(geo.bases, D)[group]
    p = {k: jnp.asarray(v, jnp.float32) for k, v in p.items()}
    return W, p


def _validate(geometry, teacher, labels, updates, loss, coordinates, steps, batch, lr,
              record_every):
    geo = _check_geometry(geometry)
    labels = check_choice("labels", labels, LABELS)
    updates = check_choice("updates", updates, UPDATES)
    loss = check_choice("loss", loss, LOSSES)
    coordinates = check_choice("coordinates", coordinates, COORDINATES)
    if labels == "weak" and not isinstance(teacher, Teacher):
        raise ValueError("teacher must be a Teacher from weak_teacher when labels='weak', got "
                         f"{type(teacher).__name__}")
    steps = check_int("steps", steps, low=1)
    batch = check_int("batch", batch, low=1)
    lr = default_lr(geo, updates) if lr is None else check_number("lr", lr, low=0.0,
                                                                 low_open=True)
    record_every = check_int("record_every", record_every, low=1)
    if steps % record_every:
        raise ValueError(f"steps must be a multiple of record_every={record_every}, got {steps}")
    return geo, labels, updates, loss, coordinates, steps, batch, lr, record_every


def finetune(student, geometry, teacher, labels="weak", updates="localized",
             loss="correlation", train_readout=False, steps=300, batch=256, lr=None, seed=0,
             *, record_every=None, coordinates="reduced", trajectory=False) -> Student:
    r"""Fine-tune the student's first layer by online SGD (module doc) and return it.

    Args:
        student: from :func:`pretrained_student`.
        geometry, teacher: from :func:`make_geometry`, :func:`weak_teacher` (the teacher may be
            ``None`` when ``labels="truth"``).
        labels: ``"weak"`` (the teacher's labels) or ``"truth"`` (the target task's).
        updates: ``"localized"`` (each gradient projected on its neuron's subspace) or
            ``"free"``.
        loss: ``"correlation"`` or ``"squared"``.
        train_readout: also train a (hypothesis "readout recruitment"; off by default, as the
            paper does not analyse the second layer).
        steps, batch: SGD steps and fresh Gaussian inputs per step.
        lr: η; ``None`` picks :func:`default_lr`.
        seed: the inputs and label noise.
        record_every: record the metrics every this many steps (default ``steps // 30`` or 1).
        coordinates: ``"reduced"`` (r coordinates when the updates are localized) or ``"full"``
            (always d; same numbers up to rounding, for the benchmark).
        trajectory: also keep the weights at every record (for the 3-D picture).

    Returns:
        The fine-tuned :class:`Student`, whose ``history`` holds ``step`` and the arrays of
        :data:`HISTORY_KEYS` at step 0 and every ``record_every`` steps.

    Raises:
        ValueError: naming the offending argument.
    """
    if record_every is None:
        record_every = _default_every(steps)
    args = _validate(geometry, teacher, labels, updates, loss, coordinates, steps, batch, lr,
                     record_every)
    geo, labels, updates, loss, coordinates, steps, batch, lr, every = args
    _check_student(student, geo)
    W, p = _params(student, geo, teacher, labels, updates, coordinates, lr)
    W0 = jnp.asarray(W, jnp.float32)
    a0 = jnp.asarray(student.a, jnp.float32)
    Wf, af, hist, traj = _run(W0, a0, jax_key(check_seed(seed)), p, batch=batch, r=geo.r,
                              loss=loss, localized=updates == "localized",
                              train_readout=bool(train_readout), every=every,
                              n_records=steps // every, keep_weights=bool(trajectory))
    first = np.asarray(_observe(W0, a0, p["tmask"], p["thetas_n"], p["q0_n"], p["theta_k"]))
    hist = np.vstack([first, np.asarray(hist)])
    history = {"step": np.arange(0, steps + 1, every)}
    history.update({k: hist[:, i] for i, k in enumerate(HISTORY_KEYS)})
    traj = np.concatenate([np.asarray(W0)[None], np.asarray(traj)]) if trajectory else None
    return Student(np.asarray(Wf, float), np.asarray(af, float), student.group,
                   student.overlap0, history, traj)


def _default_every(steps):
    steps = check_int("steps", steps, low=1)
    every = max(1, steps // 30)
    while steps % every:
        every -= 1
    return every


def _check_student(student, geo):
    if not isinstance(student, Student) or student.W.shape[1] not in (geo.r, geo.d):
        raise ValueError("student must be a Student of this geometry (from pretrained_student)")
    return student


def metrics(student, geometry, teacher=None, *, ceiling=1.0) -> dict:
    r"""The chapter's metrics of a (fine-tuned) student.

    - ``target_alignment``: :math:`|\cos(v, \theta_\kappa)|`, v the top eigenvector of
      :math:`\sum_{j \in \text{target}} w_j w_j^\top` (the even link makes the sign meaningless);
    - ``target_overlap``: :math:`\mathrm{mean}_{j \in \text{target}}\langle w_j,
      \theta_\kappa\rangle^2` (per neuron; the no-pre-training control needs this one);
    - ``off_target_retention``: :math:`\mathrm{mean}_{j \in o}\langle w_j,\theta_o\rangle^2`
      relative to its pre-trained value (1 = kept; averaged over off-target tasks);
    - ``r2``: :math:`R^2` of the target reward by the student with its readout refitted on the
      frozen features (closed form, see ``_r2``: a population ridge with vanishing penalty);
    - with a teacher: ``teacher_alignment`` :math:`|\cos\gamma|`, ``teacher_r2``
      :math:`\cos^4\gamma`, and ``pgr`` :math:`= (R^2_{\rm student} - R^2_{\rm teacher}) /
      (R^2_{\rm ceiling} - R^2_{\rm teacher})` (Burns et al.'s performance gap recovered), with
      ``ceiling`` the :math:`R^2` of the strong ceiling (a student fine-tuned on the truth; 1,
      the architecture's best, by default).

    Raises:
        ValueError: naming ``student``, ``geometry``, ``teacher`` or ``ceiling``.
    """
    geo = _check_geometry(geometry)
    _check_student(student, geo)
    ceiling = check_number("ceiling", ceiling, low=0.0, high=1.0)
    D = student.W.shape[1]
    thetas = _pad(geo.thetas, D)
    group = student.group
    q0 = np.where(student.overlap0 > 0, student.overlap0, 1.0)
    vals = np.asarray(_observe(jnp.asarray(student.W), jnp.asarray(student.a),
                               jnp.asarray((group == 0).astype(float)),
                               jnp.asarray(thetas[group]), jnp.asarray(q0[group]),
                               jnp.asarray(thetas[0])))
    out = {k: float(v) for k, v in zip(HISTORY_KEYS, vals)}
    if teacher is not None:
        if not isinstance(teacher, Teacher):
            raise ValueError(f"teacher must be a Teacher or None, got {type(teacher).__name__}")
        t2 = teacher_r2(teacher, geo)
        out["teacher_alignment"] = float(abs(teacher.theta @ geo.thetas[0]))
        out["teacher_r2"] = t2
        gap = ceiling - t2
        out["pgr"] = (out["r2"] - t2) / gap if gap > 1e-12 else float("nan")
    return out


def compare(d, s, *, rhos=(0.0,), seeds=range(3), arms=("W2S", "SFT"), tasks=2,
            m_target=32, m_off=16, jitter=0.3, error_angle=np.pi / 4,
            error_location="outside", noise=0.0, loss="correlation", train_readout=False,
            steps=300, batch=256, lr=None, record_every=None, init="pretrained") -> dict:
    r"""Run several arms × correlations ρ × seeds, vmapped over seeds (the notebooks' driver).

    ``arms`` are names of :data:`ARMS` ("W2S" = weak labels + localized updates, "SFT" = truth
    + free, and the two mixed arms). Seed ``i`` draws the geometry, the student and the SGD
    inputs from :func:`theorybook.common.jax_key` / ``spawn`` streams of that seed; every arm
    and every ρ sees the same seeds. ``lr`` is a number or None (:func:`default_lr` per arm).

    Returns:
        ``{arm: {metric: array (len(rhos), len(seeds), n_records + 1)}}`` with the metrics of
        :data:`HISTORY_KEYS` and ``"pgr"`` (final only: shape (len(rhos), len(seeds)));
        ``"step"``: the recorded steps; ``"teacher_r2"``: the teacher's R² per (ρ, seed).

    Raises:
        ValueError: naming the offending argument.
    """
    seeds = check_seeds(seeds)
    for arm in arms:
        check_choice("arms", arm, tuple(ARMS))
    rhos = [check_number("rhos", r, low=0.0, high=1.0, high_open=True) for r in rhos]
    if record_every is None:
        record_every = _default_every(steps)
    out = {arm: {k: [] for k in HISTORY_KEYS + ("pgr",)} for arm in arms}
    t_r2 = []
    for rho in progress(rhos, desc="rho"):
        geos = [make_geometry(d, s, tasks, rho, seed=sd) for sd in seeds]
        students = [pretrained_student(g, m_target, m_off, jitter, seed=sd, init=init)
                    for g, sd in zip(geos, seeds)]
        teachers = [weak_teacher(g, error_angle, error_location, noise) for g in geos]
        t_r2.append([teacher_r2(t, g) for t, g in zip(teachers, geos)])
        for arm in arms:
            labels, updates = ARMS[arm]
            args = _validate(geos[0], teachers[0], labels, updates, loss, "reduced", steps,
                             batch, lr, record_every)
            _, _, _, loss_, _, steps_, batch_, lr_, every = args
            built = [_params(st, g, t, labels, updates, "reduced", lr_)
                     for st, g, t in zip(students, geos, teachers)]
            W = jnp.stack([jnp.asarray(w, jnp.float32) for w, _ in built])
            a = jnp.stack([jnp.asarray(st.a, jnp.float32) for st in students])
            p = jax.tree_util.tree_map(lambda *v: jnp.stack(v), *[q for _, q in built])
            keys = jnp.stack([jax_key(sd) for sd in seeds])
            first = jax.vmap(_observe)(W, a, p["tmask"], p["thetas_n"], p["q0_n"],
                                       p["theta_k"])
            *_, hist, _ = _run_seeds(W, a, keys, p, batch=batch_, r=geos[0].r, loss=loss_,
                                     localized=updates == "localized",
                                     train_readout=bool(train_readout), every=every,
                                     n_records=steps_ // every, keep_weights=False)
            hist = np.concatenate([np.asarray(first)[:, None], np.asarray(hist)], axis=1)
            for i, k in enumerate(HISTORY_KEYS):
                out[arm][k].append(hist[:, :, i])
            r2 = hist[:, -1, HISTORY_KEYS.index("r2")]
            tr = np.asarray(t_r2[-1])
            with np.errstate(divide="ignore", invalid="ignore"):
                out[arm]["pgr"].append(np.where(tr < 1.0, (r2 - tr) / (1.0 - tr), np.nan))
    result = {arm: {k: np.asarray(v) for k, v in vals.items()} for arm, vals in out.items()}
    result["step"] = np.arange(0, steps + 1, record_every)
    result["teacher_r2"] = np.asarray(t_r2)
    return result


def hitting_step(steps, curves, level):
    """First recorded step at which each curve reaches ``level`` (``nan`` if it never does).

    Args:
        steps: (n_records,) recorded steps; curves: (..., n_records); level: a number.

    Returns:
        Array of shape ``curves.shape[:-1]``.

    Raises:
        ValueError: naming ``steps``, ``curves`` or ``level``.
    """
    steps = check_array("steps", steps, ndim=1)
    curves = check_array("curves", curves, finite=False)
    if curves.ndim < 1 or curves.shape[-1] != steps.size:
        raise ValueError(f"curves must end with an axis of length {steps.size} (one per "
                         f"recorded step), got shape {curves.shape}")
    level = check_number("level", level)
    reached = curves >= level
    first = np.argmax(reached, axis=-1)
    return np.where(reached.any(axis=-1), steps[first], np.nan)


def overlap_ode(m0, steps, *, lr, signal=1.0):
    r"""Mean squared overlap :math:`\mathrm{mean}_j m_j(t)^2` predicted by the population ODE of
    localized updates (our derivation, the chapter's index page):

    .. math:: \dot m = 4\eta\,c^2\, m (1 - m^2) \quad\Longrightarrow\quad
              \frac{m(t)}{\sqrt{1-m(t)^2}} = \frac{m_0}{\sqrt{1-m_0^2}}\, e^{4\eta c^2 t},

    with :math:`m_j = \langle w_j,\theta_\kappa\rangle`, :math:`c = \cos\gamma` (``signal``) for a
    teacher whose error lies outside :math:`V_\kappa` (c = 1 for the truth). It neglects the SGD
    noise (of relative size :math:`\eta^2 s/B`) and the step's second-order terms.

    Args:
        m0: initial overlaps (n,), each in (-1, 1); steps: number of steps; lr: η > 0;
        signal: c in [0, 1].

    Returns:
        Array (steps + 1,).

    Raises:
        ValueError: naming ``m0``, ``steps``, ``lr`` or ``signal``.
    """
    m0 = check_array("m0", m0, ndim=1)
    if m0.size == 0 or np.abs(m0).max() >= 1:
        raise ValueError("m0 must be a non-empty array of overlaps in (-1, 1)")
    steps = check_int("steps", steps, low=0)
    lr = check_number("lr", lr, low=0.0, low_open=True)
    c = check_number("signal", signal, low=0.0, high=1.0)
    odds2 = m0**2 / (1 - m0**2)
    t = np.arange(steps + 1)[:, None]
    growth = np.exp(np.minimum(8 * lr * c**2 * t, 700.0))
    return np.mean(odds2 * growth / (1 + odds2 * growth), axis=1)
