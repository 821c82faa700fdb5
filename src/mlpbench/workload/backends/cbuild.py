"""Building and loading the fused CPU kernel (``mlp_fused.c``): a cache that cannot be fooled.

The library is built at first use with the system's C compiler and cached under
``$MLPBENCH_CACHE`` (or ``$XDG_CACHE_HOME/mlpbench``, ``~/.cache/mlpbench``). The cache key covers
everything that changes the machine code: the source, the compiler (its command and the first line
of its ``--version``), the flags, and this CPU's instruction set (a ``-march=native`` build reused
on another CPU can die of SIGILL). A cached file is used only if this user owns it and nobody else
can write it; a corrupt one is rebuilt. Every failure is one ``BackendUnavailable`` line.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shlex
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

from mlpbench.errors import BackendUnavailable

SOURCE = Path(__file__).with_name("mlp_fused.c")
FLAGS = ["-O3", "-march=native", "-fno-math-errno", "-fopenmp", "-shared", "-fPIC"]
SYMBOLS = ("mlp_layout", "mlp_workspace_size", "mlp_train")


def compiler() -> list[str] | None:
    """The compiler command: ``$CC`` split like a shell would ("ccache gcc" works), else cc, gcc, clang."""
    given = os.environ.get("CC", "").strip()
    if given:
        try:
            argv = shlex.split(given)
        except ValueError:
            return None
        return argv if argv and shutil.which(argv[0]) else None
    for name in ("cc", "gcc", "clang"):
        found = shutil.which(name)
        if found:
            return [found]
    return None


def unavailable_reason() -> str | None:
    if compiler() is None:
        given = os.environ.get("CC", "").strip()
        if given:
            return f"CC={given!r} does not name a C compiler on PATH; fix CC or unset it"
        return "no C compiler found (install gcc or set CC) to build the fused CPU kernel"
    return None


@functools.lru_cache(maxsize=4)
def _compiler_identity(argv: tuple[str, ...]) -> str:
    try:
        out = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise BackendUnavailable(f"the C compiler {' '.join(argv)!r} does not run ({err})") from None
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0] if first else "unknown"


def _cpu_features() -> str:
    """This CPU's instruction-set flags (what -march=native compiles for)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return os.uname().machine


def cache_dir() -> Path:
    base = os.environ.get("MLPBENCH_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlpbench"


def library_path() -> Path:
    """The library for this source, compiler, flags and CPU (cached by content hash)."""
    argv = compiler()
    if argv is None:
        raise BackendUnavailable(unavailable_reason() or "no C compiler")
    key = "\n".join([SOURCE.read_text(), " ".join(argv), _compiler_identity(tuple(argv)), *FLAGS,
                     os.uname().machine, _cpu_features()])
    return cache_dir() / f"mlp_fused-{hashlib.sha256(key.encode()).hexdigest()[:16]}.so"


def trusted(path: Path) -> bool:
    """Owned by this user and writable by nobody else (a library is code this process will run)."""
    try:
        info = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def build(path: Path) -> None:
    """Compile into ``path`` atomically (a concurrent build never sees half a file)."""
    argv = compiler()
    if argv is None:
        raise BackendUnavailable(unavailable_reason() or "no C compiler")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            out = Path(tmp) / path.name
            try:
                proc = subprocess.run([*argv, *FLAGS, str(SOURCE), "-o", str(out), "-lm"], capture_output=True,
                                      text=True, timeout=300)
            except (OSError, subprocess.TimeoutExpired) as err:
                raise BackendUnavailable(f"building the fused CPU kernel failed: {err}") from None
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
                raise BackendUnavailable(f"building the fused CPU kernel failed: {last[:300]}")
            out.chmod(0o755)
            os.replace(out, path)
    except OSError as err:
        raise BackendUnavailable(f"cannot write the fused CPU kernel to {path.parent} ({err.strerror}); "
                                 f"set MLPBENCH_CACHE to a writable directory") from None


def _open(path: Path) -> ctypes.CDLL:
    lib = ctypes.CDLL(str(path))
    for name in SYMBOLS:
        getattr(lib, name)  # AttributeError: a library that is not ours
    return lib


def load() -> ctypes.CDLL:
    """The kernel library: cached when it is trustworthy and loads, otherwise rebuilt (once)."""
    path = library_path()
    if path.exists() and not trusted(path):
        path_unlink(path)
    if not path.exists():
        build(path)
    try:
        return _open(path)
    except (OSError, AttributeError):
        path_unlink(path)  # corrupt (a truncated file, another library): build it again
        build(path)
        try:
            return _open(path)
        except (OSError, AttributeError) as err:
            raise BackendUnavailable(f"the fused CPU kernel {path} does not load ({err})") from None


def path_unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as err:
        raise BackendUnavailable(f"the cached kernel {path} cannot be trusted or replaced ({err.strerror}); "
                                 f"remove it or set MLPBENCH_CACHE") from None
