"""The message catalogue: key -> (English, Japanese), one module per part of the output."""

from mlpbench.output.messages import caveats, first_screen, report, sweep, tables

MESSAGES: dict[str, tuple[str, str]] = {}
for _part in (first_screen, report, tables, sweep, caveats):
    for _key in _part.MESSAGES:
        assert _key not in MESSAGES, f"message {_key!r} is defined twice"
    MESSAGES.update(_part.MESSAGES)
