"""How alike two wordings of a threat are: the content words they share.

Outlets paraphrase: "shell the radar stations" and "fire on the radar stations", "if the
patrols enter the harbour again" and "should patrol boats keep entering the harbour". A
wording's *content words* are its words (normalised as names are) without function words
(articles, pronouns, prepositions, conjunctions, auxiliary and modal verbs, negations),
each cut to a light stem (inflection only: "shells", "shelling" and "shell" are one
word). Two wordings are as alike as the share of the shorter one's content words the
other has: a brief recall ("had threatened to shell the stations") uses a part of the
full statement's words, so the shorter one is the measure, not both.
"""

from __future__ import annotations

import functools

from summarizer.extract import normalize_name

# Words that say nothing of the harm or its trigger: determiners, pronouns, prepositions,
# conjunctions, a few adverbs, auxiliary and modal verbs, negations ("unless they leave"
# and "if they do not leave" are one trigger). "US" normalises to the pronoun "us" and goes
# with it; the targets, not the words, say who is threatened.
_FUNCTION_WORDS = """
    a an the this that these those some any every all each both either neither no none
    other another such own same
    i me my we us our you your he him his she her it its they them their who whom whose
    which what whatever whoever anyone anything everyone everything someone something
    of in on at to for from by with without within into onto upon over under above below
    across along against among around about after before between beyond during through
    toward towards via per than as off out
    and or nor but if unless whether when whenever while until till once because since
    so then there here again also too very just only even still yet ever never not
    be am is are was were been being have has had having do does did done
    will would shall should can could may might must"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
# The shorter wording counts at least this many words: one shared word of a one-word
# wording is half a match, not a whole one.
SHORTEST = 2


def content_words(text: str | None) -> frozenset[str]:
    """The stems of a wording's content words (none for a null)."""
    if text is None:
        return frozenset()
    return frozenset(
        stem(word) for word in normalize_name(text).split() if word not in FUNCTION_WORDS
    )


def alike(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the shorter wording's content words that the other has (0 to 1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(SHORTEST, min(len(a), len(b)))


@functools.lru_cache(maxsize=1 << 14)
def stem(word: str) -> str:
    """A light English stem: plural, possessive ("stations", "army's" normalised to
    "armys"), -ing and -ed cut, a doubled last consonant undone and a final "e"
    dropped, so "shell", "shells" and "shelling" are one word, and "carries" and "carried"
    are one. Irregular forms ("shot", "shoot") stay apart."""
    if len(word) > 4 and word.endswith(("ies", "ied")):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    elif len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    else:
        return _drop_e(word)
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return _drop_e(word)


def _drop_e(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("e") else word
