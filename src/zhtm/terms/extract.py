"""Harvest the policy glossary: Chinese terms, the English the translators used, evidence.

`extract_terms(units)` works on any list of aligned (zh, en) pairs; `load_units(paths)` reads
a TMX or any bilingual layout `zhtm align` reads; `build_termbase` is the build job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError, UsageError
from ..records import TermEntry, Unit, term_id
from .background import (
    ONCE_FACTOR,
    Background,
    BackgroundSignals,
    recurrence_factor,
    same_english_factor,
)
from .chinese import (
    ABSORBED_FACTOR,
    TWO_CHARACTER_FACTOR,
    ZhCandidate,
    ZhSignals,
    find_candidates,
    jieba_segmenter,
    make_candidate,
    sentencepiece_segmenter,
)
from .specific import FreeOccurrences, specific_consistency
from .english import EnChoice, EnglishSide, EnSignals, english_head, tokenize
from .forms import CLAUSE_FACTOR, reported_clause
from .spans import predicate
from .long_units import MAX_UNIT_CHARS, MAX_UNIT_WORDS, shorten
from .names import is_name, title_runs, with_names
from .notes import Note, attach_notes

FORMATS: tuple[str, ...] = ("tbx", "tbx3", "tsv", "csv")
SEGMENTERS: tuple[str, ...] = ("auto", "jieba", "sentencepiece", "none")
RERANK_FLOOR = 0.2  # a term with no credible English keeps this share of its Chinese score
# A string (nearly) always inside a longer one keeps its demotion unless its own English
# translates at least this share of it (一流营商 "accessible" stays down).
KEPT_COVERAGE = 0.5
ABSORBER_CONFIDENCE = 0.3
DEFINED_BONUS = 1.0  # a term the document's notes define is one its authors thought key
NOTE_CANDIDATES = 15  # candidates of a unit looked at for a note (with every quoted one)
_NOTE = re.compile(r"^\s*\[(\d{1,3})\]\s*(.+)$")
_NOTE_TERM = re.compile(r"[“\"]([^“”\"]{2,80})[”\"]")


@dataclass(frozen=True, slots=True)
class TermOptions:
    """How many terms, from which evidence (the bench switches signals off one at a time)."""

    limit: int = 200
    min_frequency: int = 2
    segmenter: str = "auto"  # auto: jieba when installed, else sentencepiece
    signals: ZhSignals = field(default_factory=ZhSignals)
    english_rerank: bool = True  # terms with a consistent English rank higher
    pool: int = 600  # Chinese candidates ranked together (a tier); the ranking never depends on limit
    competitive: bool = True  # one English span, one term (the better-linked one)
    english: EnSignals = field(default_factory=EnSignals)
    # Phrases known to recur in other documents (e.g. long pieces of a sentencepiece model of
    # many reports): candidates even when this document has them once.
    phrases: frozenset[str] = frozenset()
    # Other documents of the genre (other reports): cross-document recurrence and the same
    # English there are evidence of a term (zhtm.terms.background).
    background: Background | None = None
    # The final score of a string translated the same way wherever it stands on its own (not
    # inside a longer recurring string) rises by up to this share (zhtm.terms.specific). Off by
    # default: at SPECIFIC_LIFT it adds two dev terms but costs one genuine national entry.
    specific_lift: float = 0.0
    # Equal scores: the term whose English belongs to it more strongly first (else by the Chinese).
    linked_ties: bool = True
    background_signals: BackgroundSignals = field(default_factory=BackgroundSignals)
    # A string marked absorbed enters its tier by its score before the absorption discount:
    # whether it is part of the longer string is decided on the English, inside the tier.
    absorbed_tiers: bool = True
    # A complete term (ZhCandidate.complete) and the phrase around it, seen together only,
    # are one entry: the term's, at the better rank of the two.
    complete_terms: bool = True
    # English that reports an event ("New progress was made") renders a clause, not a term:
    # its confidence counts half for ranking (zhtm.terms.forms)
    reported_clauses: bool = True
    # A short everyday word the translators render as a name ("Great Wall", "Grand Canal",
    # "State Council") is a term: it takes back the everyday-word discounts (names.py)
    names: bool = True
    # A string seen only inside a higher-ranked one whose English nests with its own either way
    # is a duplicate (习近平同志为核心的党中央 after 以习近平同志为核心的党中央, both "… at its core";
    # 代表国务院 "behalf of the State Council, I" after 我代表国务院), not only when its English is
    # inside the longer one's.
    same_term_duplicates: bool = True


Pair = Unit | tuple[str, str]


def _unit(pair: Pair) -> Unit:
    return pair if isinstance(pair, Unit) else Unit(zh=pair[0], en=pair[1])


def parse_notes(lines: Iterable[str]) -> dict[str, str]:
    """English notes `[n]The "four centers" refers to ...` → {"four centers": note text}."""
    out: dict[str, str] = {}
    for line in lines:
        m = _NOTE.match(line)
        if not m:
            continue
        text = " ".join(m.group(2).split())
        quoted = _NOTE_TERM.search(text)
        if quoted:
            out.setdefault(_norm_en(quoted.group(1)), text)
    return out


def _norm_en(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").strip(" .,;:“”\"").split())


def _segmenters(texts: Sequence[str], name: str):
    if name not in SEGMENTERS:
        raise UsageError(f"unknown segmenter {name!r} (choose from {', '.join(SEGMENTERS)})")
    if name in ("auto", "jieba"):
        got = jieba_segmenter()
        if got is not None:
            return got
        if name == "jieba":
            raise UsageError("the jieba segmenter needs jieba: pip install jieba")
    if name in ("auto", "sentencepiece"):
        return sentencepiece_segmenter(texts), None
    return None, None


def _sentence_with(text: str, needle: str, split: Callable[[str], list[str]]) -> str:
    low = needle.lower()
    for sentence in split(text):
        if low in sentence.lower():
            return sentence
    return text


def extract_terms(pairs: Sequence[Pair], *, notes: Iterable[str] = (),
                  options: TermOptions = TermOptions()) -> list[TermEntry]:
    """Ranked glossary entries (most important first) from aligned (zh, en) pairs.

    The ranking does not depend on `options.limit`: candidates are taken in tiers of
    POOL by Chinese score, each tier is ranked whole (English found, linked, reranked) and
    placed after the tiers before it, so the first N entries are the same for every limit ≥ N.
    """
    units = [_unit(p) for p in pairs]
    units = [u for u in units if u.zh.strip() and u.en.strip()]
    if not units:
        raise InputError(None, "no translation units with both Chinese and English text")
    units = shorten(units).units  # long units aligned into sentence pairs
    if not units:
        raise InputError(None, f"every translation unit is longer than {MAX_UNIT_CHARS} Chinese "
                               f"characters or {MAX_UNIT_WORDS} English words with no sentence "
                               "end to cut it at")
    zh_texts = [u.zh for u in units]
    segment, word_frequency = _segmenters(zh_texts, options.segmenter)
    background, bg = options.background, options.background_signals
    recurring: frozenset[str] = frozenset()
    if background is not None and len(background) and bg.once:
        recurring = background.recurring(zh_texts)
    candidates = find_candidates(zh_texts, segment=segment, word_frequency=word_frequency,
                                 signals=options.signals, min_frequency=options.min_frequency,
                                 phrases=options.phrases | recurring)
    if background is not None and len(background):
        candidates = _with_background(candidates, background, bg, recurring)
    english = EnglishSide([u.en for u in units], zh_texts, signals=options.english)
    own: dict[str, EnChoice | None] = {}

    def choose(cand: ZhCandidate) -> EnChoice | None:
        if cand.text not in own:
            own[cand.text] = english.choose(cand.text, cand.units, quoted=cand.quoted > 0)
        return own[cand.text]

    definitions = _definitions(list(notes), units, candidates, choose)
    candidates = _with_defined(candidates, definitions, zh_texts)
    named: dict[str, float] = {}
    if options.names:
        candidates, named = with_names(candidates, choose, lambda c: c.score / ABSORBED_FACTOR if (
            options.absorbed_tiers and c.absorbed_by) else c.score, options.pool, title_runs(english.caps))
    if options.absorbed_tiers:
        candidates = sorted(candidates, key=lambda c: (
            -(c.score / ABSORBED_FACTOR if c.absorbed_by else c.score), -c.frequency, c.text))
    free = FreeOccurrences(candidates, zh_texts) if options.specific_lift else None
    out: list[TermEntry] = []
    seen: dict[str, tuple[ZhCandidate, EnChoice]] = {}  # every candidate of earlier tiers
    owned: dict[tuple[str, ...], str] = {}  # English spans claimed in earlier tiers
    by_text = {c.text: c for c in candidates}
    complete = frozenset(c.text for c in candidates if c.complete) if options.complete_terms else frozenset()
    partners = _phrase_partners(candidates, complete)
    placed: set[str] = set()
    for first in range(0, len(candidates), options.pool):
        head = candidates[first:first + options.pool]
        if first == 0:  # the terms the notes define are ranked with the first tier
            head = head + [by_text[t] for t in definitions if t in by_text]
        tier = _with_absorbers(head, by_text, placed, partners)
        taken = frozenset(owned)
        initial = [english.choose(c.text, c.units, quoted=c.quoted > 0, exclude=taken) if taken
                   else choose(c) for c in tier]
        choices = initial
        if options.competitive:
            choices = _link_competitively(english, tier, initial, taken, complete)
        for cand, first_choice, choice in zip(tier, initial, choices):
            if choice is not None:
                # absorption is judged on the English each string finds on its own
                seen[cand.text] = (cand, first_choice)
                owned.setdefault(choice.key, cand.text)
        ranked = []
        for cand, choice in zip(tier, choices):
            note = definitions.get(cand.text)
            if note is not None:
                choice = _note_english(cand, note, choice, units)
            if choice is None:
                continue
            score = _rank_score(cand, choice, seen.get(cand.text, (cand, choice))[1], seen, options,
                                named.get(cand.text, 0.0))
            if score is None:
                continue
            if free is not None:
                score *= 1.0 + options.specific_lift * specific_consistency(
                    english, choice.key, free.free_units(cand))
            if background is not None and len(background) and bg.same_english:
                same = background.english_documents(cand.text, choice.key)
                if not same and cand.text in recurring and note is None and cand.frequency < 2:
                    continue  # seen once here, and not translated the same way elsewhere
                score *= same_english_factor(same)
            entry = _entry(cand, choice, units, note.text if note else "")
            tie = -choice.score if options.linked_ties else 0.0
            ranked.append((score + (DEFINED_BONUS if entry.definition else 0.0), tie, entry))
        ranked.sort(key=lambda se: (-round(se[0], 9), se[1], se[2].zh))
        ranked = [(s, e) for s, _, e in ranked]
        out = _drop_nested(out + [e for _, e in ranked], complete, options.same_term_duplicates)
        if len(out) >= options.limit:
            break
    return out[: options.limit]


def _note_english(cand: ZhCandidate, note: Note, choice: EnChoice | None,
                  units: list[Unit]) -> EnChoice | None:
    """A note that quotes its term's English ("The “300 key municipal-level projects” refers
    to …") gives the English, when the translation of the term's unit uses those words."""
    if not note.quoted or (choice is not None and _norm_en(choice.en) == note.quoted):
        return choice
    for n in cand.units:
        text = units[n].en
        at = text.lower().replace("’", "'").find(note.quoted)
        if at >= 0:
            surface = text[at:at + len(note.quoted)]
            return EnChoice(surface, (), n, max(0.7, choice.confidence if choice else 0.0),
                            tuple(t.lower for t in tokenize(surface)), 1.0, 1.0, 1.0, 1.0)
    return choice


