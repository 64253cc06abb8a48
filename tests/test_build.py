"""The committed assets are exactly what the code builds now from corpus/."""

from pathlib import Path

from click.testing import CliRunner

from zhtm.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_committed_tmx_is_reproduced_byte_for_byte(tmp_path):
    result = CliRunner().invoke(main, ["build", str(ROOT / "corpus"), "--tmx-dir", str(tmp_path / "tmx"), "-q"])
    assert result.exit_code == 0, result.output
    built = sorted(p.name for p in (tmp_path / "tmx").iterdir())
    committed = sorted(p.name for p in (ROOT / "tmx").glob("*.tmx"))
    assert built == committed == ["beijing-gwr-2024.zh-en.tmx"]
    for name in built:
        assert (tmp_path / "tmx" / name).read_bytes() == (ROOT / "tmx" / name).read_bytes(), \
            f"tmx/{name} is stale: run `python3 -m zhtm build corpus` and commit the result"
