"""Chinese term candidates: recurring policy phrases, ranked by termhood.

Every string that recurs (or is quoted) is a candidate; nothing is filtered out for what it
looks like. Each signal is evidence that raises or lowers the score (see `ZhSignals`, which
switches them off one at a time):
- quoted “…” spans (slogans such as “五子” or “三城一区” are quoted and appear nowhere else);
- closedness: a string (nearly) always extended the same way is marked as absorbed by the
  extension; whether it really is part of the longer term is decided once both have English
  (`zhtm.terms`), so a string is dropped only for a longer term that translates it too;
- accessor variety at both edges (how many different characters precede / follow it);
- edges: a policy verb (建设 发展 推进 …) or a function character at an edge lowers the score
  when the segmenter makes it a word of its own there (全面 in 全面从严治党 does, 保障 in
  保障性住房 and 所 in 交易所 do not);
- word-boundary agreement: how often both edges fall on word boundaries of a segmenter
  (jieba when installed, else a sentencepiece model trained on the document itself);
- specificity: a single everyday word (by the segmenter's general-language frequency);
- form: digits, Latin letters and 、 may occur inside a term (“新智造100”, 5G基站, “3个100”),
  but a bare quantity (3万个, 2023年) is not one.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df"
HAN_RUN = re.compile(f"[{_HAN}]+")
# What a term may hold: Chinese, digits, Latin letters, 、 between list items, · in names.
TERM_RUN = re.compile(f"[{_HAN}0-9A-Za-z、·]+")
QUOTED = re.compile(r"[“\"]([^“”\"\n]{1,40})[”\"]")
# Longest repeated stretch counted: beyond this a repeat is a repeated sentence, not a term
# (the longest slogans run to about 20 characters).
MAX_SPAN = 64
MIN_LEN = 2
# A string is marked absorbed by an extension that accounts for this share of its
# occurrences (1.0 = the classic closed-string rule).
CLOSURE = 0.75
ABSORBED_FACTOR = 0.5  # until the English shows whether the extension is the same term
# A candidate found mostly inside longer candidates (科学城 in 怀柔科学城, 未来科学城 …) is a
# head or a fragment of those terms rather than a glossary entry of its own.
NESTED_SHARE = 0.6
NESTED_FACTOR = 0.5
# Frequency counts, but little: most terms of a document occur twice, and a string seen ten
# times is more often everyday vocabulary than a term; how cleanly it is bounded and how
# consistently it is translated decide more.
FREQUENCY_WEIGHT = 0.5
# Quoting is evidence of a coined term; a slogan quoted once ranks below a clean term seen
# twice, a slogan quoted twice above it.
QUOTE_WEIGHT = 0.3
# Two characters are mostly everyday words: the pool takes them at a discount, and the English
# (how consistently they are translated) decides their rank (zhtm.terms).
TWO_CHARACTER_FACTOR = 0.35
EXTEND = 4  # characters an absorbing extension may add to reach a word boundary
FUNCTION_EDGE_FACTOR = 0.1  # a function character as a word of its own at an edge
VERB_EDGE_FACTOR = 0.25  # a policy verb as a word of its own at the start (or close to the end)
VERB_END_FACTOR = 0.5  # 城市建设 "urban development": usually an activity, not a term
# A string that only ever opens a unit as a clause of its own, closed by ：or ！, is a form of
# address (各位代表：, 各位代表！过去一年……).
STANDALONE_FACTOR = 0.1
FORM_FACTOR = 0.5  # digits or 、 in an unquoted string: mostly running text (新增5G基站)

# The shortest string that is a term of its own when a phrase extends it (美丽乡村 in
# 美丽乡村建设; 高质量 in 高质量发展 is a modifier).
COMPLETE_TERM = 4

# Policy verbs and adverbs that begin (or end) a clause, rarely a term.
POLICY_VERBS = tuple(sorted(set("""
建设 发展 推进 提升 加强 推动 实施 深化 完善 加快 持续 开展 坚持 全面 深入 进一步 做好 促进
强化 提高 优化 落实 打造 支持 构建 健全 保障 实现 加大 扩大 积极 大力 着力 不断 更加 聚焦
统筹 巩固 建立 保持 坚决 抓好 稳步 有序 切实 扎实 努力 高水平 创建 推出 出台 制定 启动 完成
开工 建成 新增 累计 实行 探索 用好 办好 守住 筑牢 围绕 依法 全力 深入开展 全面加强 组织 举办
引导 鼓励 培育 发挥 带动 服务于 做强 做优 做大 改善 加速 增强 巩固提升 稳定 确保 推广 严格
严厉 严肃 集中 大幅 明显 显著 基本 初步 全年 年内 今年 去年 各类 一批 一系列 相关 有关 主要
重要 不少 一些 多项 各项 全部 有效 有力 共同 进一步加强 持续推进 加快推进 深入推进 开展了
防范 化解 共建 共享 共治 代表
""".split()), key=len, reverse=True))
# Evaluative modifiers: 重大项目 "major projects", 重点领域 "key areas" are phrases, not terms.
GENERIC_START = ("重大", "重点", "坚强", "新一轮", "全市", "本市", "各级", "过去", "现代", "工作")
# Modifiers that do not end a term (北京国际 is cut out of 北京国际科技创新中心 …).
GENERIC_END = ("国际", "工作")  # 政府工作 "work of the government"
GENERIC_FACTOR = 0.3
# Light nouns (泛义名词): heads that name no concept of their own, only the situation, manner
# or degree of what precedes them (极端情况 "extreme circumstances", 生活方式 "lifestyles").
LIGHT_HEADS = ("情况", "方式", "方面", "状况", "程度", "过程", "局面", "态势")
# Characters that rarely begin / end a term (unless a word such as 交易所 or 每月 holds them).
BAD_START = set("的和与及等在了是为对把将并而从向由于到也都所这该各每有无不其之或被让使给跟同就还又再更很最已以后前个我你他她它")
BAD_END = set("的和与及等在了是为对把将并而从向由于到也所这该各每或被让使给跟同就还又再更很最已着过下里要")
# Prepositions (介词) among them: 在京 "in Beijing", 对台 "regarding Taiwan".
PREPOSITIONS = set("在对从向由于到为把将被给跟同以让使")
# Characters of a bare quantity (3万个, 2023年, 第2批): with the digits, nothing of a term is left.
_QUANTITY = set("0123456789.%一二三四五六七八九十百千万亿两个年月日号余多第批项次期元亩吨倍家座所条")
# A measure word or a currency: with numerals only, it makes a quantity (万亿元, 3万个), while
# numerals alone can be a term (十三五).
_MEASURE = set("个年月日号批项次期元亩吨倍家座所条%")
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")


@dataclass(frozen=True, slots=True)
class ZhSignals:
    """Which signals rank the candidates (all on by default; the bench switches them off)."""

    quotes: bool = True
    closed: bool = True
    variety: bool = True
    verb_edges: bool = True
    boundaries: bool = True
    specificity: bool = True
    word_closure: bool = True  # an absorbing extension is taken to the next word boundary
    generic: bool = True  # evaluative modifiers (重大 重点 …) and 国际 at the end demote
    nested: bool = True  # mostly inside longer candidates: a head or a fragment of them
    soft_edges: bool = True  # False: a bad edge drops the candidate (the old hard filter)
    forms: bool = True  # False: only Chinese characters in a term, at most 14 of them
    bound_edges: bool = True  # an edge piece the rest never occurs without is part of the term
    addresses: bool = True  # a string only ever opening a unit as an address (各位代表！) is no term
    light_heads: bool = True  # a phrase headed by a light noun (情况, 方式 …) demotes
    # a character on the left bound to a function word before it (在京) is outside the term
    prepositions: bool = True
    # a function character inside a word at an extension's edge (所 of 交易所) is no bad edge
    word_edges: bool = True


@dataclass(slots=True)
class ZhCandidate:
    """A Chinese candidate with the evidence behind its score."""

    text: str
    frequency: int
    units: list[int] = field(default_factory=list)  # indexes of units it occurs in (first first)
    quoted: int = 0
    left_variety: int = 0
    right_variety: int = 0
    boundary_agreement: float = 1.0
    edge_split: float = 0.0  # share of occurrences where a bad edge is a word of its own
    absorbed_by: str = ""  # the extension that (nearly) always surrounds it
    edge_freedom: float = 1.0  # how often the rest occurs without its verb / function edge
    standalone: bool = False  # every occurrence opens a unit as a clause of its own (各位代表：)
    # 4+ characters nearly always extended the same way, but by a policy verb around it
    # (推进美丽乡村, 美丽乡村建设): the term is this string, the extension a phrase
    complete: bool = False
    # the share of the score left after the discounts of a short everyday word (two
    # characters, frequent in general Chinese): a name (长城 "Great Wall") may take it back
    everyday: float = 1.0
    score: float = 0.0


_POLICY_VERB_SET = frozenset(POLICY_VERBS)
_VERB_START = re.compile("^(?:" + "|".join(map(re.escape, POLICY_VERBS)) + ")")
_VERB_END = re.compile("(?:" + "|".join(map(re.escape, POLICY_VERBS)) + ")$")


def bad_edge(text: str) -> bool:
    """A policy verb or a function character at an edge (a verb may end a longer noun phrase)."""
    return edge_pieces(text) != (0, 0)


def edge_pieces(text: str) -> tuple[int, int]:
    """Lengths of the offending piece at the start and at the end (0: a clean edge).

    The end piece of a verb that leaves at least 2 characters before it is not counted
    (违法建设 is a term), only a verb that takes up (nearly) all of it."""
    start = 1 if text[0] in BAD_START else 0
    m = _VERB_START.match(text)
    if m:
        start = max(start, m.end())
    end = 1 if text[-1] in BAD_END else 0
    m = _VERB_END.search(text)
    while m is not None:  # the alternation is longest-first; any verb leaving < 2 chars counts
        if m.start() < 2:
            end = max(end, len(text) - m.start())
            break
        m = _VERB_END.search(text, m.start() + 1)
    return start, end


def ends_on_verb(text: str) -> bool:
    """城市建设, 公园建设: a policy verb ends it (usually an activity, not a term)."""
    return _VERB_END.search(text) is not None


Segmenter = Callable[[str], list[str]]
def _boundaries(run: str, segment: Segmenter | None) -> set[int]:
    if segment is None:
        return set(range(len(run) + 1))
    out = {0}
    pos = 0
    for piece in re.split("([0-9A-Za-z、·]+)", run):  # the segmenter sees Chinese only
        if not piece:
            continue
        if HAN_RUN.fullmatch(piece):
            for word in segment(piece):
                pos += len(word)
                out.add(pos)
        else:
            out.add(pos)
            pos += len(piece)
            out.add(pos)
    return out


def _well_formed(run: str, i: int, j: int, forms: bool) -> bool:
    """Not starting or ending on a list mark, not cutting a number or a Latin word, and
    holding at least one Chinese character."""
    s = run[i:j]
    if s[0] in "、·" or s[-1] in "、·":
        return False
    if i > 0 and _ASCII_ALNUM.match(run[i - 1]) and _ASCII_ALNUM.match(s[0]):
        return False
    if j < len(run) and _ASCII_ALNUM.match(run[j]) and _ASCII_ALNUM.match(s[-1]):
        return False
    return forms or HAN_RUN.fullmatch(s) is not None


def _bare_quantity(s: str) -> bool:
    """3万个, 2023年, 万亿元: numbers and measure words, nothing else."""
    if not all(ch in _QUANTITY or ch in "、·" for ch in s):
        return False
    return bool(_ASCII_ALNUM.search(s)) or any(ch in _MEASURE for ch in s)


def _count(runs: list[str], min_frequency: int, quoted: Counter | set, forms: bool) -> Counter:
    """Occurrences of every string that occurs at least `min_frequency` times (or is quoted):
    all lengths, extending only strings whose prefix is frequent (a longer string is never
    more frequent than its prefix)."""
    prefixes = {q[:n] for q in quoted for n in range(MIN_LEN, len(q) + 1)}
    max_len = MAX_SPAN if forms else 14
    counts: Counter[str] = Counter()
    active = [(r, i) for r, run in enumerate(runs) for i in range(len(run) - MIN_LEN + 1)]
    length = MIN_LEN
    while active and length <= max_len:
        here = Counter(runs[r][i:i + length] for r, i in active)
        alive = {s for s, f in here.items() if f >= min_frequency or s in prefixes}
        for s in alive:
            counts[s] = here[s]
        active = [(r, i) for r, i in active
                  if runs[r][i:i + length] in alive and i + length < len(runs[r])]
        length += 1
    return counts


def find_candidates(texts: Sequence[str], *, segment: Segmenter | None = None,
                    word_frequency: Callable[[str], float] | None = None,
                    signals: ZhSignals = ZhSignals(), min_frequency: int = 2,
                    phrases: Collection[str] = ()) -> list[ZhCandidate]:
    """Candidates from the Chinese side of the units, scored and sorted best first.

    `segment` splits a run of Han characters into words (boundary agreement); `word_frequency`
    gives a word's relative frequency in general Chinese (specificity), 0 when unknown.
    `phrases`: strings known to recur elsewhere (other reports), candidates even when seen once.
    """
    run_pattern = TERM_RUN if signals.forms else HAN_RUN
    runs: list[tuple[int, str]] = [(i, m.group()) for i, text in enumerate(texts)
                                   for m in run_pattern.finditer(text)]
    quoted: Counter[str] = Counter()
    if signals.quotes:
        for text in texts:
            for m in QUOTED.finditer(text):
                span = m.group(1).strip()
                if run_pattern.fullmatch(span) and len(span) >= MIN_LEN and \
                        _well_formed(span, 0, len(span), signals.forms) and (signals.forms or len(span) <= 14):
                    quoted[span] += 1
    known = set(quoted) | {p for p in phrases if len(p) >= MIN_LEN}
    counts = _count([r for _, r in runs], min_frequency, known, signals.forms)
    left: dict[str, Counter] = defaultdict(Counter)
    right: dict[str, Counter] = defaultdict(Counter)
    agree: Counter[str] = Counter()
    split: Counter[str] = Counter()
    units: dict[str, list[int]] = defaultdict(list)
    formed: dict[str, bool] = {}
    pieces: dict[str, tuple[int, int]] = {}
    edge = 0  # each run edge counts as a distinct neighbour
    # a unit opening with a clause of its own closed by ：or ！ (各位代表！) opens with an address
    opening: dict[int, str] = {}
    for i, text in enumerate(texts):
        m = run_pattern.search(text)
        if m is not None and m.start() <= 1 and text[m.end():m.end() + 1] in ("：", ":", "！", "!"):
            opening[i] = m.group()
    alone: Counter[str] = Counter()  # occurrences that are such an opening clause
    for unit, run in runs:
        n = len(run)
        bounds = _boundaries(run, segment if signals.boundaries else None)
        for i in range(n):
            for j in range(i + MIN_LEN, n + 1):
                s = run[i:j]
                if s not in counts:
                    break  # nothing longer from here is frequent either
                ok = formed.get(s)
                if ok is None:
                    ok = formed[s] = _well_formed(s, 0, len(s), signals.forms) and not (
                        _bare_quantity(s) and not quoted[s])
                    pieces[s] = edge_pieces(s)
                if not ok or not _well_formed(run, i, j, signals.forms):
                    continue
                edge += 1
                left[s][run[i - 1] if i > 0 else f"^{edge}"] += 1
                right[s][run[j] if j < n else f"${edge}"] += 1
                if i in bounds and j in bounds:
                    agree[s] += 1
                start, end = pieces[s]
                if start and i + start in bounds or end and j - end in bounds:
                    split[s] += 1
                if not units[s] or units[s][-1] != unit:
                    units[s].append(unit)
                if i == 0 and j == n and opening.get(unit) == run:
                    alone[s] += 1
    out = []
    for s in sorted(units):
        f = sum(left[s].values())
        if f < min_frequency and not quoted[s] and s not in known:
            continue
        if signals.verb_edges and not signals.soft_edges and bad_edge(s):
            continue
        cand = ZhCandidate(s, f, units[s], quoted[s], len(left[s]), len(right[s]),
                           agree[s] / f if f else 0.0, split[s] / f if f else 0.0)
        if signals.bound_edges:
            cand.edge_freedom = _edge_freedom(s, f, counts)
        cand.standalone = signals.addresses and alone[s] == f
        if signals.closed and f >= 2 and not quoted[s]:
            cand.absorbed_by, cand.complete = _absorbed(s, f, left, right, signals, agree, counts, segment)
        cand.score = _score(cand, signals, word_frequency)
        if cand.score > 0:
            out.append(cand)
    if signals.nested:
        _demote_nested(out)
    out.sort(key=lambda c: (-c.score, -c.frequency, c.text))
    return out


def _edge_freedom(s: str, f: int, counts: Counter) -> float:
    """How free the offending edge of `s` is: the (smoothed) share of the occurrences of the
    rest that lack it. A verb or function character the rest never occurs without belongs
    to the term (统筹发展和安全, 以习近平同志为核心的党中央, 京津冀协同发展); one the rest often
    occurs without is a clause's verb (推进美丽乡村, 城市建设)."""
    start, end = edge_pieces(s)
    if not start and not end:
        m = _VERB_END.search(s)
        if m is None:
            return 1.0
        end = len(s) - m.start()
    inner = s[start:len(s) - end]
    if len(inner) < MIN_LEN:
        return 1.0
    rest = max(f, counts.get(inner, f))
    return (rest - f + 1) / (rest + 1)