def _definitions(notes: list[str], units: list[Unit], candidates: list[ZhCandidate],
                 choose) -> dict[str, Note]:
    """{term: definition} from the document's notes (see zhtm.terms.notes); a candidate is
    looked at when it is quoted or among the best of its unit, to keep this quick."""
    if not notes:
        return {}
    best_in_unit: dict[int, list[ZhCandidate]] = {}
    for cand in candidates:  # best first
        for unit in cand.units:
            got = best_in_unit.setdefault(unit, [])
            if cand.quoted or len(got) < NOTE_CANDIDATES:
                got.append(cand)
    shortlist = list({c.text: c for got in best_in_unit.values() for c in got}.values())
    return attach_notes(notes, [u.zh for u in units], [u.en for u in units], shortlist, choose)


def _with_defined(candidates: list[ZhCandidate], definitions: dict[str, Note],
                  zh_texts: list[str]) -> list[ZhCandidate]:
    """Candidates plus the terms a note defines that were no candidate (seen once)."""
    known = {c.text for c in candidates}
    extra = [make_candidate(t, zh_texts) for t in definitions if t not in known]
    return candidates + [c for c in extra if c.units]


def _with_background(candidates: list[ZhCandidate], background: Background,
                     signals: BackgroundSignals, recurring: frozenset[str]) -> list[ZhCandidate]:
    """Candidates rescored by their recurrence in the background documents (best first)."""
    for cand in candidates:
        if cand.text in recurring and cand.frequency < 2 and not cand.quoted:
            cand.score *= ONCE_FACTOR
        if signals.recurrence and len(cand.text) > 2:
            cand.score *= recurrence_factor(background.documents(cand.text))
    return sorted(candidates, key=lambda c: (-c.score, -c.frequency, c.text))


