"""The one file with everything: ``write_report(results, path, lang)``, the format by the suffix;
``write_reports`` renders several formats from one build (the analysis and the plots once).

To add a format: one module with ``write(report, path) -> list[Path]`` and one line in FORMATS.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from mlpbench.errors import UsageError
from mlpbench.results.model import Results

FORMATS = {".html": "mlpbench.output.report.html", ".md": "mlpbench.output.report.markdown"}


def write_report(results: Results, path: str | os.PathLike[str], lang: str = "en", analysis=None,
                 python: bool = False) -> list[Path]:
    """Render ``results`` to ``path``; returns the files written (the report first)."""
    return write_reports(results, [path], lang, analysis, python)[0]


def write_reports(results: Results, paths: list[str | os.PathLike[str]], lang: str = "en",
                  analysis=None, python: bool = False) -> list[list[Path]]:
    """Render ``results`` once and write it to each of ``paths``; for each, the files written (the report
    first). ``analysis``: the ``Analysis`` of ``results`` where the caller has it already; ``python``: its
    advice in the notebook API's words (``Texts``), for a report drawn from a notebook."""
    from mlpbench.output.report.content import build

    paths = [Path(p) for p in paths]
    for path in paths:
        if path.suffix.lower() not in FORMATS:
            raise UsageError(f"{path}: the report's format follows the suffix; use {' or '.join(FORMATS)}")
    report = build(results, lang, analysis, python)
    return [importlib.import_module(FORMATS[path.suffix.lower()]).write(report, path) for path in paths]
