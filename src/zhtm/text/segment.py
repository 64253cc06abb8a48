"""Sentence segmentation: Chinese exactly as OmegaT 3.6 does it, English for official texts.

``split_zh`` reproduces OmegaT 3.6.0's *default* segmentation rules (the ``defaultRules.srx``
inside ``OmegaT.jar``) for a ``zh-*`` project, so that every Chinese segment we write to a TMX
is exactly one OmegaT segment and can be auto-inserted as an exact match.

The rules OmegaT applies to Chinese are the cascade of four language rules, first match wins
at each position (``Segmenter.breakParagraph``); every regex is compiled with ``DOTALL``:

====  =======  =====================  ==========================  ===========
 #    action   before the break       after the break             from
====  =======  =====================  ==========================  ===========
 1    no       ``[。？！—]``           ``[’”"」）』？—]``           Chinese
 2    no       ``[、,.．]``            ``.`` (any character)       Chinese
 3    break    ``[。？！]``            ``.`` (any character)       Chinese
 4    no       ``\\.\\.\\.``           ``\\s+\\P{Lu}``             Default
 5    break    ``^\\s*\\p{Nd}+[\\p{Nd}.)\\]]+\\s+``  ``\\p{Lu}``   Default
 6    break    ``[.?!]+``              ``\\s``                     Default
 7    break    ``\\n``                 `` +``                      Text
 8    break    ``<br\\d+/?>``          ``.``                       HTML
====  =======  =====================  ==========================  ===========

What that means in practice:

* ``。？！`` break before the next character, whatever it is (also a space or a newline),
  unless that character is one of ``’ ” " 」 ） 』 ？ —``.
* **Closing quotes and brackets**: in ``他说：“好。”然后走了。`` there is no break between
  ``。`` and ``”`` (rule 1), and *no rule breaks after* ``”`` either (no rule has a before-pattern
  ending in a quote), so ``然后走了。`` stays in the same segment: the whole line is **one**
  segment. Likewise ``。）`` and ``。」``. A half-width ``)`` is not in the list: ``。)`` breaks
  between ``。`` and ``)``, leaving ``)`` at the start of the next segment.
* ``？！`` breaks between the two marks (``！`` is not in rule 1's list), ``！？`` and ``？？`` do not.
* ``、 , . ．`` never break (rule 2 shadows rule 6 for ``.``). Half-width ``?``/``!`` break only
  when followed by ASCII whitespace (rule 6): ``各位代表!`` at the end of a paragraph is one
  segment; ``好! 那`` splits in two. Java's ``\\s`` is ASCII only: ``!`` followed by an ideographic
  space U+3000 does not break.
* A run ``?!``/``!?`` is one match of rule 6: the break comes after the whole run.
* ``；;，：……——`` never break.
* Rule 5 breaks after a leading number such as ``1. `` only when an uppercase letter follows.
* Rule 8 is a quirk: a literal ``<br0>`` in a plain-text paragraph breaks the line.

After breaking, OmegaT trims every piece with Java's ``Character.isWhitespace`` (which keeps
U+00A0, U+2007, U+202F) and appends a trailing whitespace-only piece to the previous one.
We additionally drop pieces that are empty after trimming (OmegaT makes no entry for them).

Invariant for both splitters: the paragraph is ``w0 + s1 + w1 + s2 + ... + sn + wn`` where the
``si`` are the returned segments and every ``wi`` consists only of whitespace (Java whitespace
for ``split_zh``, Python ``str.isspace`` for ``split_en``); no segment is empty or has leading or
trailing whitespace.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import Final

__all__ = ["split_zh", "split_en", "JAVA_WHITESPACE"]

# --------------------------------------------------------------------------------------------
# Chinese: a tiny SRX engine with OmegaT's Segmenter semantics
# --------------------------------------------------------------------------------------------

#: Characters for which Java's ``Character.isWhitespace`` is true (OmegaT's trim).
JAVA_WHITESPACE: Final = frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2008\u2009\u200a\u2028\u2029\u205f\u3000"
)
_JAVA_WS_STR: Final = "".join(sorted(JAVA_WHITESPACE))
_JAVA_TRIM_CHARS: Final = "".join(chr(c) for c in range(0x21))  # String.trim(): <= U+0020
_JS = r"[ \t\n\x0b\f\r]"  # Java's \s (no UNICODE_CHARACTER_CLASS flag)


@functools.cache
def _uppercase_class() -> str:
    """A regex character class body for Unicode category Lu (Java ``\\p{Lu}``), built lazily."""
    ranges: list[tuple[int, int]] = []
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)) == "Lu":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


class _Rule:
    """One SRX rule. ``after`` is a pattern, or a callable building one (for ``\\p{Lu}``)."""

    __slots__ = ("brk", "before", "_after_src", "_after", "single_char")

    def __init__(self, brk: bool, before: str, after: str, *, single_char: bool,
                 needs_upper: bool = False) -> None:
        self.brk = brk
        self.before = re.compile(before, re.DOTALL)
        self._after_src = after
        self._after: re.Pattern[str] | None = None if needs_upper else re.compile(after, re.DOTALL)
        # A pattern that always matches exactly one character: Java's successive find() calls
        # visit every matching position, so "a match starts at i" == "pattern matches at i".
        self.single_char = single_char

    @property
    def after(self) -> re.Pattern[str]:
        if self._after is None:
            src = self._after_src.replace("{LU}", _uppercase_class())
            self._after = re.compile(src, re.DOTALL)
        return self._after

    def positions(self, text: str) -> list[int]:
        """Break positions this rule matches (``Segmenter.getBreaks``)."""
        ends = [m.end() for m in self.before.finditer(text)]
        if not ends:
            return []
        after = self.after
        if self.single_char:
            return [e for e in ends if after.match(text, e)]
        starts = {m.start() for m in after.finditer(text)}
        return [e for e in ends if e in starts]


# OmegaT 3.6.0 defaultRules.srx, languagerules Chinese, Default, Text, HTML (in cascade order).
_ZH_RULES: Final = (
    _Rule(False, "[。？！—]", "[’”\"」）』？—]", single_char=True),
    _Rule(False, "[、,.．]", ".", single_char=True),
    _Rule(True, "[。？！]", ".", single_char=True),
    _Rule(False, r"\.\.\.", _JS + r"+[^{LU}]", single_char=False, needs_upper=True),
    _Rule(True, "^" + _JS + r"*\d+[\d.)\]]+" + _JS + "+", "[{LU}]", single_char=True,
          needs_upper=True),
    _Rule(True, r"[.?!]+", _JS, single_char=True),
    _Rule(True, r"\n", " +", single_char=False),
    _Rule(True, r"<br\d+/?>", ".", single_char=True),
)
# Cheap pre-check: without any of these characters only rule 5 (a leading number) can fire.
_ZH_TRIGGER: Final = re.compile(r"[。？！.?!\n<]")
_ZH_LEADING_NUMBER: Final = _ZH_RULES[4].before


def _java_trim(s: str) -> str:
    return s.strip(_JAVA_WS_STR)


def split_zh(paragraph: str) -> list[str]:
    """Split a Chinese paragraph into sentences exactly as OmegaT 3.6's default rules do.

    Segments are trimmed (Java whitespace) and empty ones dropped; see the module docstring.

    >>> split_zh("你好。他说：“好。”然后走了！？好的？！")
    ['你好。', '他说：“好。”然后走了！？', '好的？', '！']
    """
    if not _ZH_TRIGGER.search(paragraph) and not _ZH_LEADING_NUMBER.match(paragraph):
        t = _java_trim(paragraph)
        return [t] if t else []
    decided: dict[int, bool] = {}
    for rule in _ZH_RULES:  # first rule in order wins at a position
        for pos in rule.positions(paragraph):
            decided.setdefault(pos, rule.brk)
    pieces: list[str] = []
    prev = 0
    for pos in sorted(p for p, brk in decided.items() if brk):
        pieces.append(paragraph[prev:pos])
        prev = pos
    last = paragraph[prev:]
    # OmegaT: a last piece that String.trim()s to nothing is glued to the previous one.
    if pieces and not last.strip(_JAVA_TRIM_CHARS):
        pieces[-1] += last
    else:
        pieces.append(last)
    out = []
    for piece in pieces:
        t = _java_trim(piece)
        if t:
            out.append(t)
    return out


# --------------------------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------------------------

# A candidate end: terminal punctuation, then closing quotes/brackets and footnote markers
# such as [1], then whitespace, then the first character of what follows.
_EN_CANDIDATE: Final = re.compile(
    r"""(?P<term>\.{3}|…|[.?!]+)
        (?P<close>(?:["'”’»)\]]|\[\d{1,3}\])*)
        (?=\s+(?P<next>\S))""",
    re.VERBOSE,
)
# A full stop with the space after it lost, as in text copied from bilingual web pages
# ("...abroad.However, ..."): a lower-case word or a number, the mark, and a capitalised word
# right after. Initialisms (U.S.The), titles (Mr.Li), decimals and "No.1" never match here;
# abbreviations and domains are refused in _is_en_break.
_EN_GLUED: Final = re.compile(
    r"""(?<=[a-z0-9%][a-z0-9%])
        (?P<term>[.?!])
        (?P<close>["'”’)]?)
        (?=(?P<next>[“‘]?[A-Z])(?:[a-z]|\s))""",
    re.VERBOSE,
)
_DOMAIN_HINT: Final = re.compile(r"www\.|://|@|\.[a-z]{2,4}(?:\W|$)")
_EN_TRIGGER: Final = re.compile(r"[.?!…]")
_LOOKBACK: Final = 40  # characters examined before a period (abbreviations are short)
_MAX_LABEL: Final = 24  # a list label ("XXXVIII." / "(12)") is shorter than this
_OPENERS: Final = "([{\"'“‘«"

# Never a sentence end.
_ALWAYS_ABBR: Final = frozenset({"e.g", "i.e", "cf", "viz", "vs", "approx", "al", "ca"})
# Titles: followed by a name.
_TITLES: Final = frozenset({
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "St", "Mt", "Gen", "Gov", "Sen", "Rep", "Rev",
    "Hon", "Lt", "Col", "Capt", "Sgt", "Fr", "Pres", "Amb",
})
# Abbreviations followed by a number (No. 1, Jan. 21, Art. 5, pp. 3-4).
_BEFORE_NUMBER: Final = frozenset({
    "No", "Nos", "no", "Art", "Arts", "art", "Fig", "Figs", "fig", "Vol", "Vols", "vol",
    "Sec", "sec", "Ch", "Chap", "ch", "p", "pp", "para", "Para", "paras", "Ref", "ref",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
})
# Nouns after which a single capital letter is a number or a class ("Class V."), not an initial.
_NUMBER_NOUNS: Final = frozenset({
    "class", "grade", "level", "phase", "type", "category", "part", "chapter", "annex",
    "appendix", "schedule", "article", "section", "stage", "plan", "group", "vitamin", "model",
    "zone", "line", "block", "exhibit", "table", "figure", "option", "round", "tier", "world",
    "war", "king", "queen", "pope", "louis", "henry", "george", "edward", "elizabeth",
})
# Words that start a new sentence after an initialism such as "U.S.".
_STARTERS: Final = frozenset({
    "The", "This", "That", "These", "Those", "There", "It", "Its", "We", "Our", "They", "Their",
    "He", "She", "His", "Her", "I", "In", "On", "At", "By", "For", "From", "To", "With", "As",
    "A", "An", "And", "But", "Also", "However", "Meanwhile", "Moreover", "Furthermore",
    "Additionally", "Such", "Some", "Many", "Most", "All", "Each", "Every", "After", "Before",
    "During", "Since", "While", "When", "If", "Although", "Despite", "Over", "Under", "Last",
    "Next", "Then", "Thus", "Therefore", "Yet", "So",
})
_INITIALISM: Final = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_FIRST_WORD: Final = re.compile(r"\s*([\w’']+)")
_ROMAN: Final = r"(?:M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
# A list label on its own: "II.", "iv.", "1.", "2.3.", "A.", "(1)", "1)" (optionally a bracket).
_LABEL: Final = re.compile(
    rf"""^[(\[]?(?:{_ROMAN}|{_ROMAN.lower()}|\d+(?:\.\d+)*|[A-Za-z])[.)\]]*$""",
)


def _is_en_break(text: str, seg_start: int, m: re.Match[str]) -> bool:
    term, close, nxt = m.group("term"), m.group("close"), m.group("next")
    if nxt.islower():  # "e.g. the", "etc. and", '"Stop!" he said'
        return False
    if term != ".":
        return True  # ? ! ?! ... …
    # The word carrying the period, and the whole segment so far.
    start = m.start()
    if start - seg_start <= _MAX_LABEL and _LABEL.match(text[seg_start:start + 1].strip()):
        return False  # "II." / "1." / "A." heading labels are not sentences
    near = text[max(seg_start, start - _LOOKBACK):start].split()
    word = near[-1].lstrip(_OPENERS) if near else ""
    if m.re is _EN_GLUED and _looks_like_address(text, start):
        return False
    if close:
        return True  # '."' '.)' '.[1]': the period ends a quoted or bracketed sentence
    if word.lower() in _ALWAYS_ABBR or word in _TITLES:
        return False
    if word in _BEFORE_NUMBER:
        return not nxt.isdigit()
    if len(word) == 1 and word.isalpha() and word.isupper():
        # "J. K. Rowling" (initial) versus "Class V. Land" (a numbered noun, sentence end)
        if len(near) > 1 and near[-2].lower().strip(_OPENERS) in _NUMBER_NOUNS:
            return True
        return False
    if _INITIALISM.fullmatch(word):
        # "U.S. Government" goes on; "in the U.S. The next" breaks.
        first = _FIRST_WORD.match(text, m.end())
        return bool(first) and first.group(1) in _STARTERS
    return True


def _looks_like_address(text: str, dot: int) -> bool:
    """Whether the whitespace-delimited token around ``text[dot]`` is a web or mail address
    (www.Gov.cn, http://X.org/Index, a@B.com)."""
    left = dot
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = dot
    while right < len(text) and not text[right].isspace():
        right += 1
    return bool(_DOMAIN_HINT.search(text, left, right))


def _en_candidates(paragraph: str) -> list[re.Match[str]]:
    """Possible sentence ends, in order: a mark followed by whitespace, or a glued one."""
    found = list(_EN_CANDIDATE.finditer(paragraph))
    glued = list(_EN_GLUED.finditer(paragraph))
    if glued:
        found = sorted(found + glued, key=lambda m: m.start())
    return found


def split_en(paragraph: str) -> list[str]:
    """Split an English paragraph into sentences (official translations: abbreviations,
    decimals, initials, list labels such as ``II.``/``1.``, closing quotes, footnote markers).

    >>> split_en('II. Major Tasks for 2024 We did it. Mr. Li said "Go." Then we left.')
    ['II. Major Tasks for 2024 We did it.', 'Mr. Li said "Go."', 'Then we left.']
    """
    if not _EN_TRIGGER.search(paragraph):
        t = paragraph.strip()
        return [t] if t else []
    out: list[str] = []
    seg_start = 0
    for m in _en_candidates(paragraph):
        if _is_en_break(paragraph, seg_start, m):
            seg = paragraph[seg_start:m.end()].strip()
            if seg:
                out.append(seg)
            seg_start = m.end()
    seg = paragraph[seg_start:].strip()
    if seg:
        out.append(seg)
    return out