def _with_absorbers(tier: list[ZhCandidate], by_text: dict[str, ZhCandidate],
                    placed: set[str], partners: dict[str, list[str]] | None = None) -> list[ZhCandidate]:
    """The tier's candidates (those not placed in an earlier tier) and the extensions that
    absorb them, so that both have English when absorption is decided; and a complete term
    with the phrases around it, so that the term takes their place within one tier."""
    out: list[ZhCandidate] = []
    todo = list(reversed(tier))
    while todo:
        cand = todo.pop()
        if cand.text in placed:
            continue
        placed.add(cand.text)
        out.append(cand)
        more = [cand.absorbed_by, *(partners or {}).get(cand.text, ())]
        todo.extend(by_text[t] for t in reversed(more) if t in by_text and t not in placed)
    return out


def _phrase_partners(candidates: list[ZhCandidate], complete: frozenset[str]) -> dict[str, list[str]]:
    """{complete term: the candidates holding it as often as it occurs} and the reverse."""
    out: dict[str, list[str]] = {}
    if not complete:
        return out
    by_frequency: dict[int, list[str]] = {}
    for cand in candidates:
        by_frequency.setdefault(cand.frequency, []).append(cand.text)
    for cand in candidates:
        if cand.text not in complete:
            continue
        for text in by_frequency[cand.frequency]:
            if cand.text in text and text != cand.text:
                out.setdefault(cand.text, []).append(text)
                out.setdefault(text, []).append(cand.text)
    return out


