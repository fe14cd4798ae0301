"""Every closed-population data set in tests/data/mse through closedp and DGA: no crash, no nonsense.

"Nonsense" is a population size that is not finite or is below the number observed, or an interval that does not
hold the estimate. A log-linear model that gives no valid size must say so: NaN with a warning. Data sets with
more lists than a method handles must be refused with a clear HistoryError. Stratum columns are summed over.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from tollbook.estimate.dga import DGA
from tollbook.estimate.histories import CaptureHistories, HistoryError
from tollbook.estimate.loglinear import MAX_LISTS, closedp

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"

pytestmark = pytest.mark.slow


def not_closed_population() -> set[str]:
    """Files the data README lists as open-population or frequency-of-capture data (not capture patterns)."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    start = text.find("**not** closed-population")
    end = text.find("## Provenance", start)
    return set(re.findall(r"`([\w.-]+\.csv)`", text[start:end])) if start >= 0 else set()


DATASETS = sorted(path.name for path in DATA.glob("*.csv") if path.name not in not_closed_population())


def load_total(name: str) -> CaptureHistories:
    """The whole population of a data set: list columns are the 0/1 ones; stratum columns are summed over."""
    frame = pd.read_csv(DATA / name)
    lists = [col for col in frame.columns if col != "count" and set(frame[col].unique()) <= {0, 1}]
    return CaptureHistories.from_frame(frame, lists, count_col="count")


def assert_sensible(result, observed: int) -> None:
    assert result.observed == observed
    if math.isnan(result.estimate):
        assert any("no valid estimate" in text for text in result.warnings), result
        return
    assert math.isfinite(result.estimate) and result.estimate >= observed, result
    if not math.isnan(result.lower):
        assert observed <= result.lower <= result.estimate <= result.upper, result


def test_the_data_folder_is_covered():
    assert len(DATASETS) >= 20
    assert "kosovo_1999_lcmcr.csv" in DATASETS


@pytest.mark.parametrize("name", DATASETS)
def test_closedp_on_every_data_set(name):
    histories = load_total(name)
    if histories.n_lists > MAX_LISTS:
        with pytest.raises(HistoryError, match="merge related lists or use LCMCR"):
            closedp(histories)
        return
    results = closedp(histories, ordered=True, seed=1)
    assert len(results) == (12 if histories.n_lists >= 3 else 3)
    for result in results:
        assert_sensible(result, histories.observed)
        assert result.draws is None or result.draws.min() >= histories.observed


@pytest.mark.parametrize("name", DATASETS)
def test_dga_on_every_data_set(name):
    histories = load_total(name)
    if not 3 <= histories.n_lists <= 5:
        with pytest.raises(HistoryError, match="3 to 5 lists"):
            DGA(histories)
        return
    result = DGA(histories).fit()
    assert_sensible(result, histories.observed)
    assert result.draws.min() >= histories.observed
