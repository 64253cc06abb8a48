"""Scoring the English spans of a term's windows: association × lexical fit × priors.

Score = Dice of the term's units and the span's units (association) × how much of the term
the span translates and how much of the span the term explains (lexical fit) × priors
(length, edges, names, quotes, numerals, words that belong to the term's neighbours). Spans no
gloss explains count only when they recur with the term (consistency is evidence too).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .glosses import _NUMBER_WORDS, _NUMERALS, EDGE_STOP, HARD, QUOTES, TermLexicon, Token
from .windows import MAX_WORDS, EnglishText, _name_start

DICE_POWER = 1.0  # association: a span found with every occurrence of the term beats a one-off

LEX_FLOOR = 0.2  # weight of association alone, for spans no gloss explains

LEX_POWER = 1.0  # how much more a span that translates the whole term is worth

MAX_UNEXPLAINED = 5  # longest span without gloss support (and longest lead before one)

FOREIGN_FACTOR = 0.6  # per word of a span that translates a neighbour of the term

MAX_LIST_COMMAS = 3

_HEAD_PREPS = frozenset(("of", "to", "for"))

CORRELATIVES = {"both": "and", "either": "or"}
CUT_PAIR_FACTOR = 0.5

NAME_WORD_CREDIT = 0.5  # an unexplained word of a whole Title Case name counts half as explained

# A term's English is a noun phrase: one ending on an adjective is a modifier cut from its
# noun ("non-public", "innovation-driven", "global economic").
ADJECTIVE_FACTOR = 0.5
_ADJECTIVE_ENDINGS = ("-driven", "-based", "-oriented", "-led", "-related", "-owned", "-funded",
                      "-level", "-scale", "-intensive", "-friendly", "-efficient", "-wide")
_ADJECTIVE_SUFFIXES = ("ic", "ical", "al", "ive", "ous")
# A term's English names a thing; a word taking a determined object ("Increase the general
# public budget revenue", "building a moderately prosperous society") is a predicate over a
# term. Ranking evidence only: the span is still the best rendering the units give.
PREDICATE_FACTOR = 0.5
_DETERMINERS = frozenset("the a an our its their this these".split())


def predicate(key: tuple[str, ...]) -> bool:
    """A word followed by a determiner and more: a verb and its object."""
    return len(key) >= 3 and key[1] in _DETERMINERS and key[0].isalpha()


_NOUNS = frozenset('''
public traffic epidemic republic topic clinic logic music graphic plastic mechanic critic panic
fabric capital proposal approval festival hospital terminal potential material animal signal
principal individual professional official criminal total interval removal renewal arrival
referral disposal rental survival withdrawal trial tribunal manual journal portal canal metal
mineral medal rival ritual appraisal chemical periodical general initiative incentive objective
executive representative alternative directive perspective detective native relative collective
explosive locomotive motive archive narrative dynamic characteristic classic ethic rhetoric
'''.split())  # “water, electricity, gas, and heating” (水电气热)


@dataclass(slots=True)
class Span:
    """One English span scored as the rendering of a term."""

    score: float
    unit: int  # a unit where it was found
    span: tuple[int, int]  # its tokens [i, j] there
    confidence: float
    share: float = 0.0  # share of the term's units with it in the window
    precision: float = 0.0
    coverage: float = 0.0


def score_spans(text: EnglishText, zh: str, lexicon: TermLexicon, units: Sequence[int],
            quoted: bool) -> dict[tuple[str, ...], Span]:
    """{span key: Span} for the English spans in the term's
    windows. Score = association (Dice of the term's units vs the span's units) ×
    lexical fit (how much of the term the span translates, how much of the span the term
    explains) × priors (length, edges, names, quotes, numerals)."""
    k = len(set(units))
    co: Counter[tuple[str, ...]] = Counter()
    where: dict[tuple[str, ...], tuple[int, tuple[int, int], float, float, float, float, int]] = {}
    n_chars = len(zh)
    max_words = max(MAX_WORDS, n_chars)  # a long slogan has a long English
    numerals = [p for p, ch in enumerate(zh) if ch in _NUMERALS] if text.numerals else []
    seen_in: dict[int, set[tuple[str, ...]]] = {}
    # per unit: coverage and unexplained words of each explained span, and where each key is
    span_info: dict[int, dict[tuple[int, int], tuple[float, int]]] = {}
    key_at: dict[int, dict[tuple[str, ...], list[tuple[int, int]]]] = {}
    unexplained: dict[tuple[str, ...], tuple[int, int, int, int, float]] = {}
    leads: dict[tuple[str, ...], tuple[float, tuple[str, ...]]] = {}  # lead cost, lead words
    names = text.signals.names
    # English puts a noun's head first, before of/to/for: a one-character Chinese head (a bound
    # noun: 观, 感) is often rendered so, 总体国家安全观 "holistic approach to national security",
    # 获得感 "sense of gain".
    head = lexicon.last_word() if text.signals.head_first else ()
    segments = []
    for unit, lo, hi in text._segments(zh, units):
        toks = text.tokens[unit]
        outside = text._outside_glosses(zh, unit, lo, hi) if text.signals.foreign else frozenset()
        # a word one character of the term explains, but a whole word around it explains
        # too, belongs to that word (“assistance”: 协 of 协作, or 支援 next to it)
        explained = [lexicon.explains(t) if lo <= x < hi else {} for x, t in enumerate(toks)]
        if outside:
            explained = [{} if got and t.stem in outside and lexicon.inside_word(got) else got
                         for got, t in zip(explained, toks)]
        segments.append((unit, lo, hi, outside, explained))
    if len(head) != 1 or any(p in got for *_, explained in segments for got in explained for p in head):
        head = ()  # only a one-character head no word of the windows translates: 观, 感 "sense of"
    for unit, lo, hi, outside, explained in segments:
        toks = text.tokens[unit]
        lowers = text.lowers[unit]
        seen_here = seen_in.setdefault(unit, set())
        parens = text.name_parens(unit) if names else {}
        quote_prior = text.quote_pairs(zh, unit, lo, hi) if text.quotes else {}
        caps = text.caps[unit]
        for i in range(lo, hi):
            # "both development and security": a correlative opens a span that holds its pair
            pairing = CORRELATIVES.get(lowers[i]) if text.signals.correlatives else None
            if not toks[i].text[0].isalnum() or lowers[i] in EDGE_STOP and pairing is None:
                continue
            cut_pair = text.signals.correlatives and i > 0 and lowers[i - 1] in CORRELATIVES
            paired = False
            # "cordial and | clean relationship": the span starts on the second of two joined
            # adjectives (judged below, when the span leaves the term's first character
            # untranslated; "poverty reduction and | rural revitalization" joins two nouns)
            cut_conjunct = text.signals.conjuncts and i >= 2 and lowers[i - 1] in ("and", "or") \
                and _adjective(lowers[i - 2])
            between = between_and = -1  # "between the government | and businesses"
            head_at = -1  # an unexplained noun before of/to/for: the English head of the term
            # the span is the complement of a head before it ("approach to | national security")
            cut_head = bool(head) and i >= 2 and bool(toks[i - 2].stem) and _heads_complement(lowers, explained, i - 2, hi)
            covered: dict[int, float] = {}
            content = matched = commas = words = lead = foreign = 0
            lead_end = -1  # the first word the term explains
            all_cap = True
            start_prior = 1.0
            if lowers[i].endswith("'s"):
                start_prior = 0.5  # "city’s Gross Regional Product": the owner is not the term
            if i > 0 and caps[i - 1] == 2 or names and _name_goes_on(caps, lowers, parens, i, -1):
                start_prior *= 0.6  # a Title Case name is kept whole
            in_paren = 0  # the ")" of a parenthesis inside a name: China (Beijing) Pilot …
            long_name = 0  # the span holds a name's connective or parenthesis
            inner = 0  # an open quote inside the span: critical “minor details”
            inner_quote = False
            joined = False
            for j in range(i, min(hi, i + max_words + 2)):
                t = toks[j]
                lw = lowers[j]
                closing = False
                if lw in QUOTES and quoted and text.quotes:
                    if not inner and lw != "”":
                        inner = j
                        continue
                    if not inner or lw == "“":
                        break
                    inner, closing = 0, True
                elif names and lw == "(" and j in parens and not in_paren:
                    in_paren = long_name = parens[j]
                    continue
                elif in_paren and j == in_paren:
                    in_paren, closing = 0, True
                elif lw in HARD or lw in QUOTES:
                    break
                if lw == ",":
                    commas += 1
                    joined = False
                    if commas > (MAX_LIST_COMMAS if text.signals.lists else 1):
                        break
                    continue
                if lw == "between" and j > i and text.signals.between:
                    between = j
                elif lw == "and" and between >= 0 and between_and < 0:
                    between_and = j
                if lw in ("and", "or"):
                    joined = True
                    paired = paired or lw == pairing
                elif lw in _NAME_GLUE and j > i:
                    long_name = j
                if not closing:
                    words += 1
                    if not caps[j] and not in_paren and not lw[0].isdigit():
                        all_cap = False  # (a number belongs to a name: "of the 20th CPC …")
                if t.stem:
                    content += 1
                    if explained[j]:
                        matched += 1
                        if lead_end < 0:
                            lead_end = j
                        for p, w in explained[j].items():
                            covered[p] = min(1.0, covered.get(p, 0.0) + w)
                    else:
                        if t.stem in outside:
                            foreign += 1
                        if not covered and (caps[j] != 2 or lw.endswith("'s")):
                            lead += 1  # unexplained words (or owners) before the first explained one
                            if head and head_at < 0 and _heads_complement(lowers, explained, j, hi):
                                head_at = j
                if lw in EDGE_STOP or inner or in_paren:
                    continue
                if commas > 1 and not joined or pairing and not paired:
                    continue  # a list is only whole once its last item is joined (“…, gas, and heating”)
                if closing:  # judge the end on the quoted word
                    t, lw = toks[j - 1], lowers[j - 1]
                    inner_quote = lw != ")"
                key = tuple(lowers[i:j + 1])
                if key not in seen_here:
                    seen_here.add(key)
                    co[key] += 1
                if not covered:  # judged by association alone, once we know how often
                    if key not in unexplained:
                        unexplained[key] = (unit, i, j, words, 0.8 if commas else 1.0)
                    if words >= MAX_UNEXPLAINED:
                        break
                    continue
                head_free = bool(head) and all(covered.get(p, 0.0) < 0.5 for p in head)
                credit = head_free and head_at >= 0
                cov = (sum(covered.values()) + (sum(1.0 - covered.get(p, 0.0) for p in head) if credit else 0.0)) / n_chars
                prec = (matched + credit) / content if content else 0.0
                span_info.setdefault(unit, {})[(i, j)] = (cov, content - matched)
                key_at.setdefault(unit, {}).setdefault(key, []).append((i, j))
                cut_after = j + 1 < len(toks) and caps[j + 1] == 2 or \
                    names and _name_goes_on(caps, lowers, parens, j, 1)
                lex_prec, length, foreign_here = prec, _length_prior(words, n_chars), foreign
                if names and long_name and all_cap and caps[i] and start_prior == 1.0 and not cut_after:
                    # a whole name: Chinese names it in short ("城市总体规划"), so its other
                    # words ("CPC Central Committee") are the name's, not evidence against it
                    # nor a neighbour's translation, and its length is its own
                    lex_prec = (matched + NAME_WORD_CREDIT * (content - matched)) / content
                    length, foreign_here = 1.0, 0
                lex = cov * (0.35 + 0.65 * lex_prec)
                prior = start_prior * length * (0.8 if commas else 1.0)
                prior *= FOREIGN_FACTOR ** foreign_here  # "east-west collaboration and paired-up assistance"
                if quote_prior:
                    got = quote_prior.get((i, j))
                    if got is None and inner_quote:  # the quote and the words around it
                        got = max((v for (a, b), v in quote_prior.items()
                                   if i < a and b < j and v > 1.0), default=1.0)
                    prior *= got or 1.0
                if all_cap and caps[i] == 2:
                    prior *= 1.15
                if cut_after:
                    prior *= 0.6
                if numerals and any(covered.get(p, 0.0) < 0.5 for p in numerals):
                    prior *= 0.2  # 七站两场: the English names both numbers
                # Spans that end on words the term explains (or on names) are preferred.
                end = j - 1 if closing else j
                if lw in _NUMBER_WORDS or lw.isdigit():
                    prior *= 0.3  # "seven ... and two": a noun phrase ends on its noun
                elif not explained[end] and caps[end] != 2:
                    prior *= 0.75 if not lw.endswith("ly") else 0.4
                if lowers[i][:1].isdigit() and not explained[i]:
                    prior *= 0.3  # "27 quasi-museums": the count is not the term
                if cut_pair and paired_in(lowers, i, j, CORRELATIVES[lowers[i - 1]]):
                    prior *= CUT_PAIR_FACTOR  # the pair without its "both"
                if between >= 0 and not 0 <= between_and < j:
                    prior *= CUT_PAIR_FACTOR  # "between" without its second member
                if cut_conjunct and j > i and covered.get(0, 0.0) < 0.5:
                    prior *= CUT_PAIR_FACTOR  # the second modifier without the first
                if cut_head and head_free:
                    prior *= CUT_PAIR_FACTOR  # the complement without its head
                if credit:
                    lead -= 1
                lead_cost = 1.0
                if not explained[i] and not _name_start(toks, i) and not pairing:
                    lead_cost = 0.7 if not lowers[i].endswith(("ing", "ed")) else 0.55
                    if lead > 1:  # "services to the capital’s seven …": each lead word costs
                        lead_cost *= 0.7 ** (lead - 1)
                    prior *= lead_cost
                if credit:
                    lead += 1
                old = where.get(key)
                if old is None or lex * prior > old[2] * old[3]:
                    where[key] = (unit, (i, j), lex, prior, prec, cov, foreign)
                    if lead_cost < 1.0 and lead_end > i and _phrase_ends(lowers, j):
                        leads[key] = (lead_cost, tuple(lowers[i:lead_end]))
                    else:
                        leads.pop(key, None)
    if text.association:
        for key, (unit, i, j, words, comma) in unexplained.items():
            if key in where or co[key] < 2 or co[key] < 0.6 * k:
                continue  # unexplained spans only when they recur with the term
            toks = text.tokens[unit]
            prior = comma * _length_prior(words, n_chars) * _name_prior(toks, i, j)
            if text.quotes:
                prior *= text.quote_pairs(zh, unit, *text._range_of(zh, unit, i)).get((i, j), 1.0)
            where[key] = (unit, (i, j), 0.0, prior, 0.0, 0.0, 0)
    # An occurrence inside a longer span that translates more of the term with no more
    # unexplained words is that span's, not this one's ("Sixth Ring Road High Line Park"
    # inside "East Sixth Ring Road High Line Park"; "lawful rights" inside "lawful rights
    # and interests"): only the other occurrences count for it.
    subsumed: Counter[tuple[str, ...]] = Counter()
    if text.signals.longer_renderings:
        for unit, infos in span_info.items():
            for key, places in key_at[unit].items():
                if all(_subsumed(infos, text.lowers[unit], text.caps[unit], i, j, text.signals.binomials)
                       for i, j in places):
                    subsumed[key] += 1
    out = {}
    for key, (unit, span, lex, prior, prec, cov, _) in where.items():
        df = text.df.get(key, co[key])
        if co[key] - subsumed[key] <= 0:
            continue
        if key in leads and text.signals.consistent_leads:
            # Unexplained words before the term's words are mostly a verb or a neighbour's
            # English; not when they are what ties the span to the term: every occurrence of
            # the term has them and nothing else in the document does, while the words the
            # term explains occur elsewhere too. Then they are how the translators render it,
            # the same evidence that admits a span no gloss explains ("swift response to
            # public complaints" for 接诉即办, where only "complaints" has a gloss).
            cost, lead_key = leads[key]
            # Not when the same Chinese always precedes the term (积极的 before 财政政策: the
            # lead "proactive" translates it), nor when the lead opens on a participle, a verb
            # taking the term ("cutting general").
            if k >= 2 and co[lead_key] == k and text.df.get(lead_key) == k \
                    and text.df.get(key[len(lead_key):], 0) > k and not lead_key[0].endswith(("ing", "ed")) \
                    and not _same_chinese_before(text, zh, units):
                prior /= cost
        dice = 2 * (co[key] - subsumed[key]) / (k + df)
        confidence = min(1.0, (lex or 0.3 * dice) * (0.5 + 0.5 * dice))
        if text.association:
            # Consistency is evidence too: the span in (nearly) every window of the term
            # and rarely elsewhere ("waste sorting", "veterans": no gloss, no doubt).
            consistent = (co[key] / k) * (co[key] / df) * k / (k + 1)
            confidence = max(confidence, consistent if co[key] >= 2 else 0.0)
        if text.signals.adjectives and _adjective(key[-1]) \
                or text.signals.modifiers and _modifier(key[-1]):
            prior *= ADJECTIVE_FACTOR
            confidence *= ADJECTIVE_FACTOR
        if text.signals.predicates and predicate(key):
            confidence *= PREDICATE_FACTOR
        out[key] = Span(dice ** DICE_POWER * (LEX_FLOOR + lex) ** LEX_POWER * prior, unit, span,
                        confidence, co[key] / k, prec, cov)
    # English closedness: a span always extended by the same content word in the term's
    # windows is a truncation of the longer span ("revitalization" → "rural revitalization").
    # Not when the extra word is a noun after a span whose last word already translates the
    # term's head, its last character ("national forest city standards": the term modifies
    # "standards"; "motions and suggestions raised").
    for key in list(out):
        if len(key) < 2:
            continue
        for part, extra in ((key[1:], key[0]), (key[:-1], key[-1])):
            if part not in out or extra in EDGE_STOP or not extra[0].isalpha() \
                    or co[part] != co[key]:
                continue
            if extra is not key[0] and text.signals.head_extensions \
                    and _beyond_head(text, zh, lexicon, out[key]):
                continue
            if text.df.get(part) == text.df.get(key) or (text.association and co[key] >= 2):
                out[part].score *= 0.45
    # A span always followed (or preceded) by words that translate more of the term is
    # short of the term: "core technologies" → "core technologies in key fields" (关键).
    if text.association:
        truncated = set()
        for key in out:
            if co[key] < 2 or len(key) < 3:
                continue
            for n in range(1, len(key) - 1):
                for part in (key[:n], key[-n:]):
                    if part in out and co[part] == co[key] and where[key][2] > where[part][2] \
                            and where[key][6] <= where[part][6]:  # not by a neighbour's words
                        truncated.add(part)
        for part in sorted(truncated):
            out[part].score *= 0.45
    return out


def _phrase_ends(lowers: list[str], j: int) -> bool:
    """No content word follows token j: the noun phrase ends there ("pilot free trade" goes
    on with "zones")."""
    return j + 1 >= len(lowers) or lowers[j + 1] in EDGE_STOP or not lowers[j + 1][0].isalnum()


def _same_chinese_before(text: EnglishText, zh: str, units: Sequence[int]) -> bool:
    """Every occurrence of `zh` follows the same character (or opens its unit)."""
    if text.zh_texts is None:
        return False
    before = set()
    for unit in set(units):
        t = text.zh_texts[unit]
        at = t.find(zh)
        while at >= 0:
            before.add(t[at - 1] if at else "")
            at = t.find(zh, at + 1)
    return len(before) <= 1


def _heads_complement(lowers: list[str], explained: list, j: int, hi: int) -> bool:
    """Token j is followed by of/to/for and a word the term explains ("approach to national")
    (not "plan to address public complaints": the complement begins at once)."""
    k = j + 2
    if k < hi and lowers[k] == "the":
        k += 1
    return k < hi and lowers[j + 1] in _HEAD_PREPS and bool(explained[k])


def _beyond_head(text: EnglishText, zh: str, lexicon: TermLexicon, span: Span) -> bool:
    """The span's last word is a noun that neither the term nor the Chinese around it explains,
    after a word that translates the term's last character (its head in Chinese). ("industries
    such as new energy" for the fragment 产业新 stays closed: 能源 follows it.)"""
    unit, (_, j) = span.unit, span.span
    toks = text.tokens[unit]
    if j < 1 or not toks[j].stem or lexicon.explains(toks[j]) or text.caps[unit][j] == 2:
        return False  # (not a particle, "opening up", nor a name going on, "Five-Year Plan")
    if len(zh) - 1 not in lexicon.explains(toks[j - 1]):
        return False
    return toks[j].stem not in text._outside_glosses(zh, unit, *text._range_of(zh, unit, j))


