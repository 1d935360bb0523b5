"""`python -m p2p`."""

from p2p.cli.app import entry

entry()
