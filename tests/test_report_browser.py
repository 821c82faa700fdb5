"""The HTML report in headless Chromium: opens offline, no console errors, no requests, every
plot drawn, hostile labels inert. Skipped only where Chromium or Playwright cannot be found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import DATA, ROOT
from mlpbench.report import write_report
from mlpbench.results import load_results, validate_results

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")]
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def open_report(path: Path, screenshot: str | None = None) -> dict:
    events: dict = {"console": [], "requests": [], "dialogs": [], "page_errors": []}
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: events["console"].append((m.type, m.text)))
        page.on("request", lambda r: events["requests"].append(r.url))
        page.on("pageerror", lambda e: events["page_errors"].append(str(e)))

        def on_dialog(dialog):
            events["dialogs"].append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        events["figures"] = page.evaluate("""() => [...document.querySelectorAll('figure svg')].map(svg => {
            const box = svg.getBoundingClientRect();
            return {w: box.width, h: box.height, shapes: svg.querySelectorAll('path, rect, line, use, text').length};
        })""")
        events["text"] = page.evaluate("document.body.innerText")
        if screenshot:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
        browser.close()
    return events


@pytest.mark.parametrize("fixture, lang", [("results-gpu.json", "en"), ("results-cpu.json", "ja")])
def test_report_renders_offline_without_errors(tmp_path, fixture, lang):
    path = tmp_path / "report.html"
    write_report(load_results(DATA / fixture), path, lang=lang)
    events = open_report(path, screenshot=f"report-{Path(fixture).stem}-{lang}.png")
    assert [c for c in events["console"] if c[0] in ("error", "warning")] == []
    assert events["page_errors"] == []
    assert events["requests"] == [path.as_uri()]  # the file itself and nothing else
    assert len(events["figures"]) == 3
    for fig in events["figures"]:
        assert fig["w"] > 100 and fig["h"] > 100 and fig["shapes"] > 10
    assert (ARTIFACTS / f"report-{Path(fixture).stem}-{lang}.png").stat().st_size > 10_000


def test_hostile_labels_show_as_text_and_run_nothing(tmp_path):
    from test_report import HOSTILE, hostile_document

    path = tmp_path / "report.html"
    write_report(validate_results(hostile_document()), path)
    events = open_report(path)
    assert events["dialogs"] == []
    assert events["page_errors"] == []
    assert HOSTILE in events["text"]  # shown literally
    assert events["requests"] == [path.as_uri()]
