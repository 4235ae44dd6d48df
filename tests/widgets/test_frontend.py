"""Front-end hygiene: no HTML sinks, a fresh bundle, prefixed CSS, themed colours."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, need

JS = ROOT / "js"
STATIC = ROOT / "labelwidgets" / "static"
SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write")


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
