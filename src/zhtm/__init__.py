"""zhtm: Chinese→English translation memory and terminology toolkit.

The package is layered by capability; imports point down only (a test checks it):

    cli, web              the user interfaces (click; the browser workbench)
    build                 the main job: corpus → tmx/, termbase/, TM store
    tm                    TM store, exact fuzzy index, match / concordance / pretranslate
    terms                 term candidates, their English, the glossary job, term check
    align                 sentence aligner, lexicon, alignment pipeline, evaluation
    formats               TMX, TBX, OmegaT glossaries, exports, safe XML
    text                  segmentation, normalisation, files and layouts, anchors
    errors, records, atomic, paths
                          the base every layer uses (paths: the checks on every file)

The entry points below are importable from ``zhtm`` itself (loaded on first use, so the
command line does not pay for what it does not run).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_PUBLIC = {
    "ZhtmError": "errors", "InputError": "errors", "UsageError": "errors",
    "Bead": "records", "Unit": "records", "TermEntry": "records",
    "split_zh": "text.segment", "split_en": "text.segment", "normalize": "text.normalize",
    "read_document": "text.layouts",
    "read_tmx": "formats.tmx", "write_tmx": "formats.tmx", "TmxHeader": "formats.tmx",
    "read_tbx": "formats.tbx", "write_tbx": "formats.tbx", "TbxHeader": "formats.tbx",
    "read_glossary": "formats.glossary_tsv", "write_glossary": "formats.glossary_tsv",
    "AlignSettings": "align.aligner", "align_blocks": "align.aligner",
    "align_document": "align.pipeline", "Alignment": "align.pipeline",
    "parse_links": "formats.links", "score_alignment": "align.evaluate", "micro_average": "align.evaluate",
    "extract_terms": "terms.extract", "build_termbase": "terms.extract", "TermOptions": "terms.extract",
    "load_units": "terms.extract",
    "check_terms": "terms.check",
    "Store": "tm.store", "Matcher": "tm.matching", "pretranslate": "tm.pretranslate",
    "FuzzyIndex": "tm.fuzzy", "similarity": "tm.scoring",
    "align_to_file": "build", "build_corpus": "build",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'zhtm' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
