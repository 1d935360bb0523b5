"""Benchmarks: requests, writes and time per command against the fake GitHub, and a baseline."""
