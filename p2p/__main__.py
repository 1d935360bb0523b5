"""`python -m p2p`."""

from p2p.cli import entry

entry()
