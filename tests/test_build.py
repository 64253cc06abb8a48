"""The committed assets are exactly what the code builds now from corpus/."""


from click.testing import CliRunner

from zhtm.cli.main import main

from tests.paths import ROOT


def test_committed_assets_are_reproduced_byte_for_byte(tmp_path):
    result = CliRunner().invoke(main, ["build", str(ROOT / "corpus"), "--tmx-dir", str(tmp_path / "tmx"),
                                       "--termbase-dir", str(tmp_path / "termbase"),
                                       "--db", str(tmp_path / "tm.db")])
    assert result.exit_code == 0, result.output
    # The main job ends with a lookup in the store it just built.
    assert f"{tmp_path / 'tm.db'}: 349 units from 1 TMX file(s)" in result.output
    assert "  89%  [一→二]是深入落实首都城市战略定位,京津冀协同发展[不断→持续]走深走实。\n" \
           "        First, leveraging Beijing’s strategic status as the capital of China" in result.output
    assert list(tmp_path.glob(".tm.db*")) == []
    assert sorted(p.name for p in tmp_path.glob("tm.db*")) == ["tm.db"]  # no -wal, -shm left
    assert "        ! numbers differ: query 二; match 一\n" in result.output  # 二是 vs 一是
    expected = {"tmx": ["beijing-gwr-2024.zh-en.tmx"],
                "termbase": ["beijing-gwr-2024.tbx", "beijing-gwr-2024.utf8"]}
    for folder, names in expected.items():
        built = sorted(p.name for p in (tmp_path / folder).iterdir())
        committed = sorted(p.name for p in (ROOT / folder).iterdir())
        assert built == committed == names
        for name in names:
            assert (tmp_path / folder / name).read_bytes() == (ROOT / folder / name).read_bytes(), \
                f"{folder}/{name} is stale: run `python3 -m zhtm build corpus` and commit the result"