def _rank_score(cand: ZhCandidate, choice: EnChoice, own: EnChoice,
                seen: dict[str, tuple[ZhCandidate, EnChoice]], options: TermOptions,
                named: float = 0.0) -> float | None:
    """The candidate's score after its English is known (`choice`; `own`: before competitive
    linking); None when it is part of a longer term (or a longer string that adds nothing to
    its English)."""
    score = cand.score
    if named and not is_name(choice.en):
        score *= named  # the name went to another string: an everyday word again
        named = 0.0
    if cand.absorbed_by:
        verdict = _absorption(cand, own, seen, options.english.predicates)
        if verdict == "absorbed":
            return None
        if verdict == "kept" and own.coverage >= KEPT_COVERAGE:
            score /= ABSORBED_FACTOR  # not part of the extension, and English of its own
    if options.english_rerank:
        confidence = choice.confidence
        if options.reported_clauses and reported_clause(choice.key):
            confidence *= CLAUSE_FACTOR
        score *= RERANK_FLOOR + confidence
        if len(cand.text) == 2:  # a two-character word is a term when translated consistently
            score *= choice.share ** 2 / (1.0 if named else TWO_CHARACTER_FACTOR)
    return score


def _absorption(cand: ZhCandidate, choice: EnChoice,
                seen: dict[str, tuple[ZhCandidate, EnChoice]], predicates: bool = True) -> str:
    """'absorbed' when the extension is a term of its own whose English contains this
    candidate's English or has the same head (高质量 "high-quality" in 高质量发展
    "high-quality development"; 绿色低 in 绿色低碳 "green and low-carbon"); 'kept' when the
    extension has no credible English or English about something else (接诉即办 in 接诉即办改革
    "reform of …", 一般公共预算收入 "revenue" in 一般公共预算收入增长 "growth")."""
    got = seen.get(cand.absorbed_by)
    if got is None:
        return "kept"
    _, longer = got
    if longer.confidence < ABSORBER_CONFIDENCE or predicates and predicate(longer.key):
        return "kept"  # no term, or a predicate over this one ("Increase the … revenue")
    if english_head(choice.key) == english_head(longer.key):
        return "absorbed"
    inner, outer, n = choice.key, longer.key, len(choice.key)
    for i in range(len(outer) - n + 1):
        # a modifier of the longer term's head, not one member of a pair ("east-west
        # collaboration and paired-up assistance" has 东西部协作 as a term of its own)
        if outer[i:i + n] == inner and (i + n == len(outer) or outer[i + n] not in ("and", "or", ",")):
            return "absorbed"
    return "kept"


