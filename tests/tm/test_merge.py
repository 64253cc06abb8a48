"""Merging index segments: chunks cut from the (length, id) order (an import's) merge by
placing each key's lists one after another, and give what one build gives."""

import random

import numpy as np

from zhtm.tm import merge as merge_module
from zhtm.tm.fuzzy import FuzzyIndex
from zhtm.tm.postings import ARRAYS


def merged(parts, **batches):
    pieces: dict = {}
    merge_module.merge(parts, lambda name, data: pieces.setdefault(name, []).append(
        np.asarray(data)), **batches)
    return pieces


def test_chunks_of_the_length_order_merge_without_sorting_into_one_build(monkeypatch):
    rng = random.Random(3)
    alphabet = "中国人民发展京津冀协同𠮷ab"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
             for _ in range(3000)] + ["", "a", "a"]
    ids = rng.sample(range(1, 10**6), len(texts))
    whole = FuzzyIndex.build(ids, texts)
    order = np.lexsort((ids, [len(t) for t in texts]))
    placed = []
    real = merge_module._placed
    monkeypatch.setattr(merge_module, "_placed", lambda *a: placed.append(1) or real(*a))
    for bounds in ((0, 1000, 1001, 2600, len(texts)), (0, len(texts) - 1, len(texts))):
        parts = [FuzzyIndex.build([ids[i] for i in order[a:b]], [texts[i] for i in order[a:b]])
                 for a, b in zip(bounds, bounds[1:])]
        for batch in ({"batch": 300, "text_batch": 97}, {}):   # many small batches, and one
            placed.clear()
            pieces = merged(parts, **batch)
            assert placed
            for name in ARRAYS:
                assert np.array_equal(np.concatenate(pieces[name]), whole.arrays[name]), name
            assert np.concatenate(pieces["text"]).tobytes() == whole.text
    # chunks in id order overlap in length: merged by sorting, to the same index
    parts = [FuzzyIndex.build(ids[a:b], texts[a:b]) for a, b in ((0, 1500), (1500, len(ids)))]
    placed.clear()
    pieces = merged(parts, batch=300)
    assert not placed
    assert all(np.array_equal(np.concatenate(pieces[n]), whole.arrays[n]) for n in ARRAYS)


def test_chunks_parked_in_a_temporary_file_read_back_as_built(tmp_path):
    rng = random.Random(4)
    texts = ["".join(rng.choice("中国人民发展京津冀𠮷a") for _ in range(rng.randint(0, 25)))
             for _ in range(700)]
    ids = list(range(1, 701))
    order = np.lexsort((ids, [len(t) for t in texts]))
    parts = [FuzzyIndex.build([ids[i] for i in order[a:b]], [texts[i] for i in order[a:b]])
             for a, b in ((0, 300), (300, 700))]
    with open(tmp_path / "spool", "w+b") as spool:
        spooled = [merge_module.SpooledSegment(p.arrays, p.text, spool) for p in parts]
        for part, back in zip(parts, spooled):
            for name in ARRAYS:
                assert np.array_equal(back.array(name), part.arrays[name]), name
                assert np.array_equal(back.read(name, 3, 40), part.arrays[name][3:40]), name
            assert back.read("text", 5, 90).tobytes() == part.text[5:90]
        pieces = merged(spooled, batch=200, text_batch=50)
    whole = FuzzyIndex.build(ids, texts)
    assert all(np.array_equal(np.concatenate(pieces[n]), whole.arrays[n]) for n in ARRAYS)
    assert np.concatenate(pieces["text"]).tobytes() == whole.text


def test_an_import_in_chunks_leaves_no_file_beside_the_store(tmp_path, monkeypatch):
    from zhtm.tm import segments
    from zhtm.tm.store import Store

    monkeypatch.setattr(segments, "BUILD_CHUNK", 37)
    folder = tmp_path / "store"
    folder.mkdir()
    with Store.open(folder / "tm.db", create=True) as store:
        store.add_pairs([(f"第{i}次会议审议通过了{i % 7}项决定", f"Decision {i}.")
                         for i in range(300)])
        assert store.stats().segments == 1 and store.stats().indexed == 300
    assert sorted(p.name for p in folder.iterdir()) == ["tm.db"]
