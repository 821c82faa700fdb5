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


def write_json_atomic(path: str | os.PathLike[str], data: Any) -> None:
    """Write JSON so that ``path`` always holds either the old or the new complete file.

    The data goes to a temporary file in the same directory, is flushed and fsync'ed, then
    renamed over the target (atomic on POSIX). A failure leaves the previous file intact.
    """
    path = Path(path)
    text = json.dumps(data, indent=1, allow_nan=True, default=_jsonable)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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
