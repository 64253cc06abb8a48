"""The zhtm command group: every command lives in its own module and is imported when used.

Only the cli package imports click. Library errors become one `Error:` line and exit 1;
usage errors exit 2.
"""

from __future__ import annotations

import click

from .. import __version__


class _LazyGroup(click.Group):
    """Commands of other modules are imported when used, so `zhtm align` does not pay for
    the TM store's and the term extractor's imports."""

    LAZY = {"align": "align:align", "build": "build:build", "terms": "terms:terms",
            "import": "tm:import_cmd", "match": "tm:match_cmd", "concord": "tm:concord_cmd",
            "pretranslate": "tm:pretranslate_cmd", "serve": "serve:serve"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.LAZY)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            import importlib

            module, attr = self.LAZY[name].split(":")
            return getattr(importlib.import_module(f"{__package__}.{module}"), attr)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhtm")
def main() -> None:
    """zhtm: Chinese→English translation memories and terminology.

    \b
    Example:
      zhtm build corpus          # align the bundled report into tmx/ and termbase/
      zhtm align report.txt -o report.tmx
      zhtm serve --db zhtm.db .  # review alignments and glossaries in a browser
    """
    import sys

    # A file name that is not UTF-8 reaches Python with lone surrogates; printing one must
    # not end the command with a traceback (stderr already escapes them; stdout too now).
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and getattr(stream, "errors", "") == "strict":
            stream.reconfigure(errors="backslashreplace")


if __name__ == "__main__":  # pragma: no cover
    main()
