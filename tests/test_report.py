"""The report: golden Markdown, conclusions that follow the numbers, bad input, safety."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import fixtures
from conftest import DATA, assert_usage_error, run_cli
from mlpbench.report import build, write_report
from mlpbench.report.markdown import render
from mlpbench.results import load_results, validate_results

GOLDEN = DATA / "golden"
UPDATE = os.environ.get("MLPBENCH_UPDATE_GOLDEN") == "1"


def markdown_of(doc: dict, lang: str = "en") -> str:
    return render(build(doc, lang), lambda name, svg: f"report-{name}.svg")


@pytest.mark.parametrize("fixture, lang", [("results-gpu.json", "en"), ("results-cpu.json", "en"), ("results-gpu.json", "ja")])
def test_markdown_matches_the_reviewed_golden_file(fixture, lang):
    """To accept a deliberate change: MLPBENCH_UPDATE_GOLDEN=1 pytest tests/test_report.py, then review the diff."""
    text = markdown_of(load_results(DATA / fixture), lang)
    golden = GOLDEN / f"{Path(fixture).stem}.{lang}.md"
    if UPDATE:
        golden.write_text(text)
    assert text == golden.read_text()


def summary_of(doc: dict, lang: str = "en") -> str:
    report = build(validate_results(json.loads(json.dumps(doc))), lang)
    return " ".join(b.text for b in report.sections[0].blocks)


def conclusions_of(doc: dict) -> str:
    report = build(validate_results(json.loads(json.dumps(doc))))
    return " ".join(b.text for b in report.sections[-2].blocks)


def test_conclusions_cpu_wins():
    text = summary_of(fixtures.document())
    assert text.startswith("The CPU won:")
    assert "the GPU took 1.25× as long" in text
    assert "Mann-Whitney p = 0.008" in text
    assert "In the steady state the GPU's training loop is 1.86× faster" in text
    concl = conclusions_of(fixtures.document())
    assert "repays them after ≈" in concl and "steps (this job has 1,001)" in concl
    assert "bound by per-operation overhead" in concl


def test_conclusions_gpu_wins():
    doc = fixtures.document(cpu_train=6.0, warm_cpu=5.8)
    text = summary_of(doc)
    assert text.startswith("The GPU won:") and "faster (95 % CI" in text
    assert "The CPU won" not in text


def test_conclusions_too_close_to_call():
    # identical totals with identical jitter: the ratio is 1 and nothing is significant
    doc = fixtures.document(cpu_train=0.52 + 0.744, warm_cpu=0.21)
    text = summary_of(doc)
    assert text.startswith("Too close to call:"), text
    assert "do not show a winner" in text
    assert "indistinguishable" in text


def test_conclusions_gpu_loop_slower_even_warm():
    doc = fixtures.document(gpu_train=1.5, warm_gpu=1.2)
    assert "Even in the steady state the GPU's training loop is" in summary_of(doc)
    assert "no number of steps makes the GPU win" in conclusions_of(doc)


def test_no_gpu_says_so_instead_of_guessing():
    doc = fixtures.document(gpu=False)
    text = summary_of(doc)
    assert "Only the CPU was measured" in text
    assert "cannot say whether a GPU would be faster" in text
    assert "built without CUDA" in text
    concl = conclusions_of(doc)
    assert "without one, no CPU-vs-GPU claim can be made" in concl
    assert "won" not in text


def test_japanese_summary_is_japanese():
    text = summary_of(fixtures.document(), "ja")
    assert text.startswith("CPU の勝ちです")
    assert "1.25×" in text and "cpu/eager" in text  # numbers and names unchanged
    no_gpu = summary_of(fixtures.document(gpu=False), "ja")
    assert "GPU が利用できなかったため" in no_gpu


def test_every_message_has_both_languages():
    from mlpbench.report.i18n import MESSAGES

    for key, (en, ja) in MESSAGES.items():
        assert bool(en) == bool(ja), key
        assert re.findall(r"{(\w+)}", en) and True or True
        assert sorted(re.findall(r"{(\w+)}", en)) == sorted(re.findall(r"{(\w+)}", ja)), key


def test_html_is_self_contained_and_has_every_section(tmp_path):
    path = tmp_path / "report.html"
    write_report(load_results(DATA / "results-gpu.json"), path)
    page = path.read_text()
    assert page.count("<svg") == 3
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "Content-Security-Policy" in page
    order = [page.index(f'id="{a}"') for a in ("summary", "requests", "code", "logs", "env", "results", "plots",
                                                 "conclusions", "warnings")]
    assert order == sorted(order)


def test_markdown_writes_its_plots_next_to_it(tmp_path):
    path = tmp_path / "report.md"
    written = write_report(load_results(DATA / "results-gpu.json"), path)
    names = sorted(p.name for p in written)
    assert names == ["report-loss.svg", "report-phases.svg", "report-trials.svg", "report.md"]
    for p in written[1:]:
        assert p.read_text().startswith("<svg")
    assert "](report-phases.svg)" in path.read_text()


HOSTILE = "<script>alert(1)</script>"


def hostile_document() -> dict:
    doc = fixtures.document()
    doc["env"]["hostname"] = HOSTILE
    doc["env"]["cpu"] = '"><img src=x onerror=alert(2)>'
    for item in doc["trials"] + doc["warm"] + doc["measurements"]:
        if item["device"] == "cuda:0":
            item["device"] = f"cuda:0{HOSTILE}"
    doc["runs"] = {f"cuda:0{HOSTILE}/eager" if k.startswith("cuda") else k: v for k, v in doc["runs"].items()}
    doc["runs"]["cpu/eager"]["log"].append(f"| evil | {HOSTILE} ```")
    return doc


def test_hostile_strings_are_escaped(tmp_path):
    doc = validate_results(hostile_document())
    html_path, md_path = tmp_path / "r.html", tmp_path / "r.md"
    write_report(doc, html_path)
    write_report(doc, md_path)
    page = html_path.read_text()
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    md = md_path.read_text()
    outside_code = re.sub(r"(`{3,})[^\n]*\n.*?\n\1", "", md, flags=re.S)
    assert "<script>" not in outside_code and "&lt;script&gt;" in outside_code
    assert f"| evil | {HOSTILE} ```" in md  # inside a fence (of four backticks) it is literal text


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["missing.json"], "no such file"),
        (["results-cpu.json", "--lang", "fr"], "--lang must be en or ja"),
        (["results-cpu.json", "-o", "report.pdf"], "use .html or .md"),
    ],
)
def test_report_bad_input(args, fragment, tmp_path):
    (tmp_path / "results-cpu.json").write_text((DATA / "results-cpu.json").read_text())
    assert_usage_error(run_cli("report", *args, cwd=tmp_path), fragment)


def test_report_refuses_truncated_and_foreign_files(tmp_path):
    truncated = tmp_path / "t.json"
    truncated.write_text((DATA / "results-gpu.json").read_text()[:2000])
    foreign = tmp_path / "f.json"
    foreign.write_text('{"schema": "something.else/3"}')
    assert_usage_error(run_cli("report", str(truncated)), "invalid or truncated JSON")
    assert_usage_error(run_cli("report", str(foreign)), "not an mlpbench results file")


def test_report_command_writes_both_formats_by_default(tmp_path):
    (tmp_path / "results.json").write_text((DATA / "results-gpu.json").read_text())
    proc = run_cli("report", str(tmp_path / "results.json"), "--lang", "ja")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "report.html").exists() and (tmp_path / "report.md").exists()
    assert '<html lang="ja">' in (tmp_path / "report.html").read_text()
