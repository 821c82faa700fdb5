"""The typed results model: round trips, what it refuses, and files of the older schema."""

from __future__ import annotations

import json

import msgspec
import pytest

import builders
from conftest import H100
from mlpbench.errors import UsageError
from mlpbench.results.analysis import Analysis
from mlpbench.results.files import encode, load_results, parse_results
from mlpbench.results.model import Measurement, Results, Target


def test_a_results_file_round_trips_and_recomputes_its_statistics():
    results = builders.bench()
    data = encode(results)
    doc = json.loads(data)
    doc["cold"][0]["record"]["phases"]["train"] = 0.52  # the file's own summary is never trusted ...
    doc["warm"][0]["record"]["warm"]["measurement"]["summary"]["median"] = 123.0
    again = parse_results(json.dumps(doc).encode())
    m = again.warm[0].record.warm.measurement
    assert m.summary.median == pytest.approx(0.39 * 1.0, rel=0.02)  # ... it is derived from the samples
    assert again.config == results.config and again.env == results.env
    assert [t.target for t in again.cold] == [t.target for t in results.cold]


def test_a_measurement_derives_its_summary_once_built():
    m = Measurement([3.0, 1.0, 2.0])
    assert (m.median, m.stats.n, m.stats.ci) == (2.0, 3, (1.0, 3.0))
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"samples": []}', type=Measurement)


def test_targets_have_one_shape_and_a_stable_key():
    assert Target("cpu", "eager").key == "cpu/eager"
    assert Target("cuda:0", "eager", ranks=2).key == "cuda:0/eager×2"
    assert Target(None, "script", script="examples/a.py").key == "script:examples/a.py"
    assert Target("cuda:1", "fused").is_gpu and not Target("cpu", "fused").is_gpu
    assert Target(None, "script", script="a.py").kind == "script"


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d["env"].update(gpus="H100"), "Expected `array`, got `str` - at `$.env.gpus`"),
    (lambda d: d["env"].update(argv=7), "Expected `array`, got `int` - at `$.env.argv`"),
    (lambda d: d["cold"][0]["record"]["phases"].update(train="fast"), "$.cold[0].record.phases[...]"),
    (lambda d: d["cold"][0]["record"]["phases"].update(train=-1), "Expected `float` >= 0.0"),
    (lambda d: d["cold"][0].update(status="lukewarm"), "$.cold[0].status"),
    (lambda d: d["cold"][0]["target"].update(ranks=0), "$.cold[0].target.ranks"),
    (lambda d: d.update(evil=1), "unknown field `evil`"),
    (lambda d: d["config"].update(n=-3), "config: --n must be at least 1"),
    (lambda d: d["config"].update(evil=1), "unknown field `evil`"),
    (lambda d: d["code"].append({"name": "x", "role": "script", "path": "x", "sha256": "not-a-hash", "source": ""}),
     "$.code[0].sha256"),
])
def test_a_wrong_value_is_one_line_naming_where_it_is(change, fragment):
    doc = json.loads(encode(builders.bench()))
    change(doc)
    with pytest.raises(UsageError) as err:
        parse_results(json.dumps(doc).encode(), "bad.json")
    assert fragment in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("bad.json: invalid results file")


def test_schema_versions():
    doc = json.loads(encode(builders.bench()))
    for schema, fragment in (("mlpbench.results/99", "a newer mlpbench wrote it"), ("mlpbench.run/2", "not an mlpbench"),
                             ("something/1", "not an mlpbench results file")):
        with pytest.raises(UsageError, match=fragment):
            parse_results(json.dumps(dict(doc, schema=schema)).encode())


@pytest.mark.parametrize("name", ["bench", "sweep", "nccl"])
def test_the_first_h100_files_of_schema_1_still_load(name):
    results = load_results(H100 / name / "results.json")
    assert isinstance(results, Results)
    a = Analysis(results)
    if name == "bench":
        assert results.interrupted == "SIGTERM" and len(results.cold) == 12 and not results.warm
        assert [t.key for t in a.targets] == ["cpu/eager", "cpu/fused", "cuda:0/eager", "cuda:0/fused"]
        assert a.find(Target("cuda:0", "eager"), "cold", "wall").median == pytest.approx(12.27, abs=0.05)
        assert results.env.cudnn == "9.19.0"  # /1 stored 91900
    elif name == "sweep":
        assert results.kind == "sweep" and {p.point["n"] for p in results.points if p.status == "ok"} == {500, 4000}
        assert results.skipped
    else:
        assert a.targets == [Target("cuda", "eager", ranks=1)]


def test_a_malformed_schema_1_file_is_one_line(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema": "mlpbench.results/1", "config": {}, "trials": [{"device": 3}]}))
    with pytest.raises(UsageError, match="invalid mlpbench.results/1 file"):
        load_results(path)
