"""The SQLite TM store: identity, import from other tools, dedupe, provenance, atomicity,
incremental indexing, concurrent readers, one writer."""

import sqlite3
import threading
from pathlib import Path

import pytest

from zhtm.errors import InputError
from zhtm.text.normalize import normalize
from zhtm.tm.fuzzy import search_segments
from zhtm.tm.scoring import brute_force
from zhtm.tm.store import Store, StoreBusyError

OMEGAT = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          creationtoolversion="3.6.0_10" segtype="sentence" srclang="zh-CN"/>
  <body>
    <tu>
      <tuv lang="ZH-CN">
        <seg>推进京津冀协同发展。</seg>
      </tuv>
      <tuv lang="EN-US" changeid="ann" changedate="20240102T080000Z" creationid="ann" creationdate="20240101T080000Z">
        <seg>Promote the coordinated development of Beijing-Tianjin-Hebei.</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="ZH-CN"><seg>新增就业<ph x="1">&lt;b&gt;</ph>2315万人<ph x="2">&lt;/b&gt;</ph>。</seg></tuv>
      <tuv lang="EN-US"><seg>23.15 million <bpt i="1">&lt;i&gt;</bpt>new jobs<ept i="1">&lt;/i&gt;</ept>.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

TRADOS = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="SDL" creationtoolversion="1" segtype="sentence" o-tmf="x"
          adminlang="en" srclang="zh-Hans" datatype="xml"/>
  <body>
    <tu tuid="42" creationdate="20230505T000000Z">
      <prop type="x-Project">GWR</prop>
      <note>checked by reviewer</note>
      <tuv xml:lang="zh-Hans"><seg>推进京津冀协同发展。</seg></tuv>
      <tuv xml:lang="en-GB"><seg>Promote the coordinated development of Beijing-Tianjin-Hebei.</seg></tuv>
      <tuv xml:lang="de-DE"><seg>Koordinierte Entwicklung fördern.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="zh-TW"><seg>  深化改革開放。 </seg></tuv>
      <tuv xml:lang="en-US"><seg>Deepen reform and opening up.</seg></tuv>
      <tuv xml:lang="en-GB"><seg>Deepen reform and opening-up.</seg></tuv>
    </tu>
    <tu><tuv xml:lang="zh-CN"><seg>只有中文。</seg></tuv></tu>
  </body>
</tmx>
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_imports_omegat_and_trados_with_dedupe_and_provenance(tmp_path):
    db = tmp_path / "tm.db"
    a = write(tmp_path, "project_save.tmx", OMEGAT)
    b = write(tmp_path, "trados.tmx", TRADOS)
    with Store.open(db, create=True) as store:
        report = store.import_tmx([a, b])
        assert [(f.tus, f.pairs, f.new_units, f.skipped) for f in report.files] == \
            [(2, 2, 2, 0), (3, 3, 2, 1)]
        assert report.units == 4
        units = store.units([1, 2, 3, 4])
    first = units[1]
    assert first.zh == "推进京津冀协同发展。" and first.count == 2
    assert first.date == "20240102T080000Z"            # the newest date is kept
    assert [Path(o.source).name for o in first.origins] == ["project_save.tmx", "trados.tmx"]
    trados = first.origins[1]
    assert trados.tuid == "42" and ("x-Project", "GWR") in trados.props
    assert trados.notes == ("checked by reviewer",)
    assert units[2].zh == "新增就业2315万人。"            # inline codes are not text
    assert units[2].en == "23.15 million new jobs."
    assert {units[3].en, units[4].en} == {"Deepen reform and opening up.",
                                         "Deepen reform and opening-up."}
    assert units[3].zh == "深化改革開放。"               # trimmed like OmegaT trims


def test_reimporting_the_same_file_is_skipped(tmp_path):
    db = tmp_path / "tm.db"
    a = write(tmp_path, "a.tmx", OMEGAT)
    with Store.open(db, create=True) as store:
        store.import_tmx([a])
        report = store.import_tmx([a])
    assert report.files[0].already_imported and report.units == 2


