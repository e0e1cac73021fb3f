"""What the API knows of the request it is answering, for the code that answers it: its id
and the name of the key it came with. The access middleware sets it per request; the
errors read the id, the key check and the limits the name."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

# The name requests go by when the server has no keys (or before a key is checked).
ANONYMOUS = "anonymous"
# A client's X-Request-ID is kept only if it is a plain token of bounded length: it goes
# into logs and response headers as it is.
CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@dataclass
class RequestContext:
    id: str
    key: str = ANONYMOUS


# Mutable on purpose: the key check runs after the middleware set it, sometimes in a copy
# of the context (a worker thread), and the middleware reads the name back when it logs.
current: ContextVar[RequestContext] = ContextVar("summarizer_request")


def request_id_from(given: str | None) -> str:
    """The client's id if it is a sane token, else a fresh one."""
    if given is not None and CLIENT_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex
