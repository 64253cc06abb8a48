"""Where tests find the project and the shared material (read-only; tests write to tmp_path)."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent                       # the checkout
SHARED = ROOT.parent / "shared"           # ../shared: corpus, eval, schemas (never copied in)
BEIJING = ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"
MAC = SHARED / "corpus" / "mac-dev"
NATIONAL = SHARED / "corpus" / "gwr-national"
SCHEMAS = SHARED / "schemas"
GOLDEN_DIR = TESTS / "golden"
JAVA_DIR = TESTS / "java"
