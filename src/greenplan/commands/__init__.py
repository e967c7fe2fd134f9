"""Implementations of the ``greenplan`` subcommands, one module each (``run(args) -> int``)."""
