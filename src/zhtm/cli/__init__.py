"""CLI: the click layer, one module per command group; the only package that imports click.

A command parses options, calls one library function and prints. May import everything below
it; nothing imports it. The console script is `zhtm.cli:main`.
"""

from .main import main

__all__ = ["main"]
