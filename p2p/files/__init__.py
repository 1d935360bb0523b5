"""The roundtable's files: strict YAML reading with `file:line` errors, loading settings and
events, round-trip edits that change only the lines they mean to, atomic writes and the lock,
the JSON schemas, and importing a hand-written README into event files.

May import `p2p.models`, `p2p.errors` and the rules; never GitHub, the sandbox or the command
line.
"""
