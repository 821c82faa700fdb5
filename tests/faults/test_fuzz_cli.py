"""A fuzz pass over the command line (hypothesis): random flags and values for every command.

Every outcome must be exit 0, or exit 2 with exactly one line on stderr; never a traceback. (A
run whose loss explodes ends with exit 1 and one line too: that is a result, not an input error.)
Long work is replaced by stubs once the input is validated: the fuzzer exercises the parsing,
validation and error handling, not the benchmark itself.
"""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA
from mlpbench import cli

WEIRD = ["", "-1", "0", "1", "2", "7", "64", "1e309", "nan", "inf", "-inf", "abc", "3,4", "100,50", "0,5", "5,",
         ",", "1.5", "99999999999999999999999", "cpu", "cuda", "cuda:7", "auto", "mps", "tpu", "all", "eager",
         "fused,eager", "∞", "--", "n=1,2", "width=0.5", "depth=2", "x.json", "ja", "en", "fr",
         "examples/workloads/classifier.py", "examples/three_layer_nn_pytorch.py", "nowhere.py"]
FLAGS = {
    "run": ["--device", "--backend", "--n", "--hidden", "--steps", "--lr", "--seed", "--threads", "--batch-size",
            "--precision", "--train-fraction", "--json", "--bogus", "--workload", "--script"],
    "bench": ["--devices", "--backends", "--runs", "--warm-runs", "--warmup", "--warm-time", "--trial-timeout", "--n",
              "--hidden", "--steps", "--lr", "--lang", "--nproc", "--nnodes", "--rdzv-endpoint", "--precision", "--out",
              "--workload", "--script", "--script-runs"],
    "sweep": ["--vary", "--devices", "--backends", "--warm-runs", "--trial-steps", "--point-timeout", "--time-limit",
              "--n", "--hidden", "--lang", "--batch-size"],
    "report": ["-o", "--lang", "--x"],
    "compare": ["--y"],
    "bogus": ["--z"],
}


class Reached(Exception):
    """The input was valid and long work would start here."""


def stub(*args, **kwargs):
    raise Reached()


@pytest.fixture
def stubs(monkeypatch, tmp_path):
    monkeypatch.setattr("mlpbench.api.bench", stub)
    monkeypatch.setattr("mlpbench.api.sweep", stub)
    monkeypatch.setattr("mlpbench.output.report.write_report", stub)
    monkeypatch.setattr("mlpbench.output.report.write_reports", stub)
    monkeypatch.chdir(tmp_path)  # --out, --json and -o land in a scratch directory


def argv_for(command: str):
    pairs = st.lists(st.tuples(st.sampled_from(FLAGS[command]), st.sampled_from(WEIRD)), max_size=6)
    positional = {"report": st.lists(st.sampled_from([str(DATA / "sweep-cpu.json"), "missing.json", str(DATA)]),
                                     min_size=0, max_size=2),
                  "compare": st.lists(st.sampled_from([str(DATA / "results-cpu.json"), str(DATA / "sweep-cpu.json"),
                                                       "nope.json", str(DATA / "reference-log.txt")]), min_size=0, max_size=3)}
    head = positional.get(command, st.just([]))
    prefix = ["--steps", "5", "--device", "cpu"] if command == "run" else []
    return st.tuples(head, pairs).map(lambda hp: [command, *hp[0], *prefix, *[x for pair in hp[1] for x in pair]])


@pytest.mark.parametrize("command", list(FLAGS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_the_cli(stubs, command, data):
    argv = data.draw(argv_for(command))
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli.main(argv)
        except Reached:
            return
        except SystemExit as exit_:  # --help or --version
            assert exit_.code == 0, argv
            return
    text = err.getvalue()
    assert "Traceback" not in text, (argv, text)
    if code == 0:
        return
    lines = text.strip().splitlines()
    assert len(lines) == 1, (argv, text)
    assert code == 2 or (code == 1 and ("diverged" in text or "out of memory" in text)), (argv, code, text)
    assert lines[0].startswith("mlpbench: "), (argv, text)