def _entry(cand: ZhCandidate, choice: EnChoice, units: list[Unit], definition: str) -> TermEntry:
    from ..text.segment import split_en, split_zh

    unit = units[choice.unit]
    return TermEntry(
        id=term_id(cand.text), zh=cand.text, en=choice.en, variants=choice.variants,
        frequency=cand.frequency,
        zh_context=_sentence_with(unit.zh, cand.text, split_zh),
        en_context=_sentence_with(unit.en, choice.en, split_en),
        doc=unit.doc, location=unit.location, definition=definition)


def _link_competitively(english: EnglishSide, candidates, choices, taken=frozenset(),
                        complete: frozenset[str] = frozenset()):
    """One English span, one term: when two terms pick the same span, the one it belongs to
    less strongly takes its next best (“一业一证” and “一件事” both see “All-in-One-Go”, the
    quote at 一件事's position; 科技创新 does not mean "international innovation center",
    国际科技创新中心 does)."""
    owner: dict[tuple[str, ...], tuple[float, str]] = {}
    seen = {c.text: (c.frequency, c.score) for c in candidates}
    nested = english.signals.nested_linking

    def piece(a: str, b: str) -> bool:
        # a never occurs but inside b, which the Chinese side ranks higher: a piece of b
        # (每月一 of 每月一题; not 北京证券交易所 of 支持北京证券交易所)
        return nested and a != b and a in b and seen[a][0] == seen[b][0] and seen[a][1] < seen[b][1]

    def phrase(a: str, b: str) -> bool:
        # a is a phrase around the complete term b (贯彻落实党中央决策部署): b's span
        return b in complete and a != b and b in a and seen[a][0] == seen[b][0]

    for cand, choice in zip(candidates, choices):
        if choice is not None and choice.key:
            best = owner.get(choice.key)
            if best is None or (choice.score, cand.text) > best and not piece(cand.text, best[1]) \
                    and not phrase(cand.text, best[1]) or piece(best[1], cand.text) \
                    or phrase(best[1], cand.text):
                owner[choice.key] = (choice.score, cand.text)
    out = list(choices)
    for n, (cand, choice) in enumerate(zip(candidates, choices)):
        if choice is None or not choice.key:
            continue
        rival = owner[choice.key][1]
        if rival == cand.text:
            continue
        out[n] = english.choose(cand.text, cand.units, quoted=cand.quoted > 0,
                                exclude=taken | {choice.key})
    return out


