"""Where the GitHub token comes from: found without importing the GitHub adapter, so a command
that ends up with no token never loads PyGithub."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from urllib.parse import urlsplit

from p2p.errors import P2PError

DEFAULT_API_URL = "https://api.github.com"


def api_url(env: Mapping[str, str]) -> str:
    """$GITHUB_API_URL, else GitHub's own API."""
    return (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")


def find_token(env: Mapping[str, str], api_url: str) -> str:
    """$GITHUB_TOKEN, else $GH_TOKEN, else `gh auth token` when the gh CLI is logged in."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        if env.get(name, "").strip():
            return env[name].strip()
    gh = shutil.which("gh", path=env.get("PATH"))
    if gh is not None:
        host = urlsplit(api_url).hostname or "github.com"
        host = "github.com" if host == "api.github.com" else host
        try:
            found = subprocess.run(  # noqa: S603 - a fixed command, no shell
                [gh, "auth", "token", "--hostname", host],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
                env=dict(env),
            )
        except (OSError, subprocess.TimeoutExpired):
            found = None
        if found is not None and found.returncode == 0 and found.stdout.strip():
            return found.stdout.strip()
    raise P2PError("no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), or log in with `gh auth login`")
