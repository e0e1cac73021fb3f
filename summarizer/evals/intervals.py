"""How far a micro score can move by chance: intervals, and the gates drawn from them.

Two sources of noise move a score between two equally good runs. Which articles the set
holds: the article bootstrap resamples the articles with replacement, adds their counts
up again and recomputes the score (the percentile interval). How a model answers the
same article: every counted entry (a required threat found or not, an extra one claimed
or not) is a trial, so the micro counts get a binomial interval, Wilson's. The bootstrap
alone says nothing when every article is perfect ([1.00, 1.00]); Wilson's bound is
below 1 even then (12 of 12 at 95%: 0.76), and narrows as trials are added.

A gate (a recording set's threshold) is the lower of the two lower bounds, since both
sources exist. Scores that are means of values in [0, 1] (similarities) are treated as
their sums over their counts: a [0, 1] value varies at most as much as a yes/no one with
the same mean, so Wilson's bound stays on the safe side.

The corpus scores (B-cubed, `bcubed`) are no sums over articles: one clustering error
moves several items, and resampled articles would repeat items of one cluster. They get
no interval, only their value, and a gate `POINT_MARGIN` below it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from summarizer.evals.scoring import Fraction, Score

LEVEL = 0.95
RESAMPLES = 2000
SEED = 0  # the same scores always get the same interval
POINT_MARGIN = 0.1  # how far below its value a score without an interval may fall

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    """A micro score, its bootstrap interval (None for a score without one) and its gate
    (the lowest score that is still within noise of it)."""

    value: float
    low: float | None
    high: float | None
    floor: float

    def shown(self) -> str:
        if self.low is None or self.high is None:
            return f"{self.value:.2f} (no interval)"
        return f"{self.value:.2f} [{self.low:.2f}-{self.high:.2f}]"


def point(value: float) -> Estimate:
    """A score without an interval: its gate is `POINT_MARGIN` below it."""
    return Estimate(value, None, None, round_down(max(0.0, value - POINT_MARGIN)))


def estimates(articles: Sequence[Score], level: float = LEVEL) -> dict[str, Estimate]:
    """Every measured micro score of `articles` with its interval and gate."""
    total = sum(articles, Score()).fractions()
    names = [name for name, fraction in total.items() if fraction.value is not None]
    none = Fraction(0, 0, None)  # a field no matched pair of the article had
    per_article = [[f.get(n, none) for n in names] for f in (a.fractions() for a in articles)]
    hits = np.array([[f.hits for f in row] for row in per_article], dtype=float)
    trials = np.array([[f.trials for f in row] for row in per_article], dtype=float)
    empty = np.array([np.nan if (e := total[n].empty) is None else e for n in names])
    low, high = bootstrap(hits, trials, empty, level)
    binomial_low, _ = wilson(hits.sum(axis=0), trials.sum(axis=0), level)
    return {
        name: Estimate(
            value=value,
            low=float(low[i]),
            high=float(high[i]),
            floor=round_down(min(low[i], binomial_low[i])),
        )
        for i, name in enumerate(names)
        if (value := total[name].value) is not None
    }


def bootstrap(
    hits: Floats, trials: Floats, empty: Floats, level: float, resamples: int = RESAMPLES
) -> tuple[Floats, Floats]:
    """Percentile interval of each column's micro score (hits / trials summed over rows,
    the articles) over `resamples` resamplings of the rows, all at once: each resample is
    a row of how many times it drew each article."""
    n = hits.shape[0]
    draws = np.random.default_rng(SEED).multinomial(n, np.full(n, 1 / n), size=resamples)
    resampled_hits, resampled_trials = draws @ hits, draws @ trials
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(resampled_trials > 0, resampled_hits / resampled_trials, empty)
    tail = 100 * (1 - level) / 2
    low, high = np.nanpercentile(scores, [tail, 100 - tail], axis=0)
    return low, high


def wilson(hits: Floats, trials: Floats, level: float) -> tuple[Floats, Floats]:
    """Wilson score interval of hits / trials, [0, 1] where there are no trials. Written
    out because scipy's (`binomtest(...).proportion_ci`) takes one whole count at a time,
    and these counts may be fractional (F1's trials, similarity sums)."""
    z = float(norm.ppf(1 - (1 - level) / 2))
    n = np.where(trials > 0, trials, 1.0)
    p = np.where(trials > 0, hits / n, 0.5)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = np.where(trials > 0, np.clip(centre - half, 0, 1), 0.0)
    high = np.where(trials > 0, np.clip(centre + half, 0, 1), 1.0)
    return low, high


def round_down(value: float) -> float:
    """To 3 places, never up: a gate must not sit above the bound it comes from."""
    return math.floor(value * 1000 + 1e-9) / 1000
