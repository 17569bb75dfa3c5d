"""The two ways a command fails, mapped to the CLI's exit codes."""


class RunFailed(Exception):
    """The run failed and nothing was changed: exit 1 with this one line."""


class BadUsage(Exception):
    """Bad usage or configuration: exit 2 with this one line."""


def unexpected(error: BaseException) -> str:
    """The one line for an error nobody foresaw: still one line for cron, and said as a bug."""
    return f"unexpected {type(error).__name__}: {error} (please report it)"
