"""The workbench in a real browser (headless Chromium): what a reviewer does with the keyboard
and the mouse, what survives a reload, what the exported files hold, and that text from a
TM or a glossary can never run as code. Each page is photographed into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.paths import SCHEMAS
from tests.web.conftest import BEIJING_TMX, LiveServer, make_app
from zhtm.formats.tbx import read_tbx, write_tbx
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import TermEntry, Unit
from zhtm.tm.store import Store

TMX = "tmx/beijing-gwr-2024.zh-en.tmx"
TBX = "termbase/beijing-gwr-2024.tbx"


def wait(driver, condition, timeout: float = 30):
    """Until `condition(driver)` is true; elements re-rendered meanwhile are looked up again."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(
        StaleElementReferenceException, NoSuchElementException, IndexError)).until(condition)


def ready(driver) -> None:
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "1")


def keys(driver, *typed: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    for key in typed:
        ActionChains(driver).send_keys(key).perform()


def shot(driver, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    assert driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000  # a real picture, not an empty page
    return path


def assert_no_dialog(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - raises when no alert is open


def bead_rows(driver) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#beads .bead")


def test_review_an_alignment_with_the_keyboard_reload_and_export(project, tmp_path, browser):
    from lxml import etree
    from selenium.webdriver.common.by import By

    db = tmp_path / "store.db"
    with Store.open(db, create=True) as store:
        store.import_tmx([project / TMX])
    with LiveServer(make_app(project, db)) as server:
        browser.get(f"{server.url}/")
        shot(browser, tmp_path, "home")
        browser.find_element(By.LINK_TEXT, "Review alignment").click()
        ready(browser)
        assert browser.current_url.rstrip("/").split("/")[-2:] == ["align", "1"]
        shot(browser, tmp_path, "align")
        rows = bead_rows(browser)
        assert len(rows) == 200 and "REPORT ON THE WORK OF THE GOVERNMENT" in rows[0].text
        second_zh = rows[1].find_element(By.CSS_SELECTOR, ".zh").text
        third_zh = rows[2].find_element(By.CSS_SELECTOR, ".zh").text
        kinds = [[int(n) for n in r.find_element(By.CSS_SELECTOR, ".kind").text.split("-")]
                 for r in rows[1:3]]
        merged_kind = f"{kinds[0][0] + kinds[1][0]}-{kinds[0][1] + kinds[1][1]}"

        keys(browser, "c")  # confirm the first bead
        wait(browser, lambda d: "st-confirmed" in bead_rows(d)[0].get_attribute("class"))
        keys(browser, "j", "m")  # to the second bead, merge it with the third
        wait(browser, lambda d: len(bead_rows(d)) == 200 and
             bead_rows(d)[1].find_element(By.CSS_SELECTOR, ".kind").text == merged_kind)

        browser.refresh()
        ready(browser)
        rows = bead_rows(browser)
        assert "✓ confirmed" in rows[0].text
        merged = rows[1]
        assert merged.find_element(By.CSS_SELECTOR, ".kind").text == merged_kind
        assert "✎ edited" in merged.text
        assert merged.find_element(By.CSS_SELECTOR, ".zh").text.split("\n") == \
            second_zh.split("\n") + third_zh.split("\n")
        assert "350 beads" in browser.find_element(By.ID, "summary").text

        # the picture: clicking near the path's end jumps to a bead on a later page
        svg = browser.find_element(By.ID, "path")
        from selenium.webdriver.common.action_chains import ActionChains

        size = svg.size
        ActionChains(browser).move_to_element_with_offset(
            svg, size["width"] // 2 - 3, size["height"] // 2 - 3).click().perform()
        wait(browser, lambda d: d.find_element(By.ID, "page-info").text.startswith("201"))
        focus = browser.find_element(By.CSS_SELECTOR, "#beads .bead.focus")
        assert int(focus.find_element(By.CSS_SELECTOR, ".num").text) > 300

        keys(browser, "e")
        browser.find_element(By.ID, "export-go").click()
        wait(browser, lambda d: d.find_element(By.ID, "export-result").text.startswith("Wrote"))
        shot(browser, tmp_path, "align-exported")
        result = browser.find_element(By.ID, "export-result").text
        assert "350 TUs, 2 reviewed" in result

    exported = project / "tmx" / "beijing-gwr-2024.zh-en.reviewed.tmx"
    dtd = etree.DTD(str(SCHEMAS / "tmx" / "tmx14.dtd"))
    tree = etree.parse(str(exported), etree.XMLParser(resolve_entities=False, no_network=True))
    assert dtd.validate(tree), dtd.error_log
    tus = list(read_tmx(exported))
    assert len(tus) == 350
    assert tus[0].prop("x-zhtm-reviewed") == "confirmed"
    assert tus[1].prop("x-zhtm-reviewed") == "edited" and tus[1].prop("x-zhtm-bead") == "2-2"
    assert tus[1].seg("zh") == second_zh.replace("\n", "") + third_zh.replace("\n", "")
    assert all(tu.prop("x-zhtm-reviewed") is None for tu in tus[2:])
    with Store.open(db) as store:  # the store now holds the reviewed units
        assert store.stats().units == 348
        assert store.conn.execute("SELECT count(*) FROM units WHERE zh=?",
                                  (tus[1].seg("zh"),)).fetchone()[0] == 1


def test_review_a_glossary_and_terms_keep_keeps_it(project, tmp_path, browser):
    from selenium.webdriver.common.by import By

    with LiveServer(make_app(project, tmp_path / "store.db")) as server:
        browser.get(f"{server.url}/glossary?path={TBX}")
        ready(browser)
        shot(browser, tmp_path, "glossary")
        rows = browser.find_elements(By.CSS_SELECTOR, "#entries tr.entry")
        first, second, third, fourth, fifth = (r.find_element(By.CSS_SELECTOR, ".term-zh").text
                                               for r in rows[:5])

        keys(browser, "a")  # accept the first entry
        wait(browser, lambda d: "st-accepted" in d.find_elements(By.CSS_SELECTOR, "#entries tr")[0]
             .get_attribute("class"))
        keys(browser, "j", "e")  # edit the second one's English
        field = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '.edit-form input[data-field="en"]'))
        field.clear()
        field.send_keys("the Four Centres\n")
        wait(browser, lambda d: "the Four Centres" in d.find_elements(By.CSS_SELECTOR, "#entries tr")[1].text)
        keys(browser, "j", "r")  # reject the third
        wait(browser, lambda d: "st-rejected" in d.find_elements(By.CSS_SELECTOR, "#entries tr")[2]
             .get_attribute("class"))
        keys(browser, "j", "j", "x", "k", "m")  # select the fifth, merge it into the fourth

        def shown_zh(d) -> list[str]:   # one round trip for the whole list, not one per row
            return d.execute_script("return [...document.querySelectorAll("
                                    "'#entries tr.entry .term-zh')].map(c => c.innerText)")

        wait(browser, lambda d: fifth not in shown_zh(d) and fourth in shown_zh(d))
        shot(browser, tmp_path, "glossary-reviewed")

        keys(browser, "S")
        browser.find_element(By.ID, "save-path").send_keys("termbase/reviewed.tbx")
        browser.find_element(By.ID, "save-go").click()
        wait(browser, lambda d: d.find_element(By.ID, "save-result").text.startswith("Wrote"))

        browser.refresh()  # the decisions are in the store
        ready(browser)
        rows = browser.find_elements(By.CSS_SELECTOR, "#entries tr.entry")
        assert "accepted" in rows[0].text and "the Four Centres" in rows[1].text
        assert "rejected" in rows[2].text and fifth not in shown_zh(browser)

        from selenium.webdriver.support.ui import Select

        Select(browser.find_element(By.ID, "sort")).select_by_value("frequency")

        def frequencies(d) -> list[int]:
            return [int(t) for t in d.execute_script("return [...document.querySelectorAll("
                                                     "'#entries tr.entry .freq')].map(c => c.innerText)")]

        wait(browser, lambda d: frequencies(d) == sorted(frequencies(d), reverse=True)
             and frequencies(d)[0] > frequencies(d)[-1])
        browser.find_element(By.ID, "query").send_keys("Four Centres")  # filter as you type
        wait(browser, lambda d: shown_zh(d) == [second])

    saved = project / "termbase" / "reviewed.tbx"
    from zhtm.cli.main import main

    again = tmp_path / "again.tbx"
    result = CliRunner().invoke(main, ["terms", str(BEIJING_TMX), "--keep", str(saved),
                                       "-o", str(again), "-q"])
    assert result.exit_code == 0, result.output
    entries = {e.zh: e for e in read_tbx(again)}
    assert first in entries
    assert entries[second].en == "the Four Centres"
    assert third not in entries
    assert fourth in entries and fifth not in entries  # merged away, stays away


def test_search_as_you_type(project, tmp_path, browser):
    from selenium.webdriver.common.by import By

    db = tmp_path / "store.db"
    with Store.open(db, create=True) as store:
        store.import_tmx([project / TMX])
    with LiveServer(make_app(project, db)) as server:
        browser.get(f"{server.url}/search")
        ready(browser)
        box = browser.find_element(By.ID, "q")
        box.send_keys("推动京津冀协同发展取得新进展。")
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .match"))
        match = browser.find_elements(By.CSS_SELECTOR, "#results .match")[0]
        assert "%" in match.find_element(By.CSS_SELECTOR, ".pct").text
        assert match.find_elements(By.CSS_SELECTOR, "mark.changed")  # the two-sided diff
        shot(browser, tmp_path, "search")
        box.clear()  # two clauses of two TUs: each clause's best clause unit and its English
        box.send_keys("推动京津冀协同发展取得新进展，深化城市更新行动。")
        wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results .fragment")) == 2)
        clauses = browser.find_elements(By.CSS_SELECTOR, "#results .fragment")
        assert [c.find_element(By.CSS_SELECTOR, ".clause").text for c in clauses] == \
            ["推动京津冀协同发展取得新进展", "深化城市更新行动"]
        assert all(c.find_elements(By.CSS_SELECTOR, ".fragment-match .tgt") for c in clauses)
        assert "Assembled:" in browser.find_element(By.CSS_SELECTOR, "#results .assembled").text
        shot(browser, tmp_path, "search-fragments")
        browser.find_element(By.CSS_SELECTOR, 'input[name="mode"][value="concord"]').click()
        box.clear()
        box.send_keys("京津冀")
        wait(browser, lambda d: "TU(s) contain it" in d.find_element(By.ID, "search-info").text)
        hits = browser.find_elements(By.CSS_SELECTOR, "#results .hit mark")
        assert hits and all(h.text == "京津冀" for h in hits)
        shot(browser, tmp_path, "concordance")
        browser.get(f"{server.url}/api")
        assert "/api/align/{doc}/beads/{bead}/merge" in browser.page_source
        shot(browser, tmp_path, "api")


PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror="alert(2);window.__xss=2">',
            '<svg onload=alert(3)>', '"><iframe src="javascript:alert(4)">']


def test_untrusted_text_is_shown_as_text_and_never_runs(tmp_path, browser):
    from selenium.webdriver.common.by import By

    project = tmp_path / "project"
    project.mkdir()
    units = [Unit(zh=f"注入测试{i}号{p}结束。", en=f"Injection test {i} {p} end.", score=0.2)
             for i, p in enumerate(PAYLOADS)]
    write_tmx(units, project / "evil.tmx", header=TmxHeader(tool_version="t"))
    write_tbx([TermEntry(id=f"t{i}", zh=f"注入{i}{p}", en=p, variants=(p,), frequency=2,
                         zh_context=p, en_context=p, definition=p, note=p)
               for i, p in enumerate(PAYLOADS)], project / "evil.tbx")
    db = tmp_path / "store.db"
    with Store.open(db, create=True) as store:
        store.import_tmx([project / "evil.tmx"])

    with LiveServer(make_app(project, db)) as server:
        pages = {"align": ("/align?path=evil.tmx", "#beads"),
                 "glossary": ("/glossary?path=evil.tbx", "#entries"),
                 "search": (f"/search?q=注入测试1号{PAYLOADS[1]}结束。", "#results")}
        for name, (url, box) in pages.items():
            browser.get(server.url + url)
            ready(browser)
            if name == "search":
                wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .match"))
            assert_no_dialog(browser)
            shown = browser.find_element(By.CSS_SELECTOR, box).text
            for payload in PAYLOADS if name != "search" else PAYLOADS[1:2]:
                assert payload in shown, (name, payload)
            assert browser.find_elements(By.CSS_SELECTOR, f"{box} img, {box} svg, {box} iframe, "
                                                          f"{box} script") == []
            assert browser.execute_script("return window.__xss") is None
            shot(browser, tmp_path, f"xss-{name}")
        # the Content-Security-Policy is enforced: an inline script added to the page never runs
        browser.execute_script("const s = document.createElement('script');"
                               "s.textContent = 'window.__inline = 1'; document.body.append(s);")
        assert browser.execute_script("return window.__inline") is None
        assert_no_dialog(browser)


def test_split_move_and_undo_with_the_keyboard(tmp_path, browser):
    from selenium.webdriver.common.by import By

    project = tmp_path / "project"
    project.mkdir()
    pairs = [("第一句。第二句。", "One. Two."), ("第三句。", "Three. Four. Five."), ("第六句。", "Six.")]
    write_tmx([Unit(zh, en, score=0.5, bead="x") for zh, en in pairs], project / "small.tmx",
              header=TmxHeader(tool_version="t"))

    def kinds(d) -> list[str]:
        return [k.text for k in d.find_elements(By.CSS_SELECTOR, "#beads .bead .kind")]

    with LiveServer(make_app(project, tmp_path / "store.db")) as server:
        browser.get(f"{server.url}/align?path=small.tmx")
        ready(browser)
        assert kinds(browser) == ["2-2", "1-3", "1-1"]
        keys(browser, "s")  # split mode: the cut after the first sentence on each side
        wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".bead.splitting .cut")) == 2)
        shot(browser, tmp_path, "align-split")
        keys(browser, "\ue007")  # Enter
        wait(browser, lambda d: kinds(d) == ["1-1", "1-1", "1-3", "1-1"])
        keys(browser, "j", "}")  # "Two." goes down into the next bead
        wait(browser, lambda d: kinds(d) == ["1-1", "1-0", "1-4", "1-1"])
        keys(browser, "]")  # and 第二句 after it: the emptied bead disappears
        wait(browser, lambda d: kinds(d) == ["1-1", "2-4", "1-1"])
        keys(browser, "u")
        wait(browser, lambda d: kinds(d) == ["1-1", "1-0", "1-4", "1-1"])
        keys(browser, "j", "x", "k", "M")  # reject the 1-4, merge the 1-0 with the previous
        wait(browser, lambda d: kinds(d) == ["2-1", "1-4", "1-1"])
        rows = bead_rows(browser)
        assert "not a translation" in rows[1].text and "edited" in rows[0].text
        browser.refresh()
        ready(browser)
        assert kinds(browser) == ["2-1", "1-4", "1-1"]