def make_candidate(text: str, texts: Sequence[str]) -> ZhCandidate:
    """A candidate for a string the counts did not propose (a term a note defines, seen once)."""
    units = [i for i, t in enumerate(texts) if text in t]
    frequency = sum(t.count(text) for t in texts)
    return ZhCandidate(text, frequency, units, score=1.0 + FREQUENCY_WEIGHT * math.log2(max(1, frequency)))


def _demote_nested(cands: list[ZhCandidate]) -> None:
    """Halve the score of a candidate whose occurrences are mostly inside two or more longer
    candidates (a shared head: 科学城 in 怀柔科学城, 未来科学城, 中关村科学城), counting only
    the longest containing ones so that nothing is counted twice."""
    by_text = {c.text: c for c in cands if not c.absorbed_by}
    inside: dict[str, list[str]] = defaultdict(list)
    for c in by_text.values():
        t = c.text
        for i in range(len(t)):
            for j in range(i + MIN_LEN, len(t) + 1):
                if j - i < len(t) and t[i:j] in by_text:
                    inside[t[i:j]].append(t)
    for s, longer in inside.items():
        cand = by_text[s]
        if cand.quoted or cand.frequency < 2:
            continue
        maximal = [t for t in set(longer) if not any(t != u and t in u for u in longer)]
        covered = sum(by_text[t].frequency for t in maximal)
        if len(maximal) >= 2 and covered >= NESTED_SHARE * cand.frequency:
            cand.score *= NESTED_FACTOR


