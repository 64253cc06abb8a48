"""What every command module shares: error mapping and stderr messages.

Library errors become one `Error:` line and exit 1; usage errors exit 2; no traceback.
"""

from __future__ import annotations

import functools
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
