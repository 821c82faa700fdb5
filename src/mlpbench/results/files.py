"""Results files: written atomically, read back defensively.

A results file may come from another machine or be hand-edited, so nothing in it is trusted: it
is read with a size bound, decoded as plain JSON into the typed model (no pickle, no eval; every
type, range and field checked), and every problem becomes one UsageError line.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import msgspec

from mlpbench.errors import UsageError
from mlpbench.results.model import RESULTS_SCHEMA, RUN_SCHEMA, Results, RunRecord

MAX_FILE_BYTES = 64 * 2**20
T = TypeVar("T")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write a file so that ``path`` always holds either the old or the new complete content.

    The text goes to a temporary file in the same directory, is flushed and fsync'ed, then
    renamed over the target (atomic on POSIX). A failure leaves the previous file intact. The file
    gets the permissions any new file of this user gets (the umask), not mkstemp's private 0600.
    """
    from mlpbench.faults import on_write

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        on_write()
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


JOURNAL = "sweep.jsonl"  # a sweep's points, appended as each finishes (``--resume`` continues from it)
STALE_REPORTS = ("report.html", "report.md")
# A report's whole title in each language (output/messages/report.py's "title"; a test keeps the two alike).
REPORT_TITLES = ("mlpbench report: CPU or GPU for your network?", "mlpbench レポート：このネットワークは CPU と GPU のどちらが速いか")


def remove_stale_reports(folder: Path) -> None:
    """Reports drawn from earlier results in ``folder``: a bench or sweep stopped before it writes its own
    would leave them beside its results as if they were its own. Only what mlpbench wrote goes: its reports
    (by their title) and the pictures its Markdown report links; a file of the user's own is kept."""
    reports = [folder / name for name in STALE_REPORTS if _written_by_mlpbench(folder / name)]
    figures = [f for r in reports if r.suffix == ".md" for f in _figures_of(r)]
    for path in figures + reports:
        try:
            if path.is_file():
                path.unlink()
        except OSError as err:
            raise UsageError(f"cannot remove the earlier report {path} ({err.strerror})") from None


def _written_by_mlpbench(path: Path) -> bool:
    """A report mlpbench wrote: its title (HTML ``<title>``, Markdown's first heading) in either language."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048).decode("utf-8", "replace")
    except OSError:
        return False
    return any(head.startswith(f"# {title}\n") or f"<title>{title}</title>" in head for title in REPORT_TITLES)


def _figures_of(markdown: Path) -> list[Path]:
    """The pictures an mlpbench Markdown report links beside itself (``report-<plot>.svg``), and no other file."""
    text = markdown.read_text(encoding="utf-8", errors="replace")
    names = [unquote(n) for n in re.findall(r"\]\(<([^>/]+\.svg)>\)", text)]
    return [markdown.with_name(n) for n in names
            if n.startswith(f"{markdown.stem}-") and not any(c in n for c in "/\\\0")]  # beside it, nowhere else


def encode(value: Any) -> bytes:
    """JSON of a model value, indented for people reading it (non-finite numbers become null)."""
    return msgspec.json.format(msgspec.json.encode(value), indent=1) + b"\n"


def write_model(path: str | os.PathLike[str], value: Any) -> None:
    write_text_atomic(path, encode(value))


def check_writable_file(path: str | os.PathLike[str], flag: str) -> Path:
    """Fail early (before long work) if ``path`` cannot be written later."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory, not a file")
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise UsageError(f"{flag} {path}: {parent} is not a directory")
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{flag} {path}: not writable")
    return path


def read_bytes(path: str | os.PathLike[str], what: str = "results file") -> bytes:
    """A file's bytes with a size bound; any failure is one UsageError line."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read it ({err.strerror})") from None
    size = info.st_size
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path}: is a directory, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path}: not a regular file, so not a {what}")
    if size > MAX_FILE_BYTES:
        raise UsageError(f"{path}: {size / 2**20:.0f} MiB is too large for a {what} (limit {MAX_FILE_BYTES // 2**20} MiB)")
    try:
        return path.read_bytes()
    except OSError as err:
        raise UsageError(f"{path}: cannot read it ({err.strerror})") from None


def _schema_of(data: bytes, source: str, what: str) -> str:
    """The ``schema`` of a JSON object, with JSON syntax errors reported first."""

    class Head(msgspec.Struct):
        schema: Any = None

    if not data.strip():
        raise UsageError(f"{source}: the file is empty, so not a {what}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{source}: not a {what}: not UTF-8 text") from None
    try:
        head = msgspec.json.decode(data, type=Head)
    except RecursionError:
        raise UsageError(f"{source}: not a {what}: the JSON nests too deeply") from None
    except msgspec.DecodeError as err:
        text = str(err)
        if "malformed" in text or "truncated" in text or "UTF-8" in text:
            detail = "not UTF-8 text" if "UTF-8" in text else f"invalid or truncated JSON ({text.removeprefix('JSON is ')})"
            raise UsageError(f"{source}: not a {what}: {detail}") from None
        if "Expected `object`" in text:
            raise UsageError(f"{source}: not a {what}: expected a JSON object") from None
        raise UsageError(f"{source}: not a {what}: {_short(text)}") from None
    if not isinstance(head.schema, str):
        raise UsageError(f"{source}: not a {what}: it has no schema field, so it is not an mlpbench file") from None
    return head.schema


def _short(text: str) -> str:
    return text.replace("\n", " ")[:300]


def decode(data: bytes, model: type[T], source: str, what: str) -> T:
    try:
        return msgspec.json.decode(data, type=model)
    except msgspec.ValidationError as err:
        raise UsageError(f"{source}: invalid {what} ({_short(str(err))})") from None
    except (msgspec.DecodeError, RecursionError, ValueError) as err:
        raise UsageError(f"{source}: not a {what}: {_short(str(err))}") from None


def parse_results(data: bytes, source: str = "results file") -> Results:
    """Decode and check a results document; an older schema is converted, anything else refused."""
    schema = _schema_of(data, source, "results file")
    if schema == RESULTS_SCHEMA:
        results = decode(data, Results, source, "results file")
    elif schema == "mlpbench.results/1":
        from mlpbench.results.migrate import from_v1

        try:
            old = json.loads(data)
        except (ValueError, RecursionError):
            raise UsageError(f"{source}: not a results file: invalid JSON") from None
        results = from_v1(old, source)
    elif schema.startswith("mlpbench.results/"):
        raise UsageError(f"{source}: schema {schema[:60]!r} is not one this mlpbench reads ({RESULTS_SCHEMA}); "
                         f"a newer mlpbench wrote it")
    else:
        raise UsageError(f"{source}: schema {schema[:60]!r} is not an mlpbench results file")
    try:
        results.config.validate()
    except UsageError as err:
        raise UsageError(f"{source}: invalid results file (config: {err})") from None
    return results


def load_results(path: str | os.PathLike[str]) -> Results:
    return parse_results(read_bytes(path), str(path))


def load_run(path: str | os.PathLike[str]) -> RunRecord:
    data = read_bytes(path, "run record")
    schema = _schema_of(data, str(path), "run record")
    if schema != RUN_SCHEMA:
        raise UsageError(f"{path}: schema {schema[:60]!r} is not {RUN_SCHEMA!r}")
    return decode(data, RunRecord, str(path), "run record")