def _absorbed(s: str, f: int, left: dict[str, Counter], right: dict[str, Counter],
              signals: ZhSignals, agree: Counter | None = None, counts: Counter | None = None,
              segment: Segmenter | None = None) -> tuple[str, bool]:
    """The extension that occurs (nearly) as often as `s` ("" when s is closed), and whether
    such an extension was found but is a phrase around `s` (then `s` is complete).

    The usual neighbour is added one character at a time (up to EXTEND characters) until the
    longer string is a valid term: no policy verb or function character at the edge and, with
    word boundaries, no word cut. 在京国家实验室: 京国家实验室 cuts 在京 and 在京国家实验室
    starts on 在, so 国家实验室 stays; 高质量发 cuts 发展 and 高质量发展 absorbs 高质量;
    习近平同志为核心 is absorbed by 习近平同志为核心的党中央 through 的."""
    words = signals.boundaries and segment is not None and agree is not None and counts
    complete = False
    for side, ctxs in (("l", left), ("r", right)):
        longer = s
        for _ in range(EXTEND if signals.word_closure else 1):
            ctx = ctxs.get(longer)
            if not ctx:
                break
            char, n = max(ctx.items(), key=lambda kv: (kv[1], kv[0]))
            if n < CLOSURE * f or len(char) != 1:
                break
            longer = char + longer if side == "l" else longer + char
            if signals.verb_edges and bad_edge(longer) and not (
                    signals.word_edges and words and _edges_inside_words(longer, segment)):
                if side == "l" and _VERB_START.match(longer) or side == "r" and \
                        _VERB_END.search(longer) and not longer[-1] in BAD_END:
                    complete = complete or len(s) >= COMPLETE_TERM
                    break  # a policy verb outside the term: 推进美丽乡村
                continue  # a function character: go on to the next word (的 → 的党中央)
            if signals.word_closure and words and counts[longer] \
                    and agree[longer] < 0.5 * counts[longer]:
                continue  # a cut word: take the rest of it
            added = longer[:len(longer) - len(s)] if side == "l" else longer[len(s):]
            if signals.prepositions and side == "l" and len(added) == 1 and len(s) >= COMPLETE_TERM \
                    and _bound_to_function(longer, f, ctxs, segment):
                complete = True
                break  # 在京 + 国家实验室: 京 belongs to the preposition before it, not to the term
            if signals.word_closure and side == "r" and added in _POLICY_VERB_SET and len(s) >= COMPLETE_TERM:
                complete = True
                break  # 美丽乡村 + 建设: the activity, not a longer term (高质量 + 发展 still is)
            return longer, False
    return "", complete


