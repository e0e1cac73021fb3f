"""The basic types, each kind in a module of its own (as langextract's `core/`):

- `types`: labels, the strict base model, generation and chunking parameters;
- `contract`: the output record (version 1);
- `corpus`: the corpus of many records (canonical actors, the threat ledger);
- `draft`: the schema the model answers in (its descriptions are prompt text);
- `request`: an article as a caller submits it;
- `errors`: every error the CLI and API turn into a clear message.

Nothing here imports anything else of the package (an import-linter contract), so every
stage may depend on it and it depends on none of them.
"""

from summarizer.core.contract import (
    Actor,
    ArticleMeta,
    Event,
    Evidence,
    Grounded,
    Location,
    Provenance,
    SummaryRecord,
    Threat,
    Usage,
    When,
)
from summarizer.core.corpus import (
    ActorRef,
    CanonicalActor,
    Corpus,
    LedgerEntry,
    Mention,
    Merge,
    Report,
)
from summarizer.core.draft import (
    DraftActor,
    DraftEvent,
    DraftLocation,
    DraftRecord,
    DraftThreat,
)
from summarizer.core.errors import (
    AnswerCutOff,
    ConfigError,
    ContextExceeded,
    ExtractionFailed,
    InputError,
    InputTooLarge,
    ProviderCrashed,
    ProviderError,
    ProviderTimeout,
    RecordingMissing,
    SummarizerError,
    first_problem,
)
from summarizer.core.request import ArticleRequest, ReadArticle
from summarizer.core.types import (
    SCHEMA_VERSION,
    ActionType,
    ActorType,
    ChunkPlan,
    CountryCode,
    GenerationParams,
    IsoDate,
    Precision,
    Price,
    Strict,
    iso_date,
)

__all__ = [
    "SCHEMA_VERSION",
    "ActionType",
    "Actor",
    "ActorRef",
    "ActorType",
    "AnswerCutOff",
    "ArticleMeta",
    "ArticleRequest",
    "CanonicalActor",
    "ChunkPlan",
    "ConfigError",
    "ContextExceeded",
    "Corpus",
    "CountryCode",
    "DraftActor",
    "DraftEvent",
    "DraftLocation",
    "DraftRecord",
    "DraftThreat",
    "Event",
    "Evidence",
    "ExtractionFailed",
    "GenerationParams",
    "Grounded",
    "InputError",
    "InputTooLarge",
    "IsoDate",
    "LedgerEntry",
    "Location",
    "Mention",
    "Merge",
    "Precision",
    "Price",
    "Provenance",
    "ProviderCrashed",
    "ProviderError",
    "ProviderTimeout",
    "ReadArticle",
    "RecordingMissing",
    "Report",
    "Strict",
    "SummarizerError",
    "SummaryRecord",
    "Threat",
    "Usage",
    "When",
    "first_problem",
    "iso_date",
]
