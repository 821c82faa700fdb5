"""mlpbench: honest CPU-vs-GPU timing of a small three-layer MLP.

The flow is workload -> measure -> statistics -> results -> report:

- ``config`` and ``workload`` hold the one workload (the user's network, data and loop);
- ``backends`` hold the training-loop implementations (eager, tuned, compiled, fused, ...);
- ``timing`` and ``runner`` measure one job phase by phase; ``bench`` and ``sweep`` repeat it;
- ``stats`` and ``results`` turn samples into statistics and a versioned JSON file;
- ``report`` turns that file into one self-contained HTML or Markdown document.
"""

import time as _time

# The earliest moment this process can see from Python code that we own: the ``import`` phase
# falls back to it where the interpreter's own start time is unknown (see ``timing``).
MODULE_LOADED_AT = _time.monotonic()

__version__ = "0.1.0"