def test_two_reviewers_see_each_others_changes_and_a_stale_change_is_refused(
        project, tmp_path, browser, second_browser):
    from selenium.webdriver.common.by import By

    def status_of(d, row: int) -> str:
        return bead_rows(d)[row].get_attribute("class")

    with LiveServer(make_app(project, tmp_path / "store.db")) as server:
        browser.get(f"{server.url}/align?path={TMX}")
        ready(browser)
        doc_url = browser.current_url
        second_browser.get(doc_url)
        ready(second_browser)
        keys(browser, "j", "c")  # the first reviewer confirms the second bead
        wait(browser, lambda d: "st-confirmed" in status_of(d, 1))
        keys(second_browser, "j", "x")  # the second one, on the old view, rejects it
        wait(second_browser, lambda d: "changed meanwhile" in d.find_element(By.ID, "status").text)
        shot(second_browser, tmp_path, "align-conflict")
        # refused, not overwritten: the second view reloaded and shows the first's change
        wait(second_browser, lambda d: "st-confirmed" in status_of(d, 1))
        keys(second_browser, "j", "c")  # a change on the current view goes through
        wait(second_browser, lambda d: "st-confirmed" in status_of(d, 2))
        browser.refresh()  # and shows in the other browser on reload
        ready(browser)
        assert "st-confirmed" in status_of(browser, 2) and "st-confirmed" in status_of(browser, 1)
    with Store.open(tmp_path / "store.db", readonly=True) as store:
        states = [r[0] for r in store.conn.execute(
            "SELECT status FROM review_beads ORDER BY zh_start, en_start LIMIT 4")]
    assert states == ["pending", "confirmed", "confirmed", "pending"]


