"""Code style is part of the suite: ruff lint and format, as `make lint` runs them."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_lint_and_format_are_clean() -> None:
    for args in (
        ["check", "labelwidgets", "tests"],
        ["format", "--check", "labelwidgets", "tests"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
