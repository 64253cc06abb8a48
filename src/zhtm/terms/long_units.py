"""Units too long for term extraction: aligned into sentence pairs, or left out.

The English of every candidate is searched in each unit holding it, at a cost that grows with
the cube of a unit that repeats itself (a 16,000-character segment ran for over 8 minutes).
Paragraph-level TMs from other tools are common, though, and their terms must not be lost: a
long unit is first cut into sentences on both sides and aligned like a document (all long
units of one extraction in one call, so the tables are learned once). Only a sentence pair
that is still too long (no sentence ends inside it) is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..align.aligner import align_blocks
from ..records import Unit
from ..text.segment import split_en, split_zh

# The longest unit searched as it is (Chinese characters, English words). The longest of the
# 3,085 sentence pairs of the Beijing and national reports has 362 characters and 316 words.
MAX_UNIT_CHARS = 600
MAX_UNIT_WORDS = 600


def too_long(unit: Unit) -> bool:
    """A unit too long to search as it is (MAX_UNIT_CHARS, MAX_UNIT_WORDS)."""
    return len(unit.zh) > MAX_UNIT_CHARS or len(unit.en.split()) > MAX_UNIT_WORDS


@dataclass(frozen=True, slots=True)
class Shortened:
    units: list[Unit]  # every unit short enough, long ones replaced by their sentence pairs
    split: int  # long units aligned into sentence pairs
    left_out: int  # sentence pairs of them still too long (no sentence end inside), left out


def shorten(units: Sequence[Unit]) -> Shortened:
    """`units` with each long unit replaced, in place, by its aligned sentence pairs (each
    keeping the unit's provenance); pairs with one side empty are dropped (nothing to learn
    a term's English from), pairs still too long are left out and counted."""
    long_at = [i for i, u in enumerate(units) if too_long(u)]
    if not long_at:
        return Shortened(list(units), 0, 0)
    blocks = [(split_zh(units[i].zh), split_en(units[i].en)) for i in long_at]
    beads = align_blocks(blocks)
    pairs: dict[int, list[Unit]] = {}
    left_out = 0
    for i, (zh, en), found in zip(long_at, blocks, beads):
        out = [replace(units[i], zh="".join(zh[z] for z in bead.zh),
                       en=" ".join(en[e] for e in bead.en))
               for bead in found if bead.zh and bead.en]
        pairs[i] = [u for u in out if not too_long(u)]
        left_out += len(out) - len(pairs[i])
    out_units: list[Unit] = []
    for i, unit in enumerate(units):
        out_units.extend(pairs.get(i, [unit]))
    return Shortened(out_units, len(long_at), left_out)