def _edges_inside_words(text: str, segment: Segmenter) -> bool:
    """Each function character at an edge of `text` belongs to a longer word there (所 of
    交易所, 每 of 每月), so the edge is a word's, not a particle's; verbs still count."""
    start, end = edge_pieces(text)
    if start and not (start == 1 and text[0] in BAD_START) or end and not (end == 1 and text[-1] in BAD_END):
        return False
    words = segment(text) if HAN_RUN.fullmatch(text) else []
    if not words:
        return False
    return (not start or len(words[0]) > 1) and (not end or len(words[-1]) > 1)


def _bound_to_function(longer: str, f: int, left: dict[str, Counter], segment: Segmenter | None) -> bool:
    """The one character added on the left is itself (nearly) always preceded by a preposition
    that is a word of its own (在京 "in Beijing", 对台 "regarding Taiwan"): it is the object of
    that preposition, not a word of the term (给 of 供给 in 供给侧结构性改革 is no preposition)."""
    ctx = left.get(longer)
    if not ctx or segment is None:
        return False
    char, n = max(ctx.items(), key=lambda kv: (kv[1], kv[0]))
    if n < CLOSURE * f or len(char) != 1 or char not in PREPOSITIONS:
        return False
    before = left.get(char + longer)
    if before:
        prev, m = max(before.items(), key=lambda kv: (kv[1], kv[0]))
        if m >= CLOSURE * f and len(prev) == 1 and segment(prev + char) == [prev + char]:
            return False  # 供给: a word the character belongs to
    return True


