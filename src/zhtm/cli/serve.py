"""`zhtm serve`: run the browser workbench.

The command checks its options, puts them in the environment the application reads
(`zhtm.web.settings`) and runs the application by name through uvicorn, the way any ASGI
server runs one: the command line and the web application never import each other.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from ..hosts import is_loopback
from .common import db_option, friendly_errors, say, unchecked_path

APP = "zhtm.web.app:create_app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
TOKEN_ENV = "ZHTM_TOKEN"


@click.command("serve")
@click.argument("paths", nargs=-1, type=unchecked_path())
@db_option("The TM store; the review state is kept in it too (created if missing).")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Anything but a loopback address needs --token.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--token", envvar=TOKEN_ENV, show_envvar=True,
              help="Access token every request must carry (the printed URL holds it). "
                   "Required with a --host other machines can reach.")
@click.option("--new-token", is_flag=True, help="Make up a random access token and print it.")
@friendly_errors
def serve(paths: tuple[Path, ...], db: Path, host: str, port: int, token: str | None,
          new_token: bool) -> None:
    """Review alignments and glossaries and search the TM in a browser.

    PATHS: at most one project folder (default: the current folder), whose TMX files,
    bilingual texts and glossaries can be opened, and any other files to open. Nothing
    else can be read or written. Several browsers can work on one store at once; every
    change is saved at once. Ctrl-C stops the server.

    \b
    Example:
      zhtm serve --db beijing.db .                 # http://127.0.0.1:8750/
      zhtm serve --host 0.0.0.0 --new-token project/    # for a team on the network
    """
    from ..paths import check_folder, check_input

    # Files first, before any other check or work, in the wording every command uses.
    folders = [check_folder(p) for p in paths if p.is_dir()]
    files = [check_input(p) for p in paths if not p.is_dir()]
    if db.exists() or db.is_symlink():
        check_input(db)  # a store that is there must be a readable file (a missing one is made)
    if len(folders) > 1:
        raise click.UsageError("give at most one project folder")
    if new_token:
        token = secrets.token_urlsafe(18)
    if token is not None and len(token) < 8:
        raise click.BadParameter("the access token must be at least 8 characters long",
                                 param_hint="--token")
    if not is_loopback(host) and not token:
        raise click.UsageError(f"--host {host} lets other machines connect: give an access token "
                               f"with --token, ${TOKEN_ENV} or --new-token")
    project = folders[0] if folders else Path(".")
    from ..tm.store import Store

    created = not db.exists()
    # refuses a file that is not a zhtm store; one that cannot be written is still searched
    Store.open(db, create=True, readonly=not created).close()
    if created:
        say(f"{db}: new empty TM store (the review state is kept in it)")
    os.environ.update({"ZHTM_DB": str(db.resolve()), "ZHTM_PROJECT": str(project.resolve()),
                       "ZHTM_SERVE_FILES": os.pathsep.join(str(f.resolve()) for f in files),
                       "ZHTM_SERVE_HOST": host})
    if token:
        os.environ[TOKEN_ENV] = token
    else:
        os.environ.pop(TOKEN_ENV, None)
    _run(host, port, token)


def _run(host: str, port: int, token: str | None) -> None:
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)  # connections wait in the queue until the application is up
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if family == socket.AF_INET6 else host
    url = f"http://{shown}:{bound}/" + (f"?token={token}" if token else "")
    say(f"zhtm workbench: {url}  (Ctrl-C stops it)")
    config = uvicorn.Config(APP, factory=True, log_level="warning", access_log=False,
                            lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then re-raises the Ctrl-C
        pass
    finally:
        sock.close()
    if server.started:
        say("zhtm workbench stopped")
    else:
        raise click.ClickException("the workbench did not start (see the message above)")
