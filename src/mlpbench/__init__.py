"""mlpbench: honest CPU-vs-GPU timing of a small network — the seed's MLP or your own workload.

The flow is workload -> measure -> statistics -> results -> output (see the README's Architecture):

    import mlpbench
    result = mlpbench.bench("my_workload.py", devices=("cpu", "cuda"))
    print(result.summary())
    result.report("report.html")
"""

from mlpbench._started import VERSION as __version__  # first: the earliest moment mlpbench's code runs

__all__ = ["bench", "sweep", "run", "load"]


def __getattr__(name: str):
    """The notebook API, imported on first use (``import mlpbench`` itself stays light)."""
    if name in __all__:
        from mlpbench import api

        return getattr(api, name)
    raise AttributeError(f"module 'mlpbench' has no attribute {name!r}")


def __dir__() -> list[str]:
    """What a notebook's tab completion offers: the API, though it is imported only on first use."""
    return sorted([*globals(), *__all__])
