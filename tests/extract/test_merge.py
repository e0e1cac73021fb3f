from summarizer.core import Actor, Event, Evidence, Location, Threat
from summarizer.extract.assemble import Findings
from summarizer.extract.grounding import Grounder
from summarizer.extract.merge import merge

TEXT = (
    "Kataib Hezbollah said on Sunday it would strike US bases. "
    "Washington condemned the group. "
    "The US said Kataib Hizbollah fired drones at Ain al-Asad."
)
FIRST, SECOND = TEXT[:90], TEXT[40:]  # two pieces that overlap
AT = 40


def quote(text: str, offset: int, words: str) -> list[Evidence]:
    return [Grounder(text, offset).locate(words)]


def actor(name: str, aliases: list[str], evidence: list[Evidence]) -> Actor:
    return Actor(
        name=name,
        aliases=aliases,
        type="state",
        country=None,
        title=None,
        affiliation=None,
        evidence=evidence,
    )


def event(kind: str, evidence: list[Evidence]) -> Event:
    return Event(
        type=kind,  # type: ignore[arg-type]
        description=kind,
        actors=[],
        targets=[],
        locations=[],
        when=None,
        status="occurred",
        casualties=None,
        evidence=evidence,
    )


def test_the_same_actor_in_two_pieces_is_one_entry_with_both_names_and_evidence() -> None:
    a = Findings("a", actors=[actor("United States", ["Washington"], quote(FIRST, 0, "US bases"))])
    b = Findings("b", actors=[actor("US", ["Washington"], quote(SECOND, AT, "The US said"))])
    (merged,) = merge([a, b]).actors
    assert merged.name == "United States"
    assert merged.aliases == ["Washington", "US"]
    assert [TEXT[e.start : e.end] for e in merged.evidence] == ["US bases", "The US said"]  # type: ignore[misc]


def test_actors_join_through_a_shared_alias_and_locations_by_normalised_name() -> None:
    a = Findings("a", actors=[actor("Kataib Hezbollah", ["Kataib Hizbollah"], [])])
    b = Findings("b", actors=[actor("Kataib Hizbollah", [], [])])
    assert len(merge([a, b]).actors) == 1
    place = Location(name="Ain al-Asad", type="military_base", country=None, evidence=[])
    other = place.model_copy(update={"name": "Ain Al Asad", "country": "IQ"})
    found = [Findings("a", locations=[place]), Findings("b", locations=[other])]
    (merged,) = merge(found).locations
    assert merged.name == "Ain al-Asad" and merged.country == "IQ"


def test_one_event_quoted_in_two_overlapping_pieces_stays_one_event() -> None:
    condemned = "Washington condemned the group."
    a = Findings("a", events=[event("statement", quote(FIRST, 0, condemned))])
    b = Findings("b", events=[event("statement", quote(SECOND, AT, condemned))])
    (merged,) = merge([a, b]).events
    (evidence,) = merged.evidence
    assert TEXT[evidence.start : evidence.end] == condemned  # type: ignore[misc]


def test_two_events_of_one_call_that_quote_one_sentence_stay_two() -> None:
    sentence = quote(TEXT, 0, "The US said Kataib Hizbollah fired drones at Ain al-Asad.")
    one = Findings("a", events=[event("statement", sentence), event("attack", sentence)])
    again = Findings("b", events=[event("attack", sentence)])
    merged = merge([one, again]).events
    assert [e.type for e in merged] == ["statement", "attack"]


def test_events_without_overlap_are_kept_and_threats_merge_by_evidence() -> None:
    a = Findings("a", events=[event("statement", quote(TEXT, 0, "Washington condemned"))])
    b = Findings("b", events=[event("attack", quote(TEXT, 0, "fired drones"))])
    assert len(merge([a, b]).events) == 2
    threat = Threat(
        issuer="Kataib Hezbollah",
        speaker=None,
        targets=["US"],
        condition=None,
        action="strike US bases",
        action_type="violence",
        conditional=False,
        when=None,
        evidence=quote(TEXT, 0, "it would strike US bases"),
    )
    again = threat.model_copy(update={"evidence": quote(TEXT, 0, "would strike US bases.")})
    (merged,) = merge([Findings("a", threats=[threat]), Findings("b", threats=[again])]).threats
    assert len(merged.evidence) == 2


def test_summaries_join_in_order_and_repeated_ones_once() -> None:
    found = merge([Findings("One."), Findings("Two."), Findings("One.")])
    assert found.summary == "One. Two."
