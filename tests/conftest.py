"""Shared test settings: no test reaches the network, no test waits between writes."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes are never spaced out in tests, and no real token leaks in from the machine."""
    monkeypatch.setenv("P2P_WRITE_DELAY", "0")
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
