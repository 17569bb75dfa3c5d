"""The two ways a command fails, mapped to the CLI's exit codes."""


class RunFailed(Exception):
    """The run failed and nothing was changed: exit 1 with this one line."""


class BadUsage(Exception):
    """Bad usage or configuration: exit 2 with this one line."""
