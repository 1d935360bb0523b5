"""Bounds that guard tests against a hang, never against slowness.

A test on a loaded two-core machine, under coverage, can run ten times slower than alone: a
bound tight enough to measure speed flakes there. Speed belongs in the bench (`bench/`), as
ratios; a test only proves that work which must stay bounded does end.
"""

from __future__ import annotations

from datetime import timedelta

HANG = timedelta(seconds=30)
