"""The functional core: pure rules that turn desired state (the files) and observed state (one
snapshot of GitHub) into a plan of small, printable actions.

Nothing here reads a file, the clock or the network: `now` is passed in. A rule module may
import `p2p.models`, `p2p.errors`, `p2p.port` and other rule modules; never `p2p.files`,
`p2p.github`, `p2p.sandbox`, `p2p.pages` or the command line.
"""
