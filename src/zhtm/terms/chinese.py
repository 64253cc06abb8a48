"""Chinese term candidates: recurring policy phrases, ranked by termhood.

Signals (each can be switched off to measure what it contributes, see `ZhSignals`):
- quoted “…” spans (slogans such as “五子” or “三城一区” are quoted and appear nowhere else);
- closed strings: a string is dropped when a valid extension (one more character that does
  not put a policy verb or a function character at the edge) occurs exactly as often;
- accessor variety at both edges (how many different characters precede / follow it);
- no policy verb (建设 发展 推进 提升 …) or function character at an edge;
- word-boundary agreement: how often both edges fall on word boundaries of a segmenter
  (jieba when installed, else a sentencepiece model trained on the document itself);
- specificity: a single everyday word (by the segmenter's general-language frequency) is not
  a glossary term.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df]+")
QUOTED = re.compile(r"[“\"]([^“”\"\n]{1,24})[”\"]")
MAX_LEN = 14
# A string is absorbed by an extension that accounts for this share of its occurrences
# (1.0 = the classic closed-string rule; 0.75 also drops 高质量 in favour of 高质量发展).
CLOSURE = 0.75
# A candidate found mostly inside longer candidates (科学城 in 怀柔科学城, 未来科学城 …) is a
# head or a fragment of those terms rather than a glossary entry of its own.
NESTED_SHARE = 0.6
NESTED_FACTOR = 0.5
# Bonus of a quoted span (a slogan quoted once ranks with an unquoted term seen about 4 times).
QUOTE_BONUS = 0.5
MIN_LEN = 2
EXTEND = 4  # characters an absorbing extension may add to reach a word boundary

# Policy verbs and adverbs that begin (or end) a clause, never a term.
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
# Characters that cannot begin / end a term.
BAD_START = set("的和与及等在了是为对把将并而从向由于到也都所这该各每有无不其之或被让使给跟同就还又再更很最已以后")
BAD_END = set("的和与及等在了是为对把将并而从向由于到也所这该各每或被让使给跟同就还又再更很最已着过")


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
    score: float = 0.0


_POLICY_VERB_SET = frozenset(POLICY_VERBS)
_VERB_START = re.compile("^(?:" + "|".join(map(re.escape, POLICY_VERBS)) + ")")
_VERB_END = re.compile("(?:" + "|".join(map(re.escape, POLICY_VERBS)) + ")$")


def bad_edge(text: str) -> bool:
    """A policy verb or a function character at an edge (a verb may end a longer noun phrase)."""
    if text[0] in BAD_START or text[-1] in BAD_END or _VERB_START.match(text):
        return True
    m = _VERB_END.search(text)
    while m is not None:  # the alternation is longest-first; any verb leaving < 2 chars counts
        if m.start() < 2:
            return True
        m = _VERB_END.search(text, m.start() + 1)
    return False


Segmenter = Callable[[str], list[str]]


def _boundaries(run: str, segment: Segmenter | None) -> set[int]:
    if segment is None:
        return set(range(len(run) + 1))
    out = {0}
    pos = 0
    for word in segment(run):
        pos += len(word)
        out.add(pos)
    return out


def find_candidates(texts: Sequence[str], *, segment: Segmenter | None = None,
                    word_frequency: Callable[[str], float] | None = None,
                    signals: ZhSignals = ZhSignals(), min_frequency: int = 2) -> list[ZhCandidate]:
    """Candidates from the Chinese side of the units, scored and sorted best first.

    `segment` splits a run of Han characters into words (boundary agreement); `word_frequency`
    gives a word's relative frequency in general Chinese (specificity), 0 when unknown.
    """
    runs: list[tuple[int, str]] = [(i, m.group()) for i, text in enumerate(texts)
                                   for m in HAN_RUN.finditer(text)]
    counts: Counter[str] = Counter()
    for _, run in runs:
        n = len(run)
        for i in range(n):
            for j in range(i + MIN_LEN, min(n, i + MAX_LEN) + 1):
                counts[run[i:j]] += 1
    quoted: Counter[str] = Counter()
    if signals.quotes:
        for text in texts:
            for m in QUOTED.finditer(text):
                span = m.group(1).strip()
                if HAN_RUN.fullmatch(span) and MIN_LEN <= len(span) <= MAX_LEN:
                    quoted[span] += 1
    keep = {s for s, f in counts.items() if f >= min_frequency} | set(quoted)
    left: dict[str, Counter] = defaultdict(Counter)
    right: dict[str, Counter] = defaultdict(Counter)
    agree: Counter[str] = Counter()
    units: dict[str, list[int]] = defaultdict(list)
    edge = 0  # each run edge counts as a distinct neighbour
    for unit, run in runs:
        n = len(run)
        bounds = _boundaries(run, segment if signals.boundaries else None)
        for i in range(n):
            for j in range(i + MIN_LEN, min(n, i + MAX_LEN) + 1):
                s = run[i:j]
                if s not in keep:
                    continue
                edge += 1
                left[s][run[i - 1] if i > 0 else f"^{edge}"] += 1
                right[s][run[j] if j < n else f"${edge}"] += 1
                if i in bounds and j in bounds:
                    agree[s] += 1
                if not units[s] or units[s][-1] != unit:
                    units[s].append(unit)
    out = []
    for s in sorted(keep):
        f = counts[s]
        if signals.verb_edges and bad_edge(s):
            continue
        if signals.closed and f >= 2 and not quoted[s] and _absorbed(s, f, left, right, signals,
                                                                    agree, counts, segment):
            continue
        cand = ZhCandidate(s, f, units[s], quoted[s], len(left[s]), len(right[s]),
                           agree[s] / f if f else 0.0)
        cand.score = _score(cand, signals, word_frequency)
        if cand.score > 0:
            out.append(cand)
    if signals.nested:
        _demote_nested(out)
    out.sort(key=lambda c: (-c.score, -c.frequency, c.text))
    return out


def _demote_nested(cands: list[ZhCandidate]) -> None:
    """Halve the score of a candidate whose occurrences are mostly inside two or more longer
    candidates (a shared head: 科学城 in 怀柔科学城, 未来科学城, 中关村科学城), counting only
    the longest containing ones so that nothing is counted twice."""
    by_text = {c.text: c for c in cands}
    inside: dict[str, list[str]] = defaultdict(list)
    for c in cands:
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
              segment: Segmenter | None = None) -> bool:
    """True when an extension occurs (nearly) as often (s is not closed).

    The usual neighbour is added one character at a time (up to EXTEND characters) until the
    longer string is a valid term: no policy verb or function character at the edge and, with
    word boundaries, no word cut. 在京国家实验室: 京国家实验室 cuts 在京 and 在京国家实验室
    starts on 在, so 国家实验室 stays; 高质量发 cuts 发展 and 高质量发展 absorbs 高质量;
    习近平同志为核心 is absorbed by 习近平同志为核心的党中央 through 的."""
    words = signals.boundaries and segment is not None and agree is not None and counts
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
            if signals.verb_edges and bad_edge(longer):
                if side == "l" and _VERB_START.match(longer) or side == "r" and \
                        _VERB_END.search(longer) and not longer[-1] in BAD_END:
                    break  # a policy verb outside the term: 推进美丽乡村
                continue  # a function character: go on to the next word (的 → 的党中央)
            if signals.word_closure and words and counts[longer] \
                    and agree[longer] < 0.5 * counts[longer]:
                continue  # a cut word: take the rest of it
            added = longer[:len(longer) - len(s)] if side == "l" else longer[len(s):]
            if signals.word_closure and side == "r" and added in _POLICY_VERB_SET and len(s) >= 4:
                break  # 美丽乡村 + 建设: the activity, not a longer term (高质量 + 发展 still is)
            return True
    return False


def _score(c: ZhCandidate, signals: ZhSignals, word_frequency: Callable[[str], float] | None) -> float:
    score = math.log2(1 + c.frequency)
    if signals.variety and c.frequency >= 2:
        variety = min(c.left_variety, c.right_variety)
        if signals.boundaries and c.boundary_agreement >= 1.0:
            variety += 1  # 在京国家实验室 twice: the same neighbour, but a word of its own
        score *= math.sqrt(min(1.0, variety / 3))
    if signals.boundaries:
        score *= c.boundary_agreement if not c.quoted else 1.0
    if c.quoted:
        score += QUOTE_BONUS + math.log2(1 + c.quoted)
    if len(c.text) == 2:
        score *= 0.35
    if signals.verb_edges and not c.quoted and _VERB_END.search(c.text):
        score *= 0.5  # 城市建设 "urban development": usually an activity, not a term
    if signals.generic and not c.quoted and (c.text.startswith(GENERIC_START)
                                                or c.text.endswith(GENERIC_END)):
        score *= GENERIC_FACTOR
    if signals.specificity and word_frequency is not None and not c.quoted:
        wf = word_frequency(c.text)
        if wf > 2e-5:
            score *= 0.2
        elif wf > 2e-6:
            score *= 0.6
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
            hard_vocab_limit=False, random_seed=1)
    except RuntimeError:
        return None
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())

    def segment(run: str) -> list[str]:
        return [p.replace("\u2581", "") for p in processor.encode(run, out_type=str) if p != "\u2581"]

    return segment
