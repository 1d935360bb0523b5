"""The command line: the Typer app (`app`) and, one module per command group, each command's shell."""
