"""Interactive figures that still respond in the static book (no kernel running).

Design (BOOK_DESIGN.md, "Interactive figures that also work in the static book"): every grid
point is rendered once to a PNG; the PNGs sit in an ipywidgets 8 ``Stack`` whose
``selected_index`` is linked *in the browser* (``jslink``) to a ``SelectionSlider``. Once the
notebook is executed with the widget state stored, the HTML page carries all frames and the link,
so moving the slider switches frames with no Python behind it. Two parameters use an outer
``Stack`` of inner ``Stack``s; the second slider is linked to every inner stack, hidden ones too,
so that switching the first slider shows the inner frame that matches the second.

With a live kernel, a checkbox opens a second panel whose continuous sliders compute ``fn`` at any
value in the grid's range on demand. ipywidgets 7 (Colab) has no ``Stack``; there the same sliders
swap the displayed frame through a Python callback, which needs the kernel but works the same.
"""

from __future__ import annotations

import inspect
import io
import itertools
import math
from numbers import Integral, Real
from typing import Any, Callable, Sequence

import ipywidgets as widgets

MAX_FRAMES = 30
FRAME_DPI = 80
# ipywidgets 8 is what the book is built with; on 7 (Colab) ``Stack`` is missing.
_HAS_STACK = hasattr(widgets, "Stack")


def _label(value: Any) -> str:
    if isinstance(value, Real) and not isinstance(value, (bool, Integral)):
        return f"{value:.4g}"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _accepted_names(fn: Callable) -> set[str] | None:
    """Keyword names ``fn`` accepts, or None if it takes ``**kwargs``."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return {
        p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }


def _validate(fn: Callable, grids: dict[str, Sequence]) -> dict[str, list]:
    if not callable(fn):
        raise ValueError(f"fn must be callable, got {type(fn).__name__}")
    if not 1 <= len(grids) <= 2:
        raise ValueError(
            f"explore takes one or two parameter grids, got {len(grids)} ({', '.join(grids) or 'none'})"
        )
    accepted = _accepted_names(fn)
    clean: dict[str, list] = {}
    for name, values in grids.items():
        if accepted is not None and name not in accepted:
            raise ValueError(
                f"parameter {name!r} is not accepted by {getattr(fn, '__name__', 'fn')}; "
                f"it accepts: {', '.join(sorted(accepted)) or 'nothing'}"
            )
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise ValueError(f"grid for {name!r} must be a list of values, got {values!r}")
        values = list(values)
        if not values:
            raise ValueError(f"grid for {name!r} is empty")
        if len({_label(v) for v in values}) != len(values):
            raise ValueError(f"grid for {name!r} has repeated values: {values!r}")
        clean[name] = values
    frames = math.prod(len(v) for v in clean.values())
    if frames > MAX_FRAMES:
        sizes = " x ".join(f"{len(v)} ({k})" for k, v in clean.items())
        raise ValueError(
            f"{sizes} = {frames} frames, more than the {MAX_FRAMES} allowed; use a coarser grid"
        )
    return clean


def _render(fn: Callable, params: dict[str, Any]) -> bytes:
    """Call ``fn(**params)`` and return its figure as PNG bytes (the figure is closed)."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    fig = fn(**params)
    if not isinstance(fig, Figure):
        raise TypeError(
            f"{getattr(fn, '__name__', 'fn')}({params}) must return a matplotlib Figure, "
            f"got {type(fig).__name__}"
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FRAME_DPI)
    plt.close(fig)
    return buffer.getvalue()


def _live_control(name: str, values: list) -> widgets.Widget:
    """A control offering every value in the grid's range (or the grid itself if not numeric)."""
    style = {"description_width": "initial"}
    if not all(_is_number(v) for v in values) or len(values) < 2:
        return widgets.Dropdown(options=[(_label(v), v) for v in values], value=values[0],
                                description=name, style=style)
    low, high = min(values), max(values)
    if all(isinstance(v, Integral) for v in values):
        return widgets.IntSlider(value=values[0], min=low, max=high, step=1, description=name,
                                 continuous_update=False, style=style)
    ordered = sorted(values)
    ratios = [b / a for a, b in zip(ordered, ordered[1:])] if low > 0 else []
    if len(ordered) > 2 and ratios and max(ratios) / min(ratios) < 1.01 and max(ratios) > 1.5:
        # A geometric grid (n on a log scale): slide in log10.
        return widgets.FloatLogSlider(value=values[0], base=10, min=math.log10(low),
                                      max=math.log10(high), step=(math.log10(high / low)) / 100,
                                      description=name, continuous_update=False, style=style)
    return widgets.FloatSlider(value=values[0], min=low, max=high, step=(high - low) / 100,
                               description=name, continuous_update=False, style=style,
                               readout_format=".3g")


