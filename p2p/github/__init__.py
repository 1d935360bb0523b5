"""The one way to real GitHub, behind `p2p.port.Port`:

- `adapter`: `GitHubRepository`, the port's operations, through the client and the mapping;
- `client`: the HTTP policy (PyGithub's requester, retries, pacing, redirects, rate limits,
  refusals as GitHubErrors, the request count, GraphQL documents), the only PyGithub import;
- `mapping`: pure functions from GitHub's JSON to the project's frozen models;
- `credentials`: the light token lookup; `graphql/`: the GraphQL documents.

Nothing past this package sees a PyGithub object or raw JSON: answers become the project's own
frozen models at the boundary. This `__init__` stays empty so that `p2p.github.credentials`
loads without PyGithub.
"""
