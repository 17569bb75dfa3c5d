"""The run's clock: now, or the moment SOURCE_DATE_EPOCH pins for reproducible builds."""

import os
import time
from datetime import UTC, datetime

from pipeline.errors import BadUsage


def epoch() -> float:
    """Seconds since 1970 now, or SOURCE_DATE_EPOCH's (BadUsage when it is not one)."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is None or given == "":
        return time.time()
    if not given.isdigit() or not given.isascii():
        raise BadUsage(f"SOURCE_DATE_EPOCH={given}: expected a whole number of seconds since "
                       "1970-01-01 UTC, not negative (it pins the dates of reproducible builds)")
    return float(int(given))


def now() -> datetime:
    return datetime.fromtimestamp(epoch(), UTC)


def stamp() -> str:
    """gettext's date format, in UTC (POT-Creation-Date)."""
    return time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime(epoch()))
