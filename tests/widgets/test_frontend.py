"""Front-end hygiene: no HTML sinks, a fresh bundle, prefixed CSS, themed colours, type-checked
JS (`// @ts-check`, tsc), and the DOM-free helpers' `node --test` suite."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, need

JS = ROOT / "js"
STATIC = ROOT / "labelwidgets" / "static"
SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write")
NODE_MODULES = ROOT / "node_modules"


def sources(suffix: str) -> list:
    return sorted(p for p in JS.rglob(f"*{suffix}"))


def test_no_html_sinks_anywhere_in_the_front_end() -> None:
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sources(".js") + sorted(STATIC.glob("*.js"))
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if SINKS.search(line)
    ]
    assert sources(".js"), "no front-end sources found"
    assert offenders == []


def test_the_bundle_is_built_from_the_current_sources(tmp_path) -> None:
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    need(
        shutil.which("node") is not None and esbuild.exists(),
        "Node.js and esbuild (npm ci) are needed to check the bundle",
    )
    subprocess.run(["node", "scripts/build_js.mjs", str(tmp_path)], cwd=ROOT, check=True)
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in STATIC.iterdir() if p.suffix in (".js", ".css"))
    stale = [
        name for name in built if (tmp_path / name).read_bytes() != (STATIC / name).read_bytes()
    ]
    assert stale == [], "labelwidgets/static is stale: run `make js` and commit the result"


@pytest.mark.parametrize("widget", [p.stem for p in sorted(JS.glob("*.js"))])
def test_each_widget_cleans_up_and_keeps_jupyter_shortcuts_out(widget: str) -> None:
    code = (JS / f"{widget}.js").read_text()
    assert "return () =>" in code, "render must return a cleanup function"
    assert "data-lm-suppress-shortcuts" in code
    assert (JS / f"{widget}.css").exists()


def test_css_classes_are_prefixed_and_colours_come_from_the_theme() -> None:
    for css in sources(".css"):
        text = css.read_text()
        rules = re.sub(r"/\*.*?\*/|@import[^;]*;", "", text, flags=re.S)
        classes = set(re.findall(r"\.([a-zA-Z][\w-]*)", rules))
        assert {c for c in classes if not c.startswith("lw-")} == set(), css.name
        colours = re.findall(r"(?:color|background|border[\w-]*)\s*:\s*([^;]+);", text)
        bare = [c for c in colours if "#" in c and "var(--jp-" not in c]
        assert bare == [], f"{css.name}: colours without a JupyterLab variable: {bare}"


def test_every_front_end_file_is_type_checked_and_no_model_is_any() -> None:
    unchecked = [
        str(p.relative_to(ROOT))
        for p in sources(".js")
        if not p.read_text().startswith("// @ts-check")
    ]
    assert unchecked == []
    untyped = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sources(".js")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"\{any\}|\bmodel: any\b|<string, any>", line)
    ]
    assert untyped == []


def test_the_front_end_passes_the_type_checker() -> None:
    tsc = NODE_MODULES / ".bin" / "tsc"
    need(
        shutil.which("node") is not None and tsc.exists(),
        "Node.js and typescript (npm ci) are needed for the type check",
    )
    result = subprocess.run(
        [str(tsc), "--noEmit", "-p", "jsconfig.json"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_node_unit_tests_pass() -> None:
    need(
        shutil.which("node") is not None and (NODE_MODULES / "typescript").exists(),
        "Node.js and the dev packages (npm ci) are needed for `node --test js/test/`",
    )
    result = subprocess.run(
        ["node", "--test", "js/test/"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    passed = re.search(r"^# pass (\d+)$", report, re.M)
    assert passed and int(passed.group(1)) >= 50, report  # the suites ran, not zero tests
    assert re.search(r"^# fail 0$", report, re.M), report
