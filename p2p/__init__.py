"""p2p: run a peer roundtable of engineering leaders from one GitHub repository."""

__version__ = "0.1.0"
