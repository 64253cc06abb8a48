"""The workbench's JSON API and its guards, without a browser (Starlette's TestClient)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.paths import SCHEMAS
from tests.web.conftest import BEIJING_TMX, client_for, make_app
from zhtm.cli.main import main
from zhtm.errors import UsageError
from zhtm.formats.tmx import read_tmx
from zhtm.tm.store import Store
from zhtm.web.settings import ServeSettings

TMX = "tmx/beijing-gwr-2024.zh-en.tmx"
TBX = "termbase/beijing-gwr-2024.tbx"


@pytest.fixture
def db(tmp_path: Path, project: Path) -> Path:
    path = tmp_path / "store.db"
    with Store.open(path, create=True) as store:
        store.import_tmx([project / TMX])
    return path


@pytest.fixture
def client(project: Path, db: Path):
    with client_for(make_app(project, db)) as c:
        c.headers["X-Zhtm-Token"] = c.get("/api/session").json()["token"]
        yield c


def opened(client) -> int:
    response = client.post("/api/align/open", json={"path": TMX})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def beads(client, doc: int, **params) -> list[dict]:
    return client.get(f"/api/align/{doc}/beads", params={"limit": 1000, **params}).json()["beads"]


# --------------------------------------------------------------------------- alignment

def test_alignment_review_over_the_api(client):
    doc = opened(client)
    info = client.get(f"/api/align/{doc}").json()
    assert info["summary"]["beads"] == 351 and info["zh_sentences"] == 355
    b = beads(client, doc)
    r = client.post(f"/api/align/{doc}/beads/{b[0]['id']}/status",
                    json={"rev": b[0]["rev"], "status": "confirmed", "client": "a"})
    assert r.status_code == 200 and r.json()["changed"][0]["status"] == "confirmed"
    r = client.post(f"/api/align/{doc}/beads/{b[1]['id']}/merge",
                    json={"rev": b[1]["rev"], "other": b[2]["id"], "other_rev": b[2]["rev"], "client": "a"})
    merged = r.json()["changed"][0]
    assert merged["zh"] == b[1]["zh"] + b[2]["zh"] and r.json()["removed"] == [b[2]["id"]]
    r = client.post(f"/api/align/{doc}/beads/{merged['id']}/split",
                    json={"rev": merged["rev"], "zh_at": 1, "en_at": 1, "client": "a"})
    assert [c["kind"] for c in r.json()["changed"]] == ["1-1", "1-1"]
    r = client.post(f"/api/align/{doc}/undo", json={"client": "a"})
    assert r.json()["changed"][0]["kind"] == "2-2"
    path = client.get(f"/api/align/{doc}/path").json()
    assert len(path["beads"]) == 350 and path["beads"][0][6] == "reviewed"
    weakest = beads(client, doc, order="weakest", limit=5)
    where = client.get(f"/api/align/{doc}/locate/{weakest[0]['id']}").json()
    assert where["index"] == weakest[0]["position"]


def test_a_tmx_opens_with_its_first_page_and_export_reads_the_rest(client, project):
    r = client.post("/api/align/open", json={"path": TMX, "first": 30})
    assert r.status_code == 200 and r.json()["complete"] is False
    doc = r.json()["id"]
    assert r.json()["summary"]["beads"] == 30 and len(beads(client, doc)) == 30
    b = beads(client, doc)
    client.post(f"/api/align/{doc}/beads/{b[2]['id']}/status",
                json={"rev": b[2]["rev"], "status": "confirmed"})
    out = client.post(f"/api/align/{doc}/export", json={})  # reads the rest first
    assert out.status_code == 200 and (out.json()["written"], out.json()["reviewed"]) == (351, 1)
    info = client.get(f"/api/align/{doc}").json()
    assert info["complete"] is True and info["summary"]["beads"] == 351
    loaded = client.post(f"/api/align/{doc}/load", json={})  # nothing left: the same review
    assert loaded.json()["summary"] == info["summary"]


def test_a_bilingual_text_is_aligned_on_the_spot_as_zhtm_align_aligns_it(client, project, tmp_path):
    from tests.paths import SHARED

    lines = (SHARED / "corpus" / "beijing-2024" / "beijing-gwr-2024.zh-en.txt").read_text(
        "utf-8").splitlines(keepends=True)[:48]
    (project / "report.txt").write_text("".join(lines), encoding="utf-8")
    aligned = tmp_path / "aligned.tmx"
    cli = CliRunner().invoke(main, ["align", str(project / "report.txt"), "-o", str(aligned)])
    assert cli.exit_code == 0, cli.output
    want = [(u.seg("zh"), u.seg("en")) for u in read_tmx(aligned)]
    r = client.post("/api/align/open", json={"path": "report.txt"})
    assert r.status_code == 200, r.text
    doc = r.json()["id"]
    b = beads(client, doc)
    assert len(want) > 15 and sum(1 for x in b if x["zh"] and x["en"]) == len(want)
    client.post(f"/api/align/{doc}/beads/{b[1]['id']}/status",
                json={"rev": b[1]["rev"], "status": "confirmed"})
    out = client.post(f"/api/align/{doc}/export", json={"path": "report.reviewed.tmx",
                                                         "update_store": False})
    assert out.status_code == 200, out.text
    tus = list(read_tmx(project / "report.reviewed.tmx"))
    assert [(t.seg("zh"), t.seg("en")) for t in tus] == want  # the same TUs, one reviewed
    assert [t.prop("x-zhtm-reviewed") for t in tus].count("confirmed") == 1
    assert client.post("/api/align/open", json={"path": "report.txt"}).json()["id"] == doc


def test_a_change_on_a_stale_view_is_refused_with_a_message(client, project, db):
    doc = opened(client)
    with client_for(make_app(project, db)) as other:  # a second server on the same store
        other.headers["X-Zhtm-Token"] = other.get("/api/session").json()["token"]
        seen = beads(other, doc)[:2]
        b = beads(client, doc)[:2]
        client.post(f"/api/align/{doc}/beads/{b[1]['id']}/status",
                    json={"rev": b[1]["rev"], "status": "rejected", "client": "a"})
        # the other browser sees it on reload ...
        assert beads(other, doc)[1]["status"] == "rejected"
        # ... and its merge made on the old view is refused
        r = other.post(f"/api/align/{doc}/beads/{seen[0]['id']}/merge", json={
            "rev": seen[0]["rev"], "other": seen[1]["id"], "other_rev": seen[1]["rev"], "client": "b"})
        assert r.status_code == 409
        assert "changed meanwhile" in r.json()["error"] and "nothing was changed" in r.json()["error"]
    assert len(beads(client, doc)) == 351


def test_a_write_while_the_store_is_locked_gets_503(client, db):
    doc = opened(client)
    b = beads(client, doc)[0]
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        r = client.post(f"/api/align/{doc}/beads/{b['id']}/status",
                        json={"rev": b["rev"], "status": "confirmed"})
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert r.status_code == 503 and "nothing was changed" in r.json()["error"]


def test_export_writes_a_valid_tmx_and_updates_the_store(client, project, db):
    from lxml import etree

    doc = opened(client)
    b = beads(client, doc)
    client.post(f"/api/align/{doc}/beads/{b[0]['id']}/status", json={"rev": b[0]["rev"], "status": "confirmed"})
    client.post(f"/api/align/{doc}/beads/{b[5]['id']}/merge",
                json={"rev": b[5]["rev"], "other": b[6]["id"], "other_rev": b[6]["rev"]})
    client.post(f"/api/align/{doc}/beads/{b[9]['id']}/status", json={"rev": b[9]["rev"], "status": "rejected"})
    r = client.post(f"/api/align/{doc}/export", json={})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["path"] == "tmx/beijing-gwr-2024.zh-en.reviewed.tmx"
    assert (out["written"], out["reviewed"], out["rejected"]) == (349, 2, 1)
    written = project / out["path"]
    dtd = etree.DTD(str(SCHEMAS / "tmx" / "tmx14.dtd"))
    assert dtd.validate(etree.parse(str(written), etree.XMLParser(resolve_entities=False, no_network=True))), \
        dtd.error_log
    tus = list(read_tmx(written))
    assert len(tus) == 349 and tus[0].prop("x-zhtm-reviewed") == "confirmed"
    assert tus[5].seg("zh") == "".join(b[5]["zh"] + b[6]["zh"])
    assert out["store"] == {"replaced_sources": 1, "removed_units": 3, "new_units": 1, "units": 347}
    # the store serves the merged pair, not the rejected one
    merged_zh = "".join(b[5]["zh"] + b[6]["zh"])
    top = client.get("/api/match", params={"q": merged_zh, "min": 100}).json()["matches"]
    assert top and top[0]["zh"] == merged_zh and top[0]["origins"][0]["file"] == str(written)
    rejected_zh = "".join(b[9]["zh"])
    assert client.get("/api/match", params={"q": rejected_zh, "min": 100}).json()["matches"] == []
    # exporting again replaces the earlier export, nothing piles up
    again = client.post(f"/api/align/{doc}/export", json={}).json()
    assert again["store"]["units"] == 347 and again["store"]["replaced_sources"] == 1


# --------------------------------------------------------------------------- glossary

def test_glossary_review_over_the_api(client, project):
    r = client.post("/api/glossary/open", json={"path": TBX})
    doc = r.json()["id"]
    entries = client.get(f"/api/glossary/{doc}/entries", params={"limit": 5}).json()["entries"]
    e = entries[0]
    r = client.post(f"/api/glossary/{doc}/entries/{e['id']}/edit",
                    json={"rev": e["rev"], "en": "Three Hills & Five Gardens"})
    assert r.json()["changed"][0]["en"] == "Three Hills & Five Gardens"
    client.post(f"/api/glossary/{doc}/entries/{entries[1]['id']}/status",
                json={"rev": entries[1]["rev"], "status": "rejected"})
    found = client.get(f"/api/glossary/{doc}/entries", params={"q": "hills &"}).json()
    assert found["total"] == 1 and found["entries"][0]["status"] == "accepted"
    r = client.post(f"/api/glossary/{doc}/save", json={"path": "termbase/mine.tbx"})
    assert r.status_code == 200 and r.json()["written"] == 199
    assert (project / "termbase" / "mine.tbx").exists()


# --------------------------------------------------------------------------- TM search

@pytest.mark.parametrize("query, args", [
    ("推动京津冀协同发展取得新进展。", ["--min", "50"]),
    ("各位代表:", ["-k", "3"]),
    ("深化城市更新行动。", ["--min", "0", "-k", "7"]),
    # two clauses of two different TUs: where the store has clause units, fragments too
    ("推动京津冀协同发展取得新进展，深化城市更新行动。", ["--min", "40"]),
    ("推动京津冀协同发展取得新进展，深化城市更新行动。", ["--min", "40", "--fragment-min", "50"]),
    ("推动京津冀协同发展取得新进展，深化城市更新行动。", ["--min", "40", "--no-fragments", ""]),
])
def test_match_returns_exactly_what_the_cli_prints(client, db, project, query, args):
    """The same store and query through `zhtm match --json` and `GET /api/match` (options
    given as pairs: a flag without a value has "")."""
    cli = CliRunner().invoke(main, ["match", "--db", str(db), "--json", *filter(None, args),
                                    query, "--termbase", str(project / TBX)])
    assert cli.exit_code == 0, cli.output
    params = {"q": query, "termbase": TBX}
    for flag, value in zip(args[::2], args[1::2]):
        if flag == "--no-fragments":
            params["fragments"] = "false"
        else:
            params[{"--min": "min", "-k": "k", "--fragment-min": "fragment_min"}[flag]] = value
    api = client.get("/api/match", params=params)
    assert api.json() == json.loads(cli.output)
    assert api.json()["matches"], "the comparison must compare some matches"
    if "，" in query:  # two clauses, each found as a clause unit of another TU
        assert len(api.json()["fragments"]) == (0 if "--no-fragments" in args else 2)


def test_concordance_returns_exactly_what_the_cli_prints(client, db):
    for args, params in [(["京津冀"], {"q": "京津冀"}),
                         (["--en", "Beijing-Tianjin-Hebei", "-n", "3"],
                          {"q": "Beijing-Tianjin-Hebei", "en": "true", "limit": 3})]:
        cli = CliRunner().invoke(main, ["concord", "--db", str(db), "--json", *args])
        assert client.get("/api/concord", params=params).json() == json.loads(cli.output)


def test_a_bad_query_is_a_400_with_the_cli_message(client):
    r = client.get("/api/match", params={"q": "   "})
    assert r.status_code == 400 and r.json()["error"] == "<query>: empty query"


# --------------------------------------------------------------------------- security

def test_pages_forbid_inline_script_and_framing(client):
    for path in ["/", "/align/1", "/glossary/1", "/search", "/api"]:
        r = client.get(path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and r.headers["x-content-type-options"] == "nosniff"
        html = r.text
        assert all(re.search(r'\bsrc="/static/', tag) for tag in re.findall(r"<script[^>]*>", html))
        assert not re.search(r"\son[a-z]+=", html), "no inline event handler"


def test_no_cors_and_writes_need_post_json_and_the_token(client):
    doc = opened(client)
    b = beads(client, doc)[0]
    url = f"/api/align/{doc}/beads/{b['id']}/status"
    body = {"rev": b["rev"], "status": "confirmed"}
    token = client.headers.pop("X-Zhtm-Token")
    evil = {"Origin": "http://evil.example"}
    r = client.get("/api/align", headers=evil)
    assert "access-control-allow-origin" not in r.headers
    assert client.options(url, headers={**evil, "Access-Control-Request-Method": "POST"}).status_code == 405
    assert client.post(url, json=body).status_code == 403                       # no token
    assert client.post(url, json=body, headers={"X-Zhtm-Token": "guess"}).status_code == 403
    assert client.post(url, json=body, headers={"X-Zhtm-Token": token, **evil}).status_code == 403
    form = client.post(url, data={"rev": "0", "status": "confirmed"}, headers={"X-Zhtm-Token": token})
    assert form.status_code == 415
    assert client.put(url, json=body, headers={"X-Zhtm-Token": token}).status_code == 405
    assert beads(client, doc)[0]["status"] == "pending"
    assert client.post(url, json=body, headers={"X-Zhtm-Token": token}).status_code == 200


def test_without_a_token_only_this_machine_is_answered(project, db):
    with client_for(make_app(project, db), host="192.168.1.20") as c:
        assert c.get("/").status_code == 401
    with client_for(make_app(project, db)) as c:
        rebound = c.get("/api/session", headers={"Host": "evil.example:8750"})
        assert rebound.status_code == 403 and "token" not in rebound.json()


def test_with_a_token_every_request_needs_it(project, db):
    secret = "s3cret-token-for-tests"
    with client_for(make_app(project, db, token=secret, host="0.0.0.0"), host="10.1.2.3") as c:
        for path in ["/", "/search", "/api/files", "/static/common.js", "/openapi.json"]:
            r = c.get(path)
            assert r.status_code == 401, path
            assert "access token" in r.text
        assert c.get("/api/files", headers={"X-Zhtm-Token": "wrong-token"}).status_code == 401
        assert c.get("/api/files", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        # the printed URL: ?token= sets an HttpOnly cookie and is stripped by a redirect
        r = c.get(f"/search?token={secret}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/search"
        assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
        assert c.get("/search").status_code == 200  # with the cookie
        # a write also needs the token in its header (the cookie alone is not enough)
        r = c.post("/api/align/open", json={"path": TMX})
        assert r.status_code == 403
        r = c.post("/api/align/open", json={"path": TMX}, headers={"X-Zhtm-Token": secret})
        assert r.status_code == 200


def test_a_reachable_host_without_a_token_is_refused(project, db):
    with pytest.raises(UsageError, match="--token"):
        ServeSettings(db=db, project=project, host="0.0.0.0").check()
    with pytest.raises(UsageError, match="at least 8"):
        ServeSettings(db=db, project=project, host="0.0.0.0", token="short").check()


def test_only_files_under_the_project_can_be_opened(client, project, tmp_path):
    outside = tmp_path / "outside.tmx"
    outside.write_bytes(BEIJING_TMX.read_bytes())
    os.symlink(outside, project / "link.tmx")
    os.symlink(tmp_path, project / "up")
    for path in ["../outside.tmx", str(outside), "link.tmx", "up/outside.tmx", "tmx/../../outside.tmx"]:
        r = client.post("/api/align/open", json={"path": path})
        assert r.status_code == 403, (path, r.text)
    assert client.post("/api/align/open", json={"path": "tmx/none.tmx"}).status_code == 404
    assert client.get("/api/match", params={"q": "各位代表:", "termbase": "../x.tbx"}).status_code == 403
    assert {f["path"] for f in client.get("/api/files").json()} == {TMX, TBX}


def test_a_file_named_on_the_command_line_can_be_opened(project, db, tmp_path):
    named = tmp_path / "elsewhere.tmx"
    named.write_bytes(BEIJING_TMX.read_bytes())
    with client_for(make_app(project, db, files=(named,))) as c:
        c.headers["X-Zhtm-Token"] = c.get("/api/session").json()["token"]
        listed = {f["path"] for f in c.get("/api/files").json()}
        assert str(named.resolve()) in listed
        r = c.post("/api/align/open", json={"path": str(named.resolve())})
        assert r.status_code == 200
        export = c.post(f"/api/align/{r.json()['id']}/export", json={"update_store": False})
        assert export.json()["path"] == "elsewhere.reviewed.tmx"  # into the project folder
        assert (project / "elsewhere.reviewed.tmx").exists()


def test_outputs_never_replace_inputs_or_foreign_files(client, project, db, tmp_path):
    doc = opened(client)
    (project / "notes.tmx").write_text("<tmx version='1.4'><header creationtool='Trados'/></tmx>")
    os.symlink(tmp_path / "target.tmx", project / "sneaky.tmx")
    cases = {TMX: "is the same file as the input", "notes.tmx": "not written by zhtm",
             "sneaky.tmx": "symlink", "../x.tmx": "'..'", "out.txt": ".tmx file",
             "missing/x.tmx": "missing: no such folder (create it first)"}
    for path, message in cases.items():
        r = client.post(f"/api/align/{doc}/export", json={"path": path})
        assert r.status_code in (400, 403, 404) and message in r.json()["error"], (path, r.text)
    assert not (tmp_path / "target.tmx").exists()
    assert "Trados" in (project / "notes.tmx").read_text()
    # a TMX zhtm wrote may be replaced
    assert client.post(f"/api/align/{doc}/export", json={"path": "mine.tmx"}).status_code == 200
    assert client.post(f"/api/align/{doc}/export", json={"path": "mine.tmx"}).status_code == 200


def test_the_api_is_described(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in ["/api/match", "/api/concord", "/api/align/open", "/api/align/{doc}/beads",
                 "/api/align/{doc}/beads/{bead}/merge", "/api/align/{doc}/export",
                 "/api/glossary/{doc}/entries/{entry}/edit", "/api/glossary/{doc}/save"]:
        assert path in paths
    page = client.get("/api").text
    for path in paths:
        assert path in page


# --------------------------------------------------------------------------- errors and paging

@pytest.mark.parametrize("params,field", [
    ({"offset": -5}, "offset"), ({"offset": "abc"}, "offset"), ({"limit": 0}, "limit"),
    ({"limit": 5000}, "limit"), ({"offset": 10**13}, "offset"),
])
def test_paging_parameters_out_of_range_are_refused_not_clamped(client, project, params, field):
    """offset=-5 used to answer 200 with "offset": -5 (the library clamped the SQL only)."""
    doc = opened(client)
    glossary = client.post("/api/glossary/open", json={"path": TBX}).json()["id"]
    for url in (f"/api/align/{doc}/beads", f"/api/glossary/{glossary}/entries"):
        response = client.get(url, params=params)
        assert response.status_code == 422, response.text
        assert list(response.json()) == ["error"]
        assert response.json()["error"].startswith(f"{field}: ")
        assert "\n" not in response.json()["error"]


def test_a_page_past_the_end_is_empty_and_says_its_offset(client):
    doc = opened(client)
    page = client.get(f"/api/align/{doc}/beads", params={"offset": 100000, "limit": 2}).json()
    assert (page["offset"], page["beads"], page["total"]) == (100000, [], 351)
    page = client.get(f"/api/align/{doc}/beads", params={"offset": 350, "limit": 1000}).json()
    assert (page["offset"], len(page["beads"])) == (350, 1)


def test_every_error_is_one_line_under_error(client):
    """422 used to be FastAPI's {"detail": [...]}, 404/405 {"detail": "..."}, a huge id a 500."""
    doc = opened(client)
    cases = [
        (client.get("/api/nope"), 404),
        (client.get("/api/match", params={"q": "推进", "k": 0}), 422),
        (client.get("/api/match", params={"q": ""}), 400),
        (client.get(f"/api/align/{doc}/beads", params={"order": "sideways"}), 422),
        (client.get("/api/align/99999999999999999999999"), 422),
        (client.get("/api/align/99999/beads"), 404),
        (client.post("/api/align/open", json={"path": 5}), 422),
        (client.post("/api/align/open", content=b"{bad", headers={"Content-Type": "application/json"}), 422),
        (client.post(f"/api/align/{doc}/beads/1/status", json={"rev": 0, "status": "x"}), 422),
        (client.post(f"/api/align/{doc}/beads/{2**70}/status",
                     json={"rev": 0, "status": "confirmed"}), 422),
        (client.put("/api/session"), 405),
        # a POST-only path asked with GET was taken for a review id ("open") and gave 422
        (client.get("/api/align/open"), 405),
        (client.get("/api/glossary/open"), 405),
        (client.get(f"/api/align/{doc}/export"), 405),
        (client.get("/api/align/one"), 404),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.url, response.text)
        if status == 405:
            assert response.request.method not in response.headers["allow"], response.headers
        body = response.json()
        assert list(body) == ["error"], body
        assert body["error"] and "\n" not in body["error"], body


def test_a_file_that_is_not_a_glossary_is_refused_naming_its_line(client, project):
    """The glossary review opened any TSV ("hello<TAB>world" became a one-entry glossary)."""
    (project / "notes.tsv").write_text("hello\tworld\n", encoding="utf-8")
    response = client.post("/api/glossary/open", json={"path": "notes.tsv"})
    assert response.status_code == 400, response.text
    assert response.json() == {"error": f"{project / 'notes.tsv'}:1: the first column holds no Chinese "
                                        "('hello'), not a glossary row (expected Chinese, English, comment)"}
