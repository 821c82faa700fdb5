"""Results files: versioned JSON, written atomically, read back defensively.

A results file may come from another machine or be hand-edited, so nothing in it is trusted: it
is read with a size bound, parsed as plain JSON (no pickle, no eval), and checked against the
schema before any other code looks at it. Every problem becomes one UsageError line.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from mlpbench.errors import UsageError

RESULTS_SCHEMA = "mlpbench.results/1"
# History of RESULTS_SCHEMA:
#   mlpbench.results/1  first version: schema, env, config, measurements (device, backend, mode,
#                       phase, samples, warmup_samples, median, iqr, ci95, n, warnings),
#                       comparisons, plus targets, trials, runs, settings, sweep.

MAX_FILE_BYTES = 64 * 2**20


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write a file so that ``path`` always holds either the old or the new complete content.

    The text goes to a temporary file in the same directory, is flushed and fsync'ed, then
    renamed over the target (atomic on POSIX). A failure leaves the previous file intact.
    """
    from mlpbench import faults

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        faults.on_write()
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_json_atomic(path: str | os.PathLike[str], data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=1, allow_nan=True, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def check_writable_file(path: str | os.PathLike[str], flag: str) -> Path:
    """Fail early (before long work) if ``path`` cannot be written later."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory, not a file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{flag} {path}: not writable")
    return path


def read_json(path: str | os.PathLike[str], what: str = "results file") -> Any:
    """Parse a JSON file with a size bound; any failure is one UsageError line."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read it ({err.strerror})") from None
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, not a {what}")
    if size > MAX_FILE_BYTES:
        raise UsageError(f"{path}: {size / 2**20:.0f} MiB is too large for a {what} (limit {MAX_FILE_BYTES // 2**20} MiB)")
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot read it ({err.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a {what} (not UTF-8 text)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"{path}: not a {what}: invalid or truncated JSON at line {err.lineno}, column {err.colno}") from None
    except (ValueError, RecursionError):
        raise UsageError(f"{path}: not a {what}: the JSON nests too deeply or holds an impossible number") from None


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def finite_number(value: Any) -> bool:
    return is_number(value) and math.isfinite(value)


# ----- validation of files handed in by a user -------------------------------------------------------
MAX_SAMPLES = 100_000
MAX_TEXT = 100_000


class _Invalid(Exception):
    pass


def _expect(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise _Invalid(f"{where}: {what}")


def _text(value: Any, where: str, optional: bool = False) -> None:
    if optional and value is None:
        return
    _expect(isinstance(value, str) and len(value) <= MAX_TEXT, where, "expected a string")


def _samples(value: Any, where: str) -> None:
    _expect(isinstance(value, list) and len(value) <= MAX_SAMPLES, where, "expected a list of at most 100000 numbers")
    for v in value:
        _expect(finite_number(v) and 0 <= v < 1e9, where, f"expected durations in seconds, found {str(v)[:40]!r}")


def _measurement(m: Any, where: str) -> None:
    _expect(isinstance(m, dict), where, "expected an object")
    for name in ("device", "backend", "phase"):
        _text(m.get(name), f"{where}.{name}")
    _expect(m.get("mode") in ("cold", "warm", "sweep"), f"{where}.mode", "expected 'cold', 'warm' or 'sweep'")
    _samples(m.get("samples"), f"{where}.samples")
    _expect(len(m["samples"]) > 0, f"{where}.samples", "is empty")
    _samples(m.get("warmup_samples", []), f"{where}.warmup_samples")
    _expect(isinstance(m.get("warnings", []), list), f"{where}.warnings", "expected a list")


def validate_results(doc: Any, source: str = "results file") -> dict[str, Any]:
    """Check a results document's shape, types and ranges; return it with statistics recomputed.

    Derived numbers (median, IQR, CI, comparisons) are recomputed from the raw samples, so what a
    report shows always follows from the samples in the file.
    """
    from mlpbench import analysis, stats
    from mlpbench.config import WorkloadConfig

    try:
        _expect(isinstance(doc, dict), "top level", "expected a JSON object")
        schema = doc.get("schema")
        _expect(isinstance(schema, str), "schema", "missing: this is not an mlpbench results file")
        if schema != RESULTS_SCHEMA:
            if isinstance(schema, str) and schema.startswith("mlpbench.results/"):
                raise _Invalid(f"schema: {schema[:60]!r} is not {RESULTS_SCHEMA!r}, the version this mlpbench reads")
            raise _Invalid(f"schema: {schema[:60]!r} is not an mlpbench results file")
        _expect(isinstance(doc.get("env", {}), dict), "env", "expected an object")
        config = doc.get("config")
        _expect(isinstance(config, dict), "config", "expected an object")
        try:
            WorkloadConfig.from_dict(config).validate()
        except (UsageError, TypeError, ValueError) as err:
            raise _Invalid(f"config: {str(err)[:200]}") from None
        measurements = doc.get("measurements")
        _expect(isinstance(measurements, list) and len(measurements) <= 10_000, "measurements", "expected a list")
        for i, m in enumerate(measurements):
            _measurement(m, f"measurements[{i}]")
        for name in ("trials", "warm"):
            _expect(isinstance(doc.get(name, []), list), name, "expected a list")
        _expect(isinstance(doc.get("runs", {}), dict), "runs", "expected an object")
        for key, run in doc.get("runs", {}).items():
            _expect(isinstance(run, dict), f"runs.{key[:40]}", "expected an object")
            _expect(isinstance(run.get("log", []), list), f"runs.{key[:40]}.log", "expected a list of lines")
            for line in run.get("log", []):
                _text(line, f"runs.{key[:40]}.log")
        _validate_sweep(doc.get("sweep"))
    except _Invalid as err:
        raise UsageError(f"{source}: invalid ({err})") from None
    # recompute the statistics from the samples
    for m in measurements:
        summary = stats.summarize(m["samples"])
        kept = [w for w in m.get("warnings", []) if isinstance(w, dict) and w.get("code") == "not_converged"]
        m.update(summary.to_json())
        m["warnings"] += [{k: str(w.get(k, ""))[:500] for k in ("code", "message", "advice")} for w in kept]
    trials = [m for m in measurements if m["mode"] in ("cold", "warm")]
    targets = list(dict.fromkeys((m["device"], m["backend"]) for m in trials))
    baseline = analysis.choose_baseline(targets)
    doc["baseline"] = {"device": baseline[0], "backend": baseline[1]} if baseline else None
    doc["comparisons"] = analysis.comparisons(trials, baseline) if baseline else []
    doc["warnings"] = analysis.flat_warnings(trials)
    doc["scaling"] = analysis.scaling(trials, doc.get("runs", {}))
    return doc


def _validate_sweep(sweep: Any) -> None:
    if sweep is None:
        return
    _expect(isinstance(sweep, dict), "sweep", "expected an object")
    _text(sweep.get("parameter"), "sweep.parameter")
    _text(sweep.get("baseline"), "sweep.baseline", optional=True)
    table = sweep.get("table")
    _expect(isinstance(table, list) and len(table) <= 100_000, "sweep.table", "expected a list")
    for i, row in enumerate(table):
        where = f"sweep.table[{i}]"
        _expect(isinstance(row, dict), where, "expected an object")
        _text(row.get("target"), f"{where}.target")
        _text(row.get("status"), f"{where}.status")
        point = row.get("point")
        _expect(isinstance(point, dict) and all(isinstance(k, str) and finite_number(v) for k, v in point.items()),
                f"{where}.point", "expected parameter names and numbers")
        _expect(finite_number(row.get("flops_per_step")), f"{where}.flops_per_step", "expected a number")
        if row["status"] == "ok":
            for name in ("per_step", "achieved"):
                _expect(finite_number(row.get(name)) and row[name] > 0, f"{where}.{name}", "expected a positive number")
            _expect(row.get("end_to_end") is None or finite_number(row["end_to_end"]), f"{where}.end_to_end",
                    "expected a number")
    _expect(isinstance(sweep.get("models", {}), dict), "sweep.models", "expected an object")
    for k, model in sweep.get("models", {}).items():
        _expect(isinstance(model, dict) and all(finite_number(model.get(f)) or model.get(f) == math.inf
                                                for f in ("overhead_s", "flops_per_s", "r2", "max_rel_error")),
                f"sweep.models.{str(k)[:40]}", "expected overhead_s, flops_per_s, r2, max_rel_error")
    _expect(isinstance(sweep.get("crossovers", []), list), "sweep.crossovers", "expected a list")
    for i, c in enumerate(sweep.get("crossovers", [])):
        _expect(isinstance(c, dict), f"sweep.crossovers[{i}]", "expected an object")
        for name in ("value", "predicted", "low", "high"):
            _expect(c.get(name) is None or finite_number(c[name]), f"sweep.crossovers[{i}].{name}", "expected a number")
        for point in c.get("points", []) or []:
            _expect(isinstance(point, dict) and finite_number(point.get("value"))
                    and (point.get("steps") is None or finite_number(point["steps"])),
                    f"sweep.crossovers[{i}].points", "expected value and steps numbers")


def load_results(path: str | os.PathLike[str]) -> dict[str, Any]:
    return validate_results(read_json(path), str(path))
