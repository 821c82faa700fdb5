"""Results files handed in by a user are not trusted: each bad one is one line and exit 2, fast."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import DATA, assert_usage_error, run_cli

GOOD = json.loads((DATA / "results-cpu.json").read_text())


def mutate(change) -> dict:
    doc = copy.deepcopy(GOOD)
    change(doc)
    return doc


WARM = ["warm", 0, "record", "warm", "measurement", "samples"]


def at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


CASES = {
    "truncated": ((DATA / "results-cpu.json").read_text()[:4000], "invalid or truncated JSON"),
    "not json": ("hello, world", "invalid or truncated JSON"),
    "a list": ("[1, 2, 3]", "expected a JSON object"),
    "no schema": (json.dumps({"cold": []}), "it has no schema field"),
    "wrong version": (json.dumps(mutate(lambda d: d.update(schema="mlpbench.results/99"))), "a newer mlpbench wrote it"),
    "a run file": (json.dumps({"schema": "mlpbench.run/2"}), "is not an mlpbench results file"),
    "samples as text": (json.dumps(mutate(lambda d: at(d, WARM[:-1]).update(samples="fast"))), "$.warm[0].record.warm"),
    "a negative time": (json.dumps(mutate(lambda d: at(d, WARM).append(-1))), "Expected `float` >= 0.0"),
    "a huge number": (json.dumps(mutate(lambda d: at(d, WARM).append(1e300))), "Expected `float` <= 1000000000.0"),
    "NaN": (json.dumps(mutate(lambda d: at(d, WARM).append(float("nan")))).replace("NaN", "NaN"), "malformed"),
    "a 5000-digit integer": ('{"schema": "mlpbench.results/2", "x": ' + "9" * 5000 + "}", "invalid results file"),
    "deep nesting": ("[" * 200_000 + "]" * 200_000, "expected a JSON object"),
    "deep nesting inside": ('{"schema": "mlpbench.results/2", "env": ' + "[" * 200_000 + "]" * 200_000 + "}",
                            "the JSON nests too deeply"),
    "a bad config": (json.dumps(mutate(lambda d: d["config"].update(n=-3))), "config"),
    "an unknown config field": (json.dumps(mutate(lambda d: d["config"].update(evil=1))), "unknown field `evil`"),
    "a log line that is not text": (json.dumps(mutate(lambda d: d["cold"][0]["record"]["log"].append({"x": 1}))),
                                    "$.cold[0].record.log"),
    "a wrong status": (json.dumps(mutate(lambda d: d["cold"][0].update(status="lukewarm"))), "$.cold[0].status"),
    "env.gpus as a string": (json.dumps(mutate(lambda d: d["env"].update(gpus="H100"))), "$.env.gpus"),
    "env.argv as an int": (json.dumps(mutate(lambda d: d["env"].update(argv=3))), "$.env.argv"),
    "a target as a string": (json.dumps(mutate(lambda d: d["cold"][0].update(target="cpu/eager"))), "$.cold[0].target"),
    "binary junk": (b"\x00\xff\xfe" * 1000, "not UTF-8 text"),
}


THROUGH_THE_REAL_CLI = ("truncated", "deep nesting", "binary junk")


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("command", ["report", "compare"])
def test_bad_results_files(tmp_path, name, command, capsys):
    content, fragment = CASES[name]
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    args = ["report", str(path), "-o", str(tmp_path / "r.html")] if command == "report" else \
        ["compare", str(DATA / "results-cpu.json"), str(path)]
    if name in THROUGH_THE_REAL_CLI:
        assert_usage_error(run_cli(*args, timeout=120), fragment)  # bounded: a hang fails the test
    else:
        from mlpbench.cli import main

        assert main(args) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("mlpbench: error: ") and fragment in err[0], err
    assert not (tmp_path / "r.html").exists()


def test_a_hundred_megabytes_of_junk_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "junk.json"
    with open(path, "wb") as fh:
        fh.truncate(100 * 2**20)  # sparse: the size is real, nothing is written
    assert_usage_error(run_cli("report", str(path), timeout=120), "too large for a results file")


def test_paths_that_are_not_results_files_even_for_root(tmp_path):
    (tmp_path / "dangling.json").symlink_to(tmp_path / "gone.json")
    assert_usage_error(run_cli("report", str(tmp_path / "dangling.json")), "no such file")
    (tmp_path / "folder.json").mkdir()
    assert_usage_error(run_cli("report", str(tmp_path / "folder.json")), "is a directory")
    import os

    os.mkfifo(tmp_path / "pipe.json")  # reading would block forever: it is refused by what it is
    assert_usage_error(run_cli("report", str(tmp_path / "pipe.json"), timeout=120), "not a regular file")
