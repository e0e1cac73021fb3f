"""The checkout's data the tests use. The package resolves nothing from the checkout (an
installed wheel has none), so the tests name it here and point the package at it."""

from __future__ import annotations

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
EVALS = CHECKOUT / "evals"
SEED = EVALS / "seed"  # the eval set of the five seed articles
CORPUS = SEED / "corpus"
RECORDINGS = SEED / "recordings" / "claude-standin"  # the set replay answers from
