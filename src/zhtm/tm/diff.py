"""How a TM source differs from the query, both sides of every change.

The alignment is the Levenshtein one on normalised text (the score's own), mapped back to
the characters as written on each side, so a translator sees ``[新→重大]`` where the TM says
新 and the query says 重大 (full-width punctuation shows as written).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ..text.normalize import normalize, normalize_with_map

EQUAL, REPLACE, DELETE, INSERT = "equal", "replace", "delete", "insert"


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the comparison, from the TM source towards the query: ``equal`` (both
    say `tm`), ``replace`` (the TM says `tm` where the query says `query`), ``delete``
    (`tm` is not in the query), ``insert`` (the query's `query` is not in the TM)."""

    kind: str
    tm: str = ""
    query: str = ""

    @property
    def text(self) -> str:
        """What the TM says here ("" for an insert)."""
        return self.tm


class _Side:
    """Normalised text with a map back to the characters as written."""

    def __init__(self, text: str) -> None:
        norm, origin = normalize_with_map(text)
        if len(norm) == len(origin) and origin and origin[-1] < len(text) and \
                norm == normalize(text):
            self.shown, self.origin = text, origin
        else:  # NFKC composed something: show the normalised text itself
            norm = normalize(text)
            self.shown, self.origin = norm, list(range(len(norm)))
        self.norm = norm

    def piece(self, a: int, b: int) -> str:
        if a >= b:
            return ""
        end = self.origin[b] if b < len(self.origin) else len(self.shown)
        return self.shown[self.origin[a]:end]


def diff_spans(query: str, source: str) -> tuple[Span, ...]:
    """The TM source `source` against `query`, as spans in the source's order."""
    q, s = _Side(query), _Side(source)
    spans: list[Span] = []
    pending_tm: list[str] = []
    pending_query: list[str] = []

    def flush() -> None:
        tm, qu = "".join(pending_tm), "".join(pending_query)
        if tm or qu:
            kind = REPLACE if tm and qu else DELETE if tm else INSERT
            spans.append(Span(kind, tm, qu))
        pending_tm.clear()
        pending_query.clear()

    for op in Levenshtein.opcodes(q.norm, s.norm):
        if op.tag == "equal":
            flush()
            text = s.piece(op.dest_start, op.dest_end)
            said = q.piece(op.src_start, op.src_end)
            if spans and spans[-1].kind == EQUAL:
                spans[-1] = Span(EQUAL, spans[-1].tm + text, spans[-1].query + said)
            else:
                spans.append(Span(EQUAL, text, said))
        else:
            pending_tm.append(s.piece(op.dest_start, op.dest_end))
            pending_query.append(q.piece(op.src_start, op.src_end))
    flush()
    return tuple(sp for sp in spans if sp.tm or sp.query)


def show_diff(spans: tuple[Span, ...]) -> str:
    """Plain-text form: equal text as is, every change as ``[tm→query]``."""
    return "".join(sp.tm if sp.kind == EQUAL else f"[{sp.tm}→{sp.query}]" for sp in spans)
