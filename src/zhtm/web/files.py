"""Which files the workbench may open and write: those under the project folder, and those
named on the command line. Nothing else, whatever a request says.

A path in a request is relative to the project folder, in POSIX form. Refused: absolute
paths (unless exactly a file named on the command line), any ``..`` part, a path that
resolves (symlinks followed) outside the folder, an output that is a symlink, that is the
store, that is the file under review, or that exists and was not written by zhtm. Inputs
and outputs get `zhtm.paths`' checks and wording, as every command's files do.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputError, ZhtmError
from ..formats.provenance import written_by_zhtm
from ..paths import check_input, check_output

ALIGN_SUFFIXES = (".tmx",)
DOCUMENT_SUFFIXES = (".txt",)
GLOSSARY_SUFFIXES = (".tbx", ".utf8", ".tsv", ".csv")
_LIST_LIMIT = 2000
_LIST_DEPTH = 4


class PathRefused(ZhtmError):
    """A request named a file the workbench may not open or write (HTTP 403)."""


@dataclass(frozen=True, slots=True)
class ProjectFile:
    key: str       # what requests use: a POSIX path under the project, or a named file's path
    path: Path     # resolved
    kind: str      # "tmx", "document", "glossary"


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in ALIGN_SUFFIXES:
        return "tmx"
    if suffix in DOCUMENT_SUFFIXES:
        return "document"
    if suffix in GLOSSARY_SUFFIXES:
        return "glossary"
    return None


class Project:
    def __init__(self, root: Path, named: Iterable[Path] = (), store: Path | None = None) -> None:
        self.root = root.resolve(strict=True)
        self.named = {str(p.resolve(strict=True)): p.resolve(strict=True) for p in named}
        self.store = store.resolve() if store is not None else None

    # --- inputs -------------------------------------------------------------------------

    def input(self, key: str) -> ProjectFile:
        """The file a request names, if the workbench may read it."""
        if key in self.named:
            path = self.named[key]
        else:
            path = self._inside(key)
            try:
                check_input(path)  # no such file, a folder, unreadable: the usual wording
            except InputError as exc:
                raise InputError(key, exc.message) from None
            if not path.is_file():
                raise PathRefused(f"{key}: not a regular file")
        kind = kind_of(path)
        if kind is None:
            raise PathRefused(f"{key}: not a TMX, bilingual text or glossary file")
        return ProjectFile(self.key_of(path), path, kind)

    def key_of(self, path: Path) -> str:
        path = path.resolve()
        if path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return str(path)

    def _inside(self, key: str) -> Path:
        if not key or "\x00" in key:
            raise PathRefused("empty file name")
        pure = PurePosixPath(key)
        if pure.is_absolute() or Path(key).is_absolute():
            raise PathRefused(f"{key}: absolute paths are refused (name files relative to the "
                              "project folder)")
        if ".." in pure.parts:
            raise PathRefused(f"{key}: '..' is refused (only files under the project folder)")
        path = (self.root / pure).resolve()
        if not path.is_relative_to(self.root):
            raise PathRefused(f"{key}: leads outside the project folder (a symlink?)")
        return path

    # --- outputs ------------------------------------------------------------------------

    def output(self, key: str, suffix: str, *, not_: Iterable[Path] = ()) -> Path:
        """Where a request may write: under the project folder (or a file named on the
        command line), with `suffix`, never a symlink, the store or one of `not_`, and never
        over a file that zhtm did not write."""
        if key in self.named:
            path = self.named[key]
        else:
            lexical = self.root / PurePosixPath(key)
            if key and lexical.is_symlink():  # checked before resolving hides it
                raise PathRefused(f"{key}: is a symlink; refused as an output")
            path = self._inside(key)
        if path.suffix.lower() != suffix:
            raise PathRefused(f"{key}: the output must be a {suffix} file")
        if path.is_symlink():
            raise PathRefused(f"{key}: is a symlink; refused as an output")
        try:  # an input or the store (links followed), a missing or unwritable folder
            check_output(path, inputs=not_, store=self.store, option="the output")
        except InputError as exc:
            raise InputError(self.key_of(Path(exc.path)) if exc.path else key,
                             exc.message) from None
        if path.exists():
            if not path.is_file():
                raise PathRefused(f"{key}: not a regular file")
            if not written_by_zhtm(path):
                raise PathRefused(f"{key}: exists and was not written by zhtm; choose another "
                                  "name (zhtm never replaces a file it did not create)")
        return path

    # --- listing ------------------------------------------------------------------------

    def files(self) -> list[ProjectFile]:
        """The project's TMX, bilingual texts and glossaries, then the named files."""
        found: list[ProjectFile] = []
        root_depth = len(self.root.parts)
        for folder, dirs, names in os.walk(self.root, followlinks=False):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                             and len(here.parts) - root_depth < _LIST_DEPTH)
            for name in sorted(names):
                path = here / name
                kind = kind_of(path)
                if kind is None or name.startswith("."):
                    continue
                try:
                    resolved = path.resolve()
                except OSError:
                    continue
                if resolved.is_relative_to(self.root) and resolved.is_file():
                    found.append(ProjectFile(path.relative_to(self.root).as_posix(), resolved, kind))
                if len(found) >= _LIST_LIMIT:
                    return found
        seen = {f.path for f in found}
        for path in self.named.values():
            kind = kind_of(path)
            if kind and path not in seen:
                found.append(ProjectFile(str(path), path, kind))
        return found