def _score(c: ZhCandidate, signals: ZhSignals, word_frequency: Callable[[str], float] | None) -> float:
    score = 1.0 + FREQUENCY_WEIGHT * math.log2(max(1, c.frequency))
    if signals.variety and c.frequency >= 2:
        variety = min(c.left_variety, c.right_variety)
        if signals.boundaries and c.boundary_agreement >= 1.0:
            variety += 1  # 在京国家实验室 twice: the same neighbour, but a word of its own
        score *= math.sqrt(min(1.0, variety / 3))
    if signals.boundaries:
        score *= c.boundary_agreement if not c.quoted else 1.0
    if c.quoted:
        score *= 1.0 + QUOTE_WEIGHT * math.log2(1 + c.quoted)
    if c.standalone:
        score *= STANDALONE_FACTOR
    if c.absorbed_by:
        score *= ABSORBED_FACTOR
    if len(c.text) == 2:
        score *= TWO_CHARACTER_FACTOR
        c.everyday *= TWO_CHARACTER_FACTOR
    if not c.quoted and (_ASCII_ALNUM.search(c.text) or "、" in c.text):
        score *= FORM_FACTOR
    if signals.verb_edges and not c.quoted:
        start, end = edge_pieces(c.text)
        if start or end:
            # a function character or a verb that the segmenter makes a word of its own there
            own = c.edge_split if signals.boundaries else 1.0
            factor = FUNCTION_EDGE_FACTOR if (start == 1 and c.text[0] in BAD_START) or (
                end == 1 and c.text[-1] in BAD_END) else VERB_EDGE_FACTOR
            score *= 1.0 - (1.0 - factor) * own * c.edge_freedom
        elif _VERB_END.search(c.text):
            score *= 1.0 - (1.0 - VERB_END_FACTOR) * c.edge_freedom
    if signals.generic and not c.quoted and (c.text.startswith(GENERIC_START)
                                                or c.text.endswith(GENERIC_END)):
        score *= GENERIC_FACTOR
    if signals.light_heads and not c.quoted and len(c.text) > 2 and c.text.endswith(LIGHT_HEADS):
        score *= GENERIC_FACTOR
    if signals.specificity and word_frequency is not None and not c.quoted:
        wf = word_frequency(c.text)
        common = 0.2 if wf > 2e-5 else 0.6 if wf > 2e-6 else 1.0
        score *= common
        c.everyday *= common
    return score


