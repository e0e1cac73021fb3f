"""A toy provider that lives only in the tests: registered as data, it must run end to end
through the CLI and the API with no edit anywhere in the package."""

from __future__ import annotations

from summarizer.providers import Capabilities, ProviderSpec
from summarizer.settings import Settings
from tests.fakes import ReadingProvider

CONTEXT_TOKENS = 2048  # small: a corpus article is cut into several pieces


class ToyProvider(ReadingProvider):
    """Answers from the text it is sent, as `ReadingProvider` does, under its own name."""

    name = "toy"
    model = "toy-1"
    concurrent = False

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings


SPEC = ProviderSpec(
    name="toy",
    target="tests.providers.toy:ToyProvider",
    identify=lambda _: ("toy-1", "json_schema"),
    summary="a test's toy: reads the article back",
    capabilities=Capabilities(
        concurrent=False, answer_tokens=512, context_tokens=lambda _: CONTEXT_TOKENS
    ),
)
