"""Hypothesis profiles: ``ci`` (default, fast, derandomized) and ``thorough`` (HYPOTHESIS_PROFILE=thorough).

``ci`` is derandomized (issue 20): the same examples on every run, so a red CI is the change's
doing and reproduces on any machine. The search for new falsifying examples is the ``thorough``
and ``dev`` profiles' (random); pin what they find with ``@example`` (docs/contributing.md).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
