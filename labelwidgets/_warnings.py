"""Warning classes of labelwidgets (the test suite turns them into errors)."""

from __future__ import annotations


class LabelwidgetsWarning(UserWarning):
    """Something the user should look at, e.g. an export that is mostly refusals."""
