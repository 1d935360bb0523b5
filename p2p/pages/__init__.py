"""What people read: README regions, the knowledge base and the calendar, rendered from models
through the Jinja2 templates in `templates/` (a roundtable's own `templates/` overrides them),
with every piece of untrusted text escaped by `markdown`.

Rendering takes models and returns text; writing the files is the caller's job. May import
`p2p.models`, `p2p.errors` and the rules; never GitHub, the sandbox or the command line.
"""
