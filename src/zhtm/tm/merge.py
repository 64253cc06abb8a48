"""Merging index segments piece by piece (the store's tiers; never all postings in memory)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

from .postings import ARRAYS, sorted_unique


def merge(sources: Sequence, write: Callable[[str, np.ndarray], None], *,
          batch: int = 1 << 21, text_batch: int = 1 << 15) -> None:
    """Merge index segments without holding their postings or texts at once.

    `sources` give ``array(name)`` (ids, lens, boffsets, keys, ptrs: a few bytes per entry
    or key) and ``read(name, start, stop)`` (ranges of postings, bytes of text); `write`
    receives each output array in order, in pieces (one name after another, a name's pieces
    in order). Entries are renumbered in (length, id) order; each source's old-to-new map is
    increasing, so a posting list stays sorted once mapped and the lists of one key from
    all sources only need merging, a batch of keys at a time.
    """
    ids = [np.asarray(src.array("ids"), np.int64) for src in sources]
    lens = [np.asarray(src.array("lens"), np.int64) for src in sources]
    boff = [np.asarray(src.array("boffsets"), np.int64) for src in sources]
    all_lens = np.concatenate(lens)
    all_ids = np.concatenate(ids)
    order = np.lexsort((all_ids, all_lens))
    n = len(order)
    # sources built from consecutive runs of the (length, id) order (an import's chunks):
    # each key's merged list is its lists one after another, placed without sorting
    concatenated = bool(np.array_equal(order, np.arange(n)))
    if n >= 2**32:  # pragma: no cover
        raise ValueError("too many entries for one index segment")
    newpos_all = np.empty(n, np.uint32)
    newpos_all[order] = np.arange(n, dtype=np.uint32)
    bases = np.concatenate([[0], np.cumsum([len(x) for x in ids])])
    newpos = [newpos_all[bases[i]:bases[i + 1]] for i in range(len(sources))]
    write("ids", all_ids[order])
    write("lens", all_lens[order].astype(np.int32))
    del all_ids, all_lens
    sizes = np.concatenate([np.diff(b) for b in boff])[order]
    out_boff = np.zeros(n + 1, np.int64)
    np.cumsum(sizes, out=out_boff[1:])
    del sizes, order, newpos_all
    write("boffsets", out_boff)
    for c0 in range(0, n, text_batch):
        c1 = min(n, c0 + text_batch)
        out = np.empty(int(out_boff[c1] - out_boff[c0]), np.uint8)
        for src, mapped, bo in zip(sources, newpos, boff):
            e0, e1 = np.searchsorted(mapped, np.array((c0, c1), np.uint32)).tolist()
            if e1 == e0:
                continue
            raw = np.asarray(src.read("text", int(bo[e0]), int(bo[e1])), np.uint8)
            length = np.diff(bo[e0:e1 + 1])
            shift = (out_boff[mapped[e0:e1]] - out_boff[c0]) - (bo[e0:e1] - bo[e0])
            out[np.repeat(shift, length) + np.arange(len(raw))] = raw
        write("text", out)
    del out_boff
    for keys_name, ptr_name, post_name in (("bg_keys", "bg_ptr", "bg_post"),
                                           ("ch_keys", "ch_ptr", "ch_post")):
        keys = [np.asarray(src.array(keys_name)) for src in sources]
        ptrs = [np.asarray(src.array(ptr_name), np.int64) for src in sources]
        # sort-based: numpy 2's hash-based np.unique took 15 s CPU on the 7 million
        # bigram keys of ten 100,000-entry segments, sorting takes 0.2 s
        union = sorted_unique(np.concatenate(keys))[0].astype(ARRAYS[keys_name])
        where = [np.searchsorted(union, k) for k in keys]
        counts = np.zeros(len(union), np.int64)
        for w, ptr in zip(where, ptrs):
            counts[w] += np.diff(ptr)
        out_ptr = np.zeros(len(union) + 1, np.int64)
        np.cumsum(counts, out=out_ptr[1:])
        write(keys_name, union)
        write(ptr_name, out_ptr)
        u0 = 0
        while u0 < len(union):
            u1 = int(np.searchsorted(out_ptr, out_ptr[u0] + batch, "right")) - 1
            u1 = min(len(union), max(u1, u0 + 1))
            if concatenated:
                write(post_name, _placed(sources, newpos, where, ptrs, post_name, out_ptr, u0, u1))
                u0 = u1
                continue
            pieces = []
            for src, mapped, w, ptr in zip(sources, newpos, where, ptrs):
                a, b = np.searchsorted(w, (u0, u1)).tolist()
                if b == a or ptr[a] == ptr[b]:
                    continue
                values = np.asarray(src.read(post_name, int(ptr[a]), int(ptr[b])))
                rel = np.repeat((w[a:b] - u0).astype(np.uint64), np.diff(ptr[a:b + 1]))
                pieces.append((rel << np.uint64(32)) | mapped[values].astype(np.uint64))
            if pieces:
                merged_keys = np.sort(np.concatenate(pieces))
                write(post_name, (merged_keys & np.uint64(0xFFFFFFFF)).astype(np.uint32))
            u0 = u1


def _placed(sources: Sequence, newpos: list[np.ndarray], where: list[np.ndarray],
            ptrs: list[np.ndarray], post_name: str, out_ptr: np.ndarray, u0: int, u1: int
            ) -> np.ndarray:
    """The merged postings of keys [u0, u1) when every entry of a source comes before every
    entry of the next: each source's list of a key goes after the earlier sources' lists."""
    out = np.empty(int(out_ptr[u1] - out_ptr[u0]), np.uint32)
    fill = out_ptr[u0:u1] - out_ptr[u0]  # where the next list of each key goes
    for src, mapped, w, ptr in zip(sources, newpos, where, ptrs):
        a, b = np.searchsorted(w, (u0, u1)).tolist()
        if b == a or ptr[a] == ptr[b]:
            continue
        values = np.asarray(src.read(post_name, int(ptr[a]), int(ptr[b])))
        counts = np.diff(ptr[a:b + 1])
        rel = w[a:b] - u0
        shift = fill[rel] - (ptr[a:b] - ptr[a])
        out[np.repeat(shift, counts) + np.arange(len(values))] = mapped[values]
        fill[rel] += counts
    return out


class SpooledSegment:
    """A freshly built index segment parked in a temporary file until it is merged (an
    import's chunks): the same ``array``/``read`` a stored segment gives `merge`, without
    writing the chunk into the store and freeing its pages again. The file is unnamed
    (``tempfile.TemporaryFile``), so nothing is left behind whatever happens."""

    def __init__(self, arrays: dict[str, np.ndarray], text: bytes | bytearray, spool) -> None:
        self.fd = spool.fileno()
        self.where: dict[str, tuple[int, int]] = {}  # name -> (offset, bytes)
        end = os.lseek(self.fd, 0, os.SEEK_END)
        for name, data in [*((n, arrays[n]) for n in ARRAYS), ("text", text)]:
            view = memoryview(np.ascontiguousarray(data)).cast("B")
            self.where[name] = (end, len(view))
            done = 0
            while done < len(view):
                done += os.pwrite(self.fd, view[done:], end + done)
            end += len(view)

    def _bytes(self, name: str, lo: int, hi: int) -> bytes:
        offset, size = self.where[name]
        hi = min(hi, size)
        out = bytearray(max(hi - lo, 0))
        done = 0
        while done < len(out):
            piece = os.pread(self.fd, len(out) - done, offset + lo + done)
            if not piece:  # pragma: no cover - the file cannot shrink under us
                raise OSError("index spool file truncated")
            out[done:done + len(piece)] = piece
            done += len(piece)
        return out

    def array(self, name: str) -> np.ndarray:
        return np.frombuffer(self._bytes(name, 0, self.where[name][1]), ARRAYS[name])

    def read(self, name: str, start: int, stop: int) -> np.ndarray:
        dtype = np.uint8 if name == "text" else np.dtype(ARRAYS[name])
        item = np.dtype(dtype).itemsize
        return np.frombuffer(self._bytes(name, start * item, stop * item), dtype)
