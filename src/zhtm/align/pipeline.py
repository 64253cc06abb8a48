"""The align job: a bilingual document → sentences → beads → translation units.

Layout reading, segmentation and the aligner each live in their own module; this one
only wires them together and keeps track of where every sentence came from.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..records import Bead, Unit
from ..text.layouts import Block, Document, Line
from ..text.segment import split_en, split_zh
from .aligner import AlignSettings, align_blocks

# Beads below this confidence (a calibrated probability of being right, see
# align.confidence) are listed for review; they still go into the TMX unless --min-score keeps
# them out. On MAC-Dev this flags 14 % of the beads and two thirds of the wrong ones.
REVIEW_BELOW = 0.83
# Paragraph beads: the official English often splits one Chinese paragraph into several.
PARAGRAPH_SETTINGS = AlignSettings(max_zh=3, max_en=8)

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    line: int  # 1-based line of the input file it came from


@dataclass(frozen=True, slots=True)
class Alignment:
    """Everything the align job found, with global sentence ids per language."""

    document: Document
    zh: tuple[Sentence, ...]
    en: tuple[Sentence, ...]
    beads: tuple[Bead, ...]
    settings: AlignSettings

    def text_of(self, bead: Bead) -> tuple[str, str]:
        zh = "".join(self.zh[i].text for i in bead.zh)
        en = " ".join(self.en[i].text for i in bead.en)
        return zh, en

    def location(self, bead: Bead) -> str:
        """Where a translator finds the bead: input lines of its first sentences."""
        parts = []
        if bead.zh:
            parts.append(f"zh line {self.zh[bead.zh[0]].line}")
        if bead.en:
            parts.append(f"en line {self.en[bead.en[0]].line}")
        return ", ".join(parts)

    def units(self, min_score: float = 0.0) -> list[Unit]:
        """Translation units: beads with both languages at or above `min_score`."""
        out = []
        for bead in self.beads:
            if not bead.zh or not bead.en or bead.score < min_score:
                continue
            zh, en = self.text_of(bead)
            out.append(Unit(zh=zh, en=en, score=bead.score, bead=bead.kind,
                            doc=self.document.name, location=self.location(bead)))
        return out

    def bead_types(self) -> Counter[str]:
        return Counter(b.kind for b in self.beads)

    def to_review(self, below: float = REVIEW_BELOW) -> list[Bead]:
        return [b for b in self.beads if b.score < below]


def _sentences(lines: Sequence[Line], split: Callable[[str], list[str]], presplit: bool) -> list[Sentence]:
    if presplit:
        return [Sentence(line.text, line.number) for line in lines]
    return [Sentence(s, line.number) for line in lines for s in split(line.text)]


def _paragraph_blocks(document: Document) -> tuple[list[Block], list[tuple[Line, str]]]:
    """Two-files layout: align paragraphs first, so sentences are searched inside paragraph pairs."""
    blocks: list[Block] = []
    unpaired: list[tuple[Line, str]] = []
    for block in document.blocks:
        zh_texts = [line.text for line in block.zh]
        en_texts = [line.text for line in block.en]
        [beads] = align_blocks([(zh_texts, en_texts)], PARAGRAPH_SETTINGS)
        for bead in beads:
            if bead.zh and bead.en:
                blocks.append(Block(tuple(block.zh[i] for i in bead.zh),
                                    tuple(block.en[i] for i in bead.en)))
            else:
                unpaired.extend((block.zh[i], "zh") for i in bead.zh)
                unpaired.extend((block.en[i], "en") for i in bead.en)
    return blocks, unpaired


def align_document(document: Document, settings: AlignSettings = AlignSettings(),
                   progress: Progress | None = None) -> Alignment:
    blocks = list(document.blocks)
    if not document.paragraphs_aligned:
        blocks, unpaired = _paragraph_blocks(document)
        document = Document(document.name, document.layout, tuple(blocks),
                            document.unpaired + tuple(unpaired), document.notes)
    zh_all: list[Sentence] = []
    en_all: list[Sentence] = []
    pairs = []
    offsets = []
    for block in blocks:
        zh = _sentences(block.zh, split_zh, document.presplit)
        en = _sentences(block.en, split_en, document.presplit)
        offsets.append((len(zh_all), len(en_all)))
        zh_all.extend(zh)
        en_all.extend(en)
        pairs.append(([s.text for s in zh], [s.text for s in en]))
    per_block = align_blocks(pairs, settings, progress)
    beads = [Bead(tuple(i + zo for i in b.zh), tuple(j + eo for j in b.en), b.score)
             for (zo, eo), block_beads in zip(offsets, per_block) for b in block_beads]
    return Alignment(document, tuple(zh_all), tuple(en_all), tuple(beads), settings)


def file_digest(paths: Sequence[str | Path]) -> str:
    """sha256 over the input files, recorded in the TMX so a TM says what it was built from."""
    h = hashlib.sha256()
    for path in paths:
        h.update(Path(path).read_bytes())
    return h.hexdigest()