def _drop_nested(entries: list[TermEntry], complete: frozenset[str] = frozenset(),
                 same_term: bool = False) -> list[TermEntry]:
    """A term inside a higher-ranked term with the same frequency and English adds nothing;
    but when the shorter is a complete term, the longer is a phrase around it (接诉即办改革,
    贯彻落实党中央决策部署): the term takes its place, or the phrase leaves when it comes later.
    `same_term`: a later entry inside an earlier one that names the same thing (_same_term) leaves."""
    kept: list[TermEntry] = []
    for entry in entries:
        at = next((n for n, k in enumerate(kept) if _same_occurrences(entry, k)), None)
        if at is not None:
            if entry.zh in complete:
                kept[at] = entry
            continue
        if any(k.zh in complete and _same_occurrences(k, entry) for k in kept):
            continue
        if same_term and any(entry.zh in k.zh and _same_term(k, entry) for k in kept):
            continue
        kept.append(entry)
    return kept


def _same_term(a: TermEntry, b: TermEntry) -> bool:
    """One string always inside the other (equally frequent) and one English, word for word,
    inside the other: the two entries name one thing."""
    if a.frequency != b.frequency or a.zh == b.zh or not (a.zh in b.zh or b.zh in a.zh):
        return False
    x, y = _words(a.en), _words(b.en)
    if len(x) > len(y):
        x, y = y, x
    return bool(x) and any(y[i:i + len(x)] == x for i in range(len(y) - len(x) + 1))


def _words(text: str) -> tuple[str, ...]:
    return tuple(t.lower for t in tokenize(text))


def _same_occurrences(short: TermEntry, long: TermEntry) -> bool:
    """`short` is seen only inside `long`, and `long`'s English holds its English."""
    return short.zh in long.zh and short.zh != long.zh and short.frequency == long.frequency \
        and short.en.lower() in long.en.lower()


# --------------------------------------------------------------------------- inputs

def _is_tmx(path: Path) -> bool:
    if path.suffix.lower() == ".tmx":
        return True
    try:
        head = path.read_bytes()[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"<?xml") and b"<tmx" in head


def load_units(paths: Sequence[str | Path], *, layout: str | None = None,
               encoding: str | None = None) -> tuple[list[Unit], list[str]]:
    """Aligned units and English notes from TMX files and bilingual documents.

    Each input's layout is detected on its own: a TMX is read as it is; a file holding both
    languages (the interleaved layout) is a document of its own, sentence-aligned alone, so
    `gwr-2016.txt gwr-2017.txt` are two documents; two files of one language each are a
    Chinese document and its English (two-files or pre-split). The notes of every document
    are returned so that definitions can be attached to terms.
    """
    from ..text.layouts import is_bilingual

    paths = [Path(p) for p in paths]
    if not paths:
        raise UsageError("give at least one input")
    tmx = [p for p in paths if _is_tmx(p)]
    rest = [p for p in paths if not _is_tmx(p)]
    units: list[Unit] = [u for path in tmx for u in _tmx_units(path)]
    notes: list[str] = []
    if not rest:
        return units, notes
    if layout in ("two-files", "pre-split") or (layout is None and len(rest) == 2 and not any(
            is_bilingual(p, encoding) for p in rest)):
        documents = [rest]  # a Chinese file and its English
    else:
        documents = [[p] for p in rest]
    for files in documents:
        got, got_notes = _document_units(files, layout, encoding)
        units.extend(got)
        notes.extend(got_notes)
    return units, notes


def _tmx_units(path: Path) -> list[Unit]:
    from ..formats.tmx import read_tmx

    units: list[Unit] = []
    seen = missing = 0
    for tu in read_tmx(path):
        seen += 1
        unit = tu.to_unit()
        if unit is None:
            missing += 1
            continue
        units.append(unit if unit.doc else replace(unit, doc=path.name))
    if seen == 0:
        raise InputError(path, "the TMX holds no translation units")
    if missing == seen:
        raise InputError(path, "no TU has both a Chinese (zh) and an English (en) segment")
    return units


def _document_units(files: list[Path], layout: str | None,
                    encoding: str | None) -> tuple[list[Unit], list[str]]:
    from ..align.pipeline import align_document
    from ..text.layouts import read_document

    try:
        document = read_document(list(files), layout, encoding)
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    return align_document(document).units(), [line.text for line in document.notes]


