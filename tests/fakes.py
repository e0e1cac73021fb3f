"""A fake provider for unit tests: canned answers in OpenAI's response shape."""

from __future__ import annotations

from typing import Any

from openai.types.chat import ChatCompletion
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_message import ChatCompletionMessage
from openai.types.completion_usage import CompletionUsage

from summarizer.core import DraftRecord


class FakeProvider:
    """Answers each call with the next canned answer (the last one repeats).

    An answer is a draft (sent as its JSON), raw text (sent as is) or an exception (raised).
    """

    name = "fake"
    model = "fake-model"
    mode = "json_schema"
    concurrent = True

    def __init__(
        self, *answers: DraftRecord | str | Exception, finish_reason: str = "stop"
    ) -> None:
        self.answers = list(answers)
        self.finish_reason = finish_reason
        self.requests: list[dict[str, Any]] = []

    def create(self, **request: Any) -> ChatCompletion:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        content = answer if isinstance(answer, str) else answer.model_dump_json()
        return ChatCompletion(
            id="fake-1",
            object="chat.completion",
            created=0,
            model=self.model,
            choices=[
                Choice(
                    index=0,
                    finish_reason=self.finish_reason,  # type: ignore[arg-type]
                    message=ChatCompletionMessage(role="assistant", content=content),
                )
            ],
            usage=CompletionUsage(prompt_tokens=100, completion_tokens=50, total_tokens=150),
        )