@pytest.mark.parametrize("bad, message", [
    ("this is not xml at all", "a.tmx"),
    (OMEGAT[: len(OMEGAT) // 2], "a.tmx"),
    ('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     '<tmx version="1.4"><header srclang="zh-CN"/><body><tu><tuv xml:lang="zh"><seg>&x;</seg>'
     '</tuv></tu></body></tmx>', "a.tmx"),
])
def test_a_bad_file_imports_nothing(tmp_path, bad, message):
    db = tmp_path / "tm.db"
    good = write(tmp_path, "good.tmx", TRADOS)
    with Store.open(db, create=True) as store:
        store.import_tmx([good])
    before = rows(db, "SELECT id, count FROM units ORDER BY id")
    segments = rows(db, "SELECT id FROM index_segments")
    bad_file = write(tmp_path, "a.tmx", bad)
    again = write(tmp_path, "again.tmx", OMEGAT)
    with Store.open(db) as store:
        with pytest.raises(InputError) as err:
            store.import_tmx([again, bad_file])
    assert message in str(err.value)
    assert rows(db, "SELECT id, count FROM units ORDER BY id") == before
    assert rows(db, "SELECT id FROM index_segments") == segments
    assert rows(db, "SELECT count(*) FROM sources") == [(1,)]


@pytest.mark.parametrize("content", [b"hello, I am a text file\n", b"SQLite format 3\x00" + b"\x00" * 100])
def test_a_file_that_is_not_a_store_is_refused_untouched(tmp_path, content):
    db = tmp_path / "notes.db"
    db.write_bytes(content)
    with pytest.raises(InputError, match="not a zhtm store"):
        Store.open(db, create=True)
    assert db.read_bytes() == content


def test_an_sqlite_database_of_another_application_is_refused(tmp_path):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t(x)")
    with pytest.raises(InputError, match="not a zhtm store"):
        Store.open(db)


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="none.db: no such file"):
        Store.open(tmp_path / "none.db")


def test_second_writer_fails_at_once_and_readers_see_a_snapshot(tmp_path):
    db = tmp_path / "tm.db"
    with Store.open(db, create=True) as store:
        store.add_pairs([("推进京津冀协同发展。", "Promote it.")])
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")                  # an import in progress
    writer.execute("UPDATE units SET en='half-way' WHERE id=1")
    with Store.open(db) as store:
        with pytest.raises(StoreBusyError, match="another import"):
            store.add_pairs([("新句子。", "New.")])
        assert store.units([1])[1].en == "Promote it."      # committed state only
        assert len(store.load_index()[0]) == 1
    writer.execute("ROLLBACK")
    writer.close()


def test_two_imports_in_threads_one_wins_one_fails_cleanly(tmp_path):
    db = tmp_path / "tm.db"
    with Store.open(db, create=True):
        pass
    big = ['<?xml version="1.0"?><tmx version="1.4"><header srclang="zh-CN"/><body>']
    big += [f'<tu><tuv xml:lang="zh-CN"><seg>第{i}个句子。</seg></tuv>'
            f'<tuv xml:lang="en"><seg>Sentence {i}.</seg></tuv></tu>' for i in range(20000)]
    big.append("</body></tmx>")
    files = [write(tmp_path, f"{n}.tmx", "".join(big).replace("句子", n)) for n in ("甲", "乙")]
    outcome: list[object] = []

    def run(path):
        try:
            with Store.open(db) as store:
                outcome.append(store.import_tmx([path]).files[0].new_units)
        except StoreBusyError as exc:
            outcome.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    units = rows(db, "SELECT count(*) FROM units")[0][0]
    # Either they happened to run one after the other, or the second failed and left nothing.
    assert units == sum(o for o in outcome if isinstance(o, int))
    assert all(isinstance(o, (int, StoreBusyError)) for o in outcome)


def test_incremental_import_adds_segments_and_merges(tmp_path):
    db = tmp_path / "tm.db"
    pairs = [(f"第{i}次会议审议通过了{i % 7}项决定。", f"Decision {i}.") for i in range(400)]
    with Store.open(db, create=True) as store:
        store.add_pairs(pairs[:300])
        store.add_pairs(pairs[300:320])                # small: a second segment
        assert store.stats().segments == 2
        store.add_pairs(pairs[320:])                   # 80 >= 20/2: merges with the small one
        segments = store.load_index()
        assert sorted(len(s) for s in segments) == [100, 300]
        texts = [normalize(z) for z, _ in pairs]
        for q in ("第17次会议审议通过了3项决定。", "第399次会议通过决定。"):
            assert search_segments(segments, q, 5, 50) == \
                brute_force(range(1, 401), texts, q, 5, 50)


def test_large_imports_are_indexed_in_chunks_and_merged(tmp_path, monkeypatch):
    import zhtm.tm.segments as store_module

    monkeypatch.setattr(store_module, "BUILD_CHUNK", 37)   # 400 units: 11 chunks, one merge
    db = tmp_path / "tm.db"
    pairs = [(f"第{i}次会议审议通过了{i % 7}项决定{'。' * (i % 5)}", f"Decision {i}.")
             for i in range(400)] + [("𠮷野家的饭", "Yoshinoya"), ("Ｂ", "b")]
    texts = [normalize(z) for z, _ in pairs]
    with Store.open(db, create=True) as store:
        store.add_pairs(pairs[:300])
        assert store.stats().segments == 1
        store.add_pairs(pairs[300:])                   # 102 >= 300/2? no: a second segment
        assert store.stats().segments == 2
        assert rows(db, "SELECT value FROM meta WHERE key='schema'") == [("5",)]
    with Store.open(db) as store:
        segments = store.load_index()
        assert sorted(len(s) for s in segments) == [102, 300]
        whole = sorted(int(i) for s in segments for i in s.ids)
        assert whole == list(range(1, 403))
        assert {int(s.ids[i]): s.entry_text(i) for s in segments for i in range(len(s))} == \
            dict(zip(range(1, 403), texts))
        for q in ("第17次会议审议通过了3项决定。", "第399次会议通过决定。", "𠮷野家", "b"):
            for t in (0, 50, 70, 100):
                assert search_segments(segments, q, 5, t) == \
                    brute_force(range(1, 403), texts, q, 5, t)


def test_a_schema_1_store_still_loads(tmp_path):
    """Schema 1 kept character offsets (and two arrays no longer used): still answered."""
    import numpy as np

    db = tmp_path / "tm.db"
    pairs = [(f"第{i}号文件要求推进𠮷协同发展。", f"Document {i}.") for i in range(50)]
    with Store.open(db, create=True) as store:
        store.add_pairs(pairs, clauses=False)
    with sqlite3.connect(db) as conn:  # as schema 1 kept it: no clause units, no segment kinds
        conn.execute("DROP TABLE unit_clauses")
        conn.execute("DROP TABLE clauses")
        conn.execute("ALTER TABLE index_segments DROP COLUMN kind")
        seg = conn.execute("SELECT id FROM index_segments").fetchone()[0]
        lens = np.frombuffer(conn.execute("SELECT data FROM index_arrays WHERE segment_id=? AND "
                                          "name='lens'", (seg,)).fetchone()[0], "<i4")
        offsets = np.concatenate([[0], np.cumsum(lens)]).astype("<i8")
        conn.execute("DELETE FROM index_arrays WHERE name='boffsets'")
        conn.execute("INSERT INTO index_arrays VALUES (?, 'offsets', 0, ?)", (seg, offsets.tobytes()))
        conn.execute("INSERT INTO index_arrays VALUES (?, 'ch_cnt', 0, x'')", (seg,))
        conn.execute("UPDATE meta SET value='1' WHERE key='schema'")
    texts = [normalize(z) for z, _ in pairs]
    with Store.open(db) as store:
        segments = store.load_index()
        q = "第7号文件要求推进𠮷协同发展。"
        assert search_segments(segments, q, 5, 70) == brute_force(range(1, 51), texts, q, 5, 70)
        store.add_pairs([("新的句子。", "New.")] * 1 + [(f"第{i}号。", "x") for i in range(60)])
        segments = store.load_index()                  # merged with the old segment
        assert len(segments) == 1 and len(segments[0]) == 111
        assert search_segments(segments, q, 5, 70) == brute_force(range(1, 51), texts, q, 5, 70)
