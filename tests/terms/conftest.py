"""One extraction of the Beijing glossary per test process, shared by the modules that read it
(each extraction of the report costs seconds; the suite has a time budget)."""

import pytest

from zhtm.terms.extract import extract_terms, load_units

from tests.paths import BEIJING


@pytest.fixture(scope="session")
def beijing_extraction():
    """(units, notes, entries) of the Beijing report with the default options; read only."""
    units, notes = load_units([BEIJING])
    return units, notes, extract_terms(units, notes=notes)
