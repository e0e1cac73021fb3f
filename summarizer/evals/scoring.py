"""The scorer: predictions against gold records, as the annotation guide describes.

Names match by the rules the corpus shares (`extract.names.NameMatcher`): after
normalisation when equal, when the alias table puts them in one group, or when
`rapidfuzz.fuzz.ratio` is at least 90 (character-level: "Hezbollah" does not match
"Kataib Hezbollah"). Events and threats match by overlapping evidence spans first, else
by a matching actor/issuer and a similar description/action. Entries are assigned one to
one (Hungarian algorithm). Optional gold entries neither help nor hurt.

Scores are counts, so adding them up over articles is the micro-average.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from summarizer.core import Evidence, Grounded, SummaryRecord, When
from summarizer.evals.evalset import GoldRecord
from summarizer.extract import NameMatcher, held_span, token_f1

TEXT_CORRECT = 0.5
LISTS = ("actors", "locations", "events", "threats")


def assign(scores: list[list[float]]) -> list[tuple[int, int]]:
    """One-to-one pairs maximising the total score; pairs scoring 0 are no match."""
    if not scores or not scores[0]:
        return []
    matrix = np.array(scores)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if matrix[r, c] > 0]


def set_f1(names: NameMatcher, a: Sequence[str], b: Sequence[str]) -> float:
    """F1 of two name sets, names matched one to one; two empty sets score 1."""
    if not a and not b:
        return 1.0
    pairs = assign([[names.similarity(x, y) for y in b] for x in a])
    return 2 * len(pairs) / (len(a) + len(b))


# --- Counts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fraction:
    """A micro score as hits over trials, so that scores add up over articles (and
    resampled articles) and a binomial interval applies. `empty` is the score with no
    trials: 1.0 for precision and recall (no claim made, nothing missed), None (not
    measured) for the fields of matched entries."""

    hits: float
    trials: float
    empty: float | None

    @property
    def value(self) -> float | None:
        return self.hits / self.trials if self.trials else self.empty


@dataclass
class ListCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: ListCounts) -> ListCounts:
        return ListCounts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def fractions(self) -> dict[str, Fraction]:
        """Precision, recall and F1; F1 = 2PR/(P+R) = tp / (tp + (fp + fn) / 2)."""
        return {
            "precision": Fraction(self.tp, self.tp + self.fp, 1.0),
            "recall": Fraction(self.tp, self.tp + self.fn, 1.0),
            "f1": Fraction(self.tp, self.tp + (self.fp + self.fn) / 2, 1.0),
        }

    @property
    def precision(self) -> float:
        return self._value("precision")

    @property
    def recall(self) -> float:
        return self._value("recall")

    @property
    def f1(self) -> float:
        return self._value("f1")

    def _value(self, measure: str) -> float:
        value = self.fractions()[measure].value
        assert value is not None  # a list's scores are defined with no trials
        return value


@dataclass
class Tally:
    total: float = 0.0
    count: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.total + other.total, self.count + other.count)

    def add(self, value: float) -> None:
        self.total += value
        self.count += 1

    @property
    def mean(self) -> float | None:
        return self.fraction.value

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.total, self.count, None)


@dataclass
class Score:
    lists: dict[str, ListCounts] = field(default_factory=lambda: {n: ListCounts() for n in LISTS})
    fields: dict[str, Tally] = field(default_factory=dict)
    grounding: Tally = field(default_factory=Tally)
    schema_valid: Tally = field(default_factory=Tally)

    def __add__(self, other: Score) -> Score:
        fields = {
            k: self.fields.get(k, Tally()) + other.fields.get(k, Tally())
            for k in self.fields.keys() | other.fields.keys()
        }
        return Score(
            lists={n: self.lists[n] + other.lists[n] for n in LISTS},
            fields=fields,
            grounding=self.grounding + other.grounding,
            schema_valid=self.schema_valid + other.schema_valid,
        )

    def tally(self, name: str, value: float) -> None:
        self.fields.setdefault(name, Tally()).add(value)

    def fractions(self) -> dict[str, Fraction]:
        out = {
            f"{name}.{measure}": fraction
            for name, counts in self.lists.items()
            for measure, fraction in counts.fractions().items()
        }
        out.update({name: tally.fraction for name, tally in sorted(self.fields.items())})
        out["grounding_rate"] = self.grounding.fraction
        out["schema_valid_rate"] = self.schema_valid.fraction
        return out

    def metrics(self) -> dict[str, float | None]:
        return {name: fraction.value for name, fraction in self.fractions().items()}


# --- Scoring one article --------------------------------------------------------------


def spans(evidence: list[Evidence], text: str) -> list[tuple[int, int]]:
    """Spans whose offsets really hold their quote: claimed grounding is not trusted."""
    return [span for e in evidence if (span := held_span(e, text)) is not None]


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> float:
    """Best intersection-over-union of any two spans."""
    best = 0.0
    for s1, e1 in a:
        for s2, e2 in b:
            inter = min(e1, e2) - max(s1, s2)
            if inter > 0:
                best = max(best, inter / (max(e1, e2) - min(s1, s2)))
    return best


def same_date(a: When | None, b: When | None) -> bool:
    """Exact ISO date with precision; no `when` counts as an unknown date."""

    def key(when: When | None) -> tuple[Any, str]:
        return (when.date, when.precision) if when else (None, "unknown")

    return key(a) == key(b)


Pairs = list[tuple[int, int]]  # (predicted index, gold index) of each matched entry


class ArticleScorer:
    """One article's prediction against its gold: the score, and which predicted entry of
    each list was matched to which gold entry (`pairs`, what the corpus scorer builds on)."""

    def __init__(self, gold: GoldRecord, text: str, names: NameMatcher) -> None:
        self.gold, self.text, self.names = gold, text, names
        self.score = Score()
        self.pairs: dict[str, Pairs] = {}

    def run(self, pred: SummaryRecord | None) -> Score:
        self.score.schema_valid.add(1.0 if pred is not None else 0.0)
        if pred is None:
            pred = SummaryRecord.model_construct(actors=[], locations=[], events=[], threats=[])
        items: list[Grounded] = [*pred.actors, *pred.locations, *pred.events, *pred.threats]
        for item in items:
            for e in item.evidence:
                self.score.grounding.add(1.0 if spans([e], self.text) else 0.0)
        self._match("actors", pred.actors, self.gold.actors, self._entity, self._actor_fields)
        self._match(
            "locations", pred.locations, self.gold.locations, self._entity, self._location_fields
        )
        self._match("events", pred.events, self.gold.events, self._event, self._event_fields)
        self._match("threats", pred.threats, self.gold.threats, self._threat, self._threat_fields)
        return self.score

    def _match(
        self,
        name: str,
        preds: Sequence[Any],
        golds: Sequence[Any],
        similarity: Callable[[Any, Any], float],
        fields: Callable[[Any, Any], None],
    ) -> None:
        pairs = assign([[similarity(p, g) for g in golds] for p in preds])
        self.pairs[name] = pairs
        matched_gold = {g for _, g in pairs}
        counts = self.score.lists[name]
        counts.fp += len(preds) - len(pairs)
        counts.fn += sum(1 for i, g in enumerate(golds) if g.required and i not in matched_gold)
        for p, g in pairs:
            if golds[g].required:
                counts.tp += 1
                fields(preds[p], golds[g])

    def _entity(self, pred: Any, gold: Any) -> float:
        return self.names.best(pred.names, gold.names)

    def _event(self, pred: Any, gold: Any) -> float:
        same_actor = self.names.best(pred.actors, gold.actors)
        return self._happening(pred, gold, same_actor, token_f1(pred.description, gold.description))

    def _threat(self, pred: Any, gold: Any) -> float:
        same_issuer = self.names.similarity(pred.issuer, gold.issuer)
        return self._happening(pred, gold, same_issuer, token_f1(pred.action, gold.action))

    def _happening(self, pred: Any, gold: Any, same_actor: float, similar: float) -> float:
        """Overlapping evidence spans first; failing those, the same actor and similar text."""
        shared = overlap(spans(pred.evidence, self.text), spans(gold.evidence, self.text))
        if shared:
            return 2 + shared
        return 1 + similar if same_actor and similar >= TEXT_CORRECT else 0.0

    def _actor_fields(self, pred: Any, gold: Any) -> None:
        self.score.tally("actors.type_accuracy", pred.type == gold.type)
        self.score.tally("actors.country_accuracy", pred.country == gold.country)

    def _location_fields(self, pred: Any, gold: Any) -> None:
        self.score.tally("locations.type_accuracy", pred.type == gold.type)
        self.score.tally("locations.country_accuracy", pred.country == gold.country)

    def _event_fields(self, pred: Any, gold: Any) -> None:
        self.score.tally("events.type_accuracy", pred.type == gold.type)
        self.score.tally("events.status_accuracy", pred.status == gold.status)
        self.score.tally("events.actors_f1", set_f1(self.names, pred.actors, gold.actors))
        self.score.tally("events.targets_f1", set_f1(self.names, pred.targets, gold.targets))
        self.score.tally("events.date_accuracy", same_date(pred.when, gold.when))

    def _threat_fields(self, pred: Any, gold: Any) -> None:
        condition = token_f1(pred.condition, gold.condition)
        action = token_f1(pred.action, gold.action)
        self.score.tally(
            "threats.issuer_accuracy", bool(self.names.similarity(pred.issuer, gold.issuer))
        )
        self.score.tally("threats.targets_f1", set_f1(self.names, pred.targets, gold.targets))
        self.score.tally("threats.conditional_accuracy", pred.conditional == gold.conditional)
        self.score.tally("threats.action_type_accuracy", pred.action_type == gold.action_type)
        self.score.tally("threats.condition_similarity", condition)
        self.score.tally("threats.condition_accuracy", condition >= TEXT_CORRECT)
        self.score.tally("threats.action_similarity", action)
        self.score.tally("threats.action_accuracy", action >= TEXT_CORRECT)
        self.score.tally("threats.date_accuracy", same_date(pred.when, gold.when))
