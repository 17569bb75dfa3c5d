"""A Debian package a test needs: skipped with its reason locally, one failing line in CI."""

import pytest

from tests.support.requires import require


def test_a_missing_package_skips_with_its_reason(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require("libgettextpo0", False, "libgettextpo.so.0")
    assert str(skipped.value) == ("libgettextpo.so.0 is missing: install Debian's "
                                  "libgettextpo0 (apt-get install libgettextpo0)")


def test_in_ci_a_missing_package_fails_in_one_line(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        require("libgettextpo0", False, "libgettextpo.so.0")
    assert str(failed.value) == ("CI must run these tests: libgettextpo.so.0 is missing: "
                                 "install Debian's libgettextpo0 (apt-get install libgettextpo0)")
    require("libgettextpo0", True, "libgettextpo.so.0")  # present: nothing happens
