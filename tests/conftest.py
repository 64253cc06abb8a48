"""Shared pytest setup: import zhtm from src/, and ``--update-golden`` for golden files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.guard import changes, checkout_state, tree_state
from tests.paths import GOLDEN_DIR, ROOT, SHARED

if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite golden files under tests/golden/ instead of comparing "
                          "(review the diff before committing).")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not SHARED.is_dir():  # else a dozen tests fail or skip, each for this one reason
        pytest.exit(f"the shared material (corpus, eval, schemas) is not at {SHARED}: put the "
                    "checkout beside it or set ZHTM_SHARED=DIR", returncode=2)


@pytest.fixture(scope="session", autouse=True)
def checkout_untouched():
    """Fails the run when anything in the checkout changed while the tests ran: a test that
    writes outside its tmp_path (say ./zhtm.db, the user's store) is a bug."""
    before = checkout_state(ROOT)
    shared = tree_state(SHARED) if SHARED.is_dir() else {}
    yield
    changed = changes(shared, tree_state(SHARED) if SHARED.is_dir() else {})
    if before is not None:  # else not a git checkout: nothing to compare with
        changed += changes(before, checkout_state(ROOT) or {})
    if changed:
        pytest.fail("the test run changed the checkout or ../shared (tests may write only to "
                    "their tmp_path):\n  " + "\n  ".join(changed[:50]), pytrace=False)


@pytest.fixture(autouse=True)
def _no_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's $ZHTM_DB must never be the store a test writes to."""
    monkeypatch.delenv("ZHTM_DB", raising=False)


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("zhtm-cache")


@pytest.fixture(autouse=True)
def _cache_in_tmp(monkeypatch: pytest.MonkeyPatch, _session_cache: Path) -> None:
    """zhtm's derived-data cache (CC-CEDICT's compact form) goes to a folder of this test run,
    never to the user's ~/.cache; subprocesses inherit it."""
    monkeypatch.setenv("ZHTM_CACHE_DIR", str(_session_cache))


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(name, data: bytes)``: compare ``data`` with ``tests/golden/<name>`` byte for
    byte, or rewrite the file when pytest runs with ``--update-golden``."""
    update = request.config.getoption("--update-golden")

    def check(name: str, data: bytes) -> None:
        path = GOLDEN_DIR / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing: run pytest --update-golden")
        assert data == path.read_bytes(), (
            f"output differs from {path}; if the change is intended, "
            "run pytest --update-golden and review the diff")

    return check


# --- OmegaT (optional): tests using it are skipped when `omegat` is not on PATH ----------------

OMEGAT_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat><project version="1.0">
<source_dir>__DEFAULT__</source_dir><target_dir>__DEFAULT__</target_dir>
<tm_dir>__DEFAULT__</tm_dir><glossary_dir>__DEFAULT__</glossary_dir>
<glossary_file>__DEFAULT__</glossary_file><dictionary_dir>__DEFAULT__</dictionary_dir>
<source_lang>zh-CN</source_lang><target_lang>en-US</target_lang>
<sentence_seg>true</sentence_seg>
</project></omegat>
"""


class OmegaT:
    """Runs the installed OmegaT headless on a minimal zh-CN -> en-US project."""

    jar = Path("/usr/share/omegat/OmegaT.jar")  # where Debian's package puts it

    def __init__(self, exe: str) -> None:
        self.exe = exe

    def project(self, root: Path, sources: dict[str, str]) -> Path:
        """A project under ``root`` whose source/ holds ``sources`` (name -> UTF-8 text)."""
        for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat", "cfg"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "omegat.project").write_text(OMEGAT_PROJECT, encoding="utf-8")
        for name, text in sources.items():
            (root / "source" / name).write_text(text, encoding="utf-8")
        return root

    def run(self, project: Path, mode: str, *args: str) -> subprocess.CompletedProcess[str]:
        """OmegaT exits 0 even when a TMX failed to load: check its outputs, not the code."""
        cmd = [self.exe, str(project), f"--mode={mode}", f"--config-dir={project / 'cfg'}",
               "--quiet", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="session")
def omegat() -> OmegaT:
    """Skips when OmegaT is missing, except under CI (env ``CI`` set): there it must run."""
    import os

    exe = shutil.which("omegat")
    if exe is None:
        message = "OmegaT is not installed (scripts/test installs it: apt-get install omegat)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message + "; CI must run the OmegaT tests")
        pytest.skip(message)
    return OmegaT(exe)
