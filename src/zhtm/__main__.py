"""`python -m zhtm` runs the command line."""

from .cli import main

main(prog_name="zhtm")
