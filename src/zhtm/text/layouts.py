"""Bilingual input layouts → blocks of Chinese and English text that translate each other.

Three layouts:
- interleaved: one file, a Chinese paragraph line followed by its English line (or a block of
  Chinese lines followed by the same block in English); English-only notes may follow.
- two-files: a Chinese document and its English translation, one paragraph per line. Paragraph
  counts may differ, so the blocks are found later by aligning paragraphs.
- pre-split: one sentence per line in each file, aligned as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from ..errors import InputError, UsageError
from .files import han_count, read_lines

Layout = Literal["interleaved", "two-files", "pre-split"]
Warn = Callable[[str], None] | None
LAYOUTS: tuple[str, ...] = ("interleaved", "two-files", "pre-split")

_LATIN = re.compile(r"[A-Za-z]")
_NOTE = re.compile(r"^\s*\[\d{1,3}\]")
_SENTENCE_END = re.compile(r"[。？！.?!]\S{0,2}\s*\S")


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank input line with where it came from (1-based line number)."""

    text: str
    number: int
    path: str


@dataclass(frozen=True, slots=True)
class Block:
    """Chinese lines and English lines that translate each other as a whole."""

    zh: tuple[Line, ...]
    en: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """What a layout reader found: paired blocks and the lines it could not pair."""

    name: str
    layout: str
    blocks: tuple[Block, ...]
    unpaired: tuple[tuple[Line, str], ...] = ()  # (line, language)
    notes: tuple[Line, ...] = ()  # English-only notes (footnotes defining terms)
    paragraphs_aligned: bool = True  # False: blocks still need paragraph alignment
    presplit: bool = False  # lines are sentences already
    warnings: tuple[str, ...] = ()  # "path:line: what was changed" (nothing was refused)


def line_language(text: str) -> str:
    """'zh', 'en' or '' (no letters either way), by which script dominates the line."""
    han = han_count(text)
    latin = len(_LATIN.findall(text))
    if han == 0 and latin == 0:
        return ""
    # An English line may quote a Chinese name; a Chinese line may hold "5G" or "CBD".
    return "zh" if han * 3 >= latin else "en"


def _nonblank(path: Path, lines: list[str]) -> list[Line]:
    return [Line(t.strip(), n, str(path)) for n, t in enumerate(lines, 1) if t.strip()]


def _require_text(path: Path, lines: list[Line]) -> None:
    if not lines:
        raise InputError(path, "the file is empty (no text lines)")


def read_interleaved(path: str | Path, encoding: str | None = None, on_warning: Warn = None) -> Document:
    path = Path(path)
    lines = _nonblank(path, read_lines(path, encoding, on_warning))
    _require_text(path, lines)
    langs = [line_language(line.text) for line in lines]
    # A line with no letters (a bare number, a dash) joins the run it sits in.
    for i, lang in enumerate(langs):
        if not lang:
            langs[i] = langs[i - 1] if i else "zh"
    _check_both_languages(path, lines, langs)

    notes: list[Line] = []
    end = len(lines)
    # Trailing English-only notes ("[1] The 'four centers' refers to ..."): kept for terms.
    while end > 0 and langs[end - 1] == "en" and _NOTE.match(lines[end - 1].text):
        end -= 1
    notes = lines[end:]

    runs: list[tuple[str, list[Line]]] = []
    for line, lang in zip(lines[:end], langs[:end]):
        if runs and runs[-1][0] == lang:
            runs[-1][1].append(line)
        else:
            runs.append((lang, [line]))

    blocks: list[Block] = []
    unpaired: list[tuple[Line, str]] = []
    i = 0
    while i < len(runs):
        lang, run = runs[i]
        if lang == "zh" and i + 1 < len(runs):
            en_run = runs[i + 1][1]
            # One line each: a paragraph pair. Several lines (the title block, wrapped
            # lines): one block, and the aligner pairs the sentences inside it.
            if _plausible_pair(run, en_run):
                blocks.append(Block(tuple(run), tuple(en_run)))
                i += 2
                continue
        unpaired.extend((line, lang) for line in run)
        i += 1
    if not blocks:
        raise InputError(path, "no Chinese line is followed by its English: "
                               "not the interleaved layout (try --layout two-files)")
    return Document(path.name, "interleaved", tuple(blocks), tuple(unpaired), tuple(notes))


def _plausible_pair(zh: list[Line], en: list[Line]) -> bool:
    """Runs of different line counts pair only if their lengths could translate each other."""
    zh_chars = sum(han_count(line.text) for line in zh) or 1
    en_chars = sum(len(line.text) for line in en)
    return 0.5 <= en_chars / zh_chars <= 12


def _check_both_languages(path: Path, lines: list[Line], langs: list[str]) -> None:
    if "en" not in langs:
        raise InputError(path, "only Chinese text found: no English side to align")
    if "zh" not in langs:
        raise InputError(path, "only English text found: no Chinese side to align")


