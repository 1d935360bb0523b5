"""The offline GitHub sandbox: the same `p2p.port.Port` as the real adapter, kept in a JSON file
under `.p2p/`, for rehearsals and the demo; and the `World` (`world.py`) through which they, and
the tests' fake GitHub, play everyone else on GitHub.

May import `p2p.models`, `p2p.errors`, `p2p.port`, the rules and the files' atomic writes;
never PyGithub or the command line.
"""
