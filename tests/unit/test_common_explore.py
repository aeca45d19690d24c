"""theorybook.common.explore: frames, browser-side links, the live panel, the ipywidgets 7 path."""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theorybook.common import MAX_FRAMES, explore
from theorybook.common import _explore


def line(slope, offset=0.0):
    """A cheap figure whose pixels depend on both parameters."""
    fig, ax = plt.subplots(figsize=(2, 1.5))
    x = np.linspace(0, 1, 20)
    ax.plot(x, slope * x + offset)
    ax.set_ylim(-3, 3)
    return fig


def _linked(link, source, target):
    return (link.source == (source, "index") and link.target == (target, "selected_index"))


def test_one_parameter_renders_each_frame_and_links_slider_to_stack():
    view = explore(line, slope=[-1, 0, 1])
    assert isinstance(view.stack, widgets.Stack)
    assert len(view.stack.children) == 3 == len(view.frames)
    assert len({bytes(f) for f in view.frames.values()}) == 3, "frames must differ"
    assert all(f[:8] == b"\x89PNG\r\n\x1a\n" for f in view.frames.values())
    (slider,) = view.sliders
    assert [label for label, _ in slider.options] == ["-1", "0", "1"]
    assert _linked(view.links[0], slider, view.stack)
    # The frame in the stack at index i is the frame of grid value i.
    assert [c.value for c in view.stack.children] == [view.frames[(i,)] for i in range(3)]
    assert not plt.get_fignums(), "explore must close the figures it renders"


def test_two_parameters_nest_stacks_and_link_second_slider_to_every_inner_stack():
    view = explore(line, slope=[-1, 1], offset=[0.0, 0.5, 1.0])
    outer = view.stack
    assert len(outer.children) == 2 and all(len(inner.children) == 3 for inner in outer.children)
    slope_slider, offset_slider = view.sliders
    assert _linked(view.links[0], slope_slider, outer)
    inner_links = view.links[1:]
    assert len(inner_links) == 2
    for link, inner in zip(inner_links, outer.children):
        assert _linked(link, offset_slider, inner)
    assert outer.children[1].children[2].value == view.frames[(1, 2)]
    assert len({bytes(f) for f in view.frames.values()}) == 6


def test_images_share_one_layout_to_keep_the_stored_state_small():
    view = explore(line, slope=[-1, 1], offset=[0.0, 1.0])
    layouts = {id(img.layout) for inner in view.stack.children for img in inner.children}
    assert len(layouts) == 1


def test_moving_a_slider_selects_the_matching_frame():
    view = explore(line, slope=[-1, 1], offset=[0.0, 0.5, 1.0])
    view.sliders[0].value = 1
    view.sliders[1].value = 2
    assert view.current_index == (1, 2)
    assert view.current_frame == view.frames[(1, 2)]


def test_float_labels_are_short():
    view = explore(line, slope=[0.1, 1 / 3])
    assert [label for label, _ in view.sliders[0].options] == ["0.1", "0.3333"]


@pytest.mark.parametrize("grids, message", [
    ({}, "one or two"),
    ({"slope": [1], "offset": [0.0], "extra": [1]}, "one or two"),
    ({"slope": []}, "empty"),
    ({"slope": [1, 1]}, "repeated"),
    ({"slope": 3}, "list"),
    ({"width": [1, 2]}, "width"),
    ({"slope": list(range(6)), "offset": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]}, "36 frames"),
])
def test_bad_grids_raise_value_error(grids, message):
    with pytest.raises(ValueError, match=message):
        explore(line, **grids)


def test_a_function_taking_kwargs_accepts_any_name():
    def anything(**params):
        return line(params["k"])

    assert len(explore(anything, k=[0, 1]).frames) == 2


def test_fn_must_return_a_figure():
    with pytest.raises(TypeError, match="Figure"):
        explore(lambda slope: None, slope=[1])


def test_live_panel_computes_values_between_grid_points():
    view = explore(line, slope=[-1.0, 1.0], offset=[0.0, 1.0])
    assert view.live_panel.layout.display == "none"
    view.live_toggle.value = True
    assert view.live_panel.layout.display == "flex"
    assert view.live_image.value == view.frames[(0, 0)], "live panel starts at the sliders' frame"
    view.live_controls[0].value = 0.25                      # between the grid points
    assert view.live_params() == {"slope": 0.25, "offset": 0.0}
    assert view.live_image.value not in view.frames.values()
    view.live_toggle.value = False
    assert view.live_panel.layout.display == "none"


@pytest.mark.parametrize("grid, kind", [
    ([1, 2, 5], widgets.IntSlider),
    ([0.1, 0.2, 0.5], widgets.FloatSlider),
    ([10.0, 100.0, 1000.0, 10000.0], widgets.FloatLogSlider),
    (["relu", "tanh"], widgets.Dropdown),
])
def test_live_controls_match_the_grid(grid, kind):
    control = _explore._live_control("p", grid)
    assert type(control) is kind
    if kind is not widgets.Dropdown:
        assert np.isclose(control.min if kind is not widgets.FloatLogSlider else 10 ** control.min, min(grid))


def test_ipywidgets7_fallback_swaps_frames_through_a_callback(monkeypatch):
    monkeypatch.setattr(_explore, "_HAS_STACK", False)
    view = explore(line, slope=[-1, 0, 1])
    assert view.stack is None and isinstance(view.image, widgets.Image)
    assert view.image.value == view.frames[(0,)]
    view.sliders[0].value = 2
    assert view.image.value == view.frames[(2,)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=st.integers(1, 8), b=st.integers(0, 8))
def test_frame_count_is_the_product_of_grid_sizes_up_to_the_limit(a, b):
    calls = []

    def cheap(p, q=0):
        calls.append((p, q))
        return plt.figure(figsize=(0.5, 0.5))

    grids = {"p": list(range(a))} | ({"q": list(range(b))} if b else {})
    frames = a * (b or 1)
    if frames > MAX_FRAMES:
        with pytest.raises(ValueError, match="frames"):
            explore(cheap, **grids)
        assert not calls, "nothing is rendered before the grids are validated"
    else:
        assert len(explore(cheap, **grids).frames) == frames == len(calls)
