"""Make the README's screenshots of the workbench (docs/workbench-*.png).

    PYTHONPATH=src python docs/screenshots.py

Runs `zhtm serve` on a temporary copy of the Beijing TMX and glossary (store with the TMX
imported), drives headless Chromium through a short review and photographs each page.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

from bench_serve import BEIJING_TBX, BEIJING_TMX, Server, browser  # noqa: E402


def main() -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from zhtm.tm.store import Store

    out = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        (project / "tmx").mkdir(parents=True)
        (project / "termbase").mkdir()
        shutil.copy(BEIJING_TMX, project / "tmx")
        shutil.copy(BEIJING_TBX, project / "termbase")
        with Store.open(Path(tmp) / "tm.db", create=True) as store:
            store.import_tmx([project / "tmx" / BEIJING_TMX.name])
        server = Server(Path(tmp) / "tm.db", project)
        driver = browser()
        ready = lambda: WebDriverWait(driver, 60).until(  # noqa: E731
            lambda d: d.execute_script("return document.body.dataset.ready") == "1")

        def keys(*typed: str) -> None:
            for key in typed:
                ActionChains(driver).send_keys(key).perform()
                time.sleep(0.4)

        try:
            driver.get(server.url + "/")
            driver.save_screenshot(str(out / "workbench-home.png"))
            driver.get(f"{server.url}/align?path=tmx/{BEIJING_TMX.name}")
            ready()
            keys("c", "j", "c", "j", "j", "j", "x", "k")
            driver.get(driver.current_url.split("#")[0] + "#order=weakest")
            driver.refresh()
            ready()
            keys("j")
            driver.save_screenshot(str(out / "workbench-align.png"))
            driver.get(f"{server.url}/glossary?path=termbase/{BEIJING_TBX.name}")
            ready()
            keys("a", "j", "a", "j", "r", "j", "e")
            time.sleep(0.5)
            driver.save_screenshot(str(out / "workbench-glossary.png"))
            driver.get(server.url + "/search")
            ready()
            driver.find_element(By.ID, "q").send_keys("推动京津冀协同发展取得新进展。")
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results .match"))
            time.sleep(0.5)
            driver.save_screenshot(str(out / "workbench-search.png"))
            driver.get(server.url + "/api")
            driver.save_screenshot(str(out / "workbench-api.png"))
        finally:
            driver.quit()
            server.stop()
    print("wrote", ", ".join(sorted(p.name for p in out.glob("workbench-*.png"))))


if __name__ == "__main__":
    main()
