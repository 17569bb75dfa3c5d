"""Shared fixtures: a local site, and a copy of the shipped locales and output."""

import shutil

import pytest

from tests.support import ROOT, requires
from tests.support.server import Site


@pytest.fixture
def site():
    site = Site()
    yield site
    site.close()


@pytest.fixture
def workdir(tmp_path):
    """A copy of the shipped locales and output, so tests never touch the checkout's."""
    shutil.copytree(ROOT / "locales", tmp_path / "locales",
                    ignore=shutil.ignore_patterns("*.mo"))
    if (ROOT / "output").is_dir():
        shutil.copytree(ROOT / "output", tmp_path / "output",
                        ignore=shutil.ignore_patterns("report.json", ".lock"))
    return tmp_path


@pytest.fixture
def gettext():
    """GNU gettext installed (else skipped, or failed in CI: tests/support/requires.py)."""
    requires.gettext()
