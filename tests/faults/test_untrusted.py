"""Results files handed in by a user are not trusted: each bad one is one line and exit 2, fast."""

from __future__ import annotations

import copy
import json
import time

import pytest

from conftest import DATA, assert_usage_error, run_cli

GOOD = json.loads((DATA / "results-gpu.json").read_text())


def mutate(change) -> dict:
    doc = copy.deepcopy(GOOD)
    change(doc)
    return doc


CASES = {
    "truncated": ((DATA / "results-gpu.json").read_text()[:4000], "invalid or truncated JSON"),
    "not json": ("hello, world", "invalid or truncated JSON"),
    "a list": ("[1, 2, 3]", "expected a JSON object"),
    "no schema": (json.dumps({"measurements": []}), "this is not an mlpbench results file"),
    "wrong version": (json.dumps(mutate(lambda d: d.update(schema="mlpbench.results/99"))), "is not 'mlpbench.results/1'"),
    "a run file": (json.dumps({"schema": "mlpbench.run/1"}), "is not an mlpbench results file"),
    "samples as text": (json.dumps(mutate(lambda d: d["measurements"][0].update(samples="fast"))), "samples"),
    "a negative time": (json.dumps(mutate(lambda d: d["measurements"][0]["samples"].append(-1))), "expected durations"),
    "a huge number": (json.dumps(mutate(lambda d: d["measurements"][0]["samples"].append(1e300))), "expected durations"),
    "NaN": (json.dumps(mutate(lambda d: d["measurements"][0]["samples"].append(float("nan")))), "expected durations"),
    "a 5000-digit integer": ('{"schema": "mlpbench.results/1", "x": ' + "9" * 5000 + "}", "impossible number"),
    "deep nesting": ("[" * 200_000 + "]" * 200_000, "nests too deeply"),
    "a bad config": (json.dumps(mutate(lambda d: d["config"].update(n=-3))), "config"),
    "an unknown config field": (json.dumps(mutate(lambda d: d["config"].update(evil=1))), "unknown workload field"),
    "a log line that is not text": (json.dumps(mutate(lambda d: d["runs"]["cpu/eager"]["log"].append({"x": 1}))), "log"),
    "a wrong mode": (json.dumps(mutate(lambda d: d["measurements"][0].update(mode="lukewarm"))), "mode"),
    "binary junk": (b"\x00\xff\xfe" * 1000, "not UTF-8 text"),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("command", ["report", "compare"])
def test_bad_results_files(tmp_path, name, command):
    content, fragment = CASES[name]
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    args = ["report", str(path), "-o", str(tmp_path / "r.html")] if command == "report" else \
        ["compare", str(DATA / "results-gpu.json"), str(path)]
    started = time.monotonic()
    assert_usage_error(run_cli(*args), fragment)
    assert time.monotonic() - started < 60
    assert not (tmp_path / "r.html").exists()


def test_a_hundred_megabytes_of_junk_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "junk.json"
    with open(path, "wb") as fh:
        fh.truncate(100 * 2**20)  # sparse: the size is real, nothing is written
    started = time.monotonic()
    assert_usage_error(run_cli("report", str(path)), "too large for a results file")
    assert time.monotonic() - started < 30


def test_an_unreadable_file(tmp_path):
    import os

    path = tmp_path / "secret.json"
    path.write_text(json.dumps(GOOD))
    if os.geteuid() == 0:
        pytest.skip("root reads every file; permissions cannot make it unreadable here")
    path.chmod(0)
    assert_usage_error(run_cli("report", str(path)), "cannot read it")
