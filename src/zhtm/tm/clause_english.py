"""The English of each Chinese clause of a translation unit.

A TU's English is cut into one region per Chinese clause by a Viterbi segmentation over the
English tokens (states = clauses):

* **evidence**: a content word is *explained* by a clause when one of the clause's words
  glosses it in CC-CEDICT (stems, derived forms: modernize ~ modernization), or when both
  hold the same number (1.7亿 = 170 million), Latin string (G20) or romanised name;
  a word explained by one clause and not another pulls towards the first;
* **boundaries**: changing clause costs little after punctuation, a little more before a
  connective (and, to, by, while ...), much more between two content words;
* **order**: the next clause is free, skipping or going back (the translator reordered)
  costs, so a reordered clause gets the smallest set of spans that renders it.

Each clause's runs are trimmed of punctuation and function words at their edges; a run
without a word the clause explains is not its English. The confidence combines how much of
the clause the span explains, how much of the span the clause explains, and how clean the
cut is; below `MIN_CONFIDENCE` the clause gets no English (stored without, never a guess).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..text.clauses import Clause, cut_clauses
from .clause_dp import NEG, Lattice, best_segmentation
from .clause_lexicon import Lexicon, Token, lexicon, tokenize

MIN_CONFIDENCE = 0.5

# Words a clause's English does not end with: articles, conjunctions, pronouns, auxiliaries,
# prepositions. Verbs and particles stay ("finding it tough going", "carried out").
_EDGE = frozenset("""
a an the and or but nor so also then thus as well than that which who whom whose where when
while whether if we i you they it he she there our their its his her my your this these those
will would shall should must can could may might need needs be is are was were been being
have has had do does did to of in for with on by at from into onto over under through during
including such via per about against between among within without upon
""".split())
# Words a clause's English does not begin with: subjects, auxiliaries, conjunctions, the
# infinitive "to" ("We will ...", "and to ..."). Verbs (take, make, do), prepositions (under,
# with) and quantifiers (both, all) stay: they render part of the clause.
_LEAD = frozenset("""
we i you they it he she there and or but so also then thus thereby therefore hence to that
which who whom whose will would shall should must can could may might need needs be is are
was were been being have has had 's let us as
""".split())
# Connecting phrases a clause's English does not begin with either.
_LEAD_PHRASES = (("in", "order", "to"), ("so", "as", "to"), ("as", "well", "as"), ("so", "that"),
                 ("such", "that"), ("in", "addition"), ("as", "a", "result"))


def _skip_lead(tokens: Sequence[Token], t: int, end: int | None = None) -> int:
    """The first token from t on that may begin a clause's English."""
    end = len(tokens) if end is None else end
    while t < end:
        if tokens[t].punct or tokens[t].lower in _LEAD:
            t += 1
            continue
        for phrase in _LEAD_PHRASES:
            if tuple(tok.lower for tok in tokens[t:t + len(phrase)]) == phrase:
                t += len(phrase)
                break
        else:
            return t
    return t
# Words before which the English often starts a new clause.
_CONNECTIVE = frozenset("""
and or but while whereas so to by through with without which that where when as including
and/or thereby thus so-that in order
""".split())
_PUNCT_BREAK = frozenset(",;:.!?()—–“”\"")
# Viterbi costs.
_COST_AT_PUNCT = 0.2
_COST_AT_CONNECTIVE = 1.0
_COST_AT_FUNCTION = 1.8
_MISMATCH = 0.6       # a word another clause explains
_COST_NULL = 0.4      # per word of English no clause renders
_COST_EMPTY = 2.5     # a clause without English
_LENGTH = 1.0         # English length far from the clause's share
_COST_SWAP = 1.5      # two neighbouring clauses rendered in the other order
_UNSUPPORTED = 0.7    # confidence factor for a span without a word the clause explains
# A unit whose sides explain each other less than this (misaligned) gets no clause English;
# confidence falls linearly to it from _AGREE_LOW + _AGREE_SPAN. Measured on the multi-clause
# units of the national reports 2016 and 2019 and the Beijing report: translations score
# 0.28 and up in 98 % of them, the same units with a random unit's English below 0.25 in 95 %.
_AGREE_LOW, _AGREE_SPAN = 0.18, 0.12


@dataclass(frozen=True, slots=True)
class ClauseEnglish:
    """One clause of a TU and its English: character ranges of the TU's English (several
    where the translator reordered), their text, and how sure the finder is (0..1).
    ``spans`` is empty (and ``en`` "") when no English was found with confidence."""

    clause: Clause
    spans: tuple[tuple[int, int], ...]
    en: str
    confidence: float


