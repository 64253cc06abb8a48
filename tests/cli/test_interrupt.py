"""Ctrl-C during `align --jobs 2`: the terminal sends SIGINT to the whole process group, so
the worker processes got it too and each printed a KeyboardInterrupt traceback (while still
importing, or while waiting for work). After: the parent says it stopped, the workers print
nothing, and no output is half-written."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.paths import NATIONAL, ROOT


def _workers(pid: int) -> list[int]:
    """The pool's worker processes among pid's children (not the resource tracker)."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(int(child))
    return found


def _ignores_sigint(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


def test_ctrl_c_during_a_batch_with_workers_is_quiet_and_leaves_no_part_file(tmp_path):
    docs = []
    for year in (2016, 2017, 2018, 2019):
        doc = tmp_path / f"gwr-{year}.zh-en.txt"
        doc.write_bytes((NATIONAL / f"gwr-{year}.zh-en.txt").read_bytes())
        docs.append(doc)
    out = tmp_path / "tmx"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "zhtm", "align", *map(str, docs), "-o", str(out),
                             "--jobs", "2", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True,
                            # as from a terminal (a background job inherits SIGINT ignored)
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while len(_workers(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the batch ended before the workers were seen"
        workers = _workers(proc.pid)
        # born ignoring it (so not even their start-up can be interrupted): the parent stops them
        assert all(_ignores_sigint(pid) for pid in workers), workers
        while _ignores_sigint(proc.pid) and proc.poll() is None:  # the parent, while starting them
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C on a terminal does
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert proc.returncode == 1, err
    assert [line for line in err.splitlines() if line.strip()] == [
        "Error: interrupted (Ctrl-C): nothing was left half-written"], err
    assert all(p.suffix == ".tmx" for p in out.iterdir()), list(out.iterdir())


def test_ctrl_c_in_a_single_process_command_is_one_error_line(tmp_path):
    """Any command interrupted in the main process (an import, a match over stdin) ends with
    the same one `Error:` line and exit 1 as every other stop; click used to print "Aborted!"."""
    import click
    from click.testing import CliRunner

    from zhtm.cli.common import friendly_errors

    started = tmp_path / "started"

    @click.command()
    @friendly_errors
    def slow() -> None:
        started.write_text("yes")
        raise KeyboardInterrupt  # what Ctrl-C raises inside a long step

    result = CliRunner().invoke(slow, [])
    assert started.read_text() == "yes"
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: interrupted (Ctrl-C): nothing was left half-written"]
