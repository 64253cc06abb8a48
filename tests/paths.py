"""Where tests find the project and the shared material (read-only; tests write to tmp_path)."""

import os
import subprocess
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent                       # the checkout


def _shared() -> Path:
    """../shared (corpus, eval, schemas; never copied in), else $ZHTM_SHARED, else the
    ../shared of the checkout this one was cloned from (`git clone . /tmp/x` for a clean run)."""
    here = ROOT.parent / "shared"
    if here.is_dir():
        return here
    if os.environ.get("ZHTM_SHARED"):
        return Path(os.environ["ZHTM_SHARED"])
    try:
        origin = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin and Path(origin).is_dir() and (Path(origin).resolve().parent / "shared").is_dir():
        return Path(origin).resolve().parent / "shared"
    return here


SHARED = _shared()
BEIJING = ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"
MAC = SHARED / "corpus" / "mac-dev"
NATIONAL = SHARED / "corpus" / "gwr-national"
SCHEMAS = SHARED / "schemas"
GOLDEN_DIR = TESTS / "golden"
JAVA_DIR = TESTS / "java"
