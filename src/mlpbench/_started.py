"""What every part of mlpbench may know about the package itself, without importing it: its version,
and when this process first ran mlpbench's code (on the time.monotonic clock; the package imports
this first), which the ``import`` phase falls back to where the interpreter's own start is unknown."""

import time

MODULE_LOADED_AT = time.monotonic()
VERSION = "0.2.0"
