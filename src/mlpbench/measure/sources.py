"""The code that runs, recorded with its SHA-256 in every results file: the workload, the backends'
training loops, the user's scripts. The report shows this copy, never the files on disk now."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Mapping, Sequence

from mlpbench.results.model import Code
from mlpbench.workload.config import SEED_SCRIPTS
from mlpbench.workload.contract import Source


def code(name: str, role: str, path: str, text: str) -> Code:
    return Code(name=name, role=role, path=path, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                source=text)  # type: ignore[arg-type]


def workload_code(source: Source | None, name: str) -> Code:
    """The workload's code: its file as it was read, or (``source`` None) the built-in MLP's module."""
    if source is None:
        from mlpbench.workload import mlp

        return code(name, "workload", "mlpbench/workload/mlp.py", Path(mlp.__file__).read_text(encoding="utf-8"))
    return code(name, "workload", source.path, source.text)


def backend_code(names: Sequence[str] | Mapping[str, Sequence[str]], distributed: bool = False) -> list[Code]:
    """The code of each backend named; given {backend: device kinds}, only the files for the kinds it ran on."""
    from mlpbench.workload import backends

    kinds = names if isinstance(names, Mapping) else dict.fromkeys(names)
    files = [f for name, on in kinds.items() for f in backends.get(name).source_files(on)]
    if distributed:
        files.append(Path(backends.__file__).with_name("ddp.py"))
    return [code(f.name, "loop", f"mlpbench/workload/backends/{f.name}", f.read_text(encoding="utf-8"))
            for f in dict.fromkeys(files)]


def script_code(paths: list[str]) -> list[Code]:
    from mlpbench.measure.script import code_of

    return list({c.path: c for c in map(code_of, paths)}.values())  # one file run with two sets of arguments: once


def seed_scripts() -> list[Path]:
    """The user's two scripts as mlpbench ships them: package data in an installed mlpbench
    (``mlpbench.examples``), the checkout's ``examples/`` when run from source (PYTHONPATH=src)."""
    try:
        from importlib import resources

        folder = resources.files("mlpbench.examples")
        found = [Path(str(folder / name)) for name in SEED_SCRIPTS]
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[3] / "examples"
        found = [checkout / name for name in SEED_SCRIPTS]
    return [p for p in found if p.is_file()]


def user_scripts(already: list[Code]) -> list[Code]:
    """The seed's scripts as "user script" code, unless they ran (and are recorded) as scripts."""
    have = {c.sha256 for c in already}
    out = []
    for path in seed_scripts():
        c = code(path.name, "user script", f"examples/{path.name}", path.read_text(encoding="utf-8"))
        if c.sha256 not in have:
            out.append(c)
    return out
