"""The corpus as tables beside the records' (`export`): `canonical_actors` and the merges
that joined them (`actor_merges`), the `ledger` and its `ledger_reports`, and the ids that
key an actor row to its canonical actor and a threat row to its ledger entry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from summarizer.core import Corpus, Mention

Columns = dict[str, str]  # column name -> DuckDB type
Row = dict[str, Any]
NAMES = "VARCHAR[]"

CORPUS_TABLES: dict[str, Columns] = {
    "canonical_actors": {
        "canonical_id": "VARCHAR",
        "name": "VARCHAR",
        "type": "VARCHAR",
        "country": "VARCHAR",
        "mentions": "INTEGER",
        "articles": "INTEGER",
    },
    "actor_merges": {
        "canonical_id": "VARCHAR",
        "a_article_id": "VARCHAR",
        "a_item": "INTEGER",
        "a_name": "VARCHAR",
        "b_article_id": "VARCHAR",
        "b_item": "INTEGER",
        "b_name": "VARCHAR",
        "rule": "VARCHAR",
    },
    "ledger": {
        "ledger_id": "VARCHAR",
        "issuer_id": "VARCHAR",
        "issuer": "VARCHAR",
        "target_ids": NAMES,
        "targets": NAMES,
        "condition": "VARCHAR",
        "action": "VARCHAR",
        "action_type": "VARCHAR",
        "conditional": "BOOLEAN",
        "first_reported": "DATE",
        "last_reported": "DATE",
        "reports": "INTEGER",
        "follows": "VARCHAR",
    },
    "ledger_reports": {
        "ledger_id": "VARCHAR",
        "article_id": "VARCHAR",
        "item": "INTEGER",
        "date": "DATE",
        "published_at": "DATE",
        "speaker": "VARCHAR",
        "evidence": NAMES,
        "other_story": "BOOLEAN",
    },
}


class CorpusIds:
    """The canonical id of each actor row and the ledger id of each threat row."""

    def __init__(self, corpus: Corpus) -> None:
        self.ids = {
            ("actors", m.article, m.index): ("canonical_id", actor.id)
            for actor in corpus.actors
            for m in actor.mentions
        }
        self.ids.update(
            {
                ("threats", r.article, r.index): ("ledger_id", entry.id)
                for entry in corpus.ledger
                for r in entry.reports
            }
        )

    def columns(self, table: str, article: str, item: int) -> Row:
        """The id column of an item row (none for locations and events)."""
        found = self.ids.get((table, article, item))
        return {} if found is None else {found[0]: found[1]}


def corpus_rows(corpus: Corpus) -> Iterator[tuple[str, Row]]:
    for actor in corpus.actors:
        yield (
            "canonical_actors",
            {
                "canonical_id": actor.id,
                "name": actor.name,
                "type": actor.type,
                "country": actor.country,
                "mentions": len(actor.mentions),
                "articles": len({m.article for m in actor.mentions}),
            },
        )
        for merge in actor.merges:
            sides = {**_side("a", merge.a), **_side("b", merge.b)}
            yield "actor_merges", {"canonical_id": actor.id, **sides, "rule": merge.rule}
    for entry in corpus.ledger:
        data = entry.model_dump(mode="json", exclude={"id", "issuer", "targets", "reports"})
        yield (
            "ledger",
            {
                "ledger_id": entry.id,
                "issuer_id": entry.issuer.id,
                "issuer": entry.issuer.name,
                "target_ids": [t.id for t in entry.targets],
                "targets": [t.name for t in entry.targets],
                **data,
                "reports": len(entry.reports),
            },
        )
        for report in entry.reports:
            row = report.model_dump(mode="json", exclude={"article", "index"})
            yield (
                "ledger_reports",
                {
                    "ledger_id": entry.id,
                    "article_id": report.article,
                    "item": report.index,
                    **row,
                },
            )


def _side(side: str, mention: Mention) -> Row:
    return {
        f"{side}_article_id": mention.article,
        f"{side}_item": mention.index,
        f"{side}_name": mention.name,
    }