def _cut_costs(tokens: Sequence[Token]) -> dict[int, float]:
    """Where a clause boundary may fall (before token t) and what it costs: never between
    two content words, inside brackets or quotes, or inside a name (Latin American and
    Caribbean States)."""
    T = len(tokens)
    out = {0: 0.0, T: 0.0}
    depth = 0
    for t in range(1, T):
        prev, tok = tokens[t - 1], tokens[t]
        if prev.lower in "(“":
            depth += 1
        elif prev.lower in ")”" and depth:
            depth -= 1
        if depth:
            continue
        if prev.punct and prev.lower in _PUNCT_BREAK:
            out[t] = _COST_AT_PUNCT
        elif tok.punct:
            if tok.lower == "(":
                continue  # a bracket explains what comes before it
            out[t] = _COST_AT_PUNCT if tok.lower in "“\"" else _COST_AT_FUNCTION
        elif prev.title and t + 1 < T and tokens[t + 1].title and not tok.stem:
            continue  # a name's glue word
        elif tok.lower in _CONNECTIVE:
            out[t] = _COST_AT_CONNECTIVE
        elif not tok.stem and prev.stem:
            out[t] = _COST_AT_FUNCTION  # where a run of function words starts
        elif tok.stem and not prev.stem and prev.lower not in _EDGE:
            out[t] = _COST_AT_FUNCTION
    return out


def clause_english(zh: str, en: str, clauses: Sequence[Clause] | None = None
                   ) -> list[ClauseEnglish]:
    """The English of each clause of the TU (zh, en), in clause order; see the module
    docstring. Never raises on odd text: a clause without found English gets none."""
    if clauses is None:
        clauses = cut_clauses(zh)
    if not clauses:
        return []
    en_stripped = en.strip()
    if len(clauses) == 1:
        if not en_stripped:
            return [ClauseEnglish(clauses[0], (), "", 0.0)]
        a = en.find(en_stripped)
        b = a + len(en_stripped)
        while b > a and en[b - 1] in ".;,:!?":
            b -= 1
        return [ClauseEnglish(clauses[0], ((a, b),), en[a:b], 1.0)]
    tokens = tokenize(en)
    lexicons = [lexicon(c.text) for c in clauses]
    evidence = _Evidence(tokens, lexicons)
    gate = min(1.0, max(0.0, (evidence.agreement(lexicons) - _AGREE_LOW) / _AGREE_SPAN))
    if gate <= 0:  # the sides do not explain each other (misaligned): no clause English
        return [ClauseEnglish(clause, (), "", 0.0) for clause in clauses]
    segments = _segment(tokens, lexicons, evidence)
    edges = _edge_kinds(tokens)
    return [_english_of(clause, lexicons[c], tokens, [row[c] for row in evidence.cells],
                        segments[c][0], segments[c][1], edges, en, gate)
            for c, clause in enumerate(clauses)]


def _edge_kinds(tokens: Sequence[Token]) -> list[float]:
    """How clean a boundary before token t is: 1 at a sentence (or ; :) boundary, 0.8 after
    a comma or bracket, 0.6 before a connective, 0.4 elsewhere."""
    out = [1.0] * (len(tokens) + 1)
    for t in range(1, len(tokens)):
        prev, tok = tokens[t - 1], tokens[t]
        if prev.lower in ".!?;:" or tok.lower in ".!?;:":
            out[t] = 1.0
        elif prev.punct or tok.punct:
            out[t] = 0.8
        elif tok.lower in _CONNECTIVE:
            out[t] = 0.6
        else:
            out[t] = 0.4
    return out


