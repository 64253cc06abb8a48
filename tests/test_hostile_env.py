"""The hostile-surroundings helpers skip a test only off CI: under CI (env CI set) a test that
cannot set up its full disk or its permissions fails, so CI never passes without running it."""

from __future__ import annotations

import pytest

from tests.hostile_env import cannot, full_disk


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("1", pytest.fail.Exception),
                                         ("", pytest.skip.Exception), ("false", pytest.skip.Exception)])
def test_a_setup_that_cannot_be_made_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="cannot mount"):
        cannot("cannot mount a tmpfs here")


def test_a_full_disk_that_cannot_be_mounted_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PATH", str(tmp_path))  # no mount(8) to be found
    with pytest.raises(pytest.fail.Exception, match="CI must run this test"):
        with full_disk(tmp_path / "full"):
            pass
