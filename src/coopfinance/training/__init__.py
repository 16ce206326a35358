"""Financial training for co-op members: curricula, exercises from the member's own numbers, quizzes
and progress (layer 7)."""

from coopfinance.training._exercise import (
    LANGUAGES,
    Check,
    Choice,
    Exercise,
    Mistake,
    Op,
    Step,
    Topic,
    Unit,
    format_value,
)
from coopfinance.training._generators import GENERATORS, generate, generators_for

__all__ = [
    "GENERATORS",
    "LANGUAGES",
    "Check",
    "Choice",
    "Exercise",
    "Mistake",
    "Op",
    "Step",
    "Topic",
    "Unit",
    "format_value",
    "generate",
    "generators_for",
]
