"""Corpus scores: how well the corpus (`summarizer.corpus`) clusters actors and threats
across articles, as B-cubed precision, recall and F1 against the corpus gold.

Each predicted actor (threat) is first matched to a gold actor (threat) of its article, by
the scorer's one-to-one assignment. The items scored are the gold items some prediction
matched; an item's predicted cluster is the canonical id (ledger id) of its prediction, its
gold cluster the corpus gold's. For each item, precision is the share of its predicted
cluster that shares its gold cluster, and recall the share of its gold cluster that
shares its predicted cluster (both over scored items only); B-cubed precision and recall
are their means over the items, F1 their harmonic mean (Bagga and Baldwin, 1998).
`coverage` is the share of all gold items that were scored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from summarizer.core import SummaryRecord
from summarizer.corpus import Corpus, build_corpus
from summarizer.evals.corpusgold import CorpusGold
from summarizer.evals.evalset import GoldRecord
from summarizer.evals.scoring import Pairs

KINDS = ("actors", "threats")


@dataclass(frozen=True)
class BCubed:
    precision: float | None  # None: no item to score
    recall: float | None
    scored: int
    total: int

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def coverage(self) -> float | None:
        return self.scored / self.total if self.total else None

    def metrics(self) -> dict[str, float | None]:
        return {
            "bcubed_precision": self.precision,
            "bcubed_recall": self.recall,
            "bcubed_f1": self.f1,
            "coverage": self.coverage,
        }


def bcubed(predicted: Mapping[Hashable, str], gold: Mapping[Hashable, str], total: int) -> BCubed:
    """B-cubed of the items of `predicted` (each item's predicted cluster), whose gold
    clusters `gold` gives, out of `total` gold items."""
    items = list(predicted)
    if not items:
        return BCubed(None, None, 0, total)
    both = Counter((predicted[i], gold[i]) for i in items)
    sizes, gold_sizes = Counter(predicted[i] for i in items), Counter(gold[i] for i in items)
    shared = [both[(predicted[i], gold[i])] for i in items]
    precision = sum(n / sizes[predicted[i]] for n, i in zip(shared, items, strict=True))
    recall = sum(n / gold_sizes[gold[i]] for n, i in zip(shared, items, strict=True))
    return BCubed(precision / len(items), recall / len(items), len(items), total)


@dataclass(frozen=True)
class CorpusScore:
    kinds: dict[str, BCubed]

    def metrics(self) -> dict[str, float | None]:
        return {
            f"corpus.{kind}.{name}": value
            for kind, score in self.kinds.items()
            for name, value in score.metrics().items()
        }

    def counted(self) -> dict[str, int]:
        """What each score counts: the items scored, for coverage all gold items."""
        return {
            f"corpus.{kind}.{name}": score.total if name == "coverage" else score.scored
            for kind, score in self.kinds.items()
            for name in score.metrics()
        }


@dataclass(frozen=True)
class Scored:
    """One article's prediction (None when it gave none), its gold, and which predicted
    entry was matched to which gold entry, per list."""

    record: SummaryRecord | None
    gold: GoldRecord
    pairs: dict[str, Pairs]


def score_corpus(articles: dict[str, Scored], corpus_gold: CorpusGold) -> CorpusScore:
    corpus = build_corpus(a.record for a in articles.values() if a.record is not None)
    clusters = _predicted_clusters(corpus)
    kinds = {}
    for kind in KINDS:
        predicted: dict[Hashable, str] = {}
        gold: dict[Hashable, str] = {}
        for article, scored in articles.items():
            if scored.record is None:
                continue
            for p, g in scored.pairs[kind]:
                predicted[(article, g)] = clusters[kind][(scored.record.article.id, p)]
                gold[(article, g)] = corpus_gold.cluster(kind, (article, g))
        total = sum(len(getattr(a.gold, kind)) for a in articles.values())
        kinds[kind] = bcubed(predicted, gold, total)
    return CorpusScore(kinds)


def _predicted_clusters(corpus: Corpus) -> dict[str, dict[tuple[str, int], str]]:
    return {
        "actors": {(m.article, m.index): a.id for a in corpus.actors for m in a.mentions},
        "threats": {(r.article, r.index): e.id for e in corpus.ledger for r in e.reports},
    }
