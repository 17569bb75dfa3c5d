"""Debian packages some tests need: where one is missing the tests skip with the reason,
except in CI (CI=true, which .ci/run sets), where a missing one fails in one readable line."""

import ctypes.util
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def require(package: str, present: bool, what: str) -> None:
    if present:
        return
    message = f"{what} is missing: install Debian's {package} (apt-get install {package})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run these tests: {message}", pytrace=False)
    pytest.skip(message)


def gettext() -> None:
    """GNU gettext's msgfmt and msgcat, the outside judges of every catalog."""
    require("gettext", bool(shutil.which("msgfmt") and shutil.which("msgcat")),
            "GNU gettext (msgfmt, msgcat)")


def libgettextpo() -> None:
    """GNU's PO reader as a library, the judge of tests/i18n/test_po_gnu.py."""
    require("libgettextpo0", ctypes.util.find_library("gettextpo") is not None,
            "libgettextpo.so.0")


def chromium() -> None:
    require("chromium", CHROMIUM.is_file(), str(CHROMIUM))
