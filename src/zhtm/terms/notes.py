"""Definitions from a document's notes: which term each note defines.

A report's English-only notes (`[5]They refer to Zhongguancun Science City, …`) carry no
marker in the text; they are numbered in the order their terms first appear. So each note is
anchored to a translation unit by a monotone alignment (note n+1 never before note n) scored by
the note's quoted phrase appearing in the unit's English, or else by the words they share; the
term is then the candidate of that unit whose English the note names or shares most words
with (a quoted slogan first), and never a string (nearly) always inside a longer one. When no
candidate of the unit fits, the term is the Chinese stretch of the unit whose dictionary
glosses name the note's words (路县故城遗址公园 for "The park is built on the remains of
the ancient government seat of Luxian County").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..align.lexicon import en_content_stems, load_cedict
from .english import EnChoice, TermLexicon, tokenize
from .chinese import TERM_RUN, ZhCandidate, bad_edge, ends_on_verb

_NOTE = re.compile(r"^\s*\[(\d{1,3})\]\s*(.+)$")
_QUOTED_EN = re.compile(r"[“\"]([^“”\"]{2,80})[”\"]")
_SUBJECT = re.compile(r"^The ([A-Za-z][\w\s-]{1,60}?) (?:is|are|was|were|refers?|means?)\b")
QUOTE_MATCH = 4.0  # the note's quoted phrase is in the unit's English
QUOTING_UNIT = 0.3
_ZH_QUOTE = re.compile(r"“[^“”]{2,40}”")
MAX_STRETCH = 12  # longest Chinese stretch named by a note when no candidate fits


@dataclass(frozen=True, slots=True)
class Note:
    number: int
    text: str
    quoted: str  # the first quoted English phrase, normalised ("" when none)
    stems: frozenset[str]
    subject: str = ""  # "park" in "The park is built …" (a note without a quote)


def read_notes(lines: Sequence[str]) -> list[Note]:
    """`[n]text` lines, in their order."""
    out = []
    for line in lines:
        m = _NOTE.match(line)
        if not m:
            continue
        text = " ".join(m.group(2).split())
        quoted = _QUOTED_EN.search(text)
        subject = _SUBJECT.match(text) if not quoted else None
        out.append(Note(int(m.group(1)), text, normalise(quoted.group(1)) if quoted else "",
                        frozenset(en_content_stems(text)), normalise(subject.group(1)) if subject else ""))
    return out


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").strip(" .,;:“”\"").split())


def _anchor_scores(note: Note, english: Sequence[str], stems: Sequence[frozenset[str]],
                   quoting: Sequence[bool]) -> list[float]:
    out = []
    for text, unit_stems, quotes in zip(english, stems, quoting):
        score = len(note.stems & unit_stems) / max(1, len(note.stems))
        if note.quoted and note.quoted in normalise(text):
            score += QUOTE_MATCH
        elif not note.quoted and quotes:
            score += QUOTING_UNIT  # a note without a quote defines a slogan the text quotes
        out.append(score)
    return out


def anchor_units(notes: Sequence[Note], english: Sequence[str],
                 chinese: Sequence[str] | None = None) -> list[int]:
    """For each note, the unit where its term first appears: the best monotone assignment
    (notes in order, several notes may share a unit)."""
    if not notes or not english:
        return []
    stems = [frozenset(en_content_stems(t)) for t in english]
    quoting = [bool(chinese and _ZH_QUOTE.search(chinese[n])) for n in range(len(english))]
    scores = [_anchor_scores(n, english, stems, quoting) for n in notes]
    m = len(english)
    best = list(scores[0])
    back: list[list[int]] = []
    for row in scores[1:]:
        # best of the previous note over units ≤ j
        run, arg, prefix = float("-inf"), 0, []
        for j in range(m):
            if best[j] > run:
                run, arg = best[j], j
            prefix.append((run, arg))
        back.append([a for _, a in prefix])
        best = [prefix[j][0] + row[j] for j in range(m)]
    j = max(range(m), key=lambda x: (best[x], -x))
    path = [j]
    for row in reversed(back):
        j = row[j]
        path.append(j)
    return path[::-1]


def _match(note: Note, choice: EnChoice | None) -> float:
    """How well a candidate's English is what the note defines: the note's quoted phrase
    itself, words of it, or at least two content words of the note."""
    if choice is None:
        return 0.0
    best = 0.0
    quoted = frozenset(en_content_stems(note.quoted))
    for rendering in (choice.en, *choice.variants):
        if note.quoted and normalise(rendering) == note.quoted:
            return QUOTE_MATCH
        words = frozenset(en_content_stems(rendering))
        if not words:
            continue
        if quoted:
            best = max(best, 2.0 * len(words & quoted) / len(words | quoted))
        shared = len(words & note.stems)
        if shared >= 2:
            best = max(best, shared / len(words))
    return best


def attach_notes(notes: Sequence[str], zh_texts: Sequence[str], en_texts: Sequence[str],
                 candidates: Sequence[ZhCandidate],
                 choose: Callable[[ZhCandidate], EnChoice | None]) -> dict[str, Note]:
    """{Chinese term: note} for every note whose term can be found."""
    parsed = read_notes(notes)
    anchors = anchor_units(parsed, en_texts, zh_texts)
    in_unit: dict[int, list[ZhCandidate]] = {}
    for cand in candidates:
        if cand.absorbed_by and not cand.quoted:
            continue  # a fragment of a longer string: never the defined term
        for unit in cand.units:
            in_unit.setdefault(unit, []).append(cand)
    out: dict[str, Note] = {}
    for note, unit in zip(parsed, anchors):
        here = [c for c in in_unit.get(unit, ()) if c.text not in out
                and (c.quoted or not ends_on_verb(c.text))]  # 公园建设 is an activity
        quoted = [c for c in here if c.quoted]
        if note.subject:  # "The park is …": a term whose English has that head
            head = note.subject.split()[-1]
            here = [c for c in here if (got := choose(c)) is not None and head in normalise(got.en).split()]
        elif quoted:  # notes define the slogans the report quotes
            here = quoted
        scored = []
        for cand in here:
            choice = choose(cand)
            fit = _match(note, choice)
            if choice is None and note.quoted and note.quoted in normalise(en_texts[unit]):
                fit = 1.0  # the note gives the English (“3个100”: "300 key municipal-level projects")
            if note.quoted and fit < 1.0:
                continue  # the note names its term's English: another slogan is not it
            fit += 1.0 if cand.quoted else 0.0
            if choice is not None:  # the sentence around it speaks of what the note says
                fit += 0.5 * _context_overlap(note, en_texts[unit], choice.en)
            scored.append((fit, choice is not None, -zh_texts[unit].find(cand.text),
                           len(cand.text), cand.text))
        if scored:
            fit, *_, text = max(scored)
            if fit >= 1.0:
                out[text] = note
                continue
        named = _named_stretch(note, zh_texts[unit])
        if named and named not in out:
            out[named] = note
    return out


def _context_overlap(note: Note, english: str, rendering: str) -> float:
    at = english.find(rendering)
    if at < 0:
        return 0.0
    start = max(english.rfind(". ", 0, at), english.rfind("; ", 0, at)) + 1
    ends = [e for e in (english.find(". ", at), english.find("; ", at)) if e >= 0]
    sentence = english[start:min(ends) if ends else len(english)]
    words = frozenset(en_content_stems(sentence))
    return len(words & note.stems) / max(1, len(note.stems))


def _named_stretch(note: Note, zh: str) -> str:
    """The stretch of `zh` whose dictionary glosses (and pinyin) name the note's words (its
    quoted phrase when it has one): both ends and at least two thirds of the characters
    accounted for (三条文化带 "three cultural belts"; 路县 Luxian … 公园 park)."""
    best: tuple[float, int, str] = (0.0, 0, "")
    words = [t for t in tokenize(note.quoted or note.text) if t.stem]
    head = tokenize(note.subject)[-1] if note.subject else None
    cedict = load_cedict()
    for m in TERM_RUN.finditer(zh):
        run = m.group()
        bounds, at = {0}, 0  # never cut a dictionary word (址公园 out of 遗址公园)
        for word in cedict.segment(run):
            at = run.find(word, at) + len(word)
            bounds.add(at)
        bounds.add(len(run))
        for i in range(len(run)):
            if i not in bounds:
                continue
            for j in range(i + 3, min(len(run), i + MAX_STRETCH) + 1):
                if j not in bounds:
                    continue
                piece = run[i:j]
                lexicon = TermLexicon(piece)
                covered: set[int] = set()
                for token in words:
                    covered.update(lexicon.explains(token))
                missing = len(piece) - len(covered)
                if ends_on_verb(piece) or bad_edge(piece):
                    continue
                if head is not None and not lexicon.explains(head):
                    continue  # "The park is …": the stretch names a park
                if 0 not in covered or len(piece) - 1 not in covered or 3 * missing > len(piece):
                    continue
                key = (len(covered) - 2 * missing + 0.01 * len(piece), len(piece), piece)
                if key > best:
                    best = key
    return best[2]