def test_a_big_tmx_is_usable_at_its_first_page_while_the_rest_is_read(tmp_path, browser):
    from selenium.webdriver.common.by import By

    project = tmp_path / "project"
    project.mkdir()
    base = [tu.to_unit() for tu in read_tmx(BEIJING_TMX)]
    units = [Unit(u.zh, u.en, score=u.score, bead=u.bead, doc=u.doc,
                  location=f"zh line {i + 1}, en line {i + 1}", props=(("copy", str(i)),))
             for i, u in enumerate(base * 3)]
    write_tmx(units, project / "big.tmx", header=TmxHeader(tool_version="t"))
    with LiveServer(make_app(project, tmp_path / "store.db")) as server:
        browser.get(f"{server.url}/align?path=big.tmx")
        ready(browser)
        keys(browser, "c")  # at once, whether or not the rest is read yet
        total = len(units)
        wait(browser, lambda d: f"of {total}" in d.find_element(By.ID, "page-info").text, 120)
        wait(browser, lambda d: "st-confirmed" in bead_rows(d)[0].get_attribute("class"))
        assert f"{total} beads" in browser.find_element(By.ID, "summary").text
        keys(browser, "w")  # weakest first, over the whole file
        wait(browser, lambda d: d.find_element(By.ID, "order").get_attribute("value") == "weakest")
        weakest = min(u.score for u in units)  # shown with two decimals
        wait(browser, lambda d: abs(float(bead_rows(d)[0].find_element(By.CSS_SELECTOR, ".score")
                                          .text) - weakest) <= 0.005)
        browser.refresh()
        ready(browser)
        assert "1 confirmed" in browser.find_element(By.ID, "summary").text
