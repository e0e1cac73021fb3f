"""What this project does to instructor beyond its public API, in one place, with the
guard that says when instructor has changed under it.

- The check that a response model declares no async validators is remembered per model
  class. instructor 1.17 walks every class of the model six times per call (0.2 ms each,
  40% of the client's CPU per article) and has no switch for it, although a class's
  validators are fixed when the class is defined.
- instructor keeps no running token total during our calls. It adds each answer's usage
  into a total of its own, deep-copying models three times per call (a third of the
  engine's CPU outside the SDK), to leave it on private attributes we never read; our
  stage counts the tokens of each answer itself, as the call returns it
  (`extraction._Calls`). Outside our calls instructor keeps its total as before.
- instructor's log records are dropped while one of our calls runs, and only then. It
  logs every failed attempt; our stage reports the outcome once, as a typed error.

Importing this module applies all three. `misfits()` and `uncovered()` are the guard: the
tests fail when either finds anything.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import sys
import warnings
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import instructor

WRITTEN_FOR = "1.17."  # the instructor releases the patch was written for

Check = Callable[[Any], None]
Function = Callable[..., Any]

_INSIDE: ContextVar[bool] = ContextVar("inside_our_instructor_call", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """One of our calls: instructor logs nothing and keeps no token total while the block
    runs, in this thread or task only."""
    token = _INSIDE.set(True)
    try:
        yield
    finally:
        _INSIDE.reset(token)


def checked_once(check: Check) -> Check:
    """`check`, skipped for a model class it has already passed. Classes are held weakly,
    so a model class that other code makes per call is not kept alive."""
    passed: weakref.WeakSet[type] = weakref.WeakSet()

    def check_once(response_model: Any) -> None:
        if isinstance(response_model, type) and response_model in passed:
            return
        check(response_model)  # raises for a model that declares async validators
        if isinstance(response_model, type):
            passed.add(response_model)

    return check_once


def usage_untracked(has_compatible_usage: Function) -> Function:
    """instructor's test that an answer's usage can join its running total: never inside
    our calls, so that it neither snapshots the total nor looks for anthropic's usage."""

    def has_usage(response: object, total_usage: object) -> bool:
        return not _INSIDE.get() and bool(has_compatible_usage(response, total_usage))

    return has_usage


def usage_unadded(update_total_usage: Function) -> Function:
    """instructor's addition of an answer's usage to its running total: skipped inside
    our calls, leaving the answer as the endpoint sent it."""

    def update(response: Any, total_usage: Any) -> Any:
        return response if _INSIDE.get() else update_total_usage(response, total_usage)

    return update


@dataclass(frozen=True)
class Patch:
    """One instructor function replaced wherever instructor binds it."""

    home: str  # the module that defines it
    name: str
    parameters: tuple[str, ...]  # what it takes, as its replacement expects
    replace: Callable[[Function], Function]  # instructor's function -> its replacement

    @property
    def where(self) -> str:
        return f"{self.home}.{self.name}"

    def original(self) -> Function | None:
        """instructor's own function, taken before anything is patched; None if gone."""
        try:
            found = getattr(importlib.import_module(self.home), self.name, None)
        except ImportError:
            return None
        return found if callable(found) else None


PATCHES = (
    Patch(
        "instructor.v2.validation.async_validators",
        "reject_async_validators",
        ("response_model",),
        checked_once,
    ),
    Patch(
        "instructor.v2.core.usage",
        "has_compatible_usage",
        ("response", "total_usage"),
        usage_untracked,
    ),
    Patch(
        "instructor.v2.core.usage",
        "update_total_usage",
        ("response", "total_usage"),
        usage_unadded,
    ),
)

# The home of `instructor.patch`: importing it loads the modules our calls go through, so
# the ones that bind the replaced functions are loaded when they are patched.
importlib.import_module("instructor.core.patch")
ORIGINALS: dict[Patch, Function | None] = {patch: patch.original() for patch in PATCHES}


def misfits() -> list[str]:
    """How the installed instructor differs from the one the patch was written for."""
    found = []
    if not instructor.__version__.startswith(WRITTEN_FOR):
        found.append(f"instructor {instructor.__version__} is installed, not {WRITTEN_FOR}x")
    for patch, original in ORIGINALS.items():
        if original is None:
            found.append(f"{patch.where} is gone")
        elif tuple(inspect.signature(original).parameters) != patch.parameters:
            found.append(f"{patch.where} no longer takes {', '.join(patch.parameters)}")
    return found


def uncovered() -> list[str]:
    """Loaded instructor modules still binding an unpatched function, and instructor
    loggers without the filter: each a place instructor has grown that `install` did not
    reach."""
    modules = [
        f"{module.__name__} ({patch.name})"
        for patch, original in ORIGINALS.items()
        for module in _binding(patch.name, original)
    ]
    loggers = [
        f"logger {logger.name}"
        for logger in _instructor_loggers()
        if _outside_our_calls not in logger.filters
    ]
    return modules + loggers


def _outside_our_calls(record: logging.LogRecord) -> bool:
    return not _INSIDE.get()


def install() -> None:
    """Applies the changes to every instructor module and logger loaded so far."""
    _replace_functions()
    for logger in _instructor_loggers():
        # A logger's filter sees only the records of that logger, not its children's.
        if _outside_our_calls not in logger.filters:
            logger.addFilter(_outside_our_calls)


def _replace_functions() -> None:
    """Rebinds each patched function wherever instructor binds its own. Left undone, with
    a warning, when instructor no longer fits: its own functions are slower, but right."""
    found = misfits()
    if found:
        message = f"instructor left unpatched: {'; '.join(found)}"
        warnings.warn(message, RuntimeWarning, stacklevel=3)
        return
    for patch, original in ORIGINALS.items():
        replacement = patch.replace(original) if original is not None else None
        for module in _binding(patch.name, original):
            setattr(module, patch.name, replacement)


def _binding(name: str, function: Function | None) -> list[ModuleType]:
    """The loaded instructor modules whose `name` is `function`."""
    if function is None:
        return []
    return [module for module in _instructor_modules() if vars(module).get(name) is function]


def _instructor_modules() -> list[ModuleType]:
    return [
        module
        for name, module in list(sys.modules.items())
        if _is_instructor(name) and isinstance(module, ModuleType)
    ]


def _instructor_loggers() -> list[logging.Logger]:
    return [
        logger
        for name, logger in list(logging.Logger.manager.loggerDict.items())
        if _is_instructor(name) and isinstance(logger, logging.Logger)
    ]


def _is_instructor(name: str) -> bool:
    return name == "instructor" or name.startswith("instructor.")


install()