# --------------------------------------------------------------------------- keep

def merge_kept(fresh: Sequence[TermEntry], kept: Sequence[TermEntry],
               proposed: Iterable[str] = ()) -> list[TermEntry]:
    """Re-extraction that respects a terminologist's edits in an earlier glossary.

    - An entry present in `kept` keeps its English, variants, definition and note; counts,
      contexts and location are refreshed.
    - An entry zhtm proposed before (`proposed` ids, from the earlier file's header) that is
      no longer in `kept` was deleted by hand and stays deleted.
    - Entries added by hand (in `kept`, not extracted now) are kept, after the extracted ones.
    """
    by_zh = {k.zh: k for k in kept}
    by_id = {k.id: k for k in kept if k.id}
    gone = set(proposed) - set(by_id)
    out: list[TermEntry] = []
    used: set[str] = set()
    for entry in fresh:
        old = by_zh.get(entry.zh) or by_id.get(entry.id)
        if old is None:
            if entry.id in gone:
                continue
            out.append(entry)
            continue
        used.add(old.zh)
        out.append(replace(entry, id=old.id or entry.id, en=old.en, variants=old.variants,
                           definition=old.definition or entry.definition, note=old.note,
                           en_context=entry.en_context if old.en == entry.en else old.en_context))
    out.extend(k for k in kept if k.zh not in used)
    return out


# --------------------------------------------------------------------------- jobs

def write_terms(entries: Sequence[TermEntry], dest: str | Path, *, fmt: str = "tbx",
                source: str = "", proposed: Iterable[str] = ()) -> int:
    """Write entries in one of FORMATS (tbx = TBX-Basic 2008, tbx3, tsv, csv)."""
    from ..formats.glossary_tsv import write_glossary
    from ..formats.tbx import TbxHeader, write_tbx

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt in ("tsv", "csv"):
        return write_glossary(entries, dest, fmt=fmt)
    header = TbxHeader(title="zhtm policy glossary", source=source or "zhtm terms",
                       proposed=tuple(dict.fromkeys([*(e.id for e in entries), *proposed])))
    return write_tbx(entries, dest, flavour="3" if fmt == "tbx3" else "2008", header=header)


def read_kept(path: str | Path) -> tuple[list[TermEntry], tuple[str, ...]]:
    """Entries and proposed ids of an earlier glossary given to --keep (TBX, TSV or CSV)."""
    from ..formats.glossary_tsv import read_glossary
    from ..formats.tbx import read_tbx, read_tbx_header

    path = Path(path)
    if path.suffix.lower() in (".tbx", ".xml"):
        return list(read_tbx(path)), read_tbx_header(path).proposed
    return list(read_glossary(path, strict=True)), ()


def build_termbase(inputs: Sequence[str | Path], tbx_out: str | Path | None = None,
                   tsv_out: str | Path | None = None, *, notes_from: Sequence[str | Path] = (),
                   keep: str | Path | None = None,
                   options: TermOptions = TermOptions()) -> list[TermEntry]:
    """The build job: TMX (or a bilingual document) → TBX-Basic 2008 and OmegaT TSV glossary.

    `notes_from`: bilingual documents whose English-only notes define terms (a TMX has none).
    Both outputs are written atomically and byte-identically on every run.
    """
    from ..text.layouts import read_document

    units, notes = load_units(inputs)
    for doc in notes_from:
        notes.extend(line.text for line in read_document([doc]).notes)
    entries = extract_terms(units, notes=notes, options=options)
    proposed: tuple[str, ...] = ()
    if keep is not None:
        kept, proposed = read_kept(keep)
        entries = merge_kept(entries, kept, proposed)
    source = " ".join(Path(p).name for p in inputs)
    if tbx_out is not None:
        write_terms(entries, tbx_out, fmt="tbx", source=source, proposed=proposed)
    if tsv_out is not None:
        write_terms(entries, tsv_out, fmt="tsv", source=source)
    return entries
