"""Offline corpora (text8-style text, a Markov chain with a known entropy) and dimension splitting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..common import check_choice, check_int, check_probability, spawn

ALPHABET = "abcdefghijklmnopqrstuvwxyz "  # text8's 27 symbols; the space is token 26


@dataclass(frozen=True)
class Corpus:
    """Sequences of tokens split into train and validation sets.

    Attributes:
        name: ``"pydoc"`` or ``"markov"``.
        train, valid: int32 arrays [n, length] of tokens in [0, vocab).
        vocab: number of symbols V.
        alphabet: the characters of the tokens (text) or None.
        entropy_floor: for ``"markov"``, the exact entropy of one length-L sequence divided by L, in
            bits per character (the best achievable BPC); None for text.
        entropy_rate: for ``"markov"``, the chain's entropy rate h in bits per character.
    """

    name: str
    train: np.ndarray
    valid: np.ndarray
    vocab: int
    alphabet: str | None = None
    entropy_floor: float | None = None
    entropy_rate: float | None = None
    transition: np.ndarray | None = field(default=None, repr=False)

    def decode(self, tokens) -> str:
        """Tokens [L] to a string (text corpora; digits for the Markov chain)."""
        tokens = np.asarray(tokens).ravel()
        if self.alphabet is None:
            return "".join(chr(ord("0") + int(k)) if k < 10 else chr(ord("A") + int(k) - 10) for k in tokens)
        return "".join(self.alphabet[int(k)] for k in tokens)


def _pydoc_text() -> str:
    from pydoc_data import topics

    text = " ".join(topics.topics[k] for k in sorted(topics.topics)).lower()
    text = re.sub(r"[^a-z]+", " ", text)  # text8's rule: keep a-z, everything else is a space
    return re.sub(r" +", " ", text).strip()


def _markov_chain(vocab: int, rng: np.random.Generator, successors: int = 3):
    P = np.zeros((vocab, vocab))
    for i in range(vocab):
        nxt = rng.choice(vocab, size=min(successors, vocab), replace=False)
        P[i, nxt] = rng.dirichlet(np.ones(nxt.size))
    # Stationary law: the left eigenvector of P for eigenvalue 1.
    w, v = np.linalg.eig(P.T)
    pi = np.real(v[:, np.argmin(np.abs(w - 1))])
    pi = np.abs(pi) / np.abs(pi).sum()
    return P, pi


def _entropy(p, axis=-1):
    p = np.asarray(p)
    return -np.sum(np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0), axis=axis)


def corpus(name: str, *, length: int = 32, vocab: int = 27, n_markov: int = 12000,
           valid_fraction: float = 0.1, seed: int = 0) -> Corpus:
    r"""A small offline corpus split into train/validation sequences of ``length`` tokens.

    * ``"pydoc"``: the text of Python's ``pydoc_data.topics`` (in the standard library, no
      download), lower-cased and reduced to text8's 27 symbols ``a-z`` and space, cut into
      consecutive non-overlapping chunks; the last ``valid_fraction`` of the text is validation
      (text8 splits 90M/5M/5M characters the same way). About 4.6e5 characters.
    * ``"markov"``: ``n_markov`` sequences of a first-order Markov chain on ``vocab`` symbols,
      each symbol with 3 random successors (Dirichlet(1) weights), started from the stationary
      law π. The exact per-character entropy of one sequence,
      :math:`(H(\pi) + (L-1)\,h)/L` with :math:`h = \sum_i \pi_i H(P_{i\cdot})`, is the BPC floor.

    Raises:
        ValueError: unknown ``name``; ``length`` < 2; ``vocab`` < 2; ``valid_fraction`` outside (0, 1).
    """
    name = check_choice("name", name, ("pydoc", "markov"))
    length = check_int("length", length, low=2)
    valid_fraction = check_probability("valid_fraction", valid_fraction, open_ends=True)
    if name == "pydoc":
        text = _pydoc_text()
        ids = np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.int32)
        ids = np.where(ids == ord(" "), 26, ids - ord("a"))
        n = ids.size // length
        seqs = ids[: n * length].reshape(n, length)
        n_valid = max(1, int(round(valid_fraction * n)))
        return Corpus("pydoc", seqs[:-n_valid], seqs[-n_valid:], 27, ALPHABET)
    vocab = check_int("vocab", vocab, low=2)
    n_markov = check_int("n_markov", n_markov, low=2)
    chain_rng, rng = spawn(seed, 2)      # the chain, then the sequences
    P, pi = _markov_chain(vocab, chain_rng)
    cum = np.cumsum(P, axis=1)
    seqs = np.empty((n_markov, length), dtype=np.int32)
    seqs[:, 0] = rng.choice(vocab, size=n_markov, p=pi)
    u = rng.random((n_markov, length))
    for j in range(1, length):
        seqs[:, j] = np.minimum((u[:, j, None] > cum[seqs[:, j - 1]]).sum(1), vocab - 1)
    h = float(np.sum(pi * _entropy(P)))
    floor = float((_entropy(pi) + (length - 1) * h) / length)
    n_valid = max(1, int(round(valid_fraction * n_markov)))
    return Corpus("markov", seqs[:-n_valid], seqs[-n_valid:], vocab, None, floor, h, P)


def n_digits(vocab: int, base: int) -> int:
    """m = ⌈log_b V⌉ digits per token (repository ``seq_utils``), computed in integers."""
    base = check_int("base", base, low=2)
    m, cap = 1, base
    while cap < vocab:
        m, cap = m + 1, cap * base
    return m


def base_digits(tokens, base: int, vocab: int | None = None):
    r"""Dimension splitting (paper §3.4; repository ``base_n``): each token w becomes its m base-b digits.

    .. math:: w = \sum_{j=0}^{m-1} \delta_j\, b^j \quad(\text{little-endian}), \qquad m = \lceil\log_b V\rceil

    Args: ``tokens`` [..., L] non-negative integers; ``base`` b ≥ 2; ``vocab`` V (default max+1).
    Returns digits [..., L·m] (the m digits of each token next to each other).
    Raises: ValueError naming ``base`` (< 2) or ``tokens`` (negative, not integers, or ≥ vocab).
    """
    tokens = np.asarray(tokens)
    if tokens.ndim == 0 or not np.issubdtype(tokens.dtype, np.integer) or np.any(tokens < 0):
        raise ValueError("tokens must be an array of non-negative integers")
    vocab = int(tokens.max()) + 1 if vocab is None else int(vocab)
    if np.any(tokens >= vocab):
        raise ValueError(f"tokens must be < vocab = {vocab}")
    m = n_digits(max(vocab, 2), base)
    digits = (tokens[..., None] // base ** np.arange(m)) % base
    return digits.reshape(*tokens.shape[:-1], tokens.shape[-1] * m).astype(np.int32)


def from_digits(digits, base: int, vocab: int):
    """Inverse of :func:`base_digits` (repository ``base_n_inv``); invalid codes (≥ vocab) are clipped to V − 1.

    Raises ValueError naming ``base`` or ``digits`` (outside [0, b) or length not a multiple of m).
    """
    digits = np.asarray(digits)
    m = n_digits(vocab, base)
    if digits.ndim == 0 or digits.shape[-1] % m or np.any(digits < 0) or np.any(digits >= base):
        raise ValueError(f"digits must be integers in [0, {base}) with a last axis divisible by m = {m}")
    d = digits.reshape(*digits.shape[:-1], digits.shape[-1] // m, m)
    tokens = (d * base ** np.arange(m)).sum(-1)
    return np.minimum(tokens, vocab - 1).astype(np.int32)


def ngram_distance(samples, reference, *, vocab: int, order: int = 1) -> float:
    """Total-variation distance between the n-gram frequencies (n = ``order``, 1 or 2) of two token arrays.

    A crude sample-quality check used in the chapter (the paper reports likelihoods, not this):
    ½ Σ_g |f_samples(g) − f_reference(g)| over all V^n n-grams inside the sequences.
    Raises ValueError naming ``order`` or ``samples``/``reference`` (tokens outside [0, vocab)).
    """
    order = check_choice("order", order, (1, 2))

    def freq(name, tok):
        tok = np.asarray(tok)
        if tok.ndim != 2 or not np.issubdtype(tok.dtype, np.integer) or tok.min() < 0 or tok.max() >= vocab:
            raise ValueError(f"{name} must be integer tokens [n, L] in [0, {vocab})")
        codes = tok.ravel() if order == 1 else (tok[:, :-1] * vocab + tok[:, 1:]).ravel()
        return np.bincount(codes, minlength=vocab**order) / codes.size

    return float(0.5 * np.abs(freq("samples", samples) - freq("reference", reference)).sum())


def unigram_bpc(data: Corpus) -> float:
    """Bits per character of the validation split under the training split's symbol frequencies
    (add-one smoothing): the baseline every language model of the chapter has to beat, since it
    uses no context at all."""
    counts = np.bincount(data.train.ravel(), minlength=data.vocab) + 1.0
    p = counts / counts.sum()
    return float(-np.mean(np.log2(p[data.valid.ravel()])))
