"""CC-CEDICT in a compact form that loads in a few hundredths of a second, cached on disk.

Parsing the bundled ``cedict_1_0_ts_utf-8_mdbg.txt.gz`` (gunzip, decode, a regular expression
over 120,000 lines, a dict of 190,000 words) costs about half a second of CPU in every process,
a quarter of a short document's alignment. The compact form keeps what the lexicon needs:

* the head words (simplified and traditional), sorted, one string "\\n"-joined;
* each word's raw entries ("[pinyin] /defs/", "\\n"-joined) as UTF-8 in one byte string, with
  the byte offset of each word's entries (decoded only for the words a document uses);
* the first two characters of the words longer than one character (maximum matching's
  quick test).

It is derived locally from the bundled file, never downloaded. The cache file lives in
``$ZHTM_CACHE_DIR`` (tests point it at their tmp_path), else ``$XDG_CACHE_HOME/zhtm``, else
``~/.cache/zhtm``; ``ZHTM_CACHE_DIR=off`` turns it off. It is written atomically, names the
source file it was derived from (path, size, modification time) and carries a CRC-32 of its
content: a cache of another source, of another format version, truncated or corrupt is
ignored and rebuilt. A cache that cannot be written is skipped silently (the parse works).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path

from ..errors import ZhtmError

CACHE_ENV = "ZHTM_CACHE_DIR"
# Bump when the parse or the layout below changes: older caches are then rebuilt.
FORMAT = 1
_MAGIC = b"zhtm-cedict\n"
_ENTRY = re.compile(r"^([^#\s]\S*) (\S+) (\[.*)$", re.M)  # "trad simp [pinyin] /defs/"


@dataclass(frozen=True, slots=True)
class CompactCedict:
    words: list[str]        # sorted head words
    offsets: array          # entries of words[k] are blob[offsets[k]:offsets[k + 1]] (UTF-8)
    blob: bytes
    starts: frozenset[str]  # first two characters of every word of two or more characters


def parse(raw: str) -> CompactCedict:
    """The compact form of CC-CEDICT's text (one word's entries in file order)."""
    table: dict[str, str] = {}
    get = table.get
    for trad, simp, rest in _ENTRY.findall(raw):
        old = get(simp)
        table[simp] = rest if old is None else f"{old}\n{rest}"
        if trad != simp:
            old = get(trad)
            table[trad] = rest if old is None else f"{old}\n{rest}"
    words = sorted(table)
    encoded = [table[w].encode("utf-8") for w in words]
    offsets = array("q", [0])
    total = 0
    for e in encoded:
        total += len(e)
        offsets.append(total)
    starts = frozenset(w[:2] for w in words if len(w) >= 2)
    return CompactCedict(words, offsets, b"".join(encoded), starts)


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "zhtm"
    home = Path.home()
    return home / ".cache" / "zhtm" if str(home) not in ("", "/") else None


def source_key(source: Path) -> str:
    st = source.stat()
    return f"{source.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def load(source: Path, folder: Path | None) -> CompactCedict:
    """The compact form of ``source`` (a CC-CEDICT .txt.gz): from the cache in ``folder`` when
    it is there, whole and derived from this very file; else parsed (and the cache written)."""
    key = source_key(source)
    path = folder / f"cedict-v{FORMAT}.bin" if folder is not None else None
    if path is not None:
        got = read(path, key)
        if got is not None:
            return got
    compact = parse(gzip.decompress(source.read_bytes()).decode("utf-8"))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write(path, key, compact)
        except (OSError, ZhtmError):
            pass  # a read-only home or a full disk: the parse still serves this process
    return compact


def _payload(compact: CompactCedict) -> list[bytes]:
    return ["\n".join(compact.words).encode("utf-8"),
            "\n".join(sorted(compact.starts)).encode("utf-8"),
            compact.offsets.tobytes(), compact.blob]


def write(path: Path, key: str, compact: CompactCedict) -> None:
    from ..atomic import atomic_output  # only when writing: reading stays import-light

    parts = _payload(compact)
    crc = 0
    for p in parts:
        crc = zlib.crc32(p, crc)
    header = {"format": FORMAT, "source": key, "sizes": [len(p) for p in parts], "crc32": crc,
              "byteorder": _byteorder()}
    with atomic_output(path, "wb", encoding=None) as out:
        out.write(_MAGIC + json.dumps(header, sort_keys=True).encode("utf-8") + b"\n")
        for p in parts:
            out.write(p)


def read(path: Path, key: str) -> CompactCedict | None:
    """The cached compact form, or None if it is missing, stale or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    end = data.find(b"\n", len(_MAGIC))
    try:
        header = json.loads(data[len(_MAGIC):end])
        sizes = [int(s) for s in header["sizes"]]
        ok = (header["format"] == FORMAT and header["source"] == key and len(sizes) == 4
              and header["byteorder"] == _byteorder()
              and end + 1 + sum(sizes) == len(data) and min(sizes) >= 0)
    except (ValueError, KeyError, TypeError):
        return None
    if not ok:
        return None
    view = memoryview(data)
    parts, pos = [], end + 1
    crc = 0
    for size in sizes:
        parts.append(view[pos:pos + size])
        crc = zlib.crc32(parts[-1], crc)
        pos += size
    if crc != header["crc32"]:
        return None
    try:
        words = bytes(parts[0]).decode("utf-8").split("\n")
        starts = frozenset(bytes(parts[1]).decode("utf-8").split("\n"))
    except UnicodeDecodeError:  # pragma: no cover (the CRC would have caught it)
        return None
    offsets = array("q")
    offsets.frombytes(parts[2])
    if len(offsets) != len(words) + 1 or offsets[-1] != len(parts[3]):
        return None
    return CompactCedict(words, offsets, bytes(parts[3]), starts)


def _byteorder() -> str:
    import sys

    return sys.byteorder
