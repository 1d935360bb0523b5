"""The shell of each command: read, decide (through the pure rules), act, report."""
