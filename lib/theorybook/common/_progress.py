"""Progress bars that the book's stored outputs never contain."""

from __future__ import annotations

import os
from typing import Iterable, TypeVar

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}


def progress(iterable: Iterable[T], **kw) -> Iterable[T]:
    """Wrap ``iterable`` in a tqdm progress bar (a widget in Jupyter, text elsewhere).

    Silent when the environment sets ``TQDM_DISABLE=1`` (``make notebooks``, nbval and the tests
    do), or when ``disable=True`` is passed. Other keywords go to ``tqdm``. Wrap outer chunks of a
    computation, not the inside of a jitted loop.
    """
    from tqdm.auto import tqdm

    # Read the variable at each call: tqdm itself reads it once, when it is first imported.
    if os.environ.get("TQDM_DISABLE", "").strip().lower() in _TRUE:
        kw["disable"] = True
    else:
        kw.setdefault("disable", False)
    return tqdm(iterable, **kw)