@lru_cache(maxsize=4096)
def _length_prior(words: int, zh_chars: int) -> float:
    expected = max(1.0, zh_chars / 1.8)
    return math.exp(-0.35 * abs(math.log(words / expected)))

def _quote_prior(toks: list[Token], i: int, j: int, quoted: bool) -> float:
    inside = (i > 0 and toks[i - 1].lower in QUOTES) and (j + 1 < len(toks) and toks[j + 1].lower in QUOTES)
    if inside:
        return 1.6 if quoted else 1.2
    return 1.0

def _name_prior(toks: list[Token], i: int, j: int) -> float:
    """Title Case names are kept whole: cutting one inside a capitalised run is penalised."""
    def cap(t: Token) -> bool:
        return t.text[:1].isupper() or t.lower in ("of", "and", "for", "the", "on", "in")
    words = [t for t in toks[i:j + 1] if t.text[0].isalnum()]
    prior = 1.0
    if words and all(cap(t) for t in words) and words[0].text[:1].isupper():
        prior = 1.15
    if i > 0 and toks[i - 1].text[:1].isupper() and toks[i - 1].text[0].isalpha():
        prior *= 0.6
    if j + 1 < len(toks) and toks[j + 1].text[:1].isupper() and toks[j + 1].text[0].isalpha():
        prior *= 0.6
    return prior


