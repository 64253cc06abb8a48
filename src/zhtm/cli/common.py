"""What every command module shares: error mapping and stderr messages.

Library errors become one `Error:` line and exit 1; usage errors exit 2; no traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import click

from ..errors import UsageError, ZhtmError


def friendly_errors(func: Callable) -> Callable:
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except ZhtmError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.Abort() from None
    return wrapper


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
