"""The one way to real GitHub: the adapter behind `p2p.port.Port` (the only PyGithub import),
its GraphQL documents in `graphql/`, and the light token lookup in `credentials`.

Nothing past this package sees a PyGithub object or raw JSON: answers become the project's own
frozen models at the boundary. This `__init__` stays empty so that `p2p.github.credentials`
loads without PyGithub.
"""
