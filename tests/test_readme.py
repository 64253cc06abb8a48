"""The README's quick start works on stock Debian/Ubuntu Python (issue 10, case 16), where pip
refuses to install outside a virtual environment ("externally-managed-environment")."""

from __future__ import annotations

import re
import shlex

from tests.paths import ROOT


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quick_start_installs_into_a_virtual_environment_in_one_line():
    main_job, tests = quick_start_commands()
    assert "\n" not in main_job and tests == "bash scripts/test"
    steps = [step.strip() for step in main_job.split("&&")]
    assert steps == ["bash scripts/venv", ". .venv/bin/activate", "pip install .",
                     "zhtm build corpus"]
    venv = (ROOT / "scripts" / "venv").read_text(encoding="utf-8")
    assert "python3 -m venv" in venv and "apt-get install -y -qq python3-venv" in venv
    for step in steps:
        shlex.split(step)  # each is a plain command a shell runs as written


def test_ci_runs_the_readme_test_command():
    """CI runs exactly what the README tells a user to run, so the quick start is tested."""
    _, tests = quick_start_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == f"exec {tests}"
    assert all(c.startswith(("set ", "cd ")) for c in commands[:-1]), commands
