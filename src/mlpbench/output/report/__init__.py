"""The one file with everything: ``write_report(results, path, lang)``, the format by the suffix.

To add a format: one module with ``write(report, path) -> list[Path]`` and one line in FORMATS.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from mlpbench.errors import UsageError
from mlpbench.results.model import Results

FORMATS = {".html": "mlpbench.output.report.html", ".md": "mlpbench.output.report.markdown"}


def write_report(results: Results, path: str | os.PathLike[str], lang: str = "en") -> list[Path]:
    """Render ``results`` to ``path``; returns the files written (the report first)."""
    from mlpbench.output.report.content import build

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"-o {path}: the report format follows the suffix; use {' or '.join(FORMATS)}")
    return importlib.import_module(FORMATS[suffix]).write(build(results, lang), path)
