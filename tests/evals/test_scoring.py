from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.core import Actor, Evidence
from summarizer.evals.scoring import LISTS, ArticleScorer, Score, set_f1
from summarizer.extract import NameMatcher, token_f1
from tests.evalhelp import EVALSET, TEXTS, as_prediction

IDS = [a.id for a in EVALSET.corpus]


def scored(article_id: str, pred: object) -> Score:
    gold = EVALSET.gold[article_id]
    return ArticleScorer(gold, TEXTS[article_id], EVALSET.names).run(pred)  # type: ignore[arg-type]


@pytest.mark.parametrize("article_id", IDS)
def test_gold_against_itself_is_perfect_everywhere(article_id: str) -> None:
    metrics = scored(article_id, as_prediction(EVALSET.gold[article_id])).metrics()
    measured = {k: v for k, v in metrics.items() if v is not None}
    assert measured and all(v == 1.0 for v in measured.values()), measured


@pytest.mark.parametrize("article_id", IDS)
@pytest.mark.parametrize("name", LISTS)
def test_dropping_one_required_entry_costs_exactly_one_nth_of_recall(
    article_id: str, name: str
) -> None:
    entries = getattr(EVALSET.gold[article_id], name)
    required = [i for i, e in enumerate(entries) if e.required]
    if not required:
        pytest.skip("no required entry in this list")
    dropped = required[0]
    pred = as_prediction(EVALSET.gold[article_id], lambda n, i, _: not (n == name and i == dropped))
    counts = scored(article_id, pred).lists[name]
    assert counts.recall == pytest.approx(1 - 1 / len(required))
    assert counts.precision == 1.0


def test_an_invented_entry_lowers_precision_only() -> None:
    pred = as_prediction(EVALSET.gold["000"])
    invented = Actor(
        name="Invented Person",
        aliases=[],
        type="person",
        country=None,
        title=None,
        affiliation=None,
        evidence=[],
    )
    pred.actors.append(invented)
    counts = scored("000", pred).lists["actors"]
    assert counts.precision < 1.0 and counts.recall == 1.0


@pytest.mark.parametrize("article_id", IDS)
def test_optional_entries_neither_help_nor_hurt(article_id: str) -> None:
    gold = EVALSET.gold[article_id]
    with_optional = scored(article_id, as_prediction(gold)).lists
    without = scored(article_id, as_prediction(gold, lambda _n, _i, e: e["required"])).lists
    assert with_optional == without


def test_a_duplicate_prediction_is_one_match_and_one_false_positive() -> None:
    pred = as_prediction(EVALSET.gold["000"])
    pred.threats.append(pred.threats[0])
    counts = scored("000", pred).lists["threats"]
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 0)


def test_no_valid_record_scores_zero_recall_and_invalid() -> None:
    score = scored("003", None)
    assert score.schema_valid.mean == 0.0
    assert all(score.lists[n].recall == 0.0 for n in ("actors", "threats"))


def test_claimed_grounding_is_verified_against_the_text() -> None:
    pred = as_prediction(EVALSET.gold["000"])
    wrong = Evidence(quote="Kataib Hizbollah", start=0, end=16, grounded=True)
    pred.actors[0].evidence = [wrong]
    score = scored("000", pred)
    assert score.grounding.mean is not None and score.grounding.mean < 1.0


def test_events_match_by_evidence_span_whatever_the_wording() -> None:
    pred = as_prediction(EVALSET.gold["000"])
    for event in pred.events:
        event.description = "something else entirely"
        event.actors = []
    assert scored("000", pred).lists["events"].f1 == 1.0


def test_without_spans_events_match_by_actor_and_description() -> None:
    pred = as_prediction(EVALSET.gold["000"])
    for item in [*pred.events, *pred.threats]:
        for e in item.evidence:
            e.grounded, e.start, e.end = False, None, None
    score = scored("000", pred)
    assert score.lists["threats"].f1 == 1.0
    assert score.lists["events"].tp >= 3  # those with actors


def test_micro_average_is_the_sum_of_counts() -> None:
    a = scored("000", as_prediction(EVALSET.gold["000"], lambda n, i, _: n != "actors"))
    b = scored("003", as_prediction(EVALSET.gold["003"]))
    total = (a + b).lists["actors"]
    assert total.tp == b.lists["actors"].tp and total.fn == a.lists["actors"].fn
    assert total.recall == pytest.approx(total.tp / (total.tp + total.fn))


class TestNames:
    names = EVALSET.names

    def test_hezbollah_is_not_kataib_hezbollah(self) -> None:
        assert self.names.similarity("Hezbollah", "Kataib Hezbollah") == 0.0

    def test_spelling_variants_match(self) -> None:
        assert self.names.similarity("Kataib Hizbollah", "Kataib Hezbollah") >= 0.9
        assert self.names.similarity("Kata’ib Hezbollah", "Kataib Hezbollah") == 1.0
        assert self.names.similarity("Abu Hussein Al Hamidawi", "Abu Hussein al-Hamidawi") == 1.0

    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("IRGC", "Islamic Revolutionary Guard Corps"),
            ("Washington", "United States"),
            ("US", "America"),
            ("Tehran", "Iran"),
        ],
    )
    def test_alias_table(self, a: str, b: str) -> None:
        assert self.names.similarity(a, b) == 1.0
        assert NameMatcher().similarity(a, b) == 0.0  # only through the table

    def test_set_f1_is_one_to_one(self) -> None:
        assert set_f1(self.names, ["US", "United States"], ["America"]) == pytest.approx(2 / 3)
        assert set_f1(self.names, [], []) == 1.0


def test_token_f1() -> None:
    assert token_f1("attack US bases", "attack US bases") == 1.0
    assert token_f1("attack US bases", "strike Israeli cities") == 0.0
    assert token_f1(None, None) == 1.0 and token_f1("x", None) == 0.0
    assert 0 < token_f1("attack American bases", "attack US bases") < 1


# --- Properties -----------------------------------------------------------------------

perturbation = st.tuples(
    st.sampled_from(IDS),
    st.lists(st.tuples(st.sampled_from(LISTS), st.integers(0, 30)), max_size=12),
    st.integers(0, 5),
)


def perturbed(article_id: str, drops: list[tuple[str, int]], invented: int) -> Score:
    dropped = set(drops)
    pred = as_prediction(EVALSET.gold[article_id], lambda n, i, _: (n, i) not in dropped)
    for k in range(invented):
        pred.actors.append(
            Actor(
                name=f"Nobody {k} Xq",
                aliases=[],
                type="other",
                country=None,
                title=None,
                affiliation=None,
                evidence=[],
            )
        )
    return scored(article_id, pred)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(perturbation)
def test_every_metric_stays_in_the_unit_interval(
    case: tuple[str, list[tuple[str, int]], int],
) -> None:
    for value in perturbed(*case).metrics().values():
        assert value is None or 0.0 <= value <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    perturbation,
    st.lists(st.tuples(st.sampled_from(LISTS), st.integers(0, 30)), max_size=6),
    st.integers(0, 3),
)
def test_more_damage_never_scores_better(
    case: tuple[str, list[tuple[str, int]], int],
    more_drops: list[tuple[str, int]],
    more_invented: int,
) -> None:
    article_id, drops, invented = case
    base = perturbed(article_id, drops, invented).lists
    worse = perturbed(article_id, drops + more_drops, invented + more_invented).lists
    for name in LISTS:
        assert worse[name].recall <= base[name].recall
    assert worse["actors"].precision <= base["actors"].precision
