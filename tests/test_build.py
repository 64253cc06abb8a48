"""The committed assets are exactly what the code builds now from corpus/."""

from pathlib import Path

from click.testing import CliRunner

from zhtm.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_committed_assets_are_reproduced_byte_for_byte(tmp_path):
    result = CliRunner().invoke(main, ["build", str(ROOT / "corpus"), "--tmx-dir", str(tmp_path / "tmx"),
                                       "--termbase-dir", str(tmp_path / "termbase"), "-q"])
    assert result.exit_code == 0, result.output
    expected = {"tmx": ["beijing-gwr-2024.zh-en.tmx"],
                "termbase": ["beijing-gwr-2024.tbx", "beijing-gwr-2024.utf8"]}
    for folder, names in expected.items():
        built = sorted(p.name for p in (tmp_path / folder).iterdir())
        committed = sorted(p.name for p in (ROOT / folder).iterdir())
        assert built == committed == names
        for name in names:
            assert (tmp_path / folder / name).read_bytes() == (ROOT / folder / name).read_bytes(), \
                f"{folder}/{name} is stale: run `python3 -m zhtm build corpus` and commit the result"
