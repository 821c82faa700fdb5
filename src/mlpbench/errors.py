"""The one exception type for mistakes a user can make; the CLI turns it into one line and exit 2."""


class UsageError(Exception):
    """A bad flag, an impossible size, a missing device or an unreadable file.

    The message is shown to the user as it is, on one line, after ``mlpbench: error:``.
    """


class BackendUnavailable(UsageError):
    """A backend cannot run on the requested device, or its optional dependency is missing."""
