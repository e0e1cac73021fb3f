"""What this project does to instructor beyond its public API, in one place, with the
guard that says when instructor has changed under it.

- The check that a response model declares no async validators is remembered per model
  class. instructor 1.17 walks every class of the model six times per call (0.2 ms each,
  40% of the client's CPU per article) and has no switch for it, although a class's
  validators are fixed when the class is defined.
- instructor's log records are dropped while one of our calls runs, and only then. It
  logs every failed attempt; our stage reports the outcome once, as a typed error.

Importing this module applies both. `misfits()` and `uncovered()` are the guard: the
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
from types import ModuleType
from typing import Any

import instructor

WRITTEN_FOR = "1.17."  # the instructor releases the patch was written for
HOME = "instructor.v2.validation.async_validators"  # where instructor defines the check
CHECK = "reject_async_validators"

Check = Callable[[Any], None]


def _original() -> Check | None:
    """instructor's own check, taken before anything is patched; None if it is gone."""
    try:
        found = getattr(importlib.import_module(HOME), CHECK, None)
    except ImportError:
        return None
    return found if callable(found) else None


# The home of `instructor.patch`: importing it loads the modules our calls go through, so
# the ones that bind the check are loaded when it is patched.
importlib.import_module("instructor.core.patch")
ORIGINAL = _original()


def misfits() -> list[str]:
    """How the installed instructor differs from the one the patch was written for."""
    found = []
    if not instructor.__version__.startswith(WRITTEN_FOR):
        found.append(f"instructor {instructor.__version__} is installed, not {WRITTEN_FOR}x")
    if ORIGINAL is None:
        found.append(f"{HOME}.{CHECK} is gone")
    elif list(inspect.signature(ORIGINAL).parameters) != ["response_model"]:
        found.append(f"{HOME}.{CHECK} no longer takes just the response model")
    return found


def uncovered() -> list[str]:
    """Loaded instructor modules still binding the unpatched check, and instructor loggers
    without the filter: each a place instructor has grown that `install` did not reach."""
    modules = [module.__name__ for module in _binding(ORIGINAL)]
    loggers = [
        f"logger {logger.name}"
        for logger in _instructor_loggers()
        if _outside_our_calls not in logger.filters
    ]
    return modules + loggers


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


_INSIDE: ContextVar[bool] = ContextVar("inside_our_instructor_call", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """instructor logs nothing while the block runs, in this thread or task only."""
    token = _INSIDE.set(True)
    try:
        yield
    finally:
        _INSIDE.reset(token)


def _outside_our_calls(record: logging.LogRecord) -> bool:
    return not _INSIDE.get()


def install() -> None:
    """Applies both changes to every instructor module and logger loaded so far."""
    _remember_checks()
    for logger in _instructor_loggers():
        # A logger's filter sees only the records of that logger, not its children's.
        if _outside_our_calls not in logger.filters:
            logger.addFilter(_outside_our_calls)


def _remember_checks() -> None:
    """Rebinds the check wherever instructor binds its own. Left undone, with a warning,
    when instructor no longer fits: its own check is slower, but right."""
    found = misfits()
    if found or ORIGINAL is None:
        message = f"instructor left unpatched: {'; '.join(found)}"
        warnings.warn(message, RuntimeWarning, stacklevel=3)
        return
    once = checked_once(ORIGINAL)
    for module in _binding(ORIGINAL):
        setattr(module, CHECK, once)


def _binding(check: Check | None) -> list[ModuleType]:
    """The loaded instructor modules whose name for the check is `check`."""
    if check is None:
        return []
    return [module for module in _instructor_modules() if vars(module).get(CHECK) is check]


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