def paired_in(lowers: list[str], i: int, j: int, word: str) -> bool:
    return word in lowers[i:j + 1]


def _name_goes_on(caps: list[int], lowers: list[str], parens: dict[int, int], k: int, step: int) -> bool:
    """The Title Case name around token k continues past it in direction `step` (±1) over a
    connective ("Master Plan | of Development") or a parenthesis ("China (Beijing) | Pilot")."""
    n = len(caps)
    nxt = k + step
    if not 0 <= nxt < n or not caps[k]:
        return False
    if lowers[nxt] in _NAME_GLUE and 0 <= nxt + step < n:
        return caps[nxt + step] == 2
    if step > 0 and nxt in parens:
        return True
    if step < 0 and lowers[nxt] == ")":
        opening = next((o for o, c in parens.items() if c == nxt), None)
        return opening is not None and opening > 0 and caps[opening - 1] > 0
    return False


_NAME_GLUE = frozenset(("of", "for", "on", "in"))


def _adjective(word: str) -> bool:
    """An adjective by its form (no tagger at hand): -driven, non-…, -ic, -al, -ive, -ous, with
    the common nouns of those forms excepted."""
    if word in _NOUNS or not word.isascii():
        return False
    if word.endswith(_ADJECTIVE_ENDINGS) or word.startswith("non-"):
        return True
    return "-" not in word and len(word) > 4 and word.endswith(_ADJECTIVE_SUFFIXES)


