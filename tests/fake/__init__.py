"""A stateful fake GitHub for the tests: REST and GraphQL at the HTTP boundary over one state."""

from tests.fake.server import FakeGitHub

__all__ = ["FakeGitHub"]