class _Evidence:
    """Per clause, prefix sums over the tokens of: explained weight (minus the pull of
    other clauses), explained content tokens, content tokens."""

    def __init__(self, tokens: Sequence[Token], lexicons: Sequence[Lexicon]) -> None:
        C = len(lexicons)
        stems = {tok.stem for tok in tokens if tok.stem}
        direct = [lex.explain_map(stems) for lex in lexicons]
        seen: dict[tuple, list] = {}
        self.cells = []
        for tok in tokens:
            key = (tok.stem, tok.lower, tok.value, tok.cap)
            row = seen.get(key)
            if row is None:
                row = seen[key] = [lex.explains(tok, d) for lex, d in zip(lexicons, direct)]
            self.cells.append(row)
        self.gain = [[0.0] * (len(tokens) + 1) for _ in range(C)]
        self.own = [[0] * (len(tokens) + 1) for _ in range(C)]
        self.content = [0] * (len(tokens) + 1)
        self.free = [0] * (len(tokens) + 1)  # content tokens no clause explains
        for t, row in enumerate(self.cells):
            top = max(w for w, _ in row)
            is_content = bool(tokens[t].stem) or tokens[t].value is not None
            self.content[t + 1] = self.content[t] + is_content
            self.free[t + 1] = self.free[t] + (is_content and not top)
            for c, (w, _) in enumerate(row):
                self.gain[c][t + 1] = self.gain[c][t] + (w if w > 0 else -_MISMATCH * top)
                self.own[c][t + 1] = self.own[c][t] + (w > 0)

    def agreement(self, lexicons: Sequence[Lexicon]) -> float:
        """How well the unit's two sides explain each other as a whole: the smaller of the
        share of Chinese content characters and of English content words explained. A
        misaligned unit scores about 0.1, a translation 0.4 and up."""
        chars = explained = 0
        for c, lex in enumerate(lexicons):
            got: set[int] = set()
            for row in self.cells:
                if row[c][0] > 0:
                    got |= row[c][1]
            chars += len(lex.content)
            explained += len(got & lex.content)
        words = self.content[-1]
        en_share = (words - self.free[-1]) / words if words else 0.0
        return min(explained / chars if chars else 0.0, en_share)


def _segment(tokens: Sequence[Token], lexicons: Sequence[Lexicon], ev: _Evidence
             ) -> list[tuple[tuple[int, int] | None, float]]:
    """Monotone segmentation of the English into one region per clause (or none), with
    neighbouring clauses swapped where the translator reordered them (between strong
    boundaries), and unassigned stretches where no clause explains a word (`clause_dp`),
    kept to a band around the position the clauses' lengths predict.

    Returns per clause its region (token range, or None) and its *margin*: how much worse
    the best segmentation is that gives this clause a different English (after trimming
    edge words): a small margin means an ambiguous boundary."""
    T, C = len(tokens), len(lexicons)
    cost = _cut_costs(tokens)
    cut_list = sorted(cost)
    cuts = np.array(cut_list)
    words = np.zeros(T + 1, np.int64)
    np.cumsum([not tok.punct for tok in tokens], out=words[1:])
    W = int(words[T])
    zh_size = np.array([max(1, len(lex.content)) for lex in lexicons], float)
    expect = zh_size * (W / zh_size.sum())
    before = np.concatenate([[0.0], np.cumsum(expect)])
    at = words[cuts].astype(float)
    cut_cost = np.array([cost[q] for q in cut_list])
    gains = np.asarray(ev.gain)[:, cuts]
    length = at[None, :] - at[:, None]                              # words in [i, j)
    forward = length > 0 if T else np.zeros((1, 1), bool)
    later = np.triu(np.ones((len(cut_list),) * 2, bool), 1)
    safe = np.where(later, length, 0.0)
    S = np.empty((C, len(cut_list), len(cut_list)))
    for c in range(C):
        ok = later & (safe <= 2.5 * expect[c] + 5)
        S[c] = np.where(ok, gains[c][None, :] - gains[c][:, None] - cut_cost[None, :]
                        - _LENGTH * np.abs(np.log((safe + 2) / (expect[c] + 2))), NEG)
    content = np.asarray(ev.content)[cuts]
    free_run = (np.asarray(ev.free) - np.asarray(ev.content))[cuts]
    null_ok = later & (free_run[None, :] == free_run[:, None])
    null = np.where(null_ok, -_COST_NULL * (content[None, :] - content[:, None])
                    - cut_cost[None, :] - 0.2, NEG)
    del forward
    lattice = Lattice(
        S=S, null=null,
        band=np.abs(at[None, :] - before[:, None]) <= 6 + 0.25 * W,
        strong=cut_cost <= _COST_AT_PUNCT, middle=cut_cost <= _COST_AT_CONNECTIVE,
        first=np.array([_first_shown(tokens, q) for q in cut_list]),
        last=np.array([_last_shown(tokens, q) for q in cut_list]),
        empty=_COST_EMPTY, swap=_COST_SWAP)
    chosen, margins = best_segmentation(lattice)
    return [((cut_list[seg[0]], cut_list[seg[1]]) if seg else None, margin)
            for seg, margin in zip(chosen, margins)]


def _first_shown(tokens: Sequence[Token], t: int) -> int:
    t = _skip_lead(tokens, t)
    return t


