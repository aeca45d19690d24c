"""theorybook.common: run modes, seeds and style, progress bars."""

import random

import matplotlib as mpl
import numpy as np
import pytest

from theorybook.common import by_scale, progress, scale, setup_notebook


@pytest.mark.parametrize("value, expected", [(None, "default"), ("", "default"),
                                             ("default", "default"), ("paper", "paper"),
                                             (" Paper ", "paper")])
def test_scale_reads_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("THEORYBOOK_SCALE", raising=False)
    else:
        monkeypatch.setenv("THEORYBOOK_SCALE", value)
    assert scale() == expected


def test_scale_rejects_other_values_naming_variable_and_choices(monkeypatch):
    monkeypatch.setenv("THEORYBOOK_SCALE", "huge")
    with pytest.raises(ValueError, match="THEORYBOOK_SCALE") as error:
        scale()
    assert "default" in str(error.value) and "paper" in str(error.value)


def test_by_scale_picks_the_value_of_the_mode(monkeypatch):
    monkeypatch.setenv("THEORYBOOK_SCALE", "paper")
    assert by_scale(default=10, paper=1000) == 1000
    monkeypatch.delenv("THEORYBOOK_SCALE")
    assert by_scale(default=10, paper=1000) == 10


def test_setup_notebook_is_reproducible_and_seeds_global_state():
    first = setup_notebook(seed=3)
    a = (first.standard_normal(4), np.random.rand(), random.random())
    second = setup_notebook(seed=3)
    b = (second.standard_normal(4), np.random.rand(), random.random())
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1:] == b[1:]
    assert isinstance(first, np.random.Generator)
    other = setup_notebook(seed=4).standard_normal(4)
    assert not np.allclose(a[0], other)


def test_setup_notebook_applies_the_book_style():
    mpl.rcdefaults()
    assert mpl.rcParams["axes.spines.top"] is True
    setup_notebook()
    assert mpl.rcParams["axes.spines.top"] is False
    assert mpl.rcParams["figure.dpi"] == 100
    assert tuple(mpl.rcParams["figure.figsize"]) == (6.0, 3.8)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_setup_notebook_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        setup_notebook(seed=seed)


def test_setup_notebook_fails_early_on_a_bad_run_mode(monkeypatch):
    monkeypatch.setenv("THEORYBOOK_SCALE", "laptop")
    with pytest.raises(ValueError, match="THEORYBOOK_SCALE"):
        setup_notebook()


def test_progress_is_silent_with_tqdm_disable(monkeypatch, capsys):
    monkeypatch.setenv("TQDM_DISABLE", "1")
    bar = progress(range(5), desc="silent")
    assert bar.disable and list(bar) == list(range(5))
    assert capsys.readouterr().err == ""


def test_progress_shows_a_bar_otherwise(monkeypatch, capsys):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    bar = progress(range(3), desc="visible", ascii=True)
    assert not bar.disable and list(bar) == [0, 1, 2]
    assert "visible" in capsys.readouterr().err
