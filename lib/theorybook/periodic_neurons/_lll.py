"""LLL lattice reduction (Lenstra, Lenstra & Lovász 1982) and integer relations found with it.

Two backends of one function, :func:`lll`:

- ``"fpylll"``: the fplll library (floating-point LLL with exact integer output), the production
  backend;
- ``"textbook"``: our readable version, the *integral* LLL of Cohen, *A Course in Computational
  Algebraic Number Theory*, Alg. 2.6.7 (de Weger's variant). The Gram–Schmidt data are kept
  exactly, as the integers ``d_i = prod_{j<=i} |b_j*|^2`` and ``lam[i][j] = d_j mu_ij``, and are
  updated incrementally on each size reduction and swap instead of being recomputed.

Both return a basis that is size-reduced (``|mu_ij| <= 1/2``; fplll allows ``eta = 0.51``) and
satisfies the Lovász condition ``|b_k*|^2 >= (delta - mu_{k,k-1}^2) |b_{k-1}*|^2``.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from ..common import check_choice, check_int, check_number

BACKENDS = ("fpylll", "textbook")


def _as_int_rows(basis) -> list[list[int]]:
    """Rows of ``basis`` as lists of Python ints (fpylll refuses numpy integers and floats)."""
    try:
        rows = [list(row) for row in basis]
    except TypeError:
        raise ValueError("basis must be a sequence of integer rows") from None
    if not rows or not rows[0]:
        raise ValueError("basis must have at least one non-empty row")
    width = len(rows[0])
    out = []
    for row in rows:
        if len(row) != width:
            raise ValueError("basis must have rows of equal length")
        for v in row:
            if isinstance(v, bool) or int(v) != v:
                raise ValueError(f"basis must have integer entries, got {v!r}")
        out.append([int(v) for v in row])
    return out


def gram_schmidt(basis) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
    """Exact Gram–Schmidt of the rows: ``(b_star, mu)`` with ``b_i = b_i* + sum_{j<i} mu_ij b_j*``.

    ``b_star[i]`` is a list of Fractions, ``mu`` is lower-triangular with ones on the diagonal.
    Recomputed from scratch (O(m^2 n) exact operations): for tests and figures, not for LLL.
    """
    rows = _as_int_rows(basis)
    m = len(rows)
    b_star: list[list[Fraction]] = []
    norms: list[Fraction] = []
    mu = [[Fraction(int(i == j)) for j in range(m)] for i in range(m)]
    for i, b in enumerate(rows):
        v = [Fraction(x) for x in b]
        for j in range(i):
            if norms[j] == 0:
                continue
            mu[i][j] = sum(Fraction(x) * y for x, y in zip(b, b_star[j])) / norms[j]
            v = [a - mu[i][j] * c for a, c in zip(v, b_star[j])]
        b_star.append(v)
        norms.append(sum(a * a for a in v))
    return b_star, mu


def lll_conditions(basis, delta: float = 0.99) -> tuple[float, bool]:
    """``(max |mu_ij| over j < i, Lovász condition holds for every k)``, computed exactly.

    A basis is LLL-reduced with parameter ``delta`` when the first number is at most 1/2 and the
    second is True. Raises ValueError for a basis that is not a list of equal-length integer rows.
    """
    delta = Fraction(check_number("delta", delta, low=0.25, high=1.0, low_open=True))
    b_star, mu = gram_schmidt(basis)
    norms = [sum(a * a for a in v) for v in b_star]
    m = len(norms)
    max_mu = max((abs(mu[i][j]) for i in range(m) for j in range(i)), default=Fraction(0))
    lovasz = all(norms[k] >= (delta - mu[k][k - 1] ** 2) * norms[k - 1] for k in range(1, m))
    return float(max_mu), bool(lovasz)


def lll(basis, delta: float = 0.99, backend: str = "fpylll", *,
        trace: list | None = None) -> list[list[int]]:
    """LLL reduction of the lattice spanned by the integer rows of ``basis`` (linearly independent).

    ``delta`` in (1/4, 1] is the Lovász parameter (0.99 is fplll's default; LLL's paper used 3/4).
    Returns the reduced basis as a list of rows of Python ints, shortest-first in the sense of LLL:
    ``|b_1| <= 2^{(m-1)/2} lambda_1(L)`` in the worst case, usually far better. With the textbook
    backend, a list passed as ``trace`` receives one ``(step, k, basis)`` per size reduction
    (``"reduce"``, row k changed) and swap (``"swap"``, rows k-1 and k exchanged), 0-based.

    Raises ValueError for a non-integer or ragged basis, ``delta`` outside (1/4, 1], an unknown
    backend, or (textbook) linearly dependent rows.
    """
    rows = _as_int_rows(basis)
    delta = check_number("delta", delta, low=0.25, high=1.0, low_open=True)
    check_choice("backend", backend, BACKENDS)
    if backend == "textbook":
        return _textbook_lll(rows, Fraction(delta).limit_denominator(10_000), trace)
    from fpylll import LLL, IntegerMatrix

    A = IntegerMatrix.from_matrix(rows)
    LLL.reduction(A, delta=delta)
    out = [[0] * A.ncols for _ in range(A.nrows)]
    A.to_matrix(out)
    return out


def _textbook_lll(b: list[list[int]], delta: Fraction, trace: list | None) -> list[list[int]]:
    """Cohen's Alg. 2.6.7 (integral LLL), 0-based; ``dd[i + 1]`` is Cohen's ``d_i``."""
    m = len(b)
    p, q = delta.numerator, delta.denominator
    dot = lambda u, v: sum(x * y for x, y in zip(u, v))  # noqa: E731
    lam = [[0] * m for _ in range(m)]
    dd = [1] + [0] * m                       # dd[0] = 1 (Cohen's d_0), dd[i+1] = d_i
    dd[1] = dot(b[0], b[0])
    if dd[1] == 0:
        raise ValueError("basis rows must be linearly independent (row 0 is zero)")
    k, k_max = 1, 0

    def reduce(k, l):                       # size-reduce b_k against b_l (Cohen's REDI)
        if 2 * abs(lam[k][l]) > dd[l + 1]:
            r = (2 * lam[k][l] + dd[l + 1]) // (2 * dd[l + 1])   # nearest integer
            b[k] = [x - r * y for x, y in zip(b[k], b[l])]
            lam[k][l] -= r * dd[l + 1]
            for i in range(l):
                lam[k][i] -= r * lam[l][i]
            if trace is not None:
                trace.append(("reduce", k, [row[:] for row in b]))

    def swap(k):                             # exchange b_{k-1}, b_k (Cohen's SWAPI)
        b[k], b[k - 1] = b[k - 1], b[k]
        for j in range(k - 1):
            lam[k][j], lam[k - 1][j] = lam[k - 1][j], lam[k][j]
        mu = lam[k][k - 1]
        big_b = (dd[k - 1] * dd[k + 1] + mu * mu) // dd[k]
        for i in range(k + 1, k_max + 1):
            t = lam[i][k]
            lam[i][k] = (dd[k + 1] * lam[i][k - 1] - mu * t) // dd[k]
            lam[i][k - 1] = (big_b * t + mu * lam[i][k]) // dd[k + 1]
        dd[k] = big_b
        if trace is not None:
            trace.append(("swap", k, [row[:] for row in b]))

    while k < m:
        if k > k_max:                        # incremental Gram–Schmidt of the new row
            k_max = k
            for j in range(k + 1):
                u = dot(b[k], b[j])
                for i in range(j):
                    u = (dd[i + 1] * u - lam[k][i] * lam[j][i]) // dd[i]
                if j < k:
                    lam[k][j] = u
                else:
                    if u == 0:
                        raise ValueError("basis rows must be linearly independent")
                    dd[k + 1] = u
        reduce(k, k - 1)
        if q * (dd[k + 1] * dd[k - 1] + lam[k][k - 1] ** 2) < p * dd[k] ** 2:
            swap(k)
            k = max(1, k - 1)
        else:
            for l in range(k - 2, -1, -1):
                reduce(k, l)
            k += 1
    return b


def relation_basis(values, bits: int) -> list[list[int]]:
    """The basis ``B_i = (e_i, round(2^bits * values_i))`` of the integer-relation lattice.

    A vector ``(c, sum_i c_i round(2^bits values_i))`` of the lattice is short exactly when ``c`` is
    short and ``sum_i c_i values_i`` is within about ``|c|_1 2^-bits`` of zero. ``values`` are
    mpmath numbers (or floats, taken as exact) carrying at least ``bits`` bits after the point.
    """
    vals = list(values)
    bits = check_int("bits", bits, low=1)
    m = len(vals)
    if m < 2:
        raise ValueError(f"values must have at least 2 entries, got {m}")
    with mpmath.workprec(bits + 64):
        scaled = [int(mpmath.nint(mpmath.ldexp(mpmath.mpf(v), bits))) for v in vals]
    return [[int(i == j) for j in range(m)] + [scaled[i]] for i in range(m)]


def integer_relation(values, bits: int, *, backend: str = "fpylll") -> list[int]:
    """A short integer vector ``c`` with ``sum_i c_i values_i ≈ 0``: the first LLL vector of
    :func:`relation_basis` without its last coordinate (the lattice method of integer relation
    detection; LLL 1982, §3, and Ferguson–Bailey's PSLQ for a more precise alternative).

    Raises ValueError for fewer than 2 values or ``bits`` not a positive integer.
    """
    reduced = lll(relation_basis(values, bits), backend=backend)
    return reduced[0][:-1]
