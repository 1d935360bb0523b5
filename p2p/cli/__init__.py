"""The command line: the Typer app (`app.py`) and, one module per command group, each command's shell."""


def entry() -> None:
    """Console-script entry point, also reachable as `p2p.cli:entry`; loads the app only when called."""
    from p2p.cli.app import entry as run

    run()