def _last_shown(tokens: Sequence[Token], t: int) -> int:
    while t > 0 and (tokens[t - 1].punct or tokens[t - 1].lower in _EDGE):
        t -= 1
    return t


def _trim_pieces(tokens: Sequence[Token], cells: Sequence[tuple[float, frozenset[int]]],
                 a: int, b: int) -> tuple[int, int]:
    """Drop a short leading piece before a comma that holds no word the clause explains
    and no number ("To that end, we will ...", "As a result, ...")."""
    pieces = []
    start = a
    for k in range(a, b):
        if tokens[k].punct and tokens[k].lower in ",;:":
            if k > start:
                pieces.append((start, k))
            start = k + 1
    if b > start:
        pieces.append((start, b))
    if len(pieces) < 2:
        return a, b
    x, y = pieces[0]
    if y - x <= 6 and not any(cells[k][0] > 0 or tokens[k].value is not None
                              for k in range(x, y)):
        a = pieces[1][0]
    x, y = pieces[-1]
    if y - x <= 4 and x > a and tokens[x - 1].lower in ".!?;" and not any(
            cells[k][0] > 0 or tokens[k].value is not None for k in range(x, y)):
        b = x  # the first words of the next sentence ("... revitalization. In total")
    a = _skip_lead(tokens, a, b)
    while b > a and (tokens[b - 1].punct or tokens[b - 1].lower in _EDGE):
        b -= 1
    return a, b


def _confidence(coverage: float, precision: float, edge: float, margin: float) -> float:
    """Clean edges (the English cut at a sentence, ; or , boundary) predict an exact span
    best; then an unambiguous boundary (the margin); then lexical support."""
    lexical = 0.5 * coverage + 0.5 * precision
    return edge * (0.55 + 0.45 * min(1.0, margin / 1.5)) * (0.75 + 0.25 * lexical)


_OPEN, _CLOSE = {"(": ")", "“": "”"}, {")": "(", "”": "“"}


def _balance(tokens: Sequence[Token], a: int, b: int, lo: int, hi: int) -> tuple[int, int]:
    """Keep a bracket or quote whose partner is inside [a, b): a span ending in "(8,000
    hectares" gets its ")", one starting in "every microgram counts”" its "“" (within the
    segment [lo, hi))."""
    inside = {tokens[k].lower for k in range(a, b)}
    if b < hi and tokens[b].lower in _CLOSE and _CLOSE[tokens[b].lower] in inside:
        b += 1
    if a > lo and tokens[a - 1].lower in _OPEN and _OPEN[tokens[a - 1].lower] in inside:
        a -= 1
    return a, b


def _english_of(clause: Clause, lex: Lexicon, tokens: Sequence[Token],
                cells: Sequence[tuple[float, frozenset[int]]], segment: tuple[int, int] | None,
                margin: float, edges: Sequence[float], en: str, gate: float) -> ClauseEnglish:
    """The clause's span from its segment: edge words and an unexplained lead-in trimmed,
    and its confidence; `cells` is how the clause explains each token."""
    if segment is None:
        return ClauseEnglish(clause, (), "", 0.0)
    a, b = segment
    a = _skip_lead(tokens, a, b)
    while b > a and (tokens[b - 1].punct or tokens[b - 1].lower in _EDGE):
        b -= 1
    if b <= a:
        return ClauseEnglish(clause, (), "", 0.0)
    a, b = _trim_pieces(tokens, cells, a, b)
    if b <= a:
        return ClauseEnglish(clause, (), "", 0.0)
    a, b = _balance(tokens, a, b, segment[0], segment[1])
    explained: set[int] = set()
    own = content = numbers = 0
    for k in range(a, b):
        tok = tokens[k]
        if not tok.stem and tok.value is None:
            continue
        content += 1
        weight, chars = cells[k]
        if weight > 0:
            own += 1
            explained |= chars
            numbers += weight >= 2.0
    size = len(lex.content) or 1
    coverage = min(1.0, len(explained & lex.content) / size + 0.15 * numbers)
    precision = own / content if content else 0.0
    edge = min(edges[segment[0]], edges[segment[1]])
    confidence = _confidence(coverage, precision, edge, margin)
    if not own:
        confidence *= _UNSUPPORTED  # nothing in it is explained: placed by elimination only
    confidence *= gate
    span = ((tokens[a].start, tokens[b - 1].end),)
    confidence = round(float(confidence), 3)
    if confidence < MIN_CONFIDENCE:
        return ClauseEnglish(clause, (), "", confidence)
    return ClauseEnglish(clause, span, en[span[0][0]:span[0][1]], confidence)