def _modifier(word: str) -> bool:
    """An owner or a number compound, which stand before a noun: "people's" (保民生, "ensure
    people's [wellbeing]"), "farmers'", "five-year" ("14th five-year [plan]"), "two-way"."""
    if word.endswith(("'s", "s'")):
        return True
    first, dash, _ = word.partition("-")
    return bool(dash) and (first in _NUMBER_WORDS or first.isdigit())


def _subsumed(infos: dict[tuple[int, int], tuple[float, int]], lowers: list[str],
              caps: list[int], i: int, j: int, binomials: bool = True) -> bool:
    """Span [i, j] lies inside a span that covers more of the term with no more unexplained
    words: a name continued by capitalised words ("East Sixth Ring Road …", "Xiong’an New
    Area"), or a coordinated member on the right ("lawful rights and interests")."""
    cov, unexplained = infos[(i, j)]
    longer = []
    for a in range(i - 1, i - 4, -1):
        if a < 0 or not caps[a]:
            break
        longer.append((a, j))
    for b in range(j + 1, min(len(caps), j + 4)):
        if caps[b] != 2:
            break
        longer.append((i, b))
    coordinated = []
    if j + 2 < len(lowers) and lowers[j + 1] in ("and", "or"):
        coordinated = [(i, b) for b in range(j + 2, j + 5)]
    for a, b in longer + coordinated:
        got = infos.get((a, b))
        if got is not None and got[1] == unexplained and (
                got[0] > cov + 0.01 or binomials and (a, b) in coordinated and got[0] >= cov - 0.01):
            return True  # (a member the term explains as well: "rights and interests" for 权益)
    return False
