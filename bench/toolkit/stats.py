"""The one percentile every table uses.

`statistics.quantiles(values, n=1000, method="inclusive")`: the sample is taken as the whole
population, and a percentile between two samples is interpolated linearly between them (the
method numpy and R call "linear" / type 7). p50 is therefore the median, p100 the largest value.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Final, Literal

METHOD: Final[Literal["inclusive"]] = "inclusive"


def percentile(values: Iterable[float], q: float) -> float:
    """The `q` quantile (0 <= q <= 1, in steps of 0.001) of `values`; NaN when there are none."""
    data = sorted(values)
    if not 0 <= q <= 1:
        raise ValueError(f"q must be within 0..1, not {q}")
    if not data:
        return math.nan
    step = round(q * 1000)
    if step == 0 or len(data) == 1:
        return data[0]
    if step == 1000:
        return data[-1]
    return statistics.quantiles(data, n=1000, method=METHOD)[step - 1]
