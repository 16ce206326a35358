"""Fixtures for the documents tests (the values come from ``examples.py``)."""

from __future__ import annotations

import pytest
from tests.documents.examples import golden_facts, golden_schedule

import coopfinance
from coopfinance.documents import KeyFacts


@pytest.fixture
def schedule() -> coopfinance.Schedule:
    return golden_schedule()


@pytest.fixture
def facts(schedule: coopfinance.Schedule) -> KeyFacts:
    return golden_facts(schedule)
