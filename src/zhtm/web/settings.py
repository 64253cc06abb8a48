"""What the workbench serves and who may use it, from arguments or from the environment.

``zhtm serve`` sets these variables and runs the application by name through uvicorn, so the
same application runs under any ASGI server (``uvicorn --factory zhtm.web.app:create_app``):

* ``ZHTM_DB``: the TM store (default ``./zhtm.db``), where the review state lives too;
* ``ZHTM_PROJECT``: the project folder (default: the current folder); only files under it,
  or named in ``ZHTM_SERVE_FILES`` (separated by the OS path separator), can be opened;
* ``ZHTM_TOKEN``: the access token; required whenever the server may be reached from
  another machine (``ZHTM_SERVE_HOST`` not a loopback address).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..hosts import is_loopback

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
ENV_DB = "ZHTM_DB"
ENV_PROJECT = "ZHTM_PROJECT"
ENV_FILES = "ZHTM_SERVE_FILES"
ENV_TOKEN = "ZHTM_TOKEN"
ENV_HOST = "ZHTM_SERVE_HOST"
MIN_TOKEN = 8


@dataclass(frozen=True, slots=True)
class ServeSettings:
    db: Path = Path("zhtm.db")
    project: Path = Path(".")
    files: tuple[Path, ...] = ()
    token: str | None = None
    host: str = DEFAULT_HOST
    tool_version: str = field(default="")

    def check(self) -> ServeSettings:
        """Refuse a reachable host without a token, a short token, a missing project folder."""
        if self.token is not None and len(self.token) < MIN_TOKEN:
            raise UsageError(f"the access token must be at least {MIN_TOKEN} characters long")
        if not is_loopback(self.host) and not self.token:
            raise UsageError(f"--host {self.host} lets other machines connect: give an access "
                             f"token with --token or ${ENV_TOKEN} (every request without it "
                             "gets 401)")
        if not self.project.is_dir():
            raise UsageError(f"project folder {self.project} is not a folder")
        for path in self.files:
            if not path.is_file():
                raise UsageError(f"{path}: no such file")
        return self

    @classmethod
    def from_environment(cls) -> ServeSettings:
        files = tuple(Path(p) for p in os.environ.get(ENV_FILES, "").split(os.pathsep) if p)
        return cls(db=Path(os.environ.get(ENV_DB) or "zhtm.db"),
                   project=Path(os.environ.get(ENV_PROJECT) or "."), files=files,
                   token=os.environ.get(ENV_TOKEN) or None,
                   host=os.environ.get(ENV_HOST) or DEFAULT_HOST).check()

    def environment(self) -> dict[str, str]:
        """The variables `from_environment` reads back."""
        env = {ENV_DB: str(self.db), ENV_PROJECT: str(self.project),
               ENV_FILES: os.pathsep.join(str(p) for p in self.files), ENV_HOST: self.host}
        if self.token:
            env[ENV_TOKEN] = self.token
        return env
