"""The offline GitHub sandbox: the same `p2p.port.Port` as the real adapter, kept in a JSON file
under `.p2p/`, for rehearsals and the demo; and the `World` (`world.py`) through which they, and
the tests' fake GitHub, play everyone else on GitHub.

- `store`: the `Sandbox` itself, opened from and closed into its file.
- `records`: what the file holds (its records and constants), GitHub's node ids and times.
- `core`: the state the two sides share: the clock, the lookups, the records as models.
- `port_side`: the port's reads and writes, with GitHub's answers and request counts.
- `world_side`: everyone else on GitHub (accept, propose, vote, comment).
- `world`: the Protocol the sandbox and the tests' fake GitHub both play GitHub's side through.

May import `p2p.models`, `p2p.errors`, `p2p.port`, the rules and the files' atomic writes;
never PyGithub or the command line.
"""
