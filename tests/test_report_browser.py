"""The HTML report in headless Chromium, read as a user does: the first screen (1280×800) holds the
verdict and its reason; the page opens offline, requests nothing, runs nothing, draws every plot.
Skipped only where Chromium or Playwright cannot be found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import builders
from conftest import DATA, H100, ROOT
from mlpbench.output.report import write_report
from mlpbench.results.files import load_results

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")]
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
FIRST_SCREEN = {"width": 1280, "height": 800}


def open_report(path: Path, screenshot: str | None = None) -> dict:
    events: dict = {"console": [], "requests": [], "dialogs": [], "page_errors": []}
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=FIRST_SCREEN)
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
        # what a reader sees without scrolling: every paragraph and list item whose top is on the first screen
        events["first_screen"] = page.evaluate(f"""() => [...document.querySelectorAll('p, li, figure')]
            .filter(e => e.getBoundingClientRect().top < {FIRST_SCREEN['height']})
            .map(e => e.tagName === 'FIGURE' ? '[figure]' : e.innerText)""")
        events["text"] = page.evaluate("document.body.innerText")
        if screenshot:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / screenshot))
        browser.close()
    return events


CASES = {
    "h100-en": (lambda: load_results(H100 / "bench" / "results.json"), "en",
                ["These trials cannot tell yet which device finishes the whole job first",
                 "Why: of the time inside the process, start-up", "76 % on the CPU", "stopped early"]),
    "h100-ja": (lambda: load_results(H100 / "bench" / "results.json"), "ja",
                ["ジョブ全体をどちらが先に終えるかはまだ判定できません", "理由：プロセス内の時間のうち", "途中で止まりました"]),
    "cpu-en": (lambda: load_results(DATA / "results-cpu.json"), "en",
               ["Only the CPU was timed", "Why: of the time inside the process", "Your scripts, run as they are",
                "No GPU was measured"]),
    "cpu-ja": (lambda: load_results(DATA / "results-cpu.json"), "ja",
               ["時間を計ったのは CPU だけです", "理由：", "GPU は測定していません"]),
    "gpu-en": (builders.bench, "en", ["The CPU finished the whole job first", "Why:", "Once warm"]),
    "make-bench-en": (lambda: load_results(DATA / "make-bench-cpu.json"), "en",
                      ["Only the CPU was timed", "a training step takes 1.45 ms (the training loop alone, timed after warm-up runs)",
                       "in your script three_layer_nn_pytorch.py", "Your scripts, run as they are"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_first_screen_answers_the_question(tmp_path, case):
    make, lang, expected = CASES[case]
    path = tmp_path / "report.html"
    write_report(make(), path, lang=lang)
    events = open_report(path, screenshot=f"first-screen-{case}.png")
    seen = "\n".join(events["first_screen"])
    for fragment in expected:
        assert fragment in seen, (fragment, seen)
    assert "[figure]" in events["first_screen"]  # the compact phase chart is on the first screen too
    assert [c for c in events["console"] if c[0] in ("error", "warning")] == []
    assert events["page_errors"] == [] and events["requests"] == [path.as_uri()]  # the file itself, nothing else
    for fig in events["figures"]:
        assert fig["w"] > 100 and fig["h"] > 60 and fig["shapes"] > 10


def test_hostile_labels_show_as_text_and_run_nothing(tmp_path):
    from test_report import HOSTILE, hostile_document

    path = tmp_path / "report.html"
    write_report(hostile_document(), path)
    events = open_report(path)
    assert events["dialogs"] == [] and events["page_errors"] == []
    assert HOSTILE in events["text"]  # shown literally
    assert events["requests"] == [path.as_uri()]
