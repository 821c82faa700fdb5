"""``python -m mlpbench``: the same command line as the ``mlpbench`` console script."""

from mlpbench.cli import main

raise SystemExit(main())
