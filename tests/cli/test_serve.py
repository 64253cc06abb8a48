"""`zhtm serve`: refuses unsafe options, serves the workbench, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from tests.paths import ROOT
from zhtm.cli.main import main


def test_a_reachable_host_needs_a_token(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "s.db"), "--host", "0.0.0.0",
                                       str(tmp_path)], env={"ZHTM_TOKEN": ""})
    assert result.exit_code == 2
    assert "--host 0.0.0.0 lets other machines connect" in result.output
    assert not (tmp_path / "s.db").exists()


def test_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    runner = CliRunner()
    two = runner.invoke(main, ["serve", str(tmp_path / "a"), str(tmp_path / "b")])
    assert two.exit_code == 2 and "at most one project folder" in two.output
    short = runner.invoke(main, ["serve", "--token", "abc", str(tmp_path / "a")])
    assert short.exit_code == 2 and "at least 8 characters" in short.output


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("my notes\n")
    result = CliRunner().invoke(main, ["serve", "--db", str(notes), str(tmp_path)])
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert "not a zhtm store" in result.output and notes.read_text() == "my notes\n"


def test_serve_answers_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ZHTM_TOKEN": ""}
    proc = subprocess.Popen([sys.executable, "-m", "zhtm", "serve", "--db", str(tmp_path / "s.db"),
                             "--port", "0", str(tmp_path)], stderr=subprocess.PIPE, text=True,
                            env=env, cwd=tmp_path)
    try:
        line = proc.stderr.readline()
        while "zhtm workbench: http://" not in line:
            assert line, "the server ended before printing its URL"
            line = proc.stderr.readline()
        url = line.split("zhtm workbench: ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "api/files", timeout=10) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "zhtm" in response.read().decode()
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in rest and "zhtm workbench stopped" in rest


def test_help_has_an_example() -> None:
    out = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "Example:" in out and "ZHTM_DB" in out and "ZHTM_TOKEN" in out
    assert "serve" in CliRunner().invoke(main, ["--help"]).output


def test_a_missing_project_or_file_gets_the_usual_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "s.db"),
                                       str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'nowhere'}: no such file\n"
    assert not (tmp_path / "s.db").exists()


def test_a_store_on_a_read_only_share_is_searched_and_changes_are_refused(tmp_path: Path) -> None:
    """The workbench's lookups open the store read-only: a TM in a folder this user cannot
    write is searched; a review change says "read-only" and the store is unchanged."""
    import http.client
    import json
    import urllib.parse

    from tests.hostile_env import read_only, zhtm_command
    from zhtm.tm.store import Store

    share = tmp_path / "share"
    share.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    tmx = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
    (project / "b.tmx").write_bytes(tmx.read_bytes())
    with Store.open(share / "tm.db", create=True) as store:
        store.import_tmx([tmx])
    before = (share / "tm.db").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ZHTM_TOKEN": ""}
    with read_only(share / "tm.db", share):
        proc = subprocess.Popen(zhtm_command("serve", "--db", str(share / "tm.db"), "--port", "0",
                                             str(project)),
                                stderr=subprocess.PIPE, text=True, env=env, cwd=project)
        try:
            line = proc.stderr.readline()
            while "zhtm workbench: http://" not in line:
                assert line, "the server ended before printing its URL"
                line = proc.stderr.readline()
            port = urllib.parse.urlparse(line.split("zhtm workbench: ", 1)[1].split()[0]).port
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/api/match?" + urllib.parse.urlencode({"q": "各位代表:"}))
            response = conn.getresponse()
            found = json.loads(response.read())
            assert response.status == 200 and found["matches"][0]["score"] == 100
            conn.request("GET", "/api/session")
            token = json.loads(conn.getresponse().read())["token"]
            conn.request("POST", "/api/align/open", json.dumps({"path": "b.tmx"}),
                         {"Content-Type": "application/json", "X-Zhtm-Token": token})
            response = conn.getresponse()
            refused = json.loads(response.read())
            assert response.status == 400 and "read-only" in refused["error"], refused
            conn.close()
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    assert (share / "tm.db").read_bytes() == before
    assert sorted(p.name for p in share.iterdir()) == ["tm.db"]