# --------------------------------------------------------------------------- segmenters

def jieba_segmenter() -> tuple[Segmenter, Callable[[str], float]] | None:
    """jieba's dictionary segmenter and its word frequencies, if jieba is installed."""
    try:
        import logging

        import jieba
    except ImportError:
        return None
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.dt  # the default dictionary, loaded once per process (from jieba's cache)
    tokenizer.initialize()
    total = float(tokenizer.total)
    freq = tokenizer.FREQ

    def segment(run: str) -> list[str]:
        return list(tokenizer.cut(run, HMM=False))

    def word_frequency(word: str) -> float:
        return freq.get(word, 0) / total

    return segment, word_frequency


def sentencepiece_segmenter(texts: Sequence[str], vocab_size: int = 3000) -> Segmenter | None:
    """A unigram sentencepiece model trained on the document's own Chinese (no download)."""
    try:
        import io

        import sentencepiece as spm
    except ImportError:
        return None
    runs = [m.group() for t in texts for m in HAN_RUN.finditer(t)]
    if sum(len(r) for r in runs) < 2000:
        return None
    model = io.BytesIO()
    size = min(vocab_size, max(200, len(set("".join(runs))) + 100))
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(runs), model_writer=model, vocab_size=size, model_type="unigram",
            character_coverage=1.0, num_threads=1, max_sentencepiece_length=6,
            split_by_whitespace=True, add_dummy_prefix=False, minloglevel=2, seed_sentencepiece_size=200000,
            hard_vocab_limit=False)  # one thread: the same model every run
    except RuntimeError:
        return None
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())

    def segment(run: str) -> list[str]:
        return [p.replace("\u2581", "") for p in processor.encode(run, out_type=str) if p != "\u2581"]

    return segment
