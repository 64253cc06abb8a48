"""Units too long to search as they are: aligned into sentence pairs, or left out."""

from dataclasses import replace

from zhtm.records import Unit
from zhtm.terms.extract import extract_terms, load_units
from zhtm.terms.long_units import MAX_UNIT_CHARS, shorten, too_long

from tests.paths import BEIJING


def _paragraph(units: list[Unit], chars: int) -> tuple[list[Unit], Unit]:
    """Consecutive sentence pairs of the report, from the 20th, until more than `chars`
    Chinese characters, and the same joined into one unit (as a paragraph-level TM holds)."""
    taken: list[Unit] = []
    for unit in units[20:]:
        taken.append(unit)
        if sum(len(u.zh) for u in taken) > chars:
            break
    return taken, replace(taken[0], zh="".join(u.zh for u in taken),
                          en=" ".join(u.en for u in taken))


def test_a_long_paragraph_is_aligned_back_into_its_sentence_pairs():
    """A paragraph-level unit of the Beijing report (its sentence pairs joined) is cut and
    aligned back into the pairs it was made of, each with the unit's provenance; the units
    around it are untouched."""
    units, _ = load_units([BEIJING])
    taken, paragraph = _paragraph(units, MAX_UNIT_CHARS)
    assert too_long(paragraph) and len(taken) >= 3
    short = shorten([units[0], paragraph, units[1]])
    assert (short.split, short.left_out) == (1, 0)
    inner = short.units[1:-1]
    assert short.units[0] == units[0] and short.units[-1] == units[1]
    assert [u.zh for u in inner] == [u.zh for u in taken]
    assert [u.en for u in inner] == [u.en for u in taken]
    assert {(u.doc, u.location) for u in inner} == {(paragraph.doc, paragraph.location)}


def test_terms_of_a_paragraph_level_tm_are_not_lost(beijing_extraction):
    """The glossary of the report with a stretch of it given as one long unit holds the
    terms of that stretch (they were dropped when long units were left out)."""
    units, notes, entries = beijing_extraction
    taken, paragraph = _paragraph(units, 2 * MAX_UNIT_CHARS)
    stretch = units.index(taken[0])
    rest = units[:stretch] + units[stretch + len(taken):]
    ours = {e.zh: e.en for e in extract_terms(rest[:stretch] + [paragraph] + rest[stretch:],
                                              notes=notes)}
    # terms of the stretch only: leaving the long unit out would lose every one of them
    only_there = [e for e in entries
                  if any(e.zh in u.zh for u in taken) and not any(e.zh in u.zh for u in rest)]
    assert only_there, "the stretch holds terms found nowhere else"
    assert all(ours.get(e.zh) == e.en for e in only_there)


def test_a_unit_with_no_sentence_end_stays_left_out():
    """A segment of 1,000 characters without a sentence end cannot be cut: it is left out
    and counted; short units come back as they were."""
    body = "".join(f"发展数字经济第{i}项" for i in range(100))[:1000]
    huge = Unit(zh=body, en=" ".join(["develop the digital economy"] * 60))
    small = Unit(zh="推动高质量发展。", en="We promoted high-quality development.")
    short = shorten([small, huge])
    assert short.units == [small] and (short.split, short.left_out) == (1, 1)