def _read_side(path: Path, encoding: str | None, want: str, on_warning: Warn) -> list[Line]:
    lines = _nonblank(path, read_lines(path, encoding, on_warning))
    _require_text(path, lines)
    counts = {"zh": 0, "en": 0, "": 0}
    for line in lines:
        counts[line_language(line.text)] += 1
    if counts[want] == 0 or counts[want] < counts[_other(want)] / 4:
        found = _other(want) if counts[_other(want)] else "no"
        raise InputError(path, f"expected the {_NAMES[want]} side but found {_NAMES.get(found, found)} text")
    _refuse_bilingual_side(path, counts["zh"], counts["en"])
    return lines


def _refuse_bilingual_side(path: Path, zh: int, en: int) -> None:
    """One side of a pair holding both languages (`holds_both`) is an interleaved
    document: paired with another, Chinese lines were 'translated' by Chinese ones."""
    if holds_both(zh, en):
        raise InputError(path, f"holds both Chinese and English lines ({zh} and {en}): an "
                               "interleaved document, not one side of a pair; give --batch to "
                               "align such documents each on its own")


_NAMES = {"zh": "Chinese", "en": "English"}


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def read_two_files(zh_path: str | Path, en_path: str | Path, encoding: str | None = None,
                   on_warning: Warn = None) -> Document:
    zh = _read_side(Path(zh_path), encoding, "zh", on_warning)
    en = _read_side(Path(en_path), encoding, "en", on_warning)
    return Document(Path(zh_path).name, "two-files", (Block(tuple(zh), tuple(en)),),
                    paragraphs_aligned=False)


def read_presplit(zh_path: str | Path, en_path: str | Path, encoding: str | None = None,
                  on_warning: Warn = None) -> Document:
    """One sentence per line; a blank line is an empty sentence only inside the text.

    Sentence i of each file keeps its index (MAC-Dev ids are line numbers), so blank lines
    inside the file are refused rather than renumbering silently; trailing blank lines are ignored.
    """
    sides = []
    for path, want in ((Path(zh_path), "zh"), (Path(en_path), "en")):
        raw = read_lines(path, encoding, on_warning)
        while raw and not raw[-1].strip():
            raw.pop()
        if not raw:
            raise InputError(path, "the file is empty (no sentences)")
        for n, text in enumerate(raw, 1):
            if not text.strip():
                raise InputError(path, "blank line inside a pre-split file "
                                       "(one sentence per line expected)", line=n)
        lines = [Line(t.strip(), n, str(path)) for n, t in enumerate(raw, 1)]
        _check_side_language(path, lines, want)
        sides.append(lines)
    return Document(Path(zh_path).name, "pre-split", (Block(tuple(sides[0]), tuple(sides[1])),),
                    presplit=True)


def _check_side_language(path: Path, lines: list[Line], want: str) -> None:
    langs = [line_language(line.text) for line in lines]
    if langs.count(want) < langs.count(_other(want)) / 4 or want not in langs:
        raise InputError(path, f"expected the {_NAMES[want]} side but the lines are mostly "
                               f"{_NAMES[_other(want)] if _other(want) in langs else 'not text'}")
    _refuse_bilingual_side(path, langs.count("zh"), langs.count("en"))


def is_bilingual(path: str | Path, encoding: str | None = None) -> bool:
    """A file that holds both languages (the interleaved layout): at least a fifth of its
    first 400 text lines in each."""
    counts = {"zh": 0, "en": 0, "": 0}
    for text in read_lines(Path(path), encoding)[:400]:
        if text.strip():
            counts[line_language(text)] += 1
    return holds_both(counts["zh"], counts["en"])


def holds_both(zh: int, en: int) -> bool:
    """Text lines of both languages, at least a fifth of them each: an interleaved document."""
    return zh + en > 0 and min(zh, en) >= (zh + en) / 5


def detect_layout(paths: list[Path], encoding: str | None = None) -> str:
    """One file → interleaved; two files → pre-split if they read as one sentence per line."""
    if len(paths) == 1:
        return "interleaved"
    if len(paths) != 2:
        raise UsageError("give one interleaved file, or a Chinese file and its English file")
    per_line_sentences = 0
    total = 0
    for path in paths:
        for text in read_lines(path, encoding)[:400]:
            if text.strip():
                total += 1
                # A pre-split line holds at most one sentence end, at its end.
                if not _SENTENCE_END.search(text.strip()):
                    per_line_sentences += 1
    return "pre-split" if total and per_line_sentences >= 0.9 * total else "two-files"


def read_document(paths: list[str | Path], layout: str | None = None,
                  encoding: str | None = None) -> Document:
    """Read any supported layout; `layout` None means detect it."""
    files = [Path(p) for p in paths]
    chosen = layout or detect_layout(files, encoding)
    warnings: list[str] = []
    if chosen == "interleaved":
        if len(files) != 1:
            raise UsageError("the interleaved layout takes one file")
        document = read_interleaved(files[0], encoding, warnings.append)
    elif chosen not in LAYOUTS:
        raise UsageError(f"unknown layout {chosen!r}; choose one of {', '.join(LAYOUTS)}")
    elif len(files) != 2:
        raise UsageError(f"the {chosen} layout takes two files: Chinese, then English")
    elif chosen == "two-files":
        document = read_two_files(files[0], files[1], encoding, warnings.append)
    else:
        document = read_presplit(files[0], files[1], encoding, warnings.append)
    return replace(document, warnings=tuple(warnings))
