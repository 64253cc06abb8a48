"""What every command module shares: error mapping, the --db option, colours and stderr
messages.

Library errors become one `Error:` line and exit 1; usage errors exit 2; no traceback. The
wording of each kind of file problem is `zhtm.paths`'s, whatever the command.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import UsageError, ZhtmError
from ..paths import DB_ENV, DEFAULT_DB, reason


# Every output is written to a temporary file and renamed, and an import is one transaction, so
# an interrupted command has replaced nothing (a batch keeps the documents it had finished).
INTERRUPTED = "interrupted (Ctrl-C): nothing was left half-written"


def friendly_errors(func: Callable) -> Callable:
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except ZhtmError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # the environment (a file vanished, a disk failed): one line
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{reason(exc)}") from None
        except KeyboardInterrupt:  # one Error: line like every other stop (click says "Aborted!")
            raise click.ClickException(INTERRUPTED) from None
    return wrapper


def db_option(help_text: str = "The TM store (an SQLite file).") -> Callable:
    """--db, the same for every command: $ZHTM_DB if set, else ./zhtm.db."""
    return click.option("--db", type=unchecked_path(), envvar=DB_ENV,
                        default=DEFAULT_DB, show_envvar=True,
                        help=f"{help_text} Default: ${DB_ENV} if set, else ./{DEFAULT_DB}.")


def unchecked_path() -> click.Path:
    """A path click does not check (for inputs and outputs alike): zhtm checks it, in one
    wording and with one exit code per kind of problem (zhtm.paths)."""
    return click.Path(path_type=Path, readable=False)


class _OutputPath(click.Path):
    """`-o -` is standard output, as in most tools (it wrote a file named "-")."""

    def convert(self, value, param, ctx):
        if value == "-":
            return Path("/dev/stdout")
        return super().convert(value, param, ctx)


class _InputPath(click.Path):
    """`-` as a document: not read from stdin (a document is read more than once), said so."""

    def convert(self, value, param, ctx):
        if value == "-":
            self.fail("'-': a document cannot be read from standard input; give its file name",
                      param, ctx)
        return super().convert(value, param, ctx)


def output_path() -> click.Path:
    """An unchecked output path where `-` means standard output."""
    return _OutputPath(path_type=Path, readable=False)


def input_path() -> click.Path:
    """An unchecked input document path that refuses `-` with a usage error."""
    return _InputPath(path_type=Path, readable=False)


def use_color(stream=None) -> bool:
    """Colours only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    stream = stream or sys.stdout
    return bool(stream.isatty()) and not os.environ.get("NO_COLOR")


def say(message: str = "") -> None:
    """A message for the person at the terminal (stderr, so stdout stays data)."""
    click.echo(message, err=True)


class Progress:
    """Turns the library's progress callback into a click progress bar on a terminal."""

    def __init__(self, label: str, quiet: bool, min_total: int = 50) -> None:
        self.label = label
        self.enabled = not quiet and sys.stderr.isatty()
        self.min_total = min_total  # fewer steps than this finish too fast for a bar
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.min_total:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