class Explorer(widgets.VBox):
    """The widget :func:`explore` returns: grid sliders over precomputed frames, and a live panel.

    Attributes:
        names: the parameter names, outer first.
        grids: the grid of each parameter.
        frames: PNG bytes per grid point, keyed by the tuple of grid indices.
        sliders: one ``SelectionSlider`` per parameter (its ``index`` selects the frame).
        stack: the outer ``Stack`` (ipywidgets 8), or None on ipywidgets 7.
        image: on ipywidgets 7 the single image the sliders update; None on 8.
        live_toggle, live_controls, live_image: the on-demand panel (needs a kernel).
    """

    def __init__(self, fn: Callable, grids: dict[str, list], kernel_free: bool):
        self.fn = fn
        self.names = list(grids)
        self.grids = grids
        self.frames: dict[tuple[int, ...], bytes] = {}
        index_sets = [range(len(v)) for v in grids.values()]
        for index in itertools.product(*index_sets):
            params = {n: grids[n][i] for n, i in zip(self.names, index)}
            self.frames[index] = _render(fn, params)

        self.sliders = [
            widgets.SelectionSlider(
                options=[(_label(v), i) for i, v in enumerate(values)], value=0,
                description=name, continuous_update=True,
                style={"description_width": "initial"}, layout=widgets.Layout(width="420px"),
            )
            for name, values in grids.items()
        ]
        self.links: list = []
        self.stack = None
        self.image = None
        if kernel_free:
            frame_area = self._build_stacks()
        else:
            frame_area = self._build_callback_image()

        self.live_controls = [_live_control(n, v) for n, v in grids.items()]
        # Never an empty image: the static page would show a broken <img> in the hidden panel.
        self.live_image = widgets.Image(value=self.frames[(0,) * len(grids)], format="png")
        self.live_toggle = widgets.Checkbox(
            value=False, indent=False,
            description="compute any value between grid points (needs a running kernel)",
            layout=widgets.Layout(width="auto"),
        )
        self.live_panel = widgets.VBox(
            [widgets.HBox(self.live_controls), self.live_image],
            layout=widgets.Layout(display="none"),
        )
        self._live_cache: dict[tuple, bytes] = {}
        self.live_toggle.observe(self._on_toggle, names="value")
        for control in self.live_controls:
            control.observe(self._on_live_change, names="value")

        super().__init__(
            [widgets.HBox(self.sliders), frame_area, self.live_toggle, self.live_panel]
        )

    # --- frame display -------------------------------------------------------------------
    def _build_stacks(self) -> widgets.Widget:
        layout = widgets.Layout()  # one shared Layout model keeps the stored state small

        def image(index):
            return widgets.Image(value=self.frames[index], format="png", layout=layout)

        sizes = [len(v) for v in self.grids.values()]
        if len(sizes) == 1:
            self.stack = widgets.Stack([image((i,)) for i in range(sizes[0])], selected_index=0)
            self.links.append(widgets.jslink((self.sliders[0], "index"), (self.stack, "selected_index")))
            return self.stack
        inner = [
            widgets.Stack([image((i, j)) for j in range(sizes[1])], selected_index=0)
            for i in range(sizes[0])
        ]
        self.stack = widgets.Stack(inner, selected_index=0)
        self.links.append(widgets.jslink((self.sliders[0], "index"), (self.stack, "selected_index")))
        for child in inner:
            self.links.append(widgets.jslink((self.sliders[1], "index"), (child, "selected_index")))
        return self.stack

    def _build_callback_image(self) -> widgets.Widget:
        self.image = widgets.Image(value=self.frames[self.current_index], format="png")

        def show(_change):
            self.image.value = self.frames[self.current_index]

        for slider in self.sliders:
            slider.observe(show, names="value")
        return self.image

    @property
    def current_index(self) -> tuple[int, ...]:
        """Grid indices the sliders select now."""
        return tuple(int(s.value) for s in self.sliders)

    @property
    def current_frame(self) -> bytes:
        """PNG bytes of the frame the sliders select now."""
        return self.frames[self.current_index]

    # --- live panel ----------------------------------------------------------------------
    def _on_toggle(self, change) -> None:
        if change["new"]:
            for control, slider, values in zip(self.live_controls, self.sliders, self.grids.values()):
                control.value = values[int(slider.value)]
            self.live_panel.layout.display = "flex"
            self._on_live_change(None)
        else:
            self.live_panel.layout.display = "none"

    def live_params(self) -> dict[str, Any]:
        """The parameter values the live controls show now."""
        return {name: control.value for name, control in zip(self.names, self.live_controls)}

    def _on_live_change(self, _change) -> None:
        if not self.live_toggle.value:
            return
        params = self.live_params()
        key = tuple(params.values())
        if key not in self._live_cache:
            self._live_cache[key] = _render(self.fn, params)
        self.live_image.value = self._live_cache[key]


def explore(fn: Callable[..., Any], **grids: Sequence) -> Explorer:
    """An interactive figure over one or two parameters that works in the static book.

    ``fn(**params)`` draws one figure and returns it (a ``matplotlib.figure.Figure``). Every grid
    point is rendered once, at ``dpi=80``, and sliders switch between the frames in the browser,
    so the rendered book responds without a kernel. In a live kernel a checkbox opens sliders
    that compute any value in the grid's range on demand. Keep grids short: at most
    ``MAX_FRAMES = 30`` frames in all (about 20–40 KB each in the page).

    Example::

        def density(d, sigma):
            fig, ax = plt.subplots()
            ...
            return fig

        explore(density, d=[1, 2, 5, 10], sigma=[0.5, 1.0, 2.0])

    Raises:
        ValueError: no grid or more than two; an empty grid or one with repeated values; more than
            30 frames; a parameter that ``fn`` does not accept.
        TypeError: ``fn`` returns something other than a Figure.
    """
    clean = _validate(fn, grids)
    return Explorer(fn, clean, kernel_free=_HAS_STACK)
